"""`authcheck capture`: drive the frontend in Chromium and report what it sends to the backend."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import httpx
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from authcheck.cli.common import (
    directory_option,
    fail_cleanly,
    http_url,
    port_free,
    stdout_console,
)
from authcheck.engine.browser import CapturedRequest, CaptureResult
from authcheck.engine.checks.cors import CorsVerdict
from authcheck.errors import BadInputError, ExitStatus, UnreachableError
from authcheck.frontend.inspect import CaptureReport, SentCredential


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


def _line(sent: SentCredential) -> str:
    """One live line: method, path, what the Authorization carries, valid or why not, status."""
    req = sent.request
    status = str(req.status) if req.status is not None else "no answer"
    auth = sent.to_dict()["authorization"] or "no Authorization"
    path = urlsplit(req.url).path or "/"
    return f"{req.method} {path}  {auth}  {sent.summary}  → {status}"


def _cors(result: CaptureResult, backend: str) -> CorsVerdict | None:
    """The backend's answer to the page's preflight, for the methods the page used."""
    from authcheck.engine.checks.cors import diagnose

    origin = result.page_origin
    if origin is None or not result.requests:
        return None
    base = backend.rstrip("/")  # the page may have called the proxy: ask the backend itself
    urls = {r.method: base + (urlsplit(r.url).path or "/") for r in result.requests}
    with httpx.Client(timeout=10.0) as client:
        for method, url in sorted(urls.items()):
            verdict = diagnose(client, url, origin, method)
            if not verdict.ok:
                return verdict
    return verdict


def capture(
    frontend_url: Annotated[
        str | None,
        typer.Option(help="The frontend's URL (where users sign in); optional with --proxy."),
    ] = None,
    backend_origin: Annotated[
        str | None,
        typer.Option(
            help="The backend the page calls (default: asked from the bundled dashboard); "
            "with --proxy, the backend the proxy forwards to."
        ),
    ] = None,
    better_auth_url: Annotated[
        str | None,
        typer.Option(help="Better Auth base URL = iss = aud, JWKS under it (default: frontend)."),
    ] = None,
    selectors: Annotated[
        Path | None,
        typer.Option(help="TOML override of what the capture finds by itself (docs/capture.md)."),
    ] = None,
    artifacts: Annotated[
        Path, typer.Option(help="Where screenshots and console logs go on a failure.")
    ] = Path("authcheck-report"),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON document to stdout.")
    ] = False,
    proxy: Annotated[
        bool,
        typer.Option(
            "--proxy",
            help="Run a loopback recording proxy in front of --backend-origin and classify "
            "every request that passes it (browser and the frontend's server).",
        ),
    ] = False,
    proxy_port: Annotated[
        int, typer.Option(min=0, max=65535, help="The proxy's port on 127.0.0.1 (0 = free).")
    ] = 8790,
    seconds: Annotated[
        float | None,
        typer.Option(min=0.1, help="With --proxy and no --frontend-url: stop after this long."),
    ] = None,
    rate_limit_wait: Annotated[
        float,
        typer.Option(min=0, max=600, help="Wait out Better Auth's 429s for at most this long."),
    ] = 30.0,
) -> None:
    """Sign in through the page (AUTHCHECK_EMAIL/AUTHCHECK_PASSWORD or a fresh sign-up), create
    and list a task, and report what the frontend really sends: a JWT or a session token, and
    whether it verifies against the frontend's JWKS. With --proxy, every request that passes
    the recording proxy is classified live."""
    from authcheck.core.verify import VerifyPolicy
    from authcheck.frontend.capture import Credentials, PlaywrightCapture, origin_of
    from authcheck.frontend.inspect import inspect_capture
    from authcheck.frontend.outcome import judge
    from authcheck.frontend.selectors import load_selectors
    from authcheck.report.envelope import Document, envelope

    console = stdout_console(stderr=True)  # progress and live lines
    out = stdout_console()  # the report: `authcheck capture … | less` shows it
    with fail_cleanly("capture", as_json=as_json):
        if frontend_url is None and not proxy:
            raise BadInputError("give --frontend-url (or --proxy to record a backend's traffic)")
        if frontend_url is not None:
            origin_of(frontend_url)
        http_url("--better-auth-url", better_auth_url)
        http_url("--backend-origin", backend_origin)
        directory_option("--artifacts", artifacts)
        chosen = load_selectors(selectors)  # a broken file is reported before any network call
        issuer = (better_auth_url or frontend_url or "").rstrip("/")
        if not issuer:
            raise BadInputError("--proxy without --frontend-url needs --better-auth-url")
        if proxy and backend_origin is None:
            raise BadInputError("--proxy needs --backend-origin (the backend to forward to)")
        if proxy and proxy_port:
            port_free("--proxy-port", proxy_port)
        backend = backend_origin or _backend_from_dashboard(str(frontend_url))
        policy = VerifyPolicy.better_auth(issuer)
        with policy.fetcher() as fetcher:

            def classify_one(request: CapturedRequest) -> SentCredential:
                one = CaptureResult(requests=(request,), token_from_client=None)
                return inspect_capture(one, policy, fetcher).sent[0]

            def live(request: CapturedRequest) -> None:  # on stderr, with --json too
                console.print(escape(_line(classify_one(request))), soft_wrap=True)

            def browse(page_calls: str) -> CaptureResult:
                assert frontend_url is not None
                browser = PlaywrightCapture(
                    frontend_url,
                    page_calls,
                    artifacts_dir=artifacts,
                    credentials=Credentials.from_env(),
                    selectors=chosen,
                    rate_limit_wait=rate_limit_wait,
                )
                if not as_json:
                    console.print(f"capturing {frontend_url} → {page_calls} in Chromium…")
                return browser.capture()

            cors = None
            browsed: CaptureResult | None = None
            if proxy:
                from authcheck.frontend.proxy import ProxyServer, RecordingProxy

                recorder = RecordingProxy(backend, live)
                with ProxyServer(recorder, proxy_port) as server:
                    if not as_json:
                        console.print(
                            f"recording proxy at {server.url} → {backend}: point the frontend's "
                            f"backend URL (browser and server) at {server.url}"
                        )
                    browsed = browse(server.url) if frontend_url else None
                    if browsed is None:
                        _wait(seconds, console if not as_json else None)
                    seen = recorder.requests()
                base = browsed or CaptureResult(requests=(), token_from_client=None)
                result = replace(base, requests=seen)
                cors = _cors(base, backend)
            else:
                result = browse(backend)
                cors = _cors(result, backend)
            report = inspect_capture(result, policy, fetcher)
            seen_by_browser = (
                inspect_capture(browsed, policy, fetcher) if proxy and browsed else None
            )
        outcome = judge(report, backend=backend, better_auth_url=issuer, cors=cors, via_proxy=proxy)
        if as_json:
            document = envelope(Document.CAPTURE, report.to_dict())
            document["outcome"] = outcome.to_dict()
            document["cors"] = cors.message() if cors is not None else None
            if seen_by_browser is not None:  # with --proxy: what the page itself sent
                document["browser"] = {
                    "verdict": seen_by_browser.verdict.value,
                    "message": seen_by_browser.message,
                    "requests": len(seen_by_browser.sent),
                }
            typer.echo(json.dumps(document, indent=2))
        else:
            _render(report, out)
            if seen_by_browser is not None:
                said = f"{seen_by_browser.verdict.value}: {seen_by_browser.message}"
                out.print(f"  the browser itself saw: {escape(said)}", soft_wrap=True)
            if cors is not None and not cors.ok:
                out.print(f"  CORS: {escape(cors.message())}", soft_wrap=True)
            style = "green" if outcome.status is ExitStatus.OK else "red"
            if outcome.headline != report.message:  # else the verdict line said it already
                out.print(
                    f"[{style}]exit {int(outcome.status)}[/{style}]: {escape(outcome.headline)}"
                )
        if outcome.status is not ExitStatus.OK:
            raise typer.Exit(int(outcome.status))


def _wait(seconds: float | None, console: Console | None) -> None:
    """Until Ctrl-C (or ``seconds``): the user clicks around while the proxy records."""
    import time

    if console is not None:
        console.print("recording; press Ctrl-C to stop and see the summary")
    deadline = None if seconds is None else time.monotonic() + seconds
    try:
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.2)  # the proxy runs in its own thread; this only waits for the user
    except KeyboardInterrupt:
        pass


def register(app: typer.Typer) -> None:
    """Add `authcheck capture`."""
    app.command("capture")(capture)
