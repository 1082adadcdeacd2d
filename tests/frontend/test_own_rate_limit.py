"""Better Auth's sign-up rate limit (429 + X-Retry-After) is waited out, or exit 3 past the bound.

Our own frontend with its rate limit on (one sign-up per 12 s window): a sign-up right before the
capture uses the window up, so the capture's own sign-up meets the real 429.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from authcheck.cli.app import build_app
from authcheck.errors import ExitStatus
from authcheck.frontend.capture import PlaywrightCapture
from tests.frontend.own_app import OwnApp, own_app, reference_backend

pytestmark = [pytest.mark.browser, pytest.mark.node]
WINDOW = 12  # longer than Chromium's start on a busy machine, so the 429 is met


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[OwnApp, str]]:
    base = tmp_path_factory.mktemp("limited")
    with own_app(base / "node.log", rate_window=WINDOW) as app:
        with reference_backend(base / "backend", app) as backend:
            app.configure("correct", backend)
            yield app, backend


def use_up_the_window(app: OwnApp) -> None:
    body = {"email": f"x-{uuid.uuid4().hex[:8]}@example.test", "password": "p" * 12, "name": "X"}
    with httpx.Client(headers={"Origin": app.url}, timeout=10) as client:
        first = client.post(f"{app.url}/api/auth/sign-up/email", json=body)
        assert first.status_code in (200, 429)
        again = client.post(f"{app.url}/api/auth/sign-up/email", json=body)
        assert again.status_code == 429 and again.headers["x-retry-after"]


def test_the_rate_limit_is_waited_out_and_the_sign_up_submitted_again(
    limited: tuple[OwnApp, str], tmp_path: Path
) -> None:
    app, backend = limited
    use_up_the_window(app)
    result = PlaywrightCapture(app.url, backend, artifacts_dir=tmp_path).capture()
    assert result.error is None, result.error
    assert any(n.startswith("signed up a fresh user") for n in result.notes)
    assert any(n.startswith("waited ") and "X-Retry-After" in n for n in result.notes)
    assert {r.status for r in result.requests} >= {200, 201}


def test_past_the_bound_the_rate_limit_is_exit_3_with_the_reason(
    limited: tuple[OwnApp, str], tmp_path: Path
) -> None:
    app, backend = limited
    use_up_the_window(app)
    args = ["capture", "--frontend-url", app.url, "--backend-origin", backend]
    args += ["--artifacts", str(tmp_path), "--rate-limit-wait", "0"]
    result = CliRunner().invoke(build_app("capture"), args)
    assert result.exit_code == ExitStatus.UNREACHABLE, result.output
    last = result.stdout.strip().splitlines()[-1]
    assert "Better Auth rate-limited the sign-up (429, X-Retry-After" in last
    assert "authcheck waits up to 0 s" in last
    assert "bad input" not in result.output.lower()
