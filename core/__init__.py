"""Settings, the business clock, errors, users and roles, sessions and tokens, the audit log."""
