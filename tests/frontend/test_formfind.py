"""Finding sign-in, sign-up and task forms in markup authcheck has never seen (one Chromium)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from authcheck.frontend import formfind
from authcheck.frontend.capture import CHROMIUM_FLAGS, chromium_path

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_FLAGS))
        yield browser.new_page()
        browser.close()


def marked(page: Page, field: str) -> str:
    """The id of the element the script marked as ``field``."""
    return str(page.get_attribute(f"[data-authcheck={field}]", "id"))


SIGN_IN_PAGES = {
    "labels-for": """<form><label for="e">Work e-mail</label><input id="e">
        <label for="p">Passphrase</label><input id="p" type="password">
        <button id="s">Let me in</button></form>""",
    "no-form-role-button": """<div><input id="e" autocomplete="username" type="text">
        <input id="p" type="password"><a id="s" role="button" href="#">Continue</a></div>""",
    "aria-and-placeholder": """<form><input id="x" type="search" placeholder="Search">
        <input id="e" aria-label="Username"><input id="p" type="password"
        autocomplete="current-password"><input id="s" type="submit" value="Log in"></form>""",
    "both-forms-one-page": """<form><input id="e" type="email"><input id="p" type="password"
        autocomplete="current-password"><button id="s">Sign in</button></form>
        <form><input id="n" autocomplete="name"><input id="e2" type="email">
        <input id="p2" type="password" autocomplete="new-password">
        <button id="s2">Sign up</button></form>""",
}


@pytest.mark.parametrize("name", sorted(SIGN_IN_PAGES))
def test_sign_in_form_is_found_by_type_autocomplete_label_and_words(page: Page, name: str) -> None:
    page.set_content(SIGN_IN_PAGES[name])
    found = formfind.find_form(page, "signin")
    assert found is not None, name
    assert (marked(page, "email"), marked(page, "password"), marked(page, "submit")) == (
        "e",
        "p",
        "s",
    )


def test_sign_up_form_with_name_and_confirmation(page: Page) -> None:
    page.set_content(
        SIGN_IN_PAGES["both-forms-one-page"].replace(
            '<button id="s2">Sign up</button>',
            '<input id="c2" type="password" autocomplete="new-password">'
            '<button id="s2">Sign up</button>',
        )
    )
    found = formfind.find_form(page, "signup", strict=True)
    assert found is not None and found.has_name and found.has_confirm
    assert marked(page, "email") == "e2" and marked(page, "name") == "n"
    assert marked(page, "password") == "p2" and marked(page, "confirm") == "c2"
    assert marked(page, "submit") == "s2"


def test_a_sign_in_form_is_not_taken_for_a_sign_up_when_strict(page: Page) -> None:
    page.set_content(SIGN_IN_PAGES["labels-for"])
    assert formfind.find_form(page, "signup", strict=True) is None


def test_hidden_forms_and_pages_without_a_password_field_give_nothing(page: Page) -> None:
    page.set_content(
        '<div hidden><input type="email"><input type="password"><button>Go</button></div>'
    )
    assert formfind.find_form(page, "signin") is None
    page.set_content('<form><input type="email"><button>Subscribe</button></form>')
    assert formfind.find_form(page, "signin") is None


def test_sign_up_link_and_task_form(page: Page) -> None:
    page.set_content('<a id="l" href="/join">Create an account</a><a href="/help">Help</a>')
    assert formfind.find_link(page, formfind.SIGN_UP_WORDS) == "Create an account"
    assert page.get_attribute(formfind.LINK, "id") == "l"
    page.set_content(
        '<form><input id="q" type="search"><input id="more"><button>Go</button></form>'
        '<form><input id="t" aria-label="New note"><button id="b">Save</button></form>'
    )
    assert formfind.find_task_form(page)
    assert page.get_attribute(formfind.TASK_TITLE, "id") == "t"
    assert page.get_attribute(formfind.TASK_SUBMIT, "id") == "b"
