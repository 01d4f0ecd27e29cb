"""Checks axe does not make, on the main pages for a civil servant and the project leader:
every focusable element has a visible size and an accessible name that includes its value,
and at a phone's width (390 px) no page is wider than the screen."""

import pytest
from playwright.sync_api import expect

from tests.monitoring.conftest import approve_fair_share, groups  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/aandachtsgroepen/",
    "/monitoring/",
    "/monitoring/gemeente/westervoort/2026/",
    "/monitoring/gemeente/westervoort/2026/afspraak/statushouders/",
    "/monitoring/gemeente/westervoort/2026/afspraken/",
    "/monitoring/gemeente/westervoort/2026/realisatie/",
    "/monitoring/bezwaren/",
    "/monitoring/bezwaren/nieuw/westervoort/",
    "/gemeenten/westervoort/",
]

# Focusable elements that are invisible (0 x 0, or hidden while focusable) or have no name; a
# named link or button whose shown number is missing from its name counts as unnamed too.
# Skip links are off-screen until focused, by design.
PROBLEMS = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]';
  const problems = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.tabIndex < 0 || el.disabled || el.closest('[hidden], [inert]')) continue;
    if (el.classList.contains('skip-link')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const box = el.getBoundingClientRect();
    const describe = el.outerHTML.slice(0, 160);
    if (box.width < 1 || box.height < 1) { problems.push('invisible: ' + describe); continue; }
    let name = el.getAttribute('aria-label') || '';
    if (!name && el.getAttribute('aria-labelledby')) {
      name = el.getAttribute('aria-labelledby').split(' ')
        .map(id => (document.getElementById(id) || {}).textContent || '').join(' ');
    }
    if (!name && el.labels && el.labels.length) name = el.labels[0].textContent;
    if (!name) name = el.textContent || el.getAttribute('title') || el.value || '';
    if (!name.trim()) { problems.push('unnamed: ' + describe); continue; }
    const shown = (el.innerText || '').trim();
    const control = el.matches('a, button');
    if (control && el.getAttribute('aria-label') && shown && !el.getAttribute('aria-label').includes(shown)) {
      problems.push('name hides the shown text "' + shown + '": ' + describe);
    }
  }
  return problems;
}"""

WIDEST = """() => [...document.querySelectorAll('main *')]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(el => !el.closest(".table-wrap")).slice(0, 3).map(el => el.outerHTML.slice(0, 120))"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def fair_share_2026(approve_fair_share, westervoort, owner, project_leader):  # noqa: F811
    approve_fair_share({(westervoort, "statushouders", 2026): 10})


@pytest.mark.parametrize("username", ["alice", "projectleider"])
def test_every_focusable_element_is_visible_and_named(page, login, fair_share_2026, username):
    login(page, username)
    found = {}
    for url in PAGES:
        page.goto(url)
        page.wait_for_load_state("load")
        problems = page.evaluate(PROBLEMS)
        if problems:
            found[url] = problems

    assert found == {}


@pytest.mark.parametrize("width", [375, 390])
def test_no_page_overflows_at_phone_width(page, login, fair_share_2026, width):
    page.set_viewport_size({"width": width, "height": 844})
    login(page, "alice")
    wider = {}
    for url in PAGES:
        page.goto(url)
        page.wait_for_load_state("load")
        extra = page.evaluate(OVERFLOW)
        if extra > 0:
            wider[url] = (extra, page.evaluate(WIDEST))

    assert wider == {}


def test_the_menu_folds_on_a_phone_and_opens_with_the_keyboard(page, login, fair_share_2026):
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, "alice")
    menu = page.locator("#main-nav-list")
    toggle = page.get_by_role("button", name="Menu")

    assert menu.is_hidden()
    toggle.focus()
    page.keyboard.press("Enter")

    assert toggle.get_attribute("aria-expanded") == "true"
    expect(menu).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(toggle).to_be_hidden()
    expect(menu).to_be_visible()
