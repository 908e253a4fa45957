"""Storage: SQLite or PostgreSQL through SQLAlchemy Core, one Alembic history, small stores per table."""
