"""Alembic revisions of the indexer schema (`python -m indexer migrate`)."""
