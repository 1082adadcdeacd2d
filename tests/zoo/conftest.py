from collections.abc import Iterator

import httpx
import pytest

from authcheck.engine.catalogue import Scenario, load_catalogue
from authcheck.engine.source import ControlSource
from authcheck.issuer import TestIssuer


@pytest.fixture(scope="module")
def issuer() -> Iterator[TestIssuer]:
    with TestIssuer() as server:
        yield server


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def source(issuer: TestIssuer, http: httpx.Client) -> ControlSource:
    return ControlSource(issuer.url, http)


@pytest.fixture(scope="session")
def catalogue() -> tuple[Scenario, ...]:
    return load_catalogue()
