"""Browser harness: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Fixtures for every browser test: `browser` (one Chromium per session), `page` (a fresh context
per test, its base URL the live server), `login` (`login(page, username)` signs in through the
Dutch form), `screenshot` (`screenshot(page, name)` writes `test-artifacts/screenshots/<name>.png`,
a folder git ignores; CI can keep it as an artefact). Mark the tests `@pytest.mark.browser`.
Without /usr/bin/chromium they skip on a bare machine and fail where GMR_REQUIRE_SERVICES=1.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import require_service

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
# synchronous and safe, so Django's async-unsafe guard must stand aside.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "geheim-wachtwoord-123"  # tests.factories.UserFactory's password


@pytest.fixture(scope="session")
def browser():
    require_service("Chromium (/usr/bin/chromium)", CHROMIUM.exists())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def login():
    def sign_in(page, username, password=PASSWORD):
        page.goto("/login/")
        page.get_by_label("Gebruikersnaam").fill(username)
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url(lambda url: "/login/" not in url)

    return sign_in


@pytest.fixture
def screenshot():
    def take(page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
