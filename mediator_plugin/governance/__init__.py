"""The mediator's governance register and the notices of its changes to the CECMC (R-IND-5, R-CECMC-4)."""
