"""The API's SQL: one module per resource, each a few `fetch_` functions over a Connection."""
