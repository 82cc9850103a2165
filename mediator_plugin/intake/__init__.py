"""Intake: the helpdesk sync and the queue of requests waiting for a file to be opened."""
