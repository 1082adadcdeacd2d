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

    raise SystemExit(run_app(build_app(only=argv[0] if argv else None)))


def run_app(app: Any, args: list[str] | None = None) -> int:
    """Run the Typer app; a usage error or an ``AuthcheckError`` is ONE line on stderr and its
    exit status (not a boxed panel, never a traceback)."""
    import signal

    import typer

    from authcheck.errors import AuthcheckError, ExitStatus

    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _quiet_interrupt)
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminated)
    try:
        status = app(args=args, standalone_mode=False)
    except ModuleNotFoundError as exc:  # an optional extra a command imports when it runs
        from authcheck.cli.app import missing_extra

        why = missing_extra(exc)
        if why is None:
            raise
        sys.stderr.write(f"authcheck: {why}\n")
        return 2
    except typer.Abort:
        sys.stderr.write("authcheck: interrupted\n")
        return ExitStatus.INTERRUPTED
    except AuthcheckError as exc:  # a command that let it through: one line, its status
        from authcheck.cli.common import report_error

        return report_error(_command_path(app, args), exc, as_json=False)
    except typer.TyperException as exc:
        ctx = getattr(exc, "ctx", None)
        where = ctx.command_path if ctx is not None else "authcheck"
        message = " ".join(exc.format_message().split())
        if message:  # empty after no_args_is_help: the help text is already printed
            sys.stderr.write(f"{where}: {message} (see '{where} --help')\n")
        return 2
    return status if isinstance(status, int) else 0


def _command_path(app: Any, args: list[str] | None) -> str:
    """``scenarios run`` from the arguments: the command and, for a group, its subcommand (never
    a positional value: that may be a token)."""
    import typer

    words = sys.argv[1:] if args is None else args
    path: list[str] = []
    command: object = typer.main.get_command(app)
    for word in words[:2]:
        commands: dict[str, object] = getattr(command, "commands", {})  # a group's
        if word not in commands:
            break
        path.append(word)
        command = commands[word]
    return " ".join(path) or "error"


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM (``timeout``, ``kill``, CI): unwind like Ctrl-C so every ``with`` block stops the
    servers it started (the Node frontend runs in its own session: nothing else would stop it)."""
    raise SystemExit(128 + signum)


def _quiet_interrupt(signum: int, frame: object) -> None:
    """Ctrl-C: Typer turns the KeyboardInterrupt into exit 130. Playwright's driver pipe closes
    under it too, and asyncio would log "Future exception was never retrieved" for it: the user
    asked to stop, so asyncio says nothing more from here on."""
    import logging

    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    raise KeyboardInterrupt


def __getattr__(name: str) -> Any:  # `from authcheck.cli.main import app` builds every command
    if name == "app":
        from authcheck.cli.app import app

        return app
    raise AttributeError(name)
