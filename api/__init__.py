"""API: read-only REST and WebSocket service over the indexer's tables (see DESIGN.md §3)."""
