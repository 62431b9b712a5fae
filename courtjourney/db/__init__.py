"""Base classes, engine and session configuration, and the Alembic migrations."""
