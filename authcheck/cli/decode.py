"""`authcheck decode TOKEN`: what a pasted value is and what is in it (no verification)."""

from __future__ import annotations

from typing import Annotated

import typer

TOKEN_HELP = "The token itself, '-' to read stdin, or @path to read a file."


def register(app: typer.Typer) -> None:
    """Add this module's command(s) to the app."""

    @app.command()
    def decode(
        token: Annotated[str, typer.Argument(help=TOKEN_HELP, show_default=False)],
        as_json: Annotated[
            bool, typer.Option("--json", help="Print one JSON document to stdout.")
        ] = False,
    ) -> None:
        """Show what TOKEN is (JWT, session id, cookie, ...) and decode it without verifying.

        Exit 0 for a decodable JWT, 1 for anything else or a damaged token, 2 for usage errors.
        """
        import time

        from authcheck.cli.token_common import fail, print_json, stdin_bytes, stdout_console
        from authcheck.core.classify import TokenKind, classify
        from authcheck.core.inputs import read_token
        from authcheck.errors import AuthcheckError, BadInputError

        try:
            raw = read_token(token, stdin_bytes())
            shape = classify(raw)
            if shape.kind is TokenKind.EMPTY:
                raise BadInputError("the input is empty", "Pass a JWT, '-' for stdin, or @file.")
        except AuthcheckError as exc:
            fail("decode", exc, as_json=as_json)
        now = time.time()
        if as_json:
            from authcheck.report.token_json import decode_document

            print_json(decode_document(shape, now))
        else:
            from authcheck.report.token_console import render_decode

            render_decode(stdout_console(), shape, now)
        raise typer.Exit(0 if shape.kind is TokenKind.JWS else 1)
