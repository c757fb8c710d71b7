"""Deployment, operator and audit scripts (`ape run <name>`)."""
