"""Three participants in three browser contexts (two municipalities and the facilitator) play the
three rounds to an adopted agreement; each sees the others' moves without reloading.

The live board needs websockets, so the pages are served by daphne (ASGI) in a thread of the
test process, on the same test database as the live server."""

import socket
import threading
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from negotiation import services
from negotiation.models import AdoptedAgreement
from tests import factories
from tests.browser.conftest import watch_csp
from tests.negotiation.conftest import groups, run  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def places(westervoort, nijmegen):
    return {"westervoort": westervoort, "nijmegen": nijmegen}


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def asgi_url(live_server):
    """Daphne serving the project's ASGI app (with static files) on a free port."""
    from channels.auth import AuthMiddlewareStack
    from channels.routing import ProtocolTypeRouter, URLRouter
    from daphne.server import Server
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application

    from negotiation.routing import websocket_urlpatterns

    application = ProtocolTypeRouter(
        {
            "http": ASGIStaticFilesHandler(get_asgi_application()),
            "websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
        }
    )
    port = _free_port()
    server = Server(
        application=application,
        endpoints=[f"tcp:port={port}:interface=127.0.0.1"],
        signal_handlers=False,
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    from twisted.internet import reactor

    reactor.callFromThread(reactor.stop)


def _page(browser, base_url, username, csp_violations):
    context = browser.new_context(
        base_url=base_url, locale="nl-NL", viewport={"width": 1280, "height": 900}
    )
    watch_csp(context, csp_violations)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill("geheim-wachtwoord-123")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    return page


def _watch(page, session):
    """Open the board and mark the window: the mark survives only if the page never reloads."""
    page.goto(f"/onderhandeling/{session.pk}/")
    expect(page.locator("#live-status")).to_have_text("Live bijgewerkt")
    page.evaluate("window.__noReload = true")


def _not_reloaded(*pages):
    for page in pages:
        assert page.evaluate("window.__noReload === true")


def _act(page, locator):
    """Click a form's button: that page posts and reloads; mark it again afterwards."""
    with page.expect_navigation():
        locator.click()
    expect(page.locator("#live-status")).to_have_text("Live bijgewerkt")
    page.evaluate("window.__noReload = true")


def test_three_rounds_to_an_adopted_agreement(
    browser,
    asgi_url,
    project_leader,
    owner,
    run,  # noqa: F811
    places,
    groups,  # noqa: F811
):
    nina = factories.member(role="civil_servant", municipality=places["nijmegen"], username="nina")
    session = services.session_create(
        user=project_leader,
        name="Tafel in de browser",
        run=run,
        level="ambtelijk",
        municipalities=places.values(),
    )
    # The live board (websocket and Plotly) works under the Content-Security-Policy.
    csp_violations = []
    leader = _page(browser, asgi_url, project_leader.username, csp_violations)
    wester = _page(browser, asgi_url, owner.username, csp_violations)
    nijmegen = _page(browser, asgi_url, nina.username, csp_violations)
    for page in (leader, wester, nijmegen):
        _watch(page, session)

    results = Axe().run(wester)
    serious = [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == []

    # Round 1: the facilitator opens Inzicht; Westervoort marks a bottleneck.
    _act(leader, leader.get_by_role("button", name="Open ronde Inzicht"))
    for page in (wester, nijmegen):
        expect(page.locator("#current-round")).to_have_text("Inzicht")
    _not_reloaded(wester, nijmegen)
    wester.get_by_label("Reden", exact=True).select_option("low_turnover")
    _act(wester, wester.get_by_role("button", name="Knelpunt melden"))
    expect(nijmegen.locator("#bottlenecks")).to_contain_text("te weinig mutaties")
    expect(leader.locator("#bottlenecks")).to_contain_text("Westervoort")
    _not_reloaded(nijmegen, leader)

    # Round 2: Nijmegen proposes that Westervoort takes 3 statushouders; Westervoort accepts.
    _act(leader, leader.get_by_role("button", name="Sluit ronde Inzicht"))
    _act(leader, leader.get_by_role("button", name="Open ronde Oplossen"))
    expect(nijmegen.locator("#current-round")).to_have_text("Oplossen")
    nijmegen.get_by_label("Gemeente die meer neemt").select_option(label="Westervoort")
    nijmegen.get_by_label("Van gemeente").select_option(label="Nijmegen")
    nijmegen.get_by_label("Groep", exact=True).first.select_option(index=0)
    nijmegen.get_by_label("Aantal", exact=True).fill("3")
    _act(nijmegen, nijmegen.get_by_role("button", name="Voorstellen"))
    expect(wester.get_by_role("button", name="Aanvaarden")).to_be_visible()
    _act(wester, wester.get_by_role("button", name="Aanvaarden"))
    expect(nijmegen.locator("#exchanges")).to_contain_text("aanvaard")
    expect(leader.locator("#pawns")).to_contain_text("23")
    _not_reloaded(nijmegen, leader)

    # Round 3: both agree; the facilitator adopts.
    _act(leader, leader.get_by_role("button", name="Sluit ronde Oplossen"))
    _act(leader, leader.get_by_role("button", name="Open ronde Afspraken"))
    _act(wester, wester.get_by_role("button", name="Westervoort stemt in"))
    expect(nijmegen.locator("#support")).to_contain_text("1 van 2")
    _act(nijmegen, nijmegen.get_by_role("button", name="Nijmegen stemt in"))
    expect(leader.locator("#support")).to_contain_text("2 van 2")
    expect(wester.locator("#support")).to_contain_text("2 van 2")
    _not_reloaded(leader, wester)
    _act(leader, leader.get_by_role("button", name="Uitkomst vaststellen als regionale afspraak"))
    expect(wester.locator("#board-live")).to_contain_text("Status: vastgesteld")
    _not_reloaded(wester, nijmegen)

    agreement = AdoptedAgreement.objects.get(session=session)
    numbers = {
        (t.municipality.name, t.target_group.code): t.number for t in agreement.targets.all()
    }
    assert numbers[("Westervoort", "statushouders")] == 23
    assert numbers[("Nijmegen", "statushouders")] == 97

    # In monitoring the adopted number is Westervoort's agreed target, with its justification.
    wester.goto("/monitoring/gemeente/westervoort/2026/afspraak/statushouders/")
    expect(wester.locator("dl.summary")).to_contain_text("Afgesproken regionaal doel")
    expect(wester.locator("dl.summary")).to_contain_text("23")
    expect(wester.locator("#justification")).to_contain_text(
        "Westervoort neemt 3 Groep statushouders over van Nijmegen"
    )
    serious = [
        v["id"]
        for v in Axe().run(wester).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    assert csp_violations == []
