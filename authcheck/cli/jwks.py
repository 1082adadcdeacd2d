"""`authcheck jwks URL|FILE`: fetch and lint a key set."""

from __future__ import annotations

from typing import Annotated

import typer

from authcheck.cli.decode import FLAG


def register(app: typer.Typer) -> None:
    """Add this module's command(s) to the app."""

    @app.command()
    def jwks(
        source: Annotated[
            str,
            typer.Argument(
                metavar="URL|FILE", help="JWKS URL (http/https) or file.", show_default=False
            ),
        ],
        as_json: Annotated[
            bool, typer.Option("--json", metavar=FLAG, help="Print one JSON document to stdout.")
        ] = False,
        insecure: Annotated[
            bool,
            typer.Option(
                "--insecure", metavar=FLAG, help="Do not verify the server's TLS certificate."
            ),
        ] = False,
        timeout: Annotated[
            float, typer.Option(min=0.1, max=120, metavar="SECONDS", help="Timeout (s).")
        ] = 5.0,
    ) -> None:
        """Fetch and lint a key set: each key, the HTTP response, and findings.

        Exit 0 usable, 1 error findings, 2 bad input, 3 unreachable or not a key set.
        """
        from authcheck.cli.common import print_json, report_error, stdout_console
        from authcheck.core.fetch import JwksFetcher
        from authcheck.core.findings import Severity
        from authcheck.errors import AuthcheckError, ExitStatus

        try:
            with JwksFetcher(source, timeout=timeout, insecure=insecure) as fetcher:
                result = fetcher.refresh()
        except AuthcheckError as exc:
            raise typer.Exit(report_error("jwks", exc, as_json=as_json)) from None
        findings = result.transport_findings + result.key_set.findings
        if as_json:
            from authcheck.report.token_json import jwks_document

            http = result.http.to_dict() if result.http else None
            print_json(jwks_document(result.source, result.key_set, http, findings))
        else:
            from authcheck.report.token_console import render_jwks

            render_jwks(stdout_console(), result.source, result.http, result.key_set, findings)
        errors = any(f.severity is Severity.ERROR for f in findings)
        raise typer.Exit(int(ExitStatus.FINDINGS if errors else ExitStatus.OK))
