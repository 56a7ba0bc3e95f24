"""Alembic migrations, installed as ``tracker.migrations``."""
