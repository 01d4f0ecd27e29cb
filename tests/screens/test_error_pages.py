"""Refusals and missing pages answer in the product's own layout and in Dutch."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_a_refused_action_shows_the_dutch_403_page(client, owner):
    client.force_login(owner)

    response = client.get(reverse("allocation:scenario_create"))

    assert response.status_code == 403
    assert "Geen toegang" in response.text
    assert "GMR Thuis" in response.text


@pytest.mark.django_db
def test_a_missing_page_shows_the_dutch_404_page(client, owner):
    client.force_login(owner)

    response = client.get("/gemeenten/bestaat-niet/")

    assert response.status_code == 404
    assert "Niet gevonden" in response.text
