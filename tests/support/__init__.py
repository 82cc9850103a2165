"""Real components for the tests: PostgreSQL, the OIDC provider, SMTP, servers on loopback."""
