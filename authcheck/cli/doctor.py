"""`authcheck doctor`: why does the backend answer 401 to a Better Auth token?"""

from __future__ import annotations

import os
import time
from typing import Annotated

import typer

from authcheck.cli.decode import TOKEN_HELP
from authcheck.cli.validation import http_url
from authcheck.errors import BadInputError, ExitStatus


def _credentials() -> tuple[str, str] | None:
    email, password = os.environ.get("AUTHCHECK_EMAIL"), os.environ.get("AUTHCHECK_PASSWORD")
    if email and password:
        return email, password
    if email or password:
        raise BadInputError("set both AUTHCHECK_EMAIL and AUTHCHECK_PASSWORD, or neither")
    return None


def _one_of(name: str, value: str | None, alias: str, aliased: str | None) -> str:
    """The value of an option given under its name or its alias (exactly one of them)."""
    if value is not None and aliased is not None:
        raise BadInputError(f"give {name} or {alias}, not both")
    given = value if value is not None else aliased
    if given is None:
        raise BadInputError(f"missing option {name}", f"authcheck doctor {name} URL …")
    return given


def doctor(
    better_auth_url: Annotated[
        str | None,
        typer.Option(
            "--better-auth-url",
            metavar="URL",
            help="Better Auth base URL (BETTER_AUTH_URL), or `authcheck issuer serve`'s URL. With "
            "the control API (the test issuer, the bundled frontend with AUTHCHECK_CONTROL=1) "
            "doctor mints its own tokens and experiments; else it signs in or up. "
            "Also --issuer-url.",
        ),
    ] = None,
    backend_url: Annotated[
        str | None,
        typer.Option(metavar="URL", help="The backend that answers 401. Also --target."),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            metavar="TOKEN",
            help=TOKEN_HELP + " Default: mint through the control API, else sign in "
            "(AUTHCHECK_EMAIL and AUTHCHECK_PASSWORD) or sign up and take /api/auth/token.",
        ),
    ] = None,
    routes: Annotated[
        str | None,
        typer.Option(
            metavar="FILE", help="default, flat or a routes file. Default: discover them."
        ),
    ] = None,
    openapi: Annotated[
        str | None,
        typer.Option(metavar="URL|FILE", help="The backend's OpenAPI document (URL or file)."),
    ] = None,
    resource: Annotated[
        str | None, typer.Option(metavar="NAME", help="The task resource when the API has several.")
    ] = None,
    better_auth_secret: Annotated[
        str | None,
        typer.Option(
            envvar="BETTER_AUTH_SECRET",
            show_envvar=True,
            metavar="SECRET",
            help="The frontend's BETTER_AUTH_SECRET: proves a shared-secret (HS256) backend "
            "(never printed).",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON document to stdout.")
    ] = False,
    frontend_origin: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="Where the frontend's pages are, for the CORS preflight (default: the Better "
            "Auth URL's origin when it is a real Better Auth).",
        ),
    ] = None,
    issuer_url: Annotated[str | None, typer.Option(hidden=True)] = None,
    target: Annotated[str | None, typer.Option(hidden=True)] = None,
    timeout: Annotated[
        float, typer.Option(metavar="SECONDS", help="HTTP timeout, 0.5 to 120 s.")
    ] = 10.0,
) -> None:
    """Why do I get 401? Get a token, find the task routes, call the backend with the valid
    token and with one thing changed at a time, and print a ranked diagnosis with the setting to
    change on each side. Exit 0 the backend accepts the token and refuses the wrong ones, 1
    findings, 2 bad input, 3 unreachable."""
    import httpx

    from authcheck.cli.common import fail, print_json, stdin_bytes, stdout_console
    from authcheck.core.inputs import read_token
    from authcheck.doctor import run_doctor
    from authcheck.engine.routes import load_routes
    from authcheck.errors import AuthcheckError
    from authcheck.report.envelope import Document, envelope

    try:
        better_auth_url = _one_of("--better-auth-url", better_auth_url, "--issuer-url", issuer_url)
        backend_url = _one_of("--backend-url", backend_url, "--target", target)
        http_url("--frontend-origin", frontend_origin)
        if not 0.5 <= timeout <= 120:
            raise BadInputError(f"--timeout {timeout:g} is out of range", "give 0.5 to 120 seconds")
        raw = None if token is None else _sendable(read_token(token, stdin_bytes()))
        credentials = _credentials() if raw is None else None
        if routes is not None and not routes.strip():
            raise BadInputError("--routes is empty", "use default, flat or a routes file")
        route_map = None if routes is None else load_routes(routes)
        with httpx.Client(timeout=timeout) as client:
            report = run_doctor(
                better_auth_url,
                backend_url,
                token=raw,
                credentials=credentials,
                routes=route_map,
                openapi=openapi,
                resource=resource,
                better_auth_secret=better_auth_secret,
                frontend_origin=frontend_origin,
                client=client,
            )
    except AuthcheckError as exc:
        fail("doctor", exc, as_json=as_json)
    if as_json:
        print_json(envelope(Document.DOCTOR, report.to_dict()))
    else:
        from authcheck.report.doctor_text import render_doctor

        render_doctor(stdout_console(), report, time.time())
    raise typer.Exit(int(ExitStatus.OK if report.ok else ExitStatus.FINDINGS))


def _sendable(raw: str) -> str:
    """Refuse, as bad input, a --token that cannot be sent to the backend as a header at all."""
    from authcheck.core.classify import TokenKind, classify
    from authcheck.core.jose import MAX_TOKEN_BYTES
    from authcheck.errors import BadInputError

    kind = classify(raw).kind
    if kind is TokenKind.EMPTY:
        raise BadInputError(
            "the token is empty", "Pass the JWT itself, '-' to read stdin, or @file."
        )
    if kind is TokenKind.OVERSIZED:
        raise BadInputError(
            f"the --token input is over the {MAX_TOKEN_BYTES}-byte token cap: not a token",
            "Better Auth JWTs are well under 2 KiB; pass the JWT itself (authcheck decode "
            "tells what a value is).",
        )
    if not raw.strip().isascii() or not raw.strip().isprintable():
        raise BadInputError(
            "the --token input has binary or non-ASCII characters: it cannot be sent as a header",
            "Pass the JWT itself (authcheck decode tells what a value is).",
        )
    return raw


def register(app: typer.Typer) -> None:
    """Add `authcheck doctor`."""
    app.command("doctor")(doctor)
