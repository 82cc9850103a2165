"""Public pages: the mediator, the charter (online filing, tracking and reports come next)."""
