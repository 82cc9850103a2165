"""Helpdesk connectors: plain Python (no Flask), one package per vendor.

Each vendor package offers ``client.py`` (the HTTP dialogue), ``mapping.py`` (vendor JSON →
:class:`connectors.base.TicketSnapshot`) and ``simulator.py`` (a faithful fake used by the tests,
the demo and the benchmarks).
"""
