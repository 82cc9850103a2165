"""The mediator's reasoned proposal, the parties' answers and the implementation of the outcome."""
