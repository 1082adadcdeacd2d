"""Edges a new user trips on: each is one line on stderr with the documented exit status."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from typer.testing import CliRunner

from authcheck.cli.app import build_app
from authcheck.engine.results import RunReport, ScenarioResult, Status
from authcheck.report.scenario_table import TableRenderer
from authcheck.serve import ThreadedUvicorn
from tests.core.keys import ED_KEY, claims, mint

APP = build_app()
runner = CliRunner()
TOKEN = mint(ED_KEY, claims(iss="http://127.0.0.1:1", aud="http://127.0.0.1:1"))


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize("command", [["jwks"], ["verify", TOKEN, "--jwks"]])
def test_a_non_http_scheme_is_named_not_mangled_into_a_file_path(command: list[str]) -> None:
    result = runner.invoke(APP, [*command, "ftp://example.test/jwks"])
    assert result.exit_code == 2
    line = _one_line(result.stderr)
    assert "unsupported URL scheme 'ftp'" in line and "ftp://example.test/jwks" in line


def test_host_port_without_scheme_suggests_the_url() -> None:
    result = runner.invoke(APP, ["jwks", "localhost:3000"])
    assert result.exit_code == 2
    assert "http://localhost:3000/api/auth/jwks" in _one_line(result.stderr)


@pytest.mark.parametrize("source", ["", "   "])
def test_an_empty_jwks_source_is_bad_input_not_the_current_directory(source: str) -> None:
    result = runner.invoke(APP, ["jwks", source])
    assert result.exit_code == 2
    line = _one_line(result.stderr)
    assert "empty" in line and "directory" not in line


@pytest.mark.parametrize("value", ["", " , "])
def test_empty_algorithms_is_refused_not_replaced_by_the_default(value: str) -> None:
    result = runner.invoke(
        APP, ["verify", TOKEN, "--jwks", "http://127.0.0.1:1/jwks", "--algorithms", value]
    )
    assert result.exit_code == 2
    assert "--algorithms is empty" in _one_line(result.stderr)


def test_verify_takes_better_auth_url_like_the_other_commands() -> None:
    result = runner.invoke(APP, ["verify", TOKEN, "--better-auth-url", "localhost:3000"])
    assert result.exit_code == 2
    assert "wants a base URL" in _one_line(result.stderr)


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (
            ["scenarios", "run", "--target", "localhost:8000", "--issuer-url", "http://x"],
            "--target",
        ),
        (["scenarios", "run", "--target", "", "--issuer-url", "http://x"], "--target"),
        (["scenarios", "run", "--target", "http://x", "--issuer-url", "ftp://x"], "--issuer-url"),
        (["mint", "--issuer-url", "localhost:3999"], "--issuer-url"),
    ],
)
def test_a_url_without_http_scheme_is_bad_input_not_unreachable(
    argv: list[str], option: str
) -> None:
    result = runner.invoke(APP, argv)
    assert result.exit_code == 2, result.output
    assert f"{option} wants an http(s) URL" in _one_line(result.stderr)


@pytest.mark.parametrize("flag", ["--report-json", "--junit"])
def test_a_report_path_that_is_a_directory_is_refused_before_the_run(
    flag: str, tmp_path: Path
) -> None:
    argv = ["scenarios", "run", "--target", "http://127.0.0.1:1", "--issuer-url", "http://x"]
    result = runner.invoke(APP, [*argv, flag, str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "is a directory" in _one_line(result.stderr)


def _html_404(request: Request) -> HTMLResponse:
    return HTMLResponse("<!DOCTYPE html>\n<html>\n<body>\nNot Found\n</body>\n</html>\n", 404)


def test_a_server_error_page_is_reported_on_one_line() -> None:
    app = Starlette(routes=[Route("/{path:path}", _html_404, methods=["GET", "POST"])])
    with ThreadedUvicorn(app) as server:
        result = runner.invoke(APP, ["mint", "--issuer-url", server.url])
    assert result.exit_code == 3, result.output
    assert "Not Found" in _one_line(result.stderr)


def test_piped_human_output_is_wide_and_wrapped_lines_keep_their_indent() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    done = subprocess.run(
        [sys.executable, "-m", "authcheck", "decode", "-"],
        input=b"\x00\xff" * 40 + b"\n",
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    lines = done.stdout.decode().splitlines()
    findings = lines[lines.index("Findings") + 1 :]
    assert findings[0].startswith("  error   token.not-jwt")
    # 120 columns when piped: the finding's message (86 characters) is whole on its line ...
    assert findings[0].endswith("not a token"), findings
    assert len(findings) >= 3  # the hint wraps even at 120
    # ... and every wrapped or hint line hangs under the text, none back at column 0.
    for line in findings:
        assert line.startswith(("  warning ", "  error   ", " " * 10)), line
        assert len(line) <= 120 and line == line.rstrip()


def test_the_scenario_table_at_80_columns_leaves_the_reason_most_of_the_width() -> None:
    reason = "a token of a deleted user keeps working until it expires: up to 900 s"
    result = ScenarioResult(
        "edge.foreign-key-same-kid", "t", ("FR-007", "SC-002"), Status.WARNED, reason, 0.1
    )
    report = RunReport("http://127.0.0.1:8000", "issuer", "2026-01-01T00:00:00Z", 0.1, (result,))
    text = TableRenderer(width=80).render(report)
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines), text
    # Status, id and spec ids stay on one line; the reason starts early enough to get 28+ columns
    # (it had 20 in the old boxed layout, where it wrapped every few words).
    row = next(line for line in lines if "edge.foreign-key-same-kid" in line)
    assert "FR-007, SC-002" in row
    assert row.index("a token") <= 80 - 28, text
    assert " ".join(" ".join(lines).split()).count("up to 900 s") == 1


def _authcheck(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "authcheck", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--bogus"], "authcheck: No such option: --bogus"),
        (["nosuch"], "authcheck: No such command 'nosuch'."),
        (["verify"], "authcheck verify: Missing argument 'TOKEN'."),
        (["verify", "x", "--leeway", "-5"], "Invalid value for '--leeway'"),
        (["mint"], "authcheck mint: Missing option '--issuer-url'."),
        (["issuer", "serve", "--port", "abc"], "Invalid value for '--port'"),
    ],
)
def test_a_usage_error_is_one_line_with_where_to_look(args: list[str], expected: str) -> None:
    done = _authcheck(*args)
    assert done.returncode == 2
    line = _one_line(done.stderr)
    assert expected in line and line.endswith("--help')"), line
    assert not done.stdout


@pytest.mark.parametrize("group", ["issuer", "frontend"])
def test_serve_on_a_port_in_use_says_so_instead_of_starting(group: str) -> None:
    app = Starlette(routes=[Route("/{path:path}", _html_404)])
    with ThreadedUvicorn(app) as busy:
        port = busy.url.rsplit(":", 1)[1]
        result = runner.invoke(APP, [group, "serve", "--port", port])
    assert result.exit_code == 2, result.output
    line = _one_line(result.stderr)
    assert f"cannot listen on 127.0.0.1:{port}" in line and "--port 0" in line


@pytest.mark.parametrize(
    "argv",
    [
        ["issuer", "serve", "--port", "70000"],
        ["issuer", "serve", "--token-lifetime", "-5"],
        ["frontend", "serve", "--port", "0", "--backend-url", "ftp://x"],
    ],
)
def test_serve_refuses_impossible_settings_in_one_line(argv: list[str]) -> None:
    done = _authcheck(*argv)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in _one_line(done.stderr)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the token is empty"),
        (b"   \n", "the token is empty"),
        (b"a" * 20_000, "over the 16384-byte token cap"),
        (b"\x00\xff\xfe binary", "binary or non-ASCII"),
    ],
)
def test_doctor_refuses_a_token_it_cannot_send_instead_of_blaming_the_backend(
    content: bytes, expected: str, tmp_path: Path
) -> None:
    (tmp_path / "token").write_bytes(content)
    # Nothing listens on port 1: had the token been sent, the answer would be "did not answer".
    argv = [
        "doctor",
        "--better-auth-url",
        "http://127.0.0.1:1",
        "--backend-url",
        "http://127.0.0.1:1",
    ]
    result = runner.invoke(APP, [*argv, "--token", f"@{tmp_path / 'token'}"])
    assert result.exit_code == 2, result.output
    assert expected in _one_line(result.stderr)


def test_capture_reports_a_broken_selectors_file_before_any_network_call(tmp_path: Path) -> None:
    broken = tmp_path / "selectors.toml"
    broken.write_text("login = [\n", encoding="utf-8")
    # Port 1 refuses: before the fix the selectors file was never read, the line was about
    # the unreachable frontend.
    argv = ["capture", "--frontend-url", "http://127.0.0.1:1", "--selectors", str(broken)]
    result = runner.invoke(APP, argv)
    assert result.exit_code == 2, result.output
    assert "not valid TOML" in _one_line(result.stderr)


@pytest.mark.parametrize("below", ["", "sub"])
def test_demo_with_a_file_as_artifacts_is_one_line_before_anything_starts(
    below: str, tmp_path: Path
) -> None:
    a_file = tmp_path / "token.txt"
    a_file.write_text("x", encoding="utf-8")
    result = runner.invoke(APP, ["demo", "--artifacts", str(a_file / below if below else a_file)])
    assert result.exit_code == 2, result.output
    assert "--artifacts" in _one_line(result.stderr)


def test_scenarios_run_refuses_an_empty_routes_value() -> None:
    argv = ["scenarios", "run", "--target", "http://127.0.0.1:1", "--issuer-url", "http://x"]
    result = runner.invoke(APP, [*argv, "--routes", ""])
    assert result.exit_code == 2, result.output
    assert "--routes is empty" in _one_line(result.stderr)


def test_verify_better_auth_url_alias_wins_over_the_environment_but_not_over_the_flag(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AUTHCHECK_BETTER_AUTH_URL", "http://127.0.0.1:1")
    given = runner.invoke(APP, ["verify", TOKEN, "--better-auth-url", "not-a-url"])
    assert "got 'not-a-url'" in _one_line(given.stderr)  # the flag's value, not the env's
    both = runner.invoke(
        APP, ["verify", TOKEN, "--better-auth-url", "http://a", "--better-auth", "http://b"]
    )
    assert both.exit_code == 2
    assert "not both" in _one_line(both.stderr)


def test_help_texts_are_not_cut_at_80_columns() -> None:
    for argv in (["verify"], ["doctor"], ["demo"]):
        done = subprocess.run(
            [sys.executable, "-m", "authcheck", *argv, "--help"],
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": "80", "TERMINAL_WIDTH": "80"},
            timeout=60,
            check=False,
        )
        assert done.returncode == 0
        assert "…" not in done.stdout, done.stdout
        if argv == ["demo"]:  # the exit statuses read as one sentence, no stray line break
            assert "missing or down, 130" in done.stdout, done.stdout


def test_capture_json_bad_input_is_a_json_error_document_too() -> None:
    result = runner.invoke(APP, ["capture", "--frontend-url", "ftp://x", "--json"])
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["command"] == "capture"
    assert document["findings"][0]["code"] == "input.invalid"


INTERRUPTED_WITH_A_DANGLING_FUTURE = """
import asyncio, os, signal, typer
from authcheck.cli.main import run_app

