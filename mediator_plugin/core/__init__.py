"""Shared machinery: settings, database, charter, calendar, audit, outbox, access control, SSO."""
