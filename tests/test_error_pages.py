"""The product's own 404 page, also with DEBUG on as under `make run`."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests import factories


@pytest.fixture
def member(db):
    municipality = factories.MunicipalityFactory(name="Westervoort", cbs_code="GM0293")
    return factories.member(role="civil_servant", municipality=municipality, username="w")


@override_settings(DEBUG=True, GMR_DEBUG_404=False)
def test_an_unknown_address_shows_the_products_page_not_the_url_list(client, member):
    client.force_login(member)
    response = client.get("/bestaat-niet/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Using the URLconf" not in page and "URLconf" not in page
    assert "GMR Thuis" in page


@override_settings(DEBUG=True, GMR_DEBUG_404=False)
def test_a_record_outside_ones_scope_shows_the_products_page(client, member):
    client.force_login(member)
    response = client.get(reverse("municipalities:profile", args=["niet-van-mij"]))
    assert response.status_code == 404
    assert "Traceback" not in response.content.decode()
    assert "URLconf" not in response.content.decode()
    assert "GMR Thuis" in response.content.decode()


@override_settings(DEBUG=True, GMR_DEBUG_404=False)
def test_a_missing_trailing_slash_is_still_redirected(client, member):
    client.force_login(member)
    response = client.get(reverse("monitoring:dashboard").rstrip("/"))
    assert response.status_code == 301


@override_settings(DEBUG=True, GMR_DEBUG_404=True)
def test_developers_can_ask_for_djangos_page(client, member):
    client.force_login(member)
    assert "URLconf" in client.get("/bestaat-niet/").content.decode()
