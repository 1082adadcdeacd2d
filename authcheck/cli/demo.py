"""`authcheck demo`: real Better Auth + the reference backend + Chromium, the whole catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from authcheck.cli.common import fail_cleanly, stdout_console
from authcheck.errors import BadInputError

if TYPE_CHECKING:
    from authcheck.demo import DemoResult

DEFAULT_HTML = Path("reports") / "authcheck-demo.html"
DEFAULT_ARTIFACTS = Path("reports") / "artifacts"
INTERRUPTED = 130  # 128 + SIGINT, as shells report it


def _writable(path: Path | None) -> None:
    if path is not None and str(path) == "-":
        raise BadInputError("demo writes its reports to files, not to '-'", "give a file name")
    if path is not None and path.exists() and path.is_dir():
        raise BadInputError(f"cannot write {path}: it is a directory")


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BadInputError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _reports(
    result: DemoResult, report_json: Path | None, junit: Path | None, html: Path
) -> list[tuple[str, Path]]:
    from authcheck.report.base import ScenarioFormat
    from authcheck.report.html import HtmlContext, HtmlRenderer
    from authcheck.report.scenario_formats import renderer_for

    written = []
    if report_json is not None:
        _write(report_json, renderer_for(ScenarioFormat.JSON).render(result.report))
        written.append(("JSON report", report_json))
    if junit is not None:
        _write(junit, renderer_for(ScenarioFormat.JUNIT).render(result.report))
        written.append(("JUnit report", junit))
    context = HtmlContext(
        capture=result.capture,
        title=f"authcheck demo · {result.alg}",
        subtitle=(
            f"Real Better Auth at {result.endpoints.frontend_url} (JWT plugin, {result.alg} keys, "
            f"test mode) → reference backend at {result.endpoints.backend_url}"
        ),
    )
    _write(html, HtmlRenderer(context).render(result.report))
    written.append(("HTML report", html))
    return written


def demo(
    alg: Annotated[
        str, typer.Option(help="Better Auth's JWT key algorithm: EdDSA, ES256, RS256 or PS256.")
    ] = "EdDSA",
    report_json: Annotated[Path | None, typer.Option(help="Write the JSON report here.")] = None,
    junit: Annotated[Path | None, typer.Option(help="Write a JUnit XML report here.")] = None,
    html: Annotated[Path, typer.Option(help="Write the HTML report here.")] = DEFAULT_HTML,
    artifacts: Annotated[
        Path, typer.Option(help="Screenshots, console and server logs go here.")
    ] = DEFAULT_ARTIFACTS,
) -> None:
    """Start the real Better Auth frontend and the reference backend on free loopback ports,
    drive the dashboard in Chromium, run every scenario, print the report.

    Exit 0 every scenario holds, 1 a failure, 2 bad input, 3 missing or down, 130 interrupted.

    The servers are stopped in every case."""
    from rich.console import Console

    from authcheck.demo import DemoOptions, run_demo
    from authcheck.engine.results import ProgressEvent
    from authcheck.report.scenario_table import STYLE, scenario_table, setup_text

    out, err = stdout_console(), Console(stderr=True, highlight=False, soft_wrap=True)

    def step(message: str) -> None:
        err.print(f"[dim]·[/] {message}")

    def progress(event: ProgressEvent) -> None:
        if event.setup is not None:
            err.print(setup_text(event.setup))
        if event.result is not None:
            status = event.result.status
            err.print(f"  [{STYLE[status]}]{status.value:>7}[/] {event.scenario_id}")

    with fail_cleanly("demo"):
        for path in (report_json, junit, html):
            _writable(path)
        if artifacts.exists() and not artifacts.is_dir():
            raise BadInputError(f"--artifacts {artifacts} is a file, not a directory")
        try:
            artifacts.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BadInputError(
                f"--artifacts {artifacts}: cannot make the directory ({exc.strerror or exc})",
                "give a directory (it is created when missing)",
            ) from exc
        options = DemoOptions(alg=alg, artifacts_dir=artifacts)
        try:
            result = run_demo(options, step=step, progress=progress)
        except KeyboardInterrupt:
            err.print("interrupted: the frontend and backend are stopped")
            raise typer.Exit(INTERRUPTED) from None
        out.print(scenario_table(result.report))
        for label, path in _reports(result, report_json, junit, html):
            err.print(f"{label}: {path}")
        if result.report.failed:
            capture = result.capture
            shots = () if capture is None else (capture.screenshot, capture.console_log)
            for path in (*shots, *result.logs):
                if path is not None:
                    err.print(f"see: {path}")
    raise typer.Exit(1 if result.report.failed else 0)


def register(app: typer.Typer) -> None:
    """Add `authcheck demo`."""
    app.command("demo")(demo)
