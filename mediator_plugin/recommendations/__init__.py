"""The register of the mediator's general recommendations to the company."""
