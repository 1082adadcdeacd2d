"""The Typer app, built from one module per command group."""

from __future__ import annotations

import importlib

import typer

# Each module exposes ``register(app: typer.Typer) -> None``; a new command is a new module here,
# named like the command (group) it adds.
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


def build_app(only: str | None = None) -> typer.Typer:
    """Every command, or just ``only`` when the caller knows which one will run (faster start)."""
    app = typer.Typer(
        name="authcheck",
        help="Diagnose Better Auth JWTs and the backend that must accept them.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    def _print_version(value: bool) -> None:
        if value:
            from authcheck import __version__

            typer.echo(__version__)
            raise typer.Exit(0)

    @app.callback()
    def _root(
        version: bool = typer.Option(
            False,
            "--version",
            is_eager=True,
            callback=_print_version,
            help="Print authcheck's version and exit (same as `authcheck version`).",
        ),
    ) -> None:
        """Diagnose Better Auth JWTs and the backend that must accept them."""

    @app.command()
    def version() -> None:
        """Print authcheck's version."""
        from authcheck import __version__

        typer.echo(__version__)

    names = (only,) if only in COMMAND_MODULES else COMMAND_MODULES
    for name in names:
        importlib.import_module(f"authcheck.cli.{name}").register(app)
    return app


app = build_app()
