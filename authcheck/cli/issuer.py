"""`authcheck issuer serve`: a Better-Auth-compatible test issuer with the control API."""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from authcheck.cli.common import fail_cleanly, port_free
from authcheck.errors import BadInputError
from authcheck.issuer.keys import SUPPORTED_ALGS


def serve(
    host: Annotated[str, typer.Option(help="Loopback address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0 = a free one).")] = 0,
    alg: Annotated[str, typer.Option(help="EdDSA, ES256, RS256 or PS256.")] = "EdDSA",
    issuer: Annotated[str | None, typer.Option(help="iss claim (default: base URL).")] = None,
    audience: Annotated[str | None, typer.Option(help="aud claim (default: base URL).")] = None,
    token_lifetime: Annotated[int, typer.Option(min=1, help="Token lifetime in seconds.")] = 900,
    base_path: Annotated[
        str, typer.Option(help="Better Auth's basePath: the JWKS is served below it.")
    ] = "/api/auth",
    jwks_path: Annotated[
        str, typer.Option(help="Better Auth's jwks.jwksPath (e.g. /.well-known/jwks.json).")
    ] = "/jwks",
) -> None:
    """Serve a Better Auth JWKS and the /__authcheck/ control API until interrupted.

    For a backend that hard-codes Better Auth's default URL: --port 3000 --host localhost.
    """
    from authcheck.issuer.server import TestIssuer

    with fail_cleanly("issuer serve"):
        if alg not in SUPPORTED_ALGS:
            raise BadInputError(f"unsupported --alg {alg!r}", hint=f"use one of {SUPPORTED_ALGS}")
        if not host.startswith("127.") and host not in ("localhost", "::1"):
            raise BadInputError(f"--host {host} is not loopback", hint="use 127.0.0.1")
        port_free("--port", port, host)
        server = TestIssuer(
            jwks_path=_jwks_path(base_path, jwks_path),
            alg=alg,
            host=host,
            port=port or None,
            issuer=issuer,
            audience=audience,
            token_lifetime=token_lifetime,
        )
        with server:
            info = server.state.info()
            typer.echo(f"authcheck issuer at {server.url}", err=True)
            typer.echo(f"  JWKS     {info['jwks_url']}", err=True)
            typer.echo(f"  iss/aud  {info['issuer']} / {info['audience']}", err=True)
            typer.echo(f"  control  {server.url}/__authcheck/ (loopback only)", err=True)
            typer.echo("settings for the backend (the usual names; paste what yours reads):")
            for name, value in backend_settings(info, server.url):
                typer.echo(f"{name}={value}")
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                typer.echo("stopping", err=True)


def _jwks_path(base_path: str, jwks_path: str) -> str:
    for option, path in (("--base-path", base_path), ("--jwks-path", jwks_path)):
        if not path.startswith("/") or ".." in path or "?" in path:
            raise BadInputError(f"{option} {path!r} must start with / (no .. or ?)")
    return base_path.rstrip("/") + jwks_path


def backend_settings(info: dict[str, str], url: str) -> list[tuple[str, str]]:
    """The environment variables backends commonly read, with this issuer's values."""
    return [
        ("BETTER_AUTH_URL", url),
        ("JWKS_URL", info["jwks_url"]),
        ("BETTER_AUTH_JWKS_URL", info["jwks_url"]),
        ("JWT_ISSUER", info["issuer"]),
        ("JWT_AUDIENCE", info["audience"]),
    ]


def register(app: typer.Typer) -> None:
    """Add `authcheck issuer serve`."""
    group = typer.Typer(help="A Better-Auth-compatible test issuer.", no_args_is_help=True)
    group.command("serve")(serve)
    app.add_typer(group, name="issuer")
