"""authcheck: diagnose the token contract between Better Auth and a Python backend."""

__version__ = "0.1.0"
