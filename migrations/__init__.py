"""Alembic migrations, shipped inside the package as `jobmatch.migrations`."""
