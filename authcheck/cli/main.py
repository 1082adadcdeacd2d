"""Entry point: builds the Typer app from one module per command group."""

from __future__ import annotations

import importlib

import typer

# Each module exposes ``register(app: typer.Typer) -> None``; a new command is a new module here.
COMMAND_MODULES = (
    "decode",
    "verify",
    "jwks",
    "mint",
    "issuer",
    "scenarios",
    "frontend",
    "capture",
    "doctor",
    "demo",
)

app = typer.Typer(
    name="authcheck",
    help="Diagnose Better Auth JWTs and the backend that must accept them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Diagnose Better Auth JWTs and the backend that must accept them."""


for _name in COMMAND_MODULES:
    importlib.import_module(f"authcheck.cli.{_name}").register(app)


@app.command()
def version() -> None:
    """Print authcheck's version."""
    from authcheck import __version__

    typer.echo(__version__)


def main() -> None:
    app()
