"""`authcheck demo` wall time: a fresh copy of the frontend (``npm ci`` + build included), then
the first and second run with everything installed. Issue targets: < 2 min after installs,
< 30 s on a second run.

The fresh copy goes to a temporary directory (``AUTHCHECK_FRONTEND_DIR``) so the checkout's own
``node_modules`` is never touched; npm may answer from its local cache.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRONTEND = ROOT / "reference_frontend"
_SKIP = {"node_modules", "dist", ".authcheck-build.lock"}
LATER_RUNS = 3


def timed_demo(workdir: Path, env: dict[str, str]) -> tuple[float, int]:
    """Seconds and exit status of one ``authcheck demo`` in a fresh process."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own argv
        [sys.executable, "-m", "authcheck", "demo", "--artifacts", str(workdir / "artifacts")],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return time.perf_counter() - started, done.returncode


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="authcheck-bench-demo-") as tmp:
        base = Path(tmp)
        fresh = base / "reference_frontend"
        shutil.copytree(FRONTEND, fresh, ignore=lambda _d, names: [n for n in names if n in _SKIP])
        env = {**os.environ, "AUTHCHECK_FRONTEND_DIR": str(fresh)}
        rows = [
            ("fresh frontend (npm ci + build + demo)", *timed_demo(base, env)),
            ("first run after installs", *timed_demo(base, env)),
        ]
        rows += [(f"later run {n}", *timed_demo(base, env)) for n in range(2, 2 + LATER_RUNS)]
    for name, seconds, status in rows:
        print(f"{name:42} {seconds:6.1f} s  (exit {status})")
    later = statistics.median(seconds for _, seconds, _ in rows[2:])
    print(f"after installs: {rows[1][1]:.1f} s (target < 120 s)")
    print(f"later runs:     median {later:.1f} s over {LATER_RUNS} (target < 30 s)")


if __name__ == "__main__":
    main()
