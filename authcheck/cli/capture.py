"""`authcheck capture`: drive the frontend in Chromium and report what it sends to the backend."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import httpx
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from authcheck.cli.common import directory_option, fail_cleanly, http_url, stdout_console
from authcheck.errors import BadInputError, ExitStatus, UnreachableError
from authcheck.frontend.inspect import CaptureReport


def _backend_from_dashboard(frontend_url: str) -> str:
    """The bundled dashboard says where it sends task calls in /config.json."""
    try:
        response = httpx.get(frontend_url.rstrip("/") + "/config.json", timeout=5)
    except httpx.TransportError as exc:
        raise UnreachableError(f"frontend not reachable at {frontend_url}: {exc}") from exc
    backend = None
    if response.status_code == 200 and "json" in response.headers.get("content-type", ""):
        backend = response.json().get("backendURL")
    if not isinstance(backend, str) or not backend:
        raise BadInputError(
            "cannot tell where this frontend sends its API calls",
            hint="pass --backend-origin URL (the backend the page calls)",
        )
    return backend


def capture_origin(report: CaptureReport) -> str:
    requests = report.capture.requests
    if not requests:
        return "the backend"
    parts = urlsplit(requests[0].url)
    return f"{parts.scheme}://{parts.netloc}"


def _render(report: CaptureReport, console: Console) -> None:
    capture = report.capture
    title = f"Requests from the page to {capture_origin(report)}"
    table = Table(title=escape(title), title_justify="left")
    for column in ("request", "status", "Authorization", "what it is"):
        table.add_column(column, overflow="fold")
    for sent in report.sent:
        req = sent.request
        auth = sent.to_dict()["authorization"] or "—"
        status = str(req.status) if req.status is not None else "no answer"
        path = urlsplit(req.url).path or "/"
        table.add_row(escape(f"{req.method} {path}"), status, escape(auth), escape(sent.summary))
    if report.sent:
        console.print(table)
    if report.client_token is not None:
        console.print(f"authClient.token() in the page: {escape(report.client_token.summary)}")
    for note in capture.notes:
        console.print(f"  note: {escape(note)}")
    if capture.error:
        console.print(f"  capture error: {escape(capture.error)}")
    for label, saved in (("screenshot", capture.screenshot), ("console log", capture.console_log)):
        if saved is not None:
            console.print(f"  {label}: {saved}")
    style = "green" if report.ok else "red"
    verdict = f"[{style}]{report.verdict.value}[/{style}]: {escape(report.message)}"
    console.print(verdict, soft_wrap=True)  # one line, whole, for pasting into an issue


def capture(
    frontend_url: Annotated[str, typer.Option(help="The frontend's URL (where users sign in).")],
    backend_origin: Annotated[
        str | None,
        typer.Option(
            help="The backend the page calls (default: asked from the bundled dashboard)."
        ),
    ] = None,
    better_auth_url: Annotated[
        str | None,
        typer.Option(help="Better Auth base URL = iss = aud, JWKS under it (default: frontend)."),
    ] = None,
    selectors: Annotated[
        Path | None, typer.Option(help="TOML file of login paths and selectors (other frontends).")
    ] = None,
    artifacts: Annotated[
        Path, typer.Option(help="Where screenshots and console logs go on a failure.")
    ] = Path("authcheck-report"),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON document to stdout.")
    ] = False,
) -> None:
    """Sign in through the page (AUTHCHECK_EMAIL/AUTHCHECK_PASSWORD or a fresh sign-up), create
    and list a task, and report what the frontend really sends: a JWT or a session token, and
    whether it verifies against the frontend's JWKS."""
    from authcheck.core.verify import VerifyPolicy
    from authcheck.frontend.capture import Credentials, PlaywrightCapture, origin_of
    from authcheck.frontend.inspect import inspect_capture
    from authcheck.frontend.selectors import load_selectors

    console = stdout_console(stderr=True)  # progress
    out = stdout_console()  # the report: `authcheck capture … | less` shows it
    with fail_cleanly("capture", as_json=as_json):
        origin_of(frontend_url)
        http_url("--better-auth-url", better_auth_url)
        directory_option("--artifacts", artifacts)
        chosen = load_selectors(selectors)  # a broken file is reported before any network call
        backend = backend_origin or _backend_from_dashboard(frontend_url)
        browser = PlaywrightCapture(
            frontend_url,
            backend,
            artifacts_dir=artifacts,
            credentials=Credentials.from_env(),
            selectors=chosen,
        )
        if not as_json:
            console.print(f"capturing {frontend_url} → {origin_of(backend)} in Chromium…")
        result = browser.capture()
        policy = VerifyPolicy.better_auth(better_auth_url or frontend_url.rstrip("/"))
        with policy.fetcher() as fetcher:
            report = inspect_capture(result, policy, fetcher)
        if as_json:
            typer.echo(json.dumps(report.to_dict(), indent=2))
        else:
            _render(report, out)
        if report.verdict.value == "capture-failed":
            raise typer.Exit(int(ExitStatus.UNREACHABLE))
        if not report.ok:
            raise typer.Exit(int(ExitStatus.FINDINGS))


def register(app: typer.Typer) -> None:
    """Add `authcheck capture`."""
    app.command("capture")(capture)
