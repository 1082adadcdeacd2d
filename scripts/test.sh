#!/usr/bin/env bash
# Every test, then the static checks. Called by `make test` after `scripts/setup.sh`.
# Two xdist workers (the machine has two cores), tests handed out one by one; servers a
# test module shares are per worker (the Next.js app gets a build directory per worker).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
.venv/bin/mypy
exec .venv/bin/pytest -n 2 "$@"
