"""SQLite storage: one connection, numbered migrations, small repositories per table."""
