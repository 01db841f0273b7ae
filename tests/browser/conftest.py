"""Headless Chromium (Debian's, never a downloaded one) driven by Playwright against live_server.

A missing /usr/bin/chromium fails the run in CI (CI=true) and skips the browser tests elsewhere;
scripts/ensure-browser.sh, run by `make test`, installs it.
"""

import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="package")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: run scripts/ensure-browser.sh (make test does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # While Playwright's sync API is open it keeps an event loop running in this thread, and Django
    # then refuses the ORM calls of the tests (fixtures, assertions, the flush after each test).
    # They are plain synchronous calls, so allow them until the browser tests are over.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class Watch:
    """What went wrong in the page while a test drove it."""

    console_errors: list[str] = field(default_factory=list)
    failed_static: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(f"{msg.text} {msg.location}"))
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        # A load the page's own navigation cancels (net::ERR_ABORTED: the test clicked on before an icon of
        # the page it left had arrived) is not a missing file; a missing one answers 404 (next line).
        page.on(
            "requestfailed",
            lambda request: (
                "/static/" in request.url
                and request.failure != "net::ERR_ABORTED"
                and self.failed_static.append(request.url)
            ),
        )
        page.on("response", lambda r: "/static/" in r.url and r.status >= 400 and self.failed_static.append(r.url))


@pytest.fixture
def watch():
    return Watch()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="vi-VN")
    yield context
    context.close()


@pytest.fixture
def page(context, watch):
    page = context.new_page()
    page.set_default_timeout(10_000)
    watch.attach(page)
    return page


@pytest.fixture
def demo(transactional_db):
    """The Can Lộc demo (units of Hà Tĩnh, QĐ 1980 and QĐ 318, assessments, one login per role)."""
    call_command("load_demo", stdout=io.StringIO())


def log_in(context, live_server, user) -> None:
    """Give the browser the session of `user`, as if they had signed in."""
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


def shoot(page, name: str, *, full_page: bool = True) -> Path:
    """Save the page to tests/screenshots/NAME.png (the first screen only of a long page, readable)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=full_page)
    return path
