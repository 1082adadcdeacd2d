"""Both implementations of the control API, for the shared contract suite, plus the Next.js app."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from authcheck.frontend.node import FrontendConfig, FrontendServer
from authcheck.issuer import TestIssuer
from tests.plugin.nextapp import NextApp


@dataclass(frozen=True)
class Implementation:
    """One server speaking the control API: where it lives and how to make it count a request."""

    name: str
    control_base: str  # the control API is at {control_base}/__authcheck/
    jwks_url: str
    other_url: str  # a request that counts in other_requests
    alg: str = "EdDSA"


@pytest.fixture(scope="session")
def next_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NextApp]:
    """The Next.js App Router app with Better Auth, jwt() and the plugin (`next dev`)."""
    # its own build directory per xdist worker: `next dev` refuses a second server on one
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    with NextApp(tmp_path_factory.mktemp("nextapp") / "next.log", dist=worker) as app:
        yield app


@pytest.fixture(scope="session")
def issuer_implementation() -> Iterator[Implementation]:
    with TestIssuer() as issuer:
        yield Implementation(
            "python-issuer", issuer.url, f"{issuer.url}/api/auth/jwks", f"{issuer.url}/elsewhere"
        )


@pytest.fixture(scope="session")
def node_implementation(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Implementation]:
    """The plugin in the bundled frontend: node:http, toNodeHandler, default paths."""
    log = tmp_path_factory.mktemp("plugin-node") / "node.log"
    with FrontendServer(FrontendConfig(control=True), log_path=log) as server:
        auth = f"{server.url}/api/auth"
        yield Implementation("plugin-node", auth, server.jwks_url, f"{auth}/get-session")


@pytest.fixture(params=["python-issuer", "plugin-node", "plugin-next"])
def implementation(request: pytest.FixtureRequest) -> Implementation:
    if request.param == "python-issuer":
        found: Implementation = request.getfixturevalue("issuer_implementation")
        return found
    if request.param == "plugin-node":
        found = request.getfixturevalue("node_implementation")
        return found
    app: NextApp = request.getfixturevalue("next_app")
    return Implementation("plugin-next", app.auth_url, app.jwks_url, f"{app.auth_url}/get-session")


@pytest.fixture
def control(implementation: Implementation) -> Iterator[httpx.Client]:
    base = f"{implementation.control_base}/__authcheck"
    with httpx.Client(base_url=base, timeout=30) as client:
        yield client
