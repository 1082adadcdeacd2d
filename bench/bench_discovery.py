"""Zero configuration's cost: discovery (OpenAPI) + preflight as a share of the whole quick run
against a fresh reference backend with no routes file (goals: setup < 1 s, the run < 3 s)."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import httpx

from authcheck.demo import backend_process
from authcheck.engine.catalogue import load_catalogue
from authcheck.engine.results import ProgressEvent
from authcheck.engine.runner import Runner, RunOptions
from authcheck.engine.source import ControlSource
from authcheck.issuer import TestIssuer
from authcheck.serve import free_port

RUNS = 3


def _one_run(issuer: TestIssuer, tmp: Path) -> tuple[float, float]:
    """Seconds until discovery and preflight were done, and for the whole run."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    prepared: list[float] = []

    def progress(event: ProgressEvent) -> None:
        if event.kind == "prepared":
            prepared.append(time.perf_counter())

    with (
        backend_process(issuer.url, port, "EdDSA", tmp / f"{port}.db", log_path=None),
        httpx.Client(timeout=10) as client,
    ):
        source = ControlSource(issuer.url, client)
        started = time.perf_counter()
        Runner(source, RunOptions(target=url), client=client, progress=progress).run(
            load_catalogue()
        )
        whole = time.perf_counter() - started
    return prepared[0] - started, whole


def main() -> None:
    with TestIssuer() as issuer, tempfile.TemporaryDirectory() as tmp:
        runs = [_one_run(issuer, Path(tmp)) for _ in range(RUNS)]
    setup = statistics.median(s for s, _ in runs)
    whole = statistics.median(w for _, w in runs)
    print(
        f"discovery + preflight: median {setup:.2f} s ({setup / whole:.0%} of the run) — goal < 1 s"
    )
    print(f"whole quick catalogue, no routes file: median {whole:.2f} s — goal < 3 s")


if __name__ == "__main__":
    main()
