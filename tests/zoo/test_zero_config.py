"""Issue 8's goal: with NO routes file, every zoo backend passes the whole catalogue.

Expected to fail until route discovery and the preflight land (``RunOptions`` without routes
means "discover" then): run it with ``.venv/bin/pytest -q tests/zoo/test_zero_config.py``.
Its own issuer and servers (module scope), so each backend starts cold as in the explicit run.
"""

from collections.abc import Iterator

import pytest

from authcheck.engine.catalogue import Scenario
from authcheck.engine.results import RunReport
from authcheck.engine.runner import Runner, RunOptions
from authcheck.engine.source import ControlSource
from authcheck.issuer import TestIssuer
from tests.zoo.shapes import params, serve
from tests.zoo.verdicts import KNOWN, by_design, not_passed


@pytest.fixture(scope="module", params=params())
def backend(
    request: pytest.FixtureRequest, issuer: TestIssuer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    name: str = request.param
    with serve(name, issuer.url, tmp_path_factory.mktemp(name)) as url:
        yield name, url


def _setup(report: RunReport) -> object:
    """What discovery and the preflight said (shown when the verdicts differ)."""
    return getattr(report, "setup", None)


def test_the_catalogue_passes_with_no_routes_file(
    backend: tuple[str, str], source: ControlSource, catalogue: tuple[Scenario, ...]
) -> None:
    name, url = backend
    report = Runner(source, RunOptions(target=url)).run(catalogue)
    expected = {**by_design(catalogue), **KNOWN.get(name, {})}
    got = not_passed(report)
    assert {sid: status for sid, (status, _) in got.items()} == expected, (got, _setup(report))
