"""Run every ``bench/bench_*.py``: ``.venv/bin/python -m bench`` (or ``-m bench decode``).

A benchmark whose external tool is missing (``wrk``: ``make setup`` installs it) is reported in
one line and the others still run; the exit status is then 3.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    names = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    wanted = [n for n in names if not argv or any(a in n for a in argv)]
    status = 0
    for name in wanted:
        print(f"== {name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        try:
            module.main()
        except FileNotFoundError as exc:
            tool = exc.filename or str(exc)
            print(f"bench: {name} needs {tool!s}, which is not installed (run `make setup`)")
            status = 3
        print(flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
