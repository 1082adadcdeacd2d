"""Sign in (or sign up) through a page: its own form, found or named, and an honest outcome.

Success is the ``signed_in`` selector when a selectors file gives one; otherwise the page
navigating away from the form or a session cookie appearing. A rejection is the page's error
marker showing new words. Better Auth's rate limit (429 with ``X-Retry-After``) is waited out
and the form submitted again, up to ``rate_limit_wait`` seconds in all; past that the sign-in
stops with the reason.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from authcheck.frontend import formfind
from authcheck.frontend.formfind import FoundForm, Role
from authcheck.frontend.selectors import Selectors

if TYPE_CHECKING:
    from playwright.sync_api import Page, Response

SESSION_COOKIE = re.compile(r"session", re.IGNORECASE)  # better-auth.session_token and kin
_AUTH_PATH = re.compile(r"/(sign-in|sign-up)/")
POLL_S = 0.1  # how often the outcome is re-checked (polling, not synchronisation)
_LATE_EVENT_S = 2.0  # how long a shown error waits for a late 429 response event


class SignInStopped(Exception):
    """The sign-in cannot go on (rejected, rate-limited, no form); the message says why."""


@dataclass
class AuthWatch:
    """Better Auth's answers to sign-in/sign-up requests, as the page received them."""

    answers: list[tuple[int, float | None]] = field(default_factory=list)

    def on_response(self, response: Response) -> None:
        if response.request.method == "POST" and _AUTH_PATH.search(urlsplit(response.url).path):
            headers = response.headers
            retry = headers.get("x-retry-after") or headers.get("retry-after")
            try:
                seconds = float(retry) if retry is not None else None
            except ValueError:
                seconds = None
            self.answers.append((response.status, seconds))

    def limited_since(self, count: int) -> float | None:
        """Seconds to wait when a 429 came after the first ``count`` answers, else None."""
        for status, seconds in self.answers[count:]:
            if status == 429:
                return seconds if seconds is not None else 10.0
        return None


