"""The dashboard itself in Chromium: task CRUD with the JWT, and a fresh JWT before expiry."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, sync_playwright

from authcheck.frontend.capture import CHROMIUM_FLAGS, chromium_path
from authcheck.frontend.node import FrontendConfig
from tests.frontend.conftest import PASSWORD, Stack, running_stack

pytestmark = [pytest.mark.browser, pytest.mark.node]


@pytest.fixture()
def page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=list(CHROMIUM_FLAGS)
        )
        page = browser.new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()


def sign_up_in_page(page: Page, stack: Stack, email: str) -> None:
    page.goto(stack.frontend.url)
    page.fill("#signup-name", "Ada")
    page.fill("#signup-email", email)
    page.fill("#signup-password", PASSWORD)
    page.click("#signup-submit")
    page.wait_for_selector('#task-list[data-loaded="true"]', state="attached")


def add_task(page: Page, title: str) -> None:
    page.fill("#task-title", title)
    page.click("#task-submit")
    page.get_by_text(title, exact=True).wait_for()


def test_create_complete_delete_and_sign_out(stack: Stack, page: Page) -> None:
    auth_headers: list[str] = []
    page.on(
        "request",
        lambda r: (
            auth_headers.append(r.headers.get("authorization", ""))
            if r.url.startswith(stack.backend_url)
            else None
        ),
    )
    sign_up_in_page(page, stack, "ada-crud@example.test")
    add_task(page, "first")
    add_task(page, "second")
    first = page.locator('li[data-testid="task"]', has_text="first")
    first.locator('[data-testid="task-complete"]').click()
    page.wait_for_selector('li[data-testid="task"][data-completed="true"]')
    page.locator('li[data-testid="task"]', has_text="second").locator(
        '[data-testid="task-delete"]'
    ).click()
    page.wait_for_function("document.querySelectorAll('li[data-testid=task]').length === 1")
    assert page.locator('li[data-testid="task"]').get_attribute("data-completed") == "true"
    assert page.text_content("#message") == ""
    assert auth_headers and all(h.startswith("Bearer eyJ") for h in auth_headers)
    page.click("#signout")
    page.wait_for_selector('body[data-state="signed-out"]', state="attached")
    assert page.evaluate("window.__authcheck.lastToken") is None


@pytest.fixture(scope="module")
def short_lived_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """JWTs that live 5 s: inside the dashboard's refresh margin from the moment they arrive."""
    config = FrontendConfig(control=True, expiration="5s")
    with running_stack(tmp_path_factory.mktemp("short"), config) as stack:
        yield stack


def test_token_is_reused_while_fresh(stack: Stack, page: Page) -> None:
    sign_up_in_page(page, stack, "ada-reuse@example.test")
    add_task(page, "one")
    add_task(page, "two")
    # five backend calls (list, create+list, create+list), one JWT
    assert page.evaluate("window.__authcheck.tokenFetches") == 1


def test_token_near_expiry_is_replaced_before_the_call(
    short_lived_stack: Stack, page: Page
) -> None:
    calls: list[str] = []
    page.on("request", lambda r: calls.append(r.url) if "/tasks" in r.url else None)
    sign_up_in_page(page, short_lived_stack, "ada-short@example.test")
    add_task(page, "one")
    assert page.text_content("#message") == ""
    assert page.evaluate("window.__authcheck.tokenFetches") == len(calls) == 3
