#!/usr/bin/env bash
# Every test, then the static checks. Called by `make test` after `scripts/setup.sh`.
# Three xdist workers on the two cores (many tests wait on servers and browsers), handed out one by one; servers a
# test module shares are per worker (the Next.js app gets a build directory per worker).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
.venv/bin/mypy
exec .venv/bin/pytest -n 3 "$@"
