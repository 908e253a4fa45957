"""Alembic's migration environment and revisions (package data; see `bot.store.migrate`)."""
