"""The decode/verify/jwks commands on their own Typer app, plus a real JWKS server fixture.

Tests use this app (not authcheck.cli.main) so they exercise exactly these commands.
"""

from __future__ import annotations

import typer

from authcheck.cli import decode, jwks, verify


def core_app() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False, add_completion=False)

    @app.callback()
    def _root() -> None:
        """authcheck core commands."""

    for module in (decode, verify, jwks):
        module.register(app)
    return app
