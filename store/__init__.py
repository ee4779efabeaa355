"""Persistence: typed SQLAlchemy models, sessions and migrations. Knows nothing of Slack."""
