# The two commands a new user needs (see README):
#   make demo   set everything up, then run the end-to-end demo
#   make test   set everything up, then run every test
.PHONY: setup demo test lint bench

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
