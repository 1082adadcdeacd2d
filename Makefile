# The two commands a new user needs (see README):
#   make demo   set everything up, then run the end-to-end demo
#   make test   set everything up, then run every test
.PHONY: setup demo test lint bench lock

setup:
	bash scripts/setup.sh

demo: setup
	.venv/bin/authcheck demo

test: setup
	bash scripts/test.sh

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

bench: setup
	.venv/bin/python -m bench

# Re-pin requirements/dev.lock after a change to pyproject.toml's dependencies (keeps the
# existing pins where they still fit; add --upgrade to move everything to the newest).
lock:
	.venv/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements/dev.lock
