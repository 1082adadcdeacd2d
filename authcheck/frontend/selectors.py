"""Where to click: an optional override of what the capture finds in the page by itself.

With no file the capture finds the sign-in and sign-up forms, the sign-up link, success and the
task form itself (`authcheck.frontend.formfind`). A selectors file (TOML, every key optional)
overrides any of it; every key is documented on the model below and in docs/capture.md::

    login_path = "/account/login"
    signin_email = "#login-mail"
    signin_password = "#login-secret"
    signin_submit = "text=Let me in"
    signed_in = "[data-user-menu]"
    error_marker = ".flash-error"
    signup_path = ""                 # no sign-up: set AUTHCHECK_EMAIL / AUTHCHECK_PASSWORD
    task_title = ""                  # no task form: record what the page sends by itself
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from authcheck.engine.tomlfile import first_error, read_toml
from authcheck.errors import BadInputError

# Present (attached, with words) only while a page reports a failed sign-in or sign-up: the
# bundled dashboard's #auth-error and any ARIA alert, the common way forms announce errors.
DEFAULT_ERROR_MARKER = '[role="alert"]:not([hidden]):not(:empty)'


class Selectors(BaseModel):
    """Playwright selectors (CSS, ``text=``, …) and paths relative to the frontend URL.

    ``None`` (the default) means "find it in the page"; ``""`` means "this frontend has none".
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    login_path: str = Field(
        default="/", description="the page with the sign-in form (or a link to it)"
    )
    signin_email: str | None = Field(default=None, description="the e-mail or user name field")
    signin_password: str | None = Field(default=None, description="the password field")
    signin_submit: str | None = Field(default=None, description="the button that signs in")
    signup_path: str | None = Field(
        default=None,
        description="the sign-up page; unset: a sign-up form or link on login_path, then "
        "/sign-up, /signup, /register, /join; '' = none (give AUTHCHECK_EMAIL/PASSWORD)",
    )
    signup_name: str | None = Field(default=None, description="the sign-up name field ('' = none)")
    signup_email: str | None = Field(default=None, description="the sign-up e-mail field")
    signup_password: str | None = Field(default=None, description="the sign-up password field")
    signup_submit: str | None = Field(default=None, description="the button that signs up")
    signed_in: str | None = Field(
        default=None,
        description="present once signed in; unset: the page navigates away from the form or "
        "a cookie whose name contains 'session' appears",
    )
    error_marker: str = Field(
        default=DEFAULT_ERROR_MARKER,
        description="present only while the page shows a rejected sign-in ('' = none)",
    )
    task_title: str | None = Field(
        default=None,
        description="the new-task text field; unset: a form with one text field and a submit "
        "button on the signed-in page; '' = do not create a task",
    )
    task_submit: str | None = Field(default=None, description="the new-task submit button")
    token_expression: str = Field(
        default="window.__authcheck ? window.__authcheck.lastToken : null",
        description="JavaScript returning the JWT the page got (null when it exposes none)",
    )
    user_id_expression: str = Field(
        default="window.__authcheck ? window.__authcheck.userId : null",
        description="JavaScript returning the signed-in user's id (null when unknown)",
    )

    @property
    def can_sign_up(self) -> bool:
        return self.signup_path != ""

    @property
    def can_create_task(self) -> bool:
        return self.task_title != ""


def load_selectors(path: Path | None) -> Selectors:
    """Find everything (no file), or the file's values over that; a bad file names the key."""
    if path is None:
        return Selectors()
    data = read_toml(path, unreadable="cannot read selectors file {path}: {reason}")
    try:
        return Selectors.model_validate(data)
    except ValidationError as exc:
        raise BadInputError(
            first_error(path, exc, label="", more=False),
            hint=f"known keys: {', '.join(Selectors.model_fields)} (see docs/capture.md)",
        ) from None
