"""Find a sign-in or sign-up form, a sign-up link and a task form in a page, with no selectors.

One script (``formfind.js``) runs in the page and marks what it found with
``data-authcheck="…"`` attributes, so Playwright then fills and clicks ordinary locators.
Fields are found the way a person would:

- the password: a visible ``input[type=password]``; ``autocomplete="current-password"`` marks a
  sign-in, ``new-password`` a sign-up (a second new-password field is the confirmation);
- the e-mail or user name, in the same form (or the smallest block around the password):
  ``type=email``, ``autocomplete`` username/email, a label, ``aria-label`` or placeholder saying
  e-mail/user/login, then its ``name``/``id``;
- the name (sign-up only): ``autocomplete`` name, a label or ``name`` saying name;
- the submit: a submit button of that form, else a button (or ``role=button``) whose words
  say sign in/log in/continue (sign up/register/join/create for a sign-up).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from playwright.sync_api import Page

Role = Literal["signin", "signup"]
MARK = "data-authcheck"


@cache
def _script() -> str:
    """formfind.js beside this module: one function, ``([what, ...args]) => result``."""
    return (Path(__file__).with_name("formfind.js")).read_text(encoding="utf-8")


def _run(page: Page, args: list[Any]) -> Any:
    """The script in the page now; a page navigating meanwhile (a sign-in that redirects) is
    waited for and asked again, a few times."""
    from playwright.sync_api import Error as PlaywrightError

    for _ in range(4):
        try:
            return page.evaluate(_script(), args)
        except PlaywrightError as exc:
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise
            page.wait_for_load_state()
    return page.evaluate(_script(), args)


SIGN_UP_WORDS = r"sign ?up|register|create (an |your )?account|join|get started"
SIGN_IN_WORDS = r"^\s*(sign ?in|log ?in)\b"
SIGN_UP_PATHS = ("/sign-up", "/signup", "/register", "/join", "/auth/sign-up")


@dataclass(frozen=True)
class FoundForm:
    """What the page script marked: selectors to fill and click, and how each was recognised."""

    role: Role
    described: dict[str, str]

    def selector(self, field: str) -> str:
        return f"[{MARK}={field}]"

    @property
    def has_name(self) -> bool:
        return "name" in self.described

    @property
    def has_confirm(self) -> bool:
        return "confirm" in self.described

    def summary(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in self.described.items())


def find_form(page: Page, role: Role, *, strict: bool = False) -> FoundForm | None:
    """The sign-in or sign-up form in the page now, marked; ``strict`` asks for positive
    evidence of the role (a new-password or name field for a sign-up, none for a sign-in)."""
    found: Any = _run(page, ["form", role, strict])
    if not isinstance(found, dict):
        return None
    return FoundForm(role, {k: str(v) for k, v in found.items() if v})


def find_link(page: Page, pattern: str) -> str | None:
    """Mark the first visible link or button whose words match; its words, or None."""
    words: Any = _run(page, ["link", pattern])
    return words if isinstance(words, str) else None


LINK = f"[{MARK}=link]"
TASK_TITLE = f"[{MARK}=task-title]"
TASK_SUBMIT = f"[{MARK}=task-submit]"


def find_task_form(page: Page) -> bool:
    """Mark a visible form with one text field and a submit button (no password): the page's
    "new item" form."""
    return bool(_run(page, ["task"]))