class SignIn:
    """One sign-in or sign-up in ``page``; ``step`` reports what it is doing (for error lines)."""

    def __init__(
        self,
        page: Page,
        selectors: Selectors,
        frontend_url: str,
        *,
        timeout_s: float,
        rate_limit_wait_s: float,
        step: Callable[[str], None],
        mask: Callable[[str], str],
    ) -> None:
        self.page = page
        self.s = selectors
        self.frontend_url = frontend_url
        self.timeout_s = timeout_s
        self.rate_limit_wait_s = rate_limit_wait_s
        self.step = step
        self.mask = mask
        self.watch = AuthWatch()
        self.waited = 0.0  # seconds spent waiting out Better Auth's rate limit
        page.on("response", self.watch.on_response)

    def url(self, path: str) -> str:
        return urljoin(self.frontend_url + "/", path.lstrip("/"))

    # -- finding the form -------------------------------------------------------------------

    def open_signin(self) -> dict[str, str]:
        s = self.s
        self.step(f"opening the sign-in page {self.url(s.login_path)}")
        self.page.goto(self.url(s.login_path))
        return self._fields("signin", s.signin_email, s.signin_password, s.signin_submit, None)

    def open_signup(self) -> dict[str, str]:
        s = self.s
        if s.signup_path:
            self.step(f"opening the sign-up page {self.url(s.signup_path)}")
            self.page.goto(self.url(s.signup_path))
        else:
            self.step(f"looking for a sign-up form at {self.url(s.login_path)}")
            self.page.goto(self.url(s.login_path))
        explicit = (s.signup_email, s.signup_password, s.signup_submit)
        if s.signup_path is not None or all(explicit):
            return self._fields("signup", *explicit, s.signup_name)
        self._wait_for_something()
        if formfind.find_form(self.page, "signup", strict=True) is None:
            self._reach_signup_page()
        return self._fields("signup", *explicit, s.signup_name)

    def _reach_signup_page(self) -> None:
        """A sign-up link on this page, else the usual sign-up paths, until a form shows."""
        words = formfind.find_link(self.page, formfind.SIGN_UP_WORDS)
        if words is not None:
            self.step(f"following the link {words!r} to the sign-up form")
            self.page.click(formfind.LINK)
            self.page.wait_for_load_state()
            if self._wait_for_form("signup"):
                return
        for path in formfind.SIGN_UP_PATHS:
            self.step(f"looking for a sign-up form at {self.url(path)}")
            response = self.page.goto(self.url(path))
            if response is not None and response.ok and formfind.find_form(self.page, "signup"):
                return

    def _wait_for_something(self) -> None:
        """Pages draw their forms by script: poll until a form or a sign-up link shows."""
        deadline = time.monotonic() + self.timeout_s
        while not (
            formfind.find_form(self.page, "signup")
            or formfind.find_form(self.page, "signin")
            or formfind.find_link(self.page, formfind.SIGN_UP_WORDS)
        ):
            if time.monotonic() > deadline:
                return
            self.page.wait_for_timeout(POLL_S * 1000)

    def _wait_for_form(self, role: Role) -> bool:
        """The form may be drawn by script after load: poll for it, within the timeout."""
        deadline = time.monotonic() + self.timeout_s
        while formfind.find_form(self.page, role) is None:
            if time.monotonic() > deadline:
                return False
            self.page.wait_for_timeout(POLL_S * 1000)
        return True

    def _fields(
        self,
        role: Role,
        email: str | None,
        password: str | None,
        submit: str | None,
        name: str | None,
    ) -> dict[str, str]:
        """Selectors for each field: the file's, else what the page script found."""
        found: FoundForm | None = None
        if not (email and password and submit) or (role == "signup" and name is None):
            self.step(f"finding the {_WORDS[role]} form in {self.page.url}")
            if not self._wait_for_form(role):
                link = (
                    formfind.find_link(self.page, formfind.SIGN_IN_WORDS)
                    if role == "signin"
                    else None
                )
                if link is not None:
                    self.page.click(formfind.LINK)
                    self.page.wait_for_load_state()
                    self._wait_for_form(role)
            found = formfind.find_form(self.page, role)
            if found is None and not (email and password and submit):
                raise SignInStopped(self._no_form(role))
        fields = {
            "email": email or (found.selector("email") if found else ""),
            "password": password or (found.selector("password") if found else ""),
            "submit": submit or (found.selector("submit") if found else ""),
        }
        if name:
            fields["name"] = name
        elif name is None and found is not None and found.has_name:
            fields["name"] = found.selector("name")
        if found is not None and found.has_confirm:
            fields["confirm"] = found.selector("confirm")
        if found is not None:
            fields["_found"] = found.summary()
        return fields

    def _no_form(self, role: Role) -> str:
        if role == "signup":
            return (
                f"no sign-up form found (looked at {self.url(self.s.login_path)}, a sign-up link "
                f"there, and {', '.join(formfind.SIGN_UP_PATHS)}): set AUTHCHECK_EMAIL and "
                "AUTHCHECK_PASSWORD to an existing account, or give signup_path in a selectors file"
            )
        return (
            f"no sign-in form found at {self.page.url} (a visible password field with an "
            "e-mail or user name field and a submit button): give login_path, or signin_email, "
            "signin_password and signin_submit in a selectors file (docs/capture.md)"
        )

    # -- submitting and waiting -------------------------------------------------------------

    def submit(self, fields: dict[str, str], values: dict[str, str], role: Role) -> None:
        """Fill and submit; wait for success, a rejection, or Better Auth's rate limit."""
        for key in ("name", "email", "password", "confirm"):
            if key in fields:
                value = values["password"] if key == "confirm" else values[key]
                self.page.fill(fields[key], value)
        waited = 0.0
        while True:
            count = len(self.watch.answers)
            before = self._error_text()
            start = _without_fragment(self.page.url)
            self.step(f"submitting the {_WORDS[role]} form at {self.page.url}")
            self.page.click(fields["submit"])
            outcome, said = self._outcome(start, count, before, role)
            if outcome == "ok":
                return
            if outcome == "error":
                raise SignInStopped(said)
            wait = float(said)
            if waited + wait > self.rate_limit_wait_s:
                raise SignInStopped(
                    f"Better Auth rate-limited the {_WORDS[role]} (429, X-Retry-After {wait:.0f} s"
                    f"{f', after waiting {waited:.0f} s' if waited else ''}; authcheck waits up "
                    f"to {self.rate_limit_wait_s:.0f} s): run again later, or relax rateLimit in "
                    "betterAuth() for test runs"
                )
            self.step(f"waiting out Better Auth's rate limit ({wait:.0f} s, X-Retry-After)")
            self.page.wait_for_timeout((wait + 0.2) * 1000)  # the server's own wait, not a guess
            waited += wait
            self.waited = waited

    def _no_late_429(self, count: int) -> bool:
        """The page shows an error: is it not Better Auth's rate limit? Playwright may deliver
        the 429's response event after the page has already drawn its own error line, so the
        answers are watched a little longer (a bounded poll for that event) before deciding."""
        deadline = time.monotonic() + _LATE_EVENT_S
        while time.monotonic() < deadline:
            if self.watch.limited_since(count) is not None:
                return False
            self.page.wait_for_timeout(POLL_S * 1000)
        return self.watch.limited_since(count) is None

    def _error_text(self) -> str:
        if not self.s.error_marker:
            return ""
        marker = self.page.locator(self.s.error_marker)
        return " ".join(marker.all_inner_texts()).strip() if marker.count() else ""

    def _signed_in(self, start: str) -> bool:
        if self.s.signed_in:
            return self.page.locator(self.s.signed_in).count() > 0
        if _without_fragment(self.page.url) != start:
            return True
        cookies = self.page.context.cookies()
        return any(SESSION_COOKIE.search(c.get("name", "")) for c in cookies)

    def _outcome(self, start: str, count: int, before: str, role: Role) -> tuple[str, str]:
        what = (
            f"the signed-in marker {self.s.signed_in!r}"
            if self.s.signed_in
            else "a navigation or a session cookie"
        )
        self.step(f"waiting for {what} after the {_WORDS[role]}")
        deadline = time.monotonic() + self.timeout_s
        while True:
            limited = self.watch.limited_since(count)
            if limited is not None:
                return "rate-limited", str(limited)
            if self._signed_in(start):
                return "ok", ""
            said = self._error_text()
            if said and said != before and self._no_late_429(count):
                shown = self.mask(" ".join(said.split()))[:200]
                return "error", f"the page rejected the {_WORDS[role]} at {self.page.url}: " + (
                    f"it says {shown!r}"
                )
            if time.monotonic() > deadline:
                raise SignInStopped(
                    f"no sign of success {self.timeout_s:.0f} s after the {_WORDS[role]} at "
                    f"{self.page.url} (waited for {what}): give signed_in in a selectors file"
                )
            self.page.wait_for_timeout(POLL_S * 1000)


_WORDS: dict[Role, str] = {"signin": "sign-in", "signup": "sign-up"}


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]
