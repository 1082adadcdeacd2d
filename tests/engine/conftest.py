from collections.abc import Iterator

import httpx
import pytest

from authcheck.engine.catalogue import Scenario, load_catalogue
from authcheck.engine.source import ControlSource
from authcheck.issuer import TestIssuer
from authcheck.serve import ThreadedUvicorn
from tests.broken_backends.app import build_app


@pytest.fixture(scope="module")
def issuer() -> Iterator[TestIssuer]:
    with TestIssuer() as server:
        yield server


@pytest.fixture(scope="module")
def backend(issuer: TestIssuer) -> Iterator[ThreadedUvicorn]:
    """The good backend, serving both the default and the flat route shapes."""
    with ThreadedUvicorn(build_app(issuer.url, flat=True)) as server:
        yield server


@pytest.fixture(scope="module")
def source(issuer: TestIssuer) -> Iterator[ControlSource]:
    with httpx.Client(timeout=10) as client:
        yield ControlSource(issuer.url, client)


@pytest.fixture(scope="session")
def catalogue() -> tuple[Scenario, ...]:
    return load_catalogue()


def pick(catalogue: tuple[Scenario, ...], *ids: str) -> tuple[Scenario, ...]:
    return tuple(s for s in catalogue if s.id in ids)
