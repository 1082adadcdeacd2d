#!/usr/bin/env bash
# Every test, then the static checks. Called by `make test` after `scripts/setup.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
.venv/bin/mypy
exec .venv/bin/pytest "$@"
