"""Playwright + Debian's Chromium: sign in through the page, record what it sends to the backend.

Implements `authcheck.engine.browser.BrowserCapture`. Every request from the page to the backend
origin is recorded with its Authorization header, exactly as the browser sent it; on a failure
(or a backend error status) a screenshot and the page's console log are saved in
``artifacts_dir``.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from authcheck.core.redact import redact_text
from authcheck.engine.browser import CapturedRequest, CaptureResult
from authcheck.errors import BadInputError, UnreachableError
from authcheck.frontend.selectors import Selectors

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page, Request, Response

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


class BrowserMissingError(UnreachableError):
    """No Chromium to drive."""


class _SignInRejected(Exception):
    """The page showed its error marker instead of the signed-in marker (internal)."""


@dataclass(frozen=True)
class Credentials:
    email: str
    password: str
    name: str = "authcheck"

    @classmethod
    def from_env(cls) -> Credentials | None:
        """``AUTHCHECK_EMAIL`` and ``AUTHCHECK_PASSWORD``, when both are set."""
        email, password = os.environ.get("AUTHCHECK_EMAIL"), os.environ.get("AUTHCHECK_PASSWORD")
        if email and password:
            return cls(email, password)
        if email or password:
            raise BadInputError("set both AUTHCHECK_EMAIL and AUTHCHECK_PASSWORD, or neither")
        return None

    @classmethod
    def fresh(cls) -> Credentials:
        return cls(f"authcheck-{secrets.token_hex(6)}@example.test", secrets.token_urlsafe(18))

    def __repr__(self) -> str:  # never show the password
        return f"Credentials(email={self.email!r}, password='***')"


def chromium_path() -> str:
    """``AUTHCHECK_CHROMIUM`` or Debian's ``/usr/bin/chromium``; one clear line when missing."""
    path = os.environ.get("AUTHCHECK_CHROMIUM") or DEFAULT_CHROMIUM
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise BrowserMissingError(
            f"Chromium not found at {path}",
            hint="install it with: apt-get install -y chromium (or set AUTHCHECK_CHROMIUM)",
        )
    return path


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadInputError(f"not an http(s) URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}".lower()


class _Recorder:
    """Requests from the page to the backend origin, with the response status when it comes."""

    def __init__(self, backend_origin: str) -> None:
        self.backend_origin = backend_origin
        self._entries: list[tuple[Request, dict[str, Any]]] = []
        self.console: list[str] = []

    def on_request(self, request: Request) -> None:
        if request.method == "OPTIONS" or origin_of(request.url) != self.backend_origin:
            return
        headers = request.headers  # lower-cased names, as the browser sent them
        entry = {"method": request.method, "url": request.url, "status": None}
        entry["authorization"] = headers.get("authorization")
        self._entries.append((request, entry))

    def on_response(self, response: Response) -> None:
        for request, entry in self._entries:
            if request is response.request:
                entry["status"] = response.status

    def on_console(self, kind: str, text: str) -> None:
        self.console.append(f"[{kind}] {text}")

    def requests(self) -> tuple[CapturedRequest, ...]:
        return tuple(
            CapturedRequest(e["method"], e["url"], e["authorization"], e["status"])
            for _, e in self._entries
        )

    def statuses_since(self, count: int) -> list[int | None]:
        return [entry["status"] for _, entry in self._entries[count:]]

    def __len__(self) -> int:
        return len(self._entries)


class PlaywrightCapture:
    """One browser session: sign in (or sign up), create and list a task, record backend calls."""

    def __init__(
        self,
        frontend_url: str,
        backend_origin: str,
        *,
        artifacts_dir: Path,
        credentials: Credentials | None = None,
        selectors: Selectors | None = None,
        timeout: float = 15.0,
        always_screenshot: bool = False,  # also on success (the demo's HTML report shows it)
    ) -> None:
        self.frontend_url = frontend_url.rstrip("/")
        self.always_screenshot = always_screenshot
        origin_of(self.frontend_url)
        self.backend_origin = origin_of(backend_origin)
        self.artifacts_dir = artifacts_dir
        self.credentials = credentials
        self.selectors = selectors or Selectors()
        self.timeout_ms = timeout * 1000
        self._step = "not started"  # what the capture was doing, for the error line
        self._password: str | None = None  # the one in use, masked in every line and file
        if credentials is None and not self.selectors.can_sign_up:
            raise BadInputError(
                "this frontend has no sign-up form in the selectors file",
                hint="set AUTHCHECK_EMAIL and AUTHCHECK_PASSWORD to an existing account",
            )

    def capture(self) -> CaptureResult:
        executable = chromium_path()
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright

        recorder = _Recorder(self.backend_origin)
        notes: list[str] = []
        self._step = "starting Chromium"
        with sync_playwright() as playwright:
            try:
                browser = playwright.chromium.launch(
                    executable_path=executable, args=list(CHROMIUM_FLAGS), headless=True
                )
            except PlaywrightError as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no reason"
                raise BrowserMissingError(
                    f"cannot launch Chromium at {executable}: {first}"
                ) from exc
            try:
                page = browser.new_context().new_page()
                page.set_default_timeout(self.timeout_ms)
                page.on("request", recorder.on_request)
                page.on("response", recorder.on_response)
                page.on("console", lambda m: recorder.on_console(m.type, m.text))
                page.on("pageerror", lambda e: recorder.on_console("pageerror", str(e)))
                error: str | None = None
                try:
                    self._sign_in(page, notes)
                    if self.selectors.can_create_task:
                        self._create_task(page, recorder, notes)
                except _SignInRejected as exc:
                    error = str(exc)
                except PlaywrightError as exc:
                    error = self._mask(f"{self._step}: {_first_line(exc)}")
                token = self._evaluate(page, self.selectors.token_expression)
                user_id = self._evaluate(page, self.selectors.user_id_expression)
                requests = recorder.requests()
                if error is None and not requests:
                    notes.append(f"the page sent no request to {self.backend_origin}")
                failed = error is not None or any((r.status or 0) >= 400 for r in requests)
                screenshot, console_log = (
                    self._save_artifacts(page, recorder, "failure" if failed else "dashboard")
                    if failed or self.always_screenshot
                    else (None, None)
                )
            finally:
                browser.close()
        return CaptureResult(
            requests=requests,
            token_from_client=token,
            user_id=user_id,
            screenshot=screenshot,
            console_log=console_log,
            error=error,
            notes=tuple(notes),
        )

    def _url(self, path: str) -> str:
        return urljoin(self.frontend_url + "/", path.lstrip("/"))

    def _sign_in(self, page: Page, notes: list[str]) -> None:
        s = self.selectors
        creds = self.credentials
        if creds is None:
            creds = Credentials.fresh()
            self._password = creds.password
            self._step = f"signing up at {self._url(s.signup_path)}"
            page.goto(self._url(s.signup_path))
            page.fill(s.signup_name, creds.name)
            page.fill(s.signup_email, creds.email)
            page.fill(s.signup_password, creds.password)
            page.click(s.signup_submit)
            done, tried = f"signed up a fresh user {creds.email}", f"tried to sign up {creds.email}"
        else:
            self._password = creds.password
            self._step = f"signing in at {self._url(s.login_path)}"
            page.goto(self._url(s.login_path))
            page.fill(s.signin_email, creds.email)
            page.fill(s.signin_password, creds.password)
            page.click(s.signin_submit)
            done, tried = f"signed in as {creds.email}", f"tried to sign in as {creds.email}"
        try:
            self._wait_until_signed_in(page)
        except Exception:
            notes.append(tried)
            raise
        notes.append(done)

    def _wait_until_signed_in(self, page: Page) -> None:
        """The signed-in marker, or fail at once when the page shows its error marker first."""
        s = self.selectors
        signed_in = page.locator(s.signed_in)
        if not s.error_marker:
            self._step = f"waiting for the signed-in marker {s.signed_in!r}"
            signed_in.first.wait_for(state="attached")
            return
        self._step = (
            f"waiting for the signed-in marker {s.signed_in!r} or the error marker "
            f"{s.error_marker!r}"
        )
        error_marker = page.locator(s.error_marker)
        signed_in.or_(error_marker).first.wait_for(state="attached")  # whichever comes first
        if signed_in.count() or not error_marker.count():
            return
        said = self._page_text(error_marker.first)
        why = f"it says {said!r}" if said else f"its error marker {s.error_marker!r} appeared"
        what = "sign-up" if self.credentials is None else "sign-in"
        check = " (check AUTHCHECK_EMAIL and AUTHCHECK_PASSWORD)" if self.credentials else ""
        raise _SignInRejected(
            self._mask(f"the page rejected the {what} at {page.url}: {why}{check}")
        )

    def _page_text(self, locator: Locator) -> str:
        """The element's visible words, one line, short, password masked, tokens redacted."""
        from playwright.sync_api import Error as PlaywrightError

        try:
            text = locator.inner_text(timeout=1000)
        except PlaywrightError:
            return ""
        text = self._mask(" ".join(text.split()))  # before cutting: no half password survives
        return text[:200] + ("…" if len(text) > 200 else "")

    def _mask(self, text: str) -> str:
        """`redact_text`, and the password in use replaced even where it looks like a word."""
        if self._password:
            text = text.replace(self._password, "***")
        return redact_text(text)

    def _create_task(self, page: Page, recorder: _Recorder, notes: list[str]) -> None:
        s = self.selectors
        title = f"authcheck capture {secrets.token_hex(3)}"
        before = len(recorder)
        self._step = f"creating a task with {s.task_title!r} and {s.task_submit!r}"
        with page.expect_response(
            lambda r: r.request.method == "POST" and origin_of(r.url) == self.backend_origin
        ) as created:
            page.fill(s.task_title, title)
            page.click(s.task_submit)
        if created.value.status >= 400:
            said = _detail(created.value)
            notes.append(
                f"the backend answered {created.value.status} to creating a task"
                + (f": {said}" if said else "")
            )
            return
        self._step = "waiting for the new task in the list"
        page.get_by_text(title).first.wait_for(state="visible")
        notes.append(f"created and listed task {title!r}")
        if any((status or 0) >= 400 for status in recorder.statuses_since(before)):
            notes.append("a backend call after creating the task failed")

    def _evaluate(self, page: Page, expression: str) -> str | None:
        from playwright.sync_api import Error as PlaywrightError

        try:
            value = page.evaluate(expression)
        except PlaywrightError:
            return None
        return value if isinstance(value, str) and value else None

    def _save_artifacts(
        self, page: Page, recorder: _Recorder, what: str = "failure"
    ) -> tuple[Path | None, Path]:
        from playwright.sync_api import Error as PlaywrightError

        self.artifacts_dir.mkdir(parents=True, exist_ok=True)
        console_log = self.artifacts_dir / "capture-console.log"
        text = "\n".join(recorder.console) + "\n"
        console_log.write_text(self._mask(text), encoding="utf-8")  # no token reaches a file
        screenshot: Path | None = self.artifacts_dir / f"capture-{what}.png"
        try:
            page.screenshot(path=str(screenshot), full_page=True)
        except PlaywrightError:
            screenshot = None
        return screenshot, console_log


def _detail(response: Response) -> str:
    """The backend's own words (FastAPI ``detail``, else the body), short and redacted."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        text = response.text()
    except PlaywrightError:
        return ""
    try:
        body = json.loads(text)
        detail = body.get("detail") if isinstance(body, dict) else None
        text = detail if isinstance(detail, str) else text
    except ValueError:
        pass
    text = " ".join(text.split())
    return redact_text(text[:300] + ("…" if len(text) > 300 else ""))


def _first_line(exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
