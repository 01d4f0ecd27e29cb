"""POST /api/v1/mediation-offers/: a corporation offers a home to the mediation table,
idempotently; bad input is refused in Dutch and nothing is saved."""

from datetime import date, timedelta

import pytest

from mediation.models import Offer

pytestmark = pytest.mark.django_db
URL = "/api/v1/mediation-offers/"


def _payload(**overrides):
    today = date.today()
    payload = {
        "municipality": "GM0293",
        "rooms": 3,
        "ground_floor": True,
        "rent": "720.00",
        "available_from": today.isoformat(),
        "valid_until": (today + timedelta(days=40)).isoformat(),
        "reference": "VIV-1",
    }
    payload.update(overrides)
    return payload


def test_a_corporation_offers_a_home_once_per_key(api_as, corp_owner):
    client = api_as(corp_owner)
    first = client.post(URL, _payload(), format="json", HTTP_IDEMPOTENCY_KEY="a1")
    again = client.post(URL, _payload(), format="json", HTTP_IDEMPOTENCY_KEY="a1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["corporation"] == "vivare"
    assert Offer.objects.count() == 1


def test_the_same_key_for_a_different_offer_is_a_conflict(api_as, corp_owner):
    client = api_as(corp_owner)
    client.post(URL, _payload(), format="json", HTTP_IDEMPOTENCY_KEY="a2")
    response = client.post(URL, _payload(rooms=4), format="json", HTTP_IDEMPOTENCY_KEY="a2")

    assert response.status_code == 409
    assert Offer.objects.count() == 1


@pytest.mark.parametrize(
    "overrides", [{"rooms": 0}, {"valid_until": "2020-01-01", "available_from": "2019-12-01"}]
)
def test_bad_offers_are_refused(api_as, corp_owner, overrides):
    response = api_as(corp_owner).post(URL, _payload(**overrides), format="json")

    assert response.status_code == 400
    assert Offer.objects.count() == 0


def test_only_corporations_offer_homes(api_as, owner):
    response = api_as(owner).post(URL, _payload(), format="json")

    assert response.status_code == 403
    assert Offer.objects.count() == 0


def test_a_corporation_sees_only_its_own_offers(api_as, corp_owner, corp_outsider):
    api_as(corp_owner).post(URL, _payload(), format="json")

    assert len(api_as(corp_owner).get(URL).json()["results"]) == 1
    assert api_as(corp_outsider).get(URL).json()["results"] == []


def _withdraw_url(pk):
    return f"{URL}{pk}/withdraw/"


def test_a_corporation_withdraws_its_offer(api_as, corp_owner, corp_colleague):
    offered = api_as(corp_owner).post(URL, _payload(), format="json").json()

    response = api_as(corp_colleague).post(_withdraw_url(offered["id"]), format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert Offer.objects.get().status == "withdrawn"


def test_withdrawing_twice_is_refused_in_dutch(api_as, corp_owner):
    client = api_as(corp_owner)
    offered = client.post(URL, _payload(), format="json").json()
    client.post(_withdraw_url(offered["id"]), format="json")

    response = client.post(_withdraw_url(offered["id"]), format="json")

    assert response.status_code == 400
    assert "al ingetrokken" in str(response.json())


def test_another_corporation_cannot_withdraw_an_offer(api_as, corp_owner, corp_outsider):
    offered = api_as(corp_owner).post(URL, _payload(), format="json").json()

    response = api_as(corp_outsider).post(_withdraw_url(offered["id"]), format="json")

    assert response.status_code == 404
    assert Offer.objects.get().status == "available"


def test_the_municipality_of_the_home_cannot_withdraw_it(api_as, corp_owner, owner):
    offered = api_as(corp_owner).post(URL, _payload(), format="json").json()

    response = api_as(owner).post(_withdraw_url(offered["id"]), format="json")

    assert response.status_code in (403, 404)
    assert Offer.objects.get().status == "available"


def test_a_read_only_token_cannot_withdraw(api_as, corp_owner):
    offered = api_as(corp_owner).post(URL, _payload(), format="json").json()

    response = api_as(corp_owner, can_write=False).post(_withdraw_url(offered["id"]), format="json")

    assert response.status_code == 403
    assert Offer.objects.get().status == "available"


def test_an_offer_placed_by_the_table_cannot_be_withdrawn(api_as, corp_owner):
    offered = api_as(corp_owner).post(URL, _payload(), format="json").json()
    Offer.objects.filter(pk=offered["id"]).update(status="placed")

    response = api_as(corp_owner).post(_withdraw_url(offered["id"]), format="json")

    assert response.status_code == 400
    assert "intrekken kan niet meer" in str(response.json())
    assert Offer.objects.get().status == "placed"
