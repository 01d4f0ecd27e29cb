"""Browser harness: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Fixtures for every browser test: `browser` (one Chromium per session), `page` (a fresh context
per test, its base URL the live server), `login` (`login(page, username)` signs in through the
Dutch form), `screenshot` (`screenshot(page, name)` writes `test-artifacts/screenshots/<name>.png`,
a folder git ignores; CI can keep it as an artefact). Mark the tests `@pytest.mark.browser`.
Every page also watches the Content-Security-Policy (`watch_csp`): a test whose pages had any
script, style or connection blocked fails, so each browser test proves the pages work under it.
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

# Runs in every document before the page's own scripts (Playwright's init scripts are not
# subject to the page's policy) and reports each violation to the test.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` on ${document.location.pathname} (${event.sourceFile}:${event.lineNumber})`
  );
});
"""


def watch_csp(context, violations=None):
    """The CSP violations of every page in `context`, from the DOM event and Chromium's console,
    appended to `violations` (a new list if none is given)."""
    violations = [] if violations is None else violations

    def report(violation):
        violations.append(violation)

    context.expose_function("__reportCspViolation", report)
    context.add_init_script(CSP_LISTENER)

    def on_console(message):
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    context.on("console", on_console)
    return violations


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
    csp_violations = watch_csp(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert csp_violations == [], "Content-Security-Policy violations"


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
