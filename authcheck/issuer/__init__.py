"""A Better-Auth-compatible test issuer: JWKS plus the control API of docs/control-api.md."""

from authcheck.issuer.forge import Minted, MintRequest, MintUnavailable
from authcheck.issuer.server import TestIssuer

__all__ = ["MintRequest", "MintUnavailable", "Minted", "TestIssuer"]
