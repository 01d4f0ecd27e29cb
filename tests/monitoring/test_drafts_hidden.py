"""A local agreement is the municipality's and the region's until the region approves it: a
corporation sees neither drafts nor their notes, on any screen or export, just as the API
shows approved agreements only. One rule (`LocalAgreement.scope_published`) serves both."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from gmr_thuis.tokens import api_token_issue
from monitoring import services
from monitoring.models import AgreementStatus, LocalAgreement
from municipalities.models import CorporationStock
from tests import factories

DRAFT_NOTE = "Conceptnotitie: nog niet met de corporaties besproken"
APPROVED_NOTE = "Vastgestelde toelichting voor iedereen"
READERS_OF_DRAFTS = ["owner", "colleague", "outsider", "project_leader"]


@pytest.fixture
def corporation_member(westervoort):
    corporation = factories.CorporationFactory(name="Vivare")
    CorporationStock.objects.create(
        corporation=corporation, municipality=westervoort, dwellings=500, source="test"
    )
    return factories.member(role="corporation", corporation=corporation, username="vivare")


@pytest.fixture
def agreements(owner, project_leader, westervoort, groups, approve_fair_share):
    """Statushouders: a draft with notes. Uitstroom: submitted by Westervoort, approved."""
    approve_fair_share(
        {(westervoort, "statushouders", 2026): 10, (westervoort, "uitstroom-bw", 2026): 4}
    )
    draft = services.local_agreement_save(
        user=owner,
        municipality=westervoort,
        target_group=groups["statushouders"],
        year=2026,
        agreed_number=7,
        notes=DRAFT_NOTE,
        version=None,
    )
    approved = services.local_agreement_save(
        user=owner,
        municipality=westervoort,
        target_group=groups["uitstroom-bw"],
        year=2026,
        agreed_number=4,
        notes=APPROVED_NOTE,
        version=None,
    )
    for step, user in (("submit", owner), ("approve", project_leader)):
        approved = services.local_agreement_transition(
            user=user, agreement=approved, step=step, version=approved.version
        )
    assert (draft.status, approved.status) == (AgreementStatus.DRAFT, AgreementStatus.APPROVED)
    return {"draft": draft, "approved": approved}


def _pages(client):
    """Every screen and export that shows Westervoort's 2026 agreements."""
    urls = [
        reverse("monitoring:municipality_year", args=["westervoort", 2026]),
        reverse("monitoring:agreement", args=["westervoort", 2026, "statushouders"]),
        reverse("monitoring:agreement", args=["westervoort", 2026, "uitstroom-bw"]),
        reverse("monitoring:dashboard") + "?jaar=2026&kwartaal=4",
        reverse("monitoring:dashboard_export", args=["csv"]) + "?jaar=2026&kwartaal=4",
    ]
    responses = [client.get(url) for url in urls]
    assert [response.status_code for response in responses] == [200] * len(urls)
    return " ".join(response.content.decode("utf-8-sig") for response in responses)


@pytest.mark.parametrize("role", READERS_OF_DRAFTS)
def test_municipality_and_region_read_drafts_and_their_notes(request, client, agreements, role):
    client.force_login(request.getfixturevalue(role))
    pages = _pages(client)
    assert DRAFT_NOTE in pages and APPROVED_NOTE in pages
    assert "concept" in pages


def test_corporation_sees_no_draft_nor_its_notes(client, agreements, corporation_member):
    client.force_login(corporation_member)
    pages = _pages(client)
    assert DRAFT_NOTE not in pages
    assert "concept" not in pages
    # The approved agreement and its notes are there.
    assert APPROVED_NOTE in pages and "goedgekeurd" in pages
    draft_page = client.get(
        reverse("monitoring:agreement", args=["westervoort", 2026, "statushouders"])
    ).content.decode()
    assert "Nog geen afspraak vastgelegd." in draft_page


def test_corporation_sees_in_the_ui_what_the_api_gives_it(agreements, corporation_member):
    ui = set(LocalAgreement.objects.restrict(corporation_member).values_list("pk", flat=True))
    _token, key = api_token_issue(issued_by=None, user=corporation_member, name="ERP")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/api/v1/agreements/")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == ui == {agreements["approved"].pk}


def test_a_returned_agreement_leaves_the_corporations_view(
    client, agreements, corporation_member, project_leader
):
    approved = agreements["approved"]
    services.local_agreement_transition(
        user=project_leader,
        agreement=approved,
        step="return",
        version=approved.version,
        comment="Graag de zorgafspraken aanvullen.",
    )
    client.force_login(corporation_member)
    assert APPROVED_NOTE not in _pages(client)
