"""The Typer app, built from one module per command group.

A command whose optional dependencies are not installed (``pip install authcheck`` has no
servers and no browser) still shows in ``--help`` and, run, says in one line which extra to
install (exit 2); `missing_extra` is that decision, also used by ``main.run_app``.
"""

from __future__ import annotations

import importlib
from typing import Any

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
    "routes",
    "frontend",
    "capture",
    "doctor",
    "demo",
)


# The optional dependencies, by the extra that installs them (pyproject.toml).
EXTRAS = {
    "starlette": "harness",
    "uvicorn": "harness",
    "playwright": "browser",
    "fastapi": "backend",
    "sqlmodel": "backend",
    "pydantic_settings": "backend",
    "psycopg": "backend",
}


def missing_extra(exc: ModuleNotFoundError) -> str | None:
    """The one-line message for an optional dependency that is not installed, else None."""
    root = (exc.name or "").partition(".")[0]
    extra = EXTRAS.get(root)
    if extra is None:
        return None
    return f"needs {root}, from the {extra!r} extra: pip install 'authcheck[{extra}]'"


def _register_unavailable(app: typer.Typer, name: str, why: str) -> None:
    @app.command(
        name,
        help=f"(Not installed: {why}.)",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        add_help_option=False,
    )
    def _unavailable() -> None:
        typer.echo(f"authcheck {name}: {why}", err=True)
        raise typer.Exit(2)


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
        try:
            module = importlib.import_module(f"authcheck.cli.{name}")
        except ModuleNotFoundError as exc:
            why = missing_extra(exc)
            if why is None:
                raise
            _register_unavailable(app, name, why)
            continue
        module.register(app)
    return app


def __getattr__(name: str) -> Any:  # `from authcheck.cli.app import app`: every command, built once
    if name == "app":
        built = build_app()
        globals()["app"] = built
        return built
    raise AttributeError(name)
