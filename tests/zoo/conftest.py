# The zoo runs the catalogue the way the one-defect backends do: the same module-scoped issuer,
# client and control-API source, and the catalogue loaded once.
from tests.broken_backends.conftest import catalogue, http, issuer, source

__all__ = ["catalogue", "http", "issuer", "source"]
