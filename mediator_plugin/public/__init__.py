"""Public pages: the mediator (R614-1), the charter, online filing, tracking, the reports archive."""
