"""Helpers shared by several test packages (real servers that are not ours: PostgreSQL)."""
