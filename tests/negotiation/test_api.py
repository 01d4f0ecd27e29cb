"""Read-only API of a session's outcome and the building blocks, scoped like the rest."""

from rest_framework.test import APIClient

from gmr_thuis.tokens import api_token_issue
from negotiation import services
from tests import factories
from tests.negotiation.test_services import propose


def client_of(user):
    _token, key = api_token_issue(issued_by=None, user=user, name="test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_outcome_and_building_blocks(solving, owner, nijmegen_servant, places, groups):
    exchange = propose(
        nijmegen_servant,
        solving,
        places["nijmegen"],
        places["westervoort"],
        groups["statushouders"],
        2,
        block={"title": "Skaeve huse", "kind": "new_construction", "homes_added": 6},
    )
    services.exchange_decide(user=owner, exchange=exchange, accept=True)
    api = client_of(owner)
    body = api.get(f"/api/v1/negotiation-sessions/{solving.pk}/").json()
    numbers = {(c["municipality"], c["target_group"]): c["number"] for c in body["outcome"]}
    assert numbers[("GM0268", "statushouders")] == 102
    assert body["exchanges"][0]["status"] == "accepted"
    assert body["building_blocks"][0]["title"] == "Skaeve huse"
    blocks = api.get("/api/v1/building-blocks/").json()["results"]
    assert [b["owner"] for b in blocks] == ["GM0293"]


def test_other_region_sees_nothing(session):
    other = factories.RegionFactory(name="Elders", slug="elders")
    stranger = factories.member(role="project_leader", region=other, username="elders")
    api = client_of(stranger)
    assert api.get(f"/api/v1/negotiation-sessions/{session.pk}/").status_code == 404
    assert api.get("/api/v1/negotiation-sessions/").json()["results"] == []


def test_a_practice_session_s_building_blocks_are_not_in_the_api(practice_with_block, owner):
    assert practice_with_block.building_blocks.count() == 1
    assert client_of(owner).get("/api/v1/building-blocks/").json()["results"] == []
