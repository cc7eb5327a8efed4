"""Database access: engine, tables, migrations and the embedded PostgreSQL."""
