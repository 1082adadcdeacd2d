#!/usr/bin/env bash
# Every test, then the static checks. Called by `make test` after `scripts/setup.sh`.
# Three xdist workers on the two cores (many tests wait on servers and browsers), tests handed
# out one by one; a module's shared servers are per worker (Next.js: a build dir per worker).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
.venv/bin/mypy
exec .venv/bin/pytest -n 3 "$@"
