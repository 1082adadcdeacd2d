"""Where to click: login paths and selectors for the capture, defaulting to the bundled dashboard.

Anyone else's frontend gets a small TOML file with the same names (every key optional)::

    login_path = "/login"
    signin_email = "input[name=email]"
    signin_password = "input[name=password]"
    signin_submit = "button[type=submit]"
    signed_in = "text=Dashboard"
    error_marker = ".login-error"  # present only when the page rejects the sign-in ("" = none)
    signup_path = ""          # no sign-up form: set AUTHCHECK_EMAIL / AUTHCHECK_PASSWORD
    task_title = ""           # no task form: the capture records what the page sends by itself
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from authcheck.engine.tomlfile import first_error, read_toml
from authcheck.errors import BadInputError


class Selectors(BaseModel):
    """Playwright selectors (CSS, `text=`, …) and paths relative to the frontend URL."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    login_path: str = "/"
    signin_email: str = "#signin-email"
    signin_password: str = "#signin-password"
    signin_submit: str = "#signin-submit"
    signup_path: str = "/"  # "" = the frontend has no sign-up form the capture can use
    signup_name: str = "#signup-name"
    signup_email: str = "#signup-email"
    signup_password: str = "#signup-password"
    signup_submit: str = "#signup-submit"
    signed_in: str = 'body[data-state="signed-in"]'  # visible once the user is signed in
    # present (attached) only while the page shows a rejected sign-in/sign-up; "" = none, the
    # capture then waits for `signed_in` alone until the timeout
    error_marker: str = '[data-testid="auth-error"]:not([hidden])'
    task_title: str = "#task-title"  # "" = no task form to exercise
    task_submit: str = "#task-submit"
    # JavaScript expressions read in the page after the run (null when the page has no such thing)
    token_expression: str = "window.__authcheck ? window.__authcheck.lastToken : null"
    user_id_expression: str = "window.__authcheck ? window.__authcheck.userId : null"

    @property
    def can_sign_up(self) -> bool:
        return bool(self.signup_path)

    @property
    def can_create_task(self) -> bool:
        return bool(self.task_title)


def load_selectors(path: Path | None) -> Selectors:
    """The defaults, or the file's values over them; a bad file names the file and the key."""
    if path is None:
        return Selectors()
    data = read_toml(path, unreadable="cannot read selectors file {path}: {reason}")
    try:
        return Selectors.model_validate(data)
    except ValidationError as exc:
        raise BadInputError(
            first_error(path, exc, label="", more=False),
            hint=f"known keys: {', '.join(Selectors.model_fields)}",
        ) from None
