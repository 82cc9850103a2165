"""Operations health for IT and the mediator: connectors, job runs, deliveries — never file content."""
