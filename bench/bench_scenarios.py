"""The whole scenario catalogue (no browser) against a fresh reference backend
(target: under 10 s), run concurrently and, for comparison, one scenario at a time."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import httpx

from authcheck.demo import backend_process
from authcheck.engine.catalogue import load_catalogue
from authcheck.engine.results import Status
from authcheck.engine.runner import Runner, RunOptions
from authcheck.engine.source import ControlSource
from authcheck.issuer import TestIssuer
from authcheck.serve import free_port

RUNS = 3


def _one_run(issuer: TestIssuer, workers: int, tmp: Path) -> tuple[float, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    catalogue = load_catalogue()
    with (
        backend_process(issuer.url, port, "EdDSA", tmp / f"{port}.db", log_path=None),
        httpx.Client(timeout=10) as client,
    ):
        source = ControlSource(issuer.url, client)
        started = time.perf_counter()
        report = Runner(source, RunOptions(target=url, workers=workers), client=client).run(
            catalogue
        )
        elapsed = time.perf_counter() - started
    counts = ", ".join(f"{report.count(s)} {s.value}" for s in Status if report.count(s))
    return elapsed, counts


def main() -> None:
    with TestIssuer() as issuer, tempfile.TemporaryDirectory() as tmp:
        concurrent = [_one_run(issuer, 8, Path(tmp)) for _ in range(RUNS)]
        sequential = _one_run(issuer, 1, Path(tmp))
    times = [t for t, _ in concurrent]
    print(f"catalogue: {len(load_catalogue())} scenarios; outcome: {concurrent[0][1]}")
    print(
        f"concurrent (8 workers), fresh backend each run: median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f}, max {max(times):.2f}, {RUNS} runs) — target < 10 s"
    )
    print(f"one at a time (1 worker): {sequential[0]:.2f} s")


if __name__ == "__main__":
    main()
