#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: system packages, the Python environment in .venv,
# and the Node frontend. Cheap to run again: each step checks whether it is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }

# --- system packages -------------------------------------------------------------------
missing=()
[ -x "${AUTHCHECK_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)  # load generator for `make bench`
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    say "missing system packages: ${missing[*]}; install them (apt-get install -y ${missing[*]}) and run again"
    exit 2
  fi
  say "installing ${missing[*]} (apt-get)"
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}" >/dev/null
fi

# --- Python environment ----------------------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  python3 -m venv .venv
fi
# The exact versions the tests passed with (requirements/dev.lock, hashes checked), then
# authcheck itself without resolving again. `make lock` rewrites the lock from pyproject.toml.
if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ] \
    || [ requirements/dev.lock -nt .venv/.installed ]; then
  say "installing the locked Python environment (requirements/dev.lock) into .venv"
  .venv/bin/python -m pip install -q --require-hashes --no-deps -r requirements/dev.lock
  .venv/bin/python -m pip install -q --no-deps -e .
  if ! .venv/bin/python -m pip check >&2; then
    say "requirements/dev.lock is out of step with pyproject.toml: run 'make lock', then again"
    exit 1
  fi
  touch .venv/.installed
fi

# --- Node frontend (real Better Auth) --------------------------------------------------
if [ -f reference_frontend/package-lock.json ]; then
  if [ ! -d reference_frontend/node_modules ] || [ reference_frontend/package-lock.json -nt reference_frontend/node_modules/.package-lock.json ]; then
    say "npm ci in reference_frontend"
    (cd reference_frontend && npm ci --no-audit --no-fund --loglevel=error)
  fi
  if grep -q '"build"' reference_frontend/package.json; then
    (cd reference_frontend && npm run -s build)
  fi
fi
# --- the shape zoo's Express + jose backend (tests/zoo) ------------------------------------
zoo=tests/zoo/express
if [ ! -d $zoo/node_modules ] || [ $zoo/package-lock.json -nt $zoo/node_modules/.package-lock.json ]; then
  say "npm ci in $zoo"
  (cd $zoo && npm ci --no-audit --no-fund --loglevel=error)
fi
# --- the @authcheck/better-auth plugin (packages/better-auth), copied into its apps ------
# npm copies it (install-links=true): install again where the copy differs from the source.
for app in reference_frontend tests/plugin/nextapp; do
  [ -f "$app/package-lock.json" ] || continue
  copy="$app/node_modules/@authcheck/better-auth"
  if [ ! -f "$app/node_modules/.package-lock.json" ] || [ "$app/package-lock.json" -nt "$app/node_modules/.package-lock.json" ] \
    || ! diff -rq packages/better-auth/src "$copy/src" >/dev/null 2>&1 \
    || ! cmp -s packages/better-auth/index.d.ts "$copy/index.d.ts"; then
    say "npm ci in $app"
    (cd "$app" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
say "ready"
