from collections.abc import Iterator

import httpx
import pytest

from authcheck.issuer import TestIssuer


@pytest.fixture(scope="module")
def issuer() -> Iterator[TestIssuer]:
    with TestIssuer() as server:
        yield server


@pytest.fixture
def client(issuer: TestIssuer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=issuer.url, timeout=5) as c:
        yield c
