"""The objection form: only while a term is open, next to the fair share it contests, and a
follow-up the municipality can read."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from monitoring import services
from monitoring.models import Objection

LODGE = reverse("monitoring:objection_lodge", args=["westervoort"])


@pytest.fixture
def fair_share(westervoort, approve_fair_share):
    return approve_fair_share({(westervoort, "statushouders", 2026): 17})


def test_without_an_open_term_there_is_no_form_and_it_says_who_opens_one(client, owner, fair_share):
    client.force_login(owner)

    page = client.get(LODGE)
    refused = client.post(LODGE, {"year": 2026, "reasoning": "Te hoog"})

    assert page.status_code == 200 and page.context["form"] is None
    assert "De projectleider van de regio opent een termijn" in page.content.decode()
    assert refused.status_code == 400
    assert not Objection.objects.exists()


def test_the_form_shows_the_fair_share_objected_to_and_offers_only_open_years(
    client, owner, project_leader, fair_share
):
    services.objection_window_set(user=project_leader, year=2026, deadline=date.today())
    services.objection_window_set(
        user=project_leader, year=2025, deadline=date.today() - timedelta(days=1)
    )
    client.force_login(owner)

    page = client.get(LODGE)

    html = page.content.decode()
    assert [choice for choice, _label in page.context["form"].fields["year"].choices] == [2026]
    assert "Fair share Westervoort 2026" in html and ">17<" in html
    assert f"/waarom/{fair_share.pk}/westervoort/statushouders/2026/" in html
    assert client.post(LODGE, {"year": 2025, "reasoning": "Te laat"}).status_code == 400
    assert not Objection.objects.exists()


def test_the_municipality_reads_the_decision_and_its_follow_up(
    client, owner, project_leader, westervoort, groups, fair_share
):
    services.objection_window_set(user=project_leader, year=2026, deadline=date.today())
    objection = services.objection_lodge(
        user=owner,
        municipality=westervoort,
        target_group=groups["statushouders"],
        year=2026,
        reasoning="Te weinig mutaties",
    )
    client.force_login(owner)
    url = reverse("monitoring:objection", args=[objection.pk])
    assert "wacht op het besluit van de projectleider" in client.get(url).content.decode()

    services.objection_decide(
        user=project_leader, objection=objection, accepted=True, reason="Cijfers verouderd"
    )
    html = client.get(url).content.decode()

    assert "Cijfers verouderd" in html
    assert "Het bezwaar is toegekend" in html and "nieuwe berekening" in html
    assert ">17<" in html  # the fair share it contested
