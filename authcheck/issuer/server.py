"""Starting a test issuer on a loopback port (used by the CLI, the pytest plugin and tests)."""

from __future__ import annotations

from authcheck.issuer.app import build_app
from authcheck.issuer.state import JWKS_PATH, IssuerConfig, IssuerState
from authcheck.serve import LOOPBACK, ThreadedUvicorn, free_port


class TestIssuer(ThreadedUvicorn):
    """A running test issuer; ``state`` is its in-process state, ``url`` its base URL."""

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        *,
        alg: str = "EdDSA",
        host: str = LOOPBACK,
        port: int | None = None,
        issuer: str | None = None,
        audience: str | None = None,
        token_lifetime: int = 900,
        jwks_path: str = JWKS_PATH,
    ) -> None:
        port = port or free_port(host)
        self.state = IssuerState(
            IssuerConfig(
                base_url=f"http://{host}:{port}",
                alg=alg,
                issuer=issuer,
                audience=audience,
                token_lifetime=token_lifetime,
                jwks_path=jwks_path,
            )
        )
        super().__init__(build_app(self.state), host=host, port=port)

    def __enter__(self) -> TestIssuer:
        self.start()
        return self
