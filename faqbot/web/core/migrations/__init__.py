"""Alembic migrations of the web service database (applied at start-up)."""
