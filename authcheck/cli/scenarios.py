"""`authcheck scenarios list` and `authcheck scenarios run`: replay the spec against a backend."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from authcheck.cli.common import (
    directory_option,
    fail_cleanly,
    http_url,
    writable,
    write_report,
)
from authcheck.errors import BadInputError

if TYPE_CHECKING:
    from authcheck.engine.browser import BrowserCapture
    from authcheck.engine.catalogue import Scenario
    from authcheck.engine.source import TokenSource


def _catalogue(directory: Path | None) -> tuple[Scenario, ...]:
    from authcheck.engine.catalogue import load_catalogue

    return load_catalogue(directory)


def list_scenarios(
    catalogue: Annotated[
        Path | None, typer.Option(help="Directory of scenario TOML files.")
    ] = None,
) -> None:
    """List the scenario catalogue: id, spec ids it proves, capabilities it needs."""
    from rich.table import Table

    from authcheck.cli.common import stdout_console

    with fail_cleanly("scenarios list"):
        scenarios = _catalogue(catalogue)
    from rich import box

    # Same layout as the result table: at 80 columns the title keeps most of the width.
    table = Table(
        title=f"{len(scenarios)} scenarios",
        box=box.SIMPLE_HEAD,
        padding=(0, 1, 0, 0),
        pad_edge=False,
        show_edge=False,
    )
    table.add_column("id", no_wrap=True)
    table.add_column("proves", max_width=14)
    table.add_column("needs", max_width=12)
    table.add_column("title", ratio=1)
    for s in scenarios:
        needs = ", ".join(n.value for n in s.needs) or "-"
        table.add_row(s.id, ", ".join(s.proves), needs, s.title)
    stdout_console().print(table)


def schema() -> None:
    """Print the JSON schema of a scenario file (scenarios/schema.json is this output)."""
    import sys

    from authcheck.engine.catalogue import json_schema_text

    sys.stdout.write(json_schema_text())


def _users(values: list[str]) -> list[tuple[str, str]]:
    env = os.environ.get("AUTHCHECK_USERS", "")
    raw = values or [item for item in env.split(",") if item.strip()]
    users = []
    for item in raw:
        email, sep, password = item.strip().partition(":")
        if not sep or not email or not password:
            raise BadInputError("--user / AUTHCHECK_USERS entries must be EMAIL:PASSWORD")
        users.append((email, password))
    if users and len(users) != 2:
        raise BadInputError(f"give exactly two users (got {len(users)})", hint="--user twice")
    return users


def run(
    target: Annotated[
        str, typer.Option(envvar="AUTHCHECK_TARGET", help="Base URL of the backend under test.")
    ],
    issuer_url: Annotated[
        str | None,
        typer.Option(
            envvar="AUTHCHECK_ISSUER_URL", help="Issuer speaking the control API (all scenarios)."
        ),
    ] = None,
    better_auth_url: Annotated[
        str | None,
        typer.Option(
            envvar="AUTHCHECK_BETTER_AUTH_URL", help="A real Better Auth (signs in two users)."
        ),
    ] = None,
    user: Annotated[
        list[str] | None,
        typer.Option(help="EMAIL:PASSWORD, given twice (or AUTHCHECK_USERS as e1:p1,e2:p2)."),
    ] = None,
    expired_token: Annotated[
        str | None,
        typer.Option(
            envvar="AUTHCHECK_EXPIRED_TOKEN",
            help="A real expired JWT (Better Auth source): the value, - or @file.",
        ),
    ] = None,
    routes: Annotated[
        str | None,
        typer.Option(
            help="A routes file (or default, flat). Without it the task API is discovered: "
            "the target's OpenAPI document, else probing with a valid token."
        ),
    ] = None,
    openapi: Annotated[
        str | None,
        typer.Option(help="The target's OpenAPI document (URL or file) when not at /openapi.json."),
    ] = None,
    resource: Annotated[
        str | None,
        typer.Option(help="The task resource's name (e.g. todos) when several fit."),
    ] = None,
    select: Annotated[list[str] | None, typer.Option(help="Only these ids (globs).")] = None,
    skip: Annotated[list[str] | None, typer.Option(help="Not these ids (globs).")] = None,
    report_json: Annotated[
        Path | None,
        typer.Option(help="Write the JSON report here ('-': stdout, the table goes to stderr)."),
    ] = None,
    junit: Annotated[Path | None, typer.Option(help="Write a JUnit XML report here.")] = None,
    catalogue: Annotated[Path | None, typer.Option(help="Scenario directory.")] = None,
    workers: Annotated[int, typer.Option(min=1, max=32, help="Concurrent scenarios.")] = 8,
    frontend_url: Annotated[
        str | None,
        typer.Option(
            envvar="AUTHCHECK_FRONTEND_URL",
            help="Drive this frontend in Chromium for the browser scenarios (us2.*).",
        ),
    ] = None,
    selectors: Annotated[
        Path | None,
        typer.Option(help="With --frontend-url: TOML override of the forms (docs/capture.md)."),
    ] = None,
    backend_origin: Annotated[
        str | None,
        typer.Option(help="With --frontend-url: the backend the page calls (default: --target)."),
    ] = None,
    artifacts: Annotated[
        Path | None,
        typer.Option(
            help="Where browser screenshots and console logs go (default: beside "
            "--report-json, else authcheck-report/, as for capture)."
        ),
    ] = None,
    thorough: Annotated[
        bool,
        typer.Option(
            "--thorough",
            help="CI-night mode: hold the JWKS outage past the backend's own refresh, wait out "
            "longer refetch windows, repeat timing-sensitive probes.",
        ),
    ] = False,
    outage_seconds: Annotated[
        float | None,
        typer.Option(min=1.0, max=3600.0, help="How long --thorough holds the JWKS outage."),
    ] = None,
    better_auth_secret: Annotated[
        str | None,
        typer.Option(
            envvar="BETTER_AUTH_SECRET",
            show_envvar=True,
            help="The frontend's BETTER_AUTH_SECRET: HS256 tokens MACed with it must be refused "
            "(never printed).",
        ),
    ] = None,
) -> None:
    """Replay the catalogue against TARGET. Exit 0 all held, 1 a failure, 2 bad input, 3 down."""
    from authcheck.cli.common import stdout_console
    from authcheck.engine.catalogue import select as pick
    from authcheck.engine.context import RunSettings
    from authcheck.engine.results import ProgressEvent
    from authcheck.engine.routes import load_routes
    from authcheck.engine.runner import Runner, RunOptions
    from authcheck.report.base import ScenarioFormat
    from authcheck.report.scenario_formats import renderer_for
    from authcheck.report.scenario_table import (
        STYLE,
        coverage_text,
        scenario_table,
        setup_text,
    )

    out, err = stdout_console(), stdout_console(stderr=True)
    with fail_cleanly("scenarios run"):
        if (issuer_url is None) == (better_auth_url is None):
            raise BadInputError("give exactly one of --issuer-url or --better-auth-url")
        for option, url in (
            ("--target", target),
            ("--issuer-url", issuer_url),
            ("--better-auth-url", better_auth_url),
            ("--frontend-url", frontend_url),
        ):
            http_url(option, url)
        credentials = _users(user or [])
        scenarios = pick(_catalogue(catalogue), select or [], skip or [])
        if not scenarios:  # zero scenarios would "pass" vacuously
            raise BadInputError(
                "--select/--skip leave no scenario to run", "see `authcheck scenarios list`"
            )
        if routes is not None and not routes.strip():
            raise BadInputError("--routes is empty", "use default, flat or a routes file")
        route_map = None if routes is None else load_routes(routes)
        if junit is not None and str(junit) == "-":
            raise BadInputError(
                "--junit - is not supported (stdout is for --report-json -)", "give a file name"
            )
        for path in (report_json, junit):
            if path is not None and str(path) != "-":
                writable(path)
        directory_option("--artifacts", artifacts)
        if expired_token is not None:  # really expired, or exit 2 (value, - or @file)
            from authcheck.cli.common import stdin_bytes
            from authcheck.core.inputs import read_expired_jwt

            expired_token = read_expired_jwt("--expired-token", expired_token, stdin_bytes())
        source = _source(issuer_url, better_auth_url, credentials, expired_token)

        def progress(event: ProgressEvent) -> None:
            if event.setup is not None:
                err.print(setup_text(event.setup))
            if event.result is not None:
                style = STYLE[event.result.status]
                err.print(f"[{style}]{event.result.status.value:>7}[/] {event.scenario_id}")

        browser = _browser(
            frontend_url, backend_origin or target, artifacts, report_json, selectors
        )
        settings = RunSettings(
            thorough=thorough, outage_s=outage_seconds, better_auth_secret=better_auth_secret
        )
        options = RunOptions(
            target=target,
            routes=route_map,
            routes_from=f"--routes {routes}",
            openapi=openapi,
            resource=resource,
            workers=workers,
            settings=settings,
        )
        runner = Runner(source, options, browser=browser, progress=progress)
        report = runner.run(scenarios)
    to_stdout = report_json is not None and str(report_json) == "-"
    (err if to_stdout else out).print(scenario_table(report))
    coverage = coverage_text(report)
    if coverage is not None:
        (err if to_stdout else out).print(coverage)
    if report.setup is not None and report.setup.failure is not None:
        from rich.text import Text

        headline = Text.assemble(
            ("preflight failed: ", "bold red"),
            f"{report.setup.failure}\n  → {report.setup.advice}",
        )
        (err if to_stdout else out).print(headline)
    if report_json is not None:
        text = renderer_for(ScenarioFormat.JSON).render(report)
        if to_stdout:
            typer.echo(text, nl=False)
        else:
            with fail_cleanly("scenarios run"):
                write_report(report_json, text)
    if junit is not None:
        with fail_cleanly("scenarios run"):
            write_report(junit, renderer_for(ScenarioFormat.JUNIT).render(report))
    raise typer.Exit(1 if report.failed else 0)


def _source(
    issuer_url: str | None,
    better_auth_url: str | None,
    users: list[tuple[str, str]],
    expired_token: str | None,
) -> TokenSource:
    import httpx

    client = httpx.Client(timeout=10.0)
    if issuer_url is not None:
        from authcheck.engine.source import ControlSource

        return ControlSource(issuer_url, client)
    assert better_auth_url is not None
    from authcheck.engine.better_auth import BetterAuthSource, plugin_source

    # With the @authcheck/better-auth plugin every scenario runs on the app's own keys.
    found = plugin_source(better_auth_url, client) if not users else None
    if found is not None:
        return found
    return BetterAuthSource(better_auth_url, client, users=users, expired_token=expired_token)


def _browser(
    frontend_url: str | None,
    backend: str,
    artifacts: Path | None,
    report_json: Path | None,
    selectors: Path | None = None,
) -> BrowserCapture | None:
    """The Playwright capture of `authcheck capture`, when a frontend URL is given: it finds
    the forms itself, ``selectors`` overrides them; ``backend`` is what the page calls."""
    if frontend_url is None:
        if selectors is not None:
            raise BadInputError("--selectors needs --frontend-url")
        return None
    from authcheck.frontend.capture import browser_for

    http_url("--backend-origin", backend)
    directory = artifacts or Path("authcheck-report")
    if artifacts is None and report_json is not None and str(report_json) != "-":
        directory = report_json.parent
    return browser_for(frontend_url, backend, directory, selectors)


def register(app: typer.Typer) -> None:
    """Add `authcheck scenarios list|run|schema`."""
    group = typer.Typer(help="Replay the spec's scenarios against a backend.", no_args_is_help=True)
    group.command("list")(list_scenarios)
    group.command("run")(run)
    group.command("schema")(schema)
    app.add_typer(group, name="scenarios")
