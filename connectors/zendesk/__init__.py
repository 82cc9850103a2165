"""Zendesk Support: the connector (client.py), its JSON mapping and an API simulator for tests and demos."""

from connectors.zendesk.client import ZendeskConnector

__all__ = ["ZendeskConnector"]
