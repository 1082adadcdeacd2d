"""Console entry point. Starts fast: only the invoked command's module is imported.

``authcheck decode`` skips Typer entirely (its import alone costs more than decoding a token);
``decode.fast_main`` hands back to the full CLI for anything but ``decode TOKEN [--json]``.
"""

from __future__ import annotations

import sys
from typing import Any


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["decode"]:
        from authcheck.cli.decode import fast_main

        status = fast_main(argv[1:])
        if status is not None:
            raise SystemExit(status)
    from authcheck.cli.app import build_app

    build_app(only=argv[0] if argv else None)()


def __getattr__(name: str) -> Any:  # `from authcheck.cli.main import app` builds every command
    if name == "app":
        from authcheck.cli.app import app

        return app
    raise AttributeError(name)
