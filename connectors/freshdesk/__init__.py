"""Freshdesk: the connector (client.py), its JSON mapping and an API simulator for tests and demos."""

from connectors.freshdesk.client import FreshdeskConnector

__all__ = ["FreshdeskConnector"]
