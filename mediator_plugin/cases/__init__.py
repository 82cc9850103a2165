"""The mediator's file: model, state machine, procedure services, documents, letters, console pages."""
