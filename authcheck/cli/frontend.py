"""`authcheck frontend serve`: install, build and start the bundled real Better Auth frontend."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from authcheck.cli.common import fail_cleanly, http_url, port_free
from authcheck.errors import BadInputError, UnreachableError


def serve(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0 = a free one).")] = 3000,
    alg: Annotated[str, typer.Option(help="JWT key algorithm: EdDSA, ES256, RS256, PS256.")] = (
        "EdDSA"
    ),
    base_url: Annotated[
        str | None, typer.Option(help="BETTER_AUTH_URL (default http://127.0.0.1:PORT).")
    ] = None,
    backend_url: Annotated[
        str, typer.Option(help="Where the dashboard sends its task calls.")
    ] = "http://127.0.0.1:8000",
    database_url: Annotated[
        str | None, typer.Option(help="PostgreSQL URL (default: in-memory).")
    ] = None,
    expiration: Annotated[str | None, typer.Option(help="JWT lifetime, e.g. 15m.")] = None,
    control: Annotated[
        bool, typer.Option("--control", help="Serve the /__authcheck/ control API.")
    ] = False,
    log: Annotated[Path | None, typer.Option(help="Write the Node server's output here.")] = None,
) -> None:
    """Start real Better Auth (email+password, jwt, bearer) and the task dashboard."""
    import tempfile

    from authcheck.frontend.node import FrontendConfig, FrontendServer

    with fail_cleanly("frontend serve"), tempfile.TemporaryDirectory() as scratch:
        if not 0 <= port <= 65535:
            raise BadInputError(f"--port {port} is not a port number")
        port_free("--port", port)
        http_url("--backend-url", backend_url)
        http_url("--base-url", base_url)
        if log is not None:
            try:
                log.parent.mkdir(parents=True, exist_ok=True)
                with log.open("ab"):
                    pass
            except OSError as exc:
                raise BadInputError(f"--log {log}: cannot write ({exc.strerror or exc})") from exc
        # Without --log the server's output still goes to a file, so a failed start can quote
        # the server's own reason (e.g. a malformed --expiration) in its one line.
        log = log or Path(scratch) / "frontend.log"
        config = FrontendConfig(
            alg=alg,
            control=control,
            base_url=base_url,
            backend_url=backend_url,
            database_url=database_url,
            expiration=expiration,
        )
        server = FrontendServer(config, port=port or None, log_path=log)
        typer.echo("starting the Better Auth frontend (npm ci / build if needed)…", err=True)
        with server:
            typer.echo(f"Better Auth frontend at {server.url}", err=True)
            typer.echo(f"  dashboard {server.url}/", err=True)
            typer.echo(f"  JWKS      {server.jwks_url}", err=True)
            typer.echo(f"  backend   BETTER_AUTH_URL={server.base_url}", err=True)
            typer.echo(f"            CORS_ORIGINS={server.url}", err=True)
            if control:
                typer.echo(f"  control   {server.url}/__authcheck/ (loopback only)", err=True)
            try:
                status = server.wait()
            except KeyboardInterrupt:
                typer.echo("stopping", err=True)
                return
            if status != 0:
                raise UnreachableError(
                    f"the Better Auth frontend exited with status {status}", f"see {log}"
                )


def register(app: typer.Typer) -> None:
    """Add `authcheck frontend serve`."""
    group = typer.Typer(help="The bundled real Better Auth frontend.", no_args_is_help=True)
    group.command("serve")(serve)
    app.add_typer(group, name="frontend")