app = typer.Typer()

@app.command()
def capture() -> None:
    loop = asyncio.new_event_loop()
    future = loop.create_future()
    future.set_exception(Exception("Connection closed while reading from the driver"))
    os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C mid-capture: the future is never retrieved
    signal.pause()

raise SystemExit(run_app(app, []))
"""


def test_ctrl_c_mid_capture_exits_130_without_asyncio_noise() -> None:
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_WITH_A_DANGLING_FUTURE],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 130
    assert "Future exception" not in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_doctor_against_a_backend_that_hangs_times_out_with_a_clear_line() -> None:
    with socket.socket() as silent:  # accepts connections (backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        backend = f"http://127.0.0.1:{silent.getsockname()[1]}"
        argv = ["doctor", "--better-auth-url", "http://127.0.0.1:1", "--backend-url", backend]
        result = runner.invoke(APP, [*argv, "--token", TOKEN, "--timeout", "0.5"])
    assert result.exit_code == 3, result.output
    assert "did not answer within 0.5 s" in _one_line(result.stderr)


def test_verify_against_a_jwks_that_hangs_says_so_on_stderr_too() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        jwks = f"http://127.0.0.1:{silent.getsockname()[1]}/api/auth/jwks"
        result = runner.invoke(APP, ["verify", TOKEN, "--jwks", jwks, "--timeout", "0.5"])
    assert result.exit_code == 3, result.output
    assert "JWKS UNUSABLE" in result.stdout  # the full report is still there
    assert "timed out after 0.5 s" in _one_line(result.stderr)


def test_scenarios_run_refuses_a_file_as_artifacts_before_the_run(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    argv = ["scenarios", "run", "--target", "http://127.0.0.1:1", "--issuer-url", "http://x"]
    result = runner.invoke(APP, [*argv, "--artifacts", str(a_file)])
    assert result.exit_code == 2, result.output
    assert "is a file, not a directory" in _one_line(result.stderr)


def test_dash_dash_version_prints_the_version_like_the_command() -> None:
    from authcheck import __version__

    done = _authcheck("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == __version__


def test_skipping_every_scenario_is_bad_input_not_a_vacuous_pass() -> None:
    argv = ["scenarios", "run", "--target", "http://127.0.0.1:1", "--issuer-url", "http://x"]
    result = runner.invoke(APP, [*argv, "--skip", "*"])
    assert result.exit_code == 2, result.output
    assert "leave no scenario to run" in _one_line(result.stderr)


@pytest.mark.parametrize("option", ["--issuer", "--audience"])
def test_an_empty_expected_issuer_or_audience_is_bad_input(option: str) -> None:
    result = runner.invoke(APP, ["verify", TOKEN, "--jwks", "http://127.0.0.1:1/j", option, ""])
    assert result.exit_code == 2, result.output
    assert f"{option} is empty" in _one_line(result.stderr)


def test_browser_artifacts_with_json_on_stdout_go_to_the_capture_default_not_cwd() -> None:
    from authcheck.cli.scenarios import _browser

    browser = _browser("http://127.0.0.1:1", "http://127.0.0.1:2", None, Path("-"))
    assert browser is not None
    assert browser.artifacts_dir == Path("authcheck-report")  # was Path("-").parent, the cwd


def test_doctor_text_at_80_columns_wraps_under_its_own_text() -> None:
    import io

    from rich.console import Console

    from authcheck.doctor.model import BackendCall, Diagnosis, DoctorReport, Kind, TokenFacts
    from authcheck.report.doctor_text import render_doctor

    long = "http://127.0.0.1:39101/some/long/path/that/does/not/fit"
    report = DoctorReport(
        better_auth_url="http://127.0.0.1:39101",
        backend_url="http://127.0.0.1:8000",
        jwks_url=long,
        jwks_keys=tuple(f"kid{n:029d} (EdDSA)" for n in range(4)),
        jwks_findings=(),
        token=TokenFacts(origin="--token", kind="jws", redacted="eyJhbG…[redacted 311 chars]"),
        verification=None,
        baseline=BackendCall("GET", "/api/me", 401, 1.0, detail="issuer mismatch " * 8),
        diagnoses=(
            Diagnosis(
                1,
                "issuer-mismatch",
                Kind.CAUSE,
                "iss mismatch " * 6,
                "host differs " * 8,
                None,
                None,
            ),
        ),
    )
    out = io.StringIO()
    render_doctor(Console(file=out, width=80, color_system=None), report, 0.0)
    lines = out.getvalue().splitlines()
    assert all(len(line) <= 80 and line == line.rstrip() for line in lines), lines
    headers = ("Better Auth", "Token", "Backend", "Why", "1. ")
    # Before, wrapped lines restarted at column 0 ("(EdDSA), kid…", "issuer mismatch…").
    for line in lines:
        assert line.startswith(" ") or line.startswith(headers), line


def test_the_jwks_http_lines_wrap_under_their_text_at_80_columns() -> None:
    import io

    from rich.console import Console

    from authcheck.core.fetch import HttpInfo
    from authcheck.report.token_console import render_http

    http = HttpInfo(
        url="http://127.0.0.1:39101/api/auth/jwks",
        status=200,
        content_type="application/json",
        cache_control="public, max-age=300, stale-while-revalidate=60",
        etag='"abcdef0123456789"',
        expires=None,
        latency_ms=37.0,
        date="Tue, 24 Nov 2026 22:50:40 GMT",
        clock_skew=-1.3,
    )
    out = io.StringIO()
    render_http(Console(file=out, width=80, color_system=None), http, http.url)
    lines = out.getvalue().splitlines()
    assert len(lines) >= 3 and lines[0].startswith("JWKS: ")
    assert all(line.startswith("      ") and len(line) <= 80 for line in lines[1:]), lines


def test_scenarios_list_at_80_columns_leaves_the_title_room() -> None:
    result = runner.invoke(APP, ["scenarios", "list"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    row = next(line for line in lines if line.startswith("edge.alg-none"))
    assert "An unsigned alg none" in row, row  # the boxed table had room for "An unsigned"


def _html_page(request: Request) -> HTMLResponse:
    return HTMLResponse("<!DOCTYPE html>\n<html><body>dashboard</body></html>\n")


def test_jwks_pointed_at_an_html_page_does_not_talk_about_an_option_it_lacks() -> None:
    with ThreadedUvicorn(Starlette(routes=[Route("/", _html_page)])) as page:
        result = runner.invoke(APP, ["jwks", page.url + "/"])
    assert result.exit_code == 3, result.output
    line = _one_line(result.stderr)
    assert "looks like an HTML page" in line and "/api/auth/jwks" in line
    assert "--jwks" not in line  # `authcheck jwks` has no --jwks option


@pytest.mark.parametrize("below", ["", "x.log"])
def test_frontend_serve_with_an_unwritable_log_is_one_line(below: str, tmp_path: Path) -> None:
    target = tmp_path
    if below:
        (tmp_path / "a-file").write_text("x", encoding="utf-8")
        target = tmp_path / "a-file" / below
    result = runner.invoke(APP, ["frontend", "serve", "--port", "0", "--log", str(target)])
    assert result.exit_code == 2, result.output
    assert "--log" in _one_line(result.stderr)


def test_capture_refuses_a_file_as_artifacts_before_starting_chromium(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    argv = ["capture", "--frontend-url", "http://127.0.0.1:1", "--artifacts", str(a_file)]
    result = runner.invoke(APP, argv)
    assert result.exit_code == 2, result.output
    assert "is a file, not a directory" in _one_line(result.stderr)


def test_junit_dash_is_refused_instead_of_writing_a_file_named_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = ["scenarios", "run", "--target", "http://127.0.0.1:1", "--issuer-url", "http://x"]
    result = runner.invoke(APP, [*argv, "--junit", "-"])
    assert result.exit_code == 2, result.output
    assert "--junit -" in _one_line(result.stderr)
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("flag", ["--report-json", "--junit", "--html"])
def test_demo_refuses_dash_as_a_report_file(
    flag: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(APP, ["demo", flag, "-", "--artifacts", str(tmp_path / "a")])
    assert result.exit_code == 2, result.output
    assert "not to '-'" in _one_line(result.stderr)
    assert not (tmp_path / "-").exists()


@pytest.mark.node
def test_sigterm_to_frontend_serve_stops_the_node_server_too() -> None:
    import httpx

    from authcheck.serve import free_port, wait_until_up

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cli = subprocess.Popen(
        [sys.executable, "-m", "authcheck", "frontend", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"{url}/config.json", process=cli, name="authcheck frontend serve")
        cli.terminate()  # as `timeout`, `kill` or a CI runner do
        assert cli.wait(timeout=30) == 143
    finally:
        if cli.poll() is None:
            cli.kill()
    # Node runs in its own session: before, it outlived the CLI and kept the port.
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/config.json", timeout=2)


def test_at_tilde_path_reads_the_file_in_the_home_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "token.txt").write_text(TOKEN + "\n", encoding="utf-8")
    result = runner.invoke(APP, ["decode", "@~/token.txt"])  # bash does not expand ~ after @
    assert result.exit_code == 0, result.output
    assert "JWS / JWT" in result.stdout


def test_capture_prints_its_report_on_stdout_and_progress_on_stderr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from types import SimpleNamespace

    import authcheck.frontend.capture as capture_module
    import authcheck.frontend.inspect as inspect_module
    from authcheck.engine.browser import CapturedRequest
    from authcheck.frontend.inspect import SentCredential, Verdict

    answered = CapturedRequest("GET", "http://b/api/u/tasks", "Bearer x", 200)  # it reached it
    result_of_capture = SimpleNamespace(
        requests=(answered,),
        notes=("signed up a fresh user",),
        error=None,
        screenshot=None,
        console_log=None,
        page_origin=None,
        blocked=(),
    )

    class FakeCapture:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def capture(self) -> SimpleNamespace:
            return result_of_capture

    report = SimpleNamespace(
        capture=result_of_capture,
        sent=(SentCredential(answered, Verdict.JWT_VALID, None, "JWT valid for sub u"),),
        client_token=None,
        ok=True,
        verdict=Verdict.JWT_VALID,
        message="the frontend sends a valid Better Auth JWT",
    )
    monkeypatch.setattr(capture_module, "PlaywrightCapture", FakeCapture)
    monkeypatch.setattr(inspect_module, "inspect_capture", lambda *args: report)
    argv = ["capture", "--frontend-url", "http://127.0.0.1:1", "--backend-origin", "http://b"]
    result = runner.invoke(APP, argv)
    assert result.exit_code == 0, result.output
    assert "jwt-valid: the frontend sends a valid Better Auth JWT" in result.stdout
    assert "capturing http://127.0.0.1:1" in result.stderr
    assert "jwt-valid" not in result.stderr
