"""Playwright + Debian's Chromium: sign in through the page, record what it sends to the backend.

Implements `authcheck.engine.browser.BrowserCapture`. The sign-in or sign-up form is found in
the page (`authcheck.frontend.signin`, a selectors file overrides it); every request from the
page to the backend origin is recorded with its Authorization header, exactly as the browser
sent it, and whether an answer came back; Chromium's own CORS messages are kept. On a failure (or
a backend error status) a screenshot and the page's console log are saved in ``artifacts_dir``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from authcheck.core.redact import redact_text
from authcheck.engine.browser import CapturedRequest, CaptureResult
from authcheck.errors import BadInputError, UnreachableError
from authcheck.frontend import formfind
from authcheck.frontend.selectors import Selectors
from authcheck.frontend.signin import POLL_S, SignIn, SignInStopped

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request, Response

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
        self.blocked: list[str] = []  # Chromium's "blocked by CORS policy" lines

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
                entry["response"] = response  # its body is read later, outside the event

    def on_failed(self, request: Request) -> None:
        for seen, entry in self._entries:
            if seen is request:
                entry["failure"] = request.failure or "failed"

    def on_console(self, kind: str, text: str) -> None:
        self.console.append(f"[{kind}] {text}")
        said = _redact_cors(text)
        if "CORS policy" in text and said not in self.blocked:
            self.blocked.append(said)

    def posts_since(self, count: int) -> list[dict[str, Any]]:
        return [e for _, e in self._entries[count:] if e["method"] == "POST"]

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
        rate_limit_wait: float = 30.0,  # at most this long waiting out Better Auth's 429s
    ) -> None:
        self.frontend_url = frontend_url.rstrip("/")
        self.always_screenshot = always_screenshot
        origin_of(self.frontend_url)
        self.backend_origin = origin_of(backend_origin)
        self.artifacts_dir = artifacts_dir
        self.credentials = credentials
        self.selectors = selectors or Selectors()
        self.timeout_ms = timeout * 1000
        self.timeout_s = timeout
        self.rate_limit_wait = rate_limit_wait
        self._step = "not started"  # what the capture was doing, for the error line
        self._password: str | None = None  # the one in use, masked in every line and file
        if credentials is None and not self.selectors.can_sign_up:
            raise BadInputError(
                "the selectors file says this frontend has no sign-up form (signup_path = '')",
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
                page.on("requestfailed", recorder.on_failed)
                page.on("console", lambda m: recorder.on_console(m.type, m.text))
                page.on("pageerror", lambda e: recorder.on_console("pageerror", str(e)))
                error: str | None = None
                try:
                    self._sign_in(page, notes)
                    self._settle(page)
                    if self.selectors.can_create_task:
                        self._create_task(page, recorder, notes)
                except SignInStopped as exc:
                    error = self._mask(str(exc))
                except PlaywrightError as exc:
                    error = self._mask(f"{self._step}: {_first_line(exc)}")
                token = self._evaluate(page, self.selectors.token_expression)
                user_id = self._evaluate(page, self.selectors.user_id_expression)
                requests = recorder.requests()
                if error is None and not requests:
                    notes.append(f"the page sent no request to {self.backend_origin}")
                unanswered = [r for r in requests if r.status is None]
                if unanswered:
                    notes.append(
                        f"{len(unanswered)} of {len(requests)} requests to {self.backend_origin} "
                        "got no answer in the browser (blocked or failed before the backend)"
                    )
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
            page_origin=origin_of(self.frontend_url),
            blocked=tuple(recorder.blocked),
        )

    def _sign_in(self, page: Page, notes: list[str]) -> None:
        signin = SignIn(
            page,
            self.selectors,
            self.frontend_url,
            timeout_s=self.timeout_s,
            rate_limit_wait_s=self.rate_limit_wait,
            step=self._set_step,
            mask=self._mask,
        )
        creds = self.credentials
        if creds is None:
            creds = Credentials.fresh()
            self._password = creds.password
            fields = signin.open_signup()
            role, done = "signup", f"signed up a fresh user {creds.email}"
            tried = f"tried to sign up {creds.email}"
        else:
            self._password = creds.password
            fields = signin.open_signin()
            role, done = "signin", f"signed in as {creds.email}"
            tried = f"tried to sign in as {creds.email}"
        if "_found" in fields:
            notes.append(f"found the {role.replace('sign', 'sign-')} form: {fields.pop('_found')}")
        values = {"name": creds.name, "email": creds.email, "password": creds.password}
        try:
            signin.submit(fields, values, role)  # type: ignore[arg-type]
        except SignInStopped as exc:
            notes.append(tried)
            check = " (check AUTHCHECK_EMAIL and AUTHCHECK_PASSWORD)" if self.credentials else ""
            if "rejected" in str(exc):
                raise SignInStopped(f"{exc}{check}") from None
            raise
        except Exception:
            notes.append(tried)
            raise
        if signin.waited:
            notes.append(
                f"waited {signin.waited:.0f} s for Better Auth's rate limit (429, X-Retry-After)"
            )
        notes.append(done)

    def _set_step(self, step: str) -> None:
        self._step = step

    def _settle(self, page: Page) -> None:
        """Let the signed-in page load and make its first calls (bounded; a busy page is fine)."""
        from playwright.sync_api import Error as PlaywrightError

        self._step = "waiting for the signed-in page to settle"
        try:
            page.wait_for_load_state("networkidle", timeout=self.timeout_ms)
        except PlaywrightError:
            pass

    def _mask(self, text: str) -> str:
        """`redact_text`, and the password in use replaced even where it looks like a word."""
        if self._password:
            text = text.replace(self._password, "***")
        return redact_text(text)

    def _create_task(self, page: Page, recorder: _Recorder, notes: list[str]) -> None:
        s = self.selectors
        title_at, submit_at = s.task_title, s.task_submit
        if not (title_at and submit_at):
            self._step = "looking for a task form (one text field and a submit button)"
            deadline = time.monotonic() + self.timeout_s
            while not formfind.find_task_form(page):  # drawn once the page knows the session
                if time.monotonic() > deadline:
                    notes.append(
                        f"no task form found within {self.timeout_s:.0f} s: recorded what the "
                        "page sent by itself (task_title = '' in a selectors file skips this)"
                    )
                    return
                page.wait_for_timeout(POLL_S * 1000)
            title_at, submit_at = formfind.TASK_TITLE, formfind.TASK_SUBMIT
        title = f"authcheck capture {secrets.token_hex(3)}"
        before = len(recorder)
        self._step = f"creating a task with {title_at!r} and {submit_at!r}"
        page.fill(title_at, title)
        page.click(submit_at)
        self._step = "waiting for the new task in the list"
        deadline = time.monotonic() + self.timeout_s
        shown = page.get_by_text(title)
        while not shown.count():
            posts = recorder.posts_since(before)
            if any("failure" in e for e in posts):
                notes.append("the request creating the task got no answer (blocked or failed)")
                return
            refused = [e for e in posts if (e["status"] or 0) >= 400]
            if refused:
                said = _detail(refused[0]["response"]) if "response" in refused[0] else ""
                notes.append(
                    f"the backend answered {refused[0]['status']} to creating a task"
                    + (f": {said}" if said else "")
                )
                return
            if time.monotonic() > deadline:
                waited = f"{self.timeout_s:.0f} s"
                notes.append(f"the new task did not appear in the page within {waited}")
                return
            page.wait_for_timeout(POLL_S * 1000)
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


_CORS_HEADER = re.compile(r"(Access-Control-[A-Za-z-]+)")


def _redact_cors(text: str) -> str:
    """`redact_text`, but the Access-Control-* header names stay readable."""
    return "".join(
        part if _CORS_HEADER.fullmatch(part) else redact_text(part)
        for part in _CORS_HEADER.split(text)
    )


def _first_line(exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def browser_for(
    frontend_url: str,
    backend: str,
    artifacts_dir: Path,
    selectors_file: Path | None = None,
) -> PlaywrightCapture:
    """The capture `scenarios run` and the pytest plugin use: forms found in the page (the
    selectors file overrides), the account from AUTHCHECK_EMAIL/PASSWORD or a fresh sign-up;
    a broken selectors file or a missing Chromium fails here, before anything runs."""
    from authcheck.frontend.selectors import load_selectors

    origin_of(frontend_url)
    origin_of(backend)
    chosen = load_selectors(selectors_file)
    chromium_path()
    return PlaywrightCapture(
        frontend_url,
        backend,
        artifacts_dir=artifacts_dir,
        credentials=Credentials.from_env(),
        selectors=chosen,
    )
