"""`authcheck decode TOKEN`: what a pasted value is and what is in it (no verification).

``run`` does the work; the Typer command and ``fast_main`` (a typer-free path for the console
script, see docs/core.md) both call it. Typer is imported inside ``register`` only.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

TOKEN_HELP = "The token itself, '-' to read stdin, or @path to read a file."
FLAG = ""  # metavar of an on/off option: Typer would show <bool> beside it
JSON_HELP = "Print one JSON document to stdout."


def run(token: str, as_json: bool) -> int:
    """Decode TOKEN and print the result; the exit status (0 JWT, 1 other/damaged, 2 usage)."""
    import time

    from authcheck.cli.common import print_json, report_error, stdin_bytes
    from authcheck.core.classify import TokenKind, classify
    from authcheck.core.inputs import read_token
    from authcheck.errors import AuthcheckError, BadInputError

    try:
        shape = classify(read_token(token, stdin_bytes()))
        if shape.kind is TokenKind.EMPTY:
            raise BadInputError("the input is empty", "Pass a JWT, '-' for stdin, or @file.")
    except AuthcheckError as exc:
        return report_error("decode", exc, as_json=as_json)
    now = time.time()
    if as_json:
        from authcheck.report.token_json import decode_document

        print_json(decode_document(shape, now))
    else:
        from authcheck.cli.common import stdout_console
        from authcheck.report.token_console import render_decode

        render_decode(stdout_console(), shape, now)
    return 0 if shape.kind is TokenKind.JWS else 1


def fast_main(argv: list[str]) -> int | None:
    """``decode TOKEN [--json]`` without Typer; None when argv needs the full CLI (help, ...)."""
    args = [a for a in argv if a != "--json"]
    if len(args) != 1 or (args[0].startswith("-") and args[0] != "-"):
        return None
    return run(args[0], "--json" in argv)


def register(app: typer.Typer) -> None:
    """Add this module's command(s) to the app."""
    import typer

    @app.command()
    def decode(
        token: str = typer.Argument(..., metavar="TOKEN", help=TOKEN_HELP, show_default=False),
        as_json: bool = typer.Option(False, "--json", help=JSON_HELP, metavar=FLAG),
    ) -> None:
        """Say what TOKEN is (JWT, session id, cookie…) and decode it, unverified.

        Exit 0 a decodable JWT, 1 anything else or a damaged token, 2 bad input.
        """
        raise typer.Exit(run(token, as_json))


if __name__ == "__main__":  # python -m authcheck.cli.decode TOKEN [--json]
    status = fast_main(sys.argv[1:])
    sys.exit(2 if status is None else status)
