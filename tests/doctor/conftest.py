"""One real Better Auth (test mode, EdDSA) and reference backends configured right or wrong."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from authcheck.demo import backend_process
from authcheck.frontend.node import FrontendConfig, FrontendServer
from authcheck.serve import free_port

BackendFactory = Callable[..., contextlib.AbstractContextManager[str]]


@pytest.fixture(scope="module")
def frontend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FrontendServer]:
    log = tmp_path_factory.mktemp("doctor-frontend") / "node.log"
    with FrontendServer(FrontendConfig(control=True), log_path=log) as server:
        yield server


@pytest.fixture()
def backend(frontend: FrontendServer, tmp_path: Path) -> BackendFactory:
    """``with backend(JWT_ISSUER=...) as url:`` a reference backend wired to ``frontend``."""

    @contextlib.contextmanager
    def start(**overrides: str) -> Iterator[str]:
        port = free_port()
        process = backend_process(
            frontend.base_url,
            port,
            "EdDSA",
            tmp_path / f"tasks-{port}.db",
            tmp_path / f"backend-{port}.log",
            overrides,
        )
        with process:
            yield f"http://127.0.0.1:{port}"

    return start
