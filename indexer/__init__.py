"""Indexer: follows Book and Vault events from the chain into SQL (see DESIGN.md §3)."""
