"""The administrator's pages: operations health (IT and the mediator: connectors, job runs, deliveries) and the
console's sessions (IT) — never file content."""
