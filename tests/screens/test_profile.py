"""The municipality profile: the seed's figures, shares, regional averages, years and access."""

from decimal import Decimal

import pytest
from django.urls import reverse

from municipalities import selectors
from municipalities.models import Indicator
from tests import factories
from tests.screens.conftest import SEED_SOURCE, add_care


def rows_by_key(profile):
    return {
        str(row.key): row
        for row in profile.housing + profile.care + profile.groups + profile.supply
    }


def profile_url(municipality, **query):
    url = reverse("municipalities:profile", args=[municipality.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.django_db
def test_profile_shares_follow_the_seed(seed_figures, owner):
    rows = rows_by_key(selectors.municipality_profile(user=owner, slug="westervoort"))

    assert rows[Indicator.INHABITANTS].figure.value == 15114
    assert round(rows[Indicator.SOCIAL_RENT].share) == 31  # of dwellings
    assert round(rows[Indicator.TURNOVER].share, 1) == Decimal("4.3")  # of social rent
    assert round(rows["bw_wmo"].share, 2) == Decimal("0.18")  # of inhabitants
    assert rows[selectors.CARE_TOTAL].figure.value == 212
    assert round(rows[selectors.CARE_TOTAL].share, 2) == Decimal("1.40")
    assert round(rows[Indicator.LABOUR_MIGRANTS].share, 2) == Decimal("1.82")


@pytest.mark.django_db
def test_regional_average_is_sum_of_counts_over_sum_of_inhabitants(seed_figures, owner):
    rows = rows_by_key(selectors.municipality_profile(user=owner, slug="westervoort"))

    # The region has 100,000 inhabitants; BW Wmo 27 + 133 clients.
    assert rows["bw_wmo"].regional_share == Decimal("0.16")
    assert rows[selectors.CARE_TOTAL].regional_share == Decimal("1.55")
    # Social rent over dwellings: (2098 + 12902) / (6766 + 43234).
    assert rows[Indicator.SOCIAL_RENT].regional_share == Decimal(30)
    # Share of 75+ weighted by inhabitants: (8% of 15114 + 7% of 84886) / 100000.
    assert round(rows[Indicator.SHARE_75_PLUS].regional_share, 4) == Decimal("7.1511")


@pytest.mark.django_db
def test_profile_takes_the_latest_year_per_figure(seed_figures, owner):
    profile = selectors.municipality_profile(user=owner, slug="westervoort")
    rows = rows_by_key(profile)

    assert profile.year == 2024
    assert profile.years == [2024, 2022]
    assert rows[Indicator.TURNOVER].figure.year == 2022


@pytest.mark.django_db
def test_an_earlier_year_leaves_out_later_figures(seed_figures, owner):
    profile = selectors.municipality_profile(user=owner, slug="westervoort", year=2022)
    rows = rows_by_key(profile)

    assert profile.year == 2022
    assert rows[Indicator.TURNOVER].figure.value == 90
    assert rows[Indicator.INHABITANTS].figure is None


@pytest.mark.django_db
def test_profile_page_shows_seed_figures_in_dutch(client, seed_figures, owner):
    client.force_login(owner)
    response = client.get(profile_url(seed_figures))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Gemeenteprofiel Westervoort" in html
    assert "15.114" in html
    assert "6.766" in html
    assert "31,0%" in html
    assert "Mutaties sociale huur (2022)" in html
    assert "4,3%" in html
    assert "0,18%" in html and "0,16%" in html
    assert SEED_SOURCE in html


@pytest.mark.django_db
def test_estimated_figures_carry_the_estimate_mark(client, seed_figures, owner):
    client.force_login(owner)
    westervoort = client.get(profile_url(seed_figures)).content.decode()
    nijmegen = client.get(reverse("municipalities:profile", args=["nijmegen"])).content.decode()

    assert 'class="estimate-mark" title="schatting"' not in westervoort.split("<tbody>")[1]
    assert nijmegen.count('class="estimate-mark" title="schatting"') >= 10


@pytest.mark.django_db
def test_selected_year_comes_from_the_query_string(client, seed_figures, owner):
    client.force_login(owner)
    response = client.get(profile_url(seed_figures, jaar=2022))

    assert response.context["profile"].year == 2022
    assert '<option value="2022" selected>' in response.content.decode()


@pytest.mark.django_db
def test_profile_query_count_does_not_grow_with_municipalities(
    client, seed_figures, owner, django_assert_num_queries
):
    client.force_login(owner)
    client.get(profile_url(seed_figures))  # warm the session
    for number in range(10):
        municipality = factories.MunicipalityFactory(region=seed_figures.region)
        factories.FigureFactory(municipality=municipality, value=1000 + number)

    # session, user with its membership, municipality, municipality ids, figures, care counts,
    # the header's organisation name; the neighbourhood flags: the region's thresholds, its
    # neighbourhoods, realisation and corporation reports with a neighbourhood, the mediation
    # table's confirmed placements with one
    with django_assert_num_queries(12):
        response = client.get(profile_url(seed_figures))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who", ["owner", "colleague", "outsider", "project_leader", "steering_member"]
)
def test_every_region_member_may_read_a_profile(client, seed_figures, who, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(profile_url(seed_figures)).status_code == 200


@pytest.mark.django_db
def test_user_without_organisation_gets_404(client, seed_figures, stranger):
    client.force_login(stranger)

    assert client.get(profile_url(seed_figures)).status_code == 404


@pytest.mark.django_db
def test_corporation_without_stock_in_the_municipality_gets_404(client, seed_figures):
    corporation = factories.CorporationFactory()
    user = factories.member(role="corporation", username="corp", corporation=corporation)
    client.force_login(user)

    assert client.get(profile_url(seed_figures)).status_code == 404


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client, seed_figures):
    response = client.get(profile_url(seed_figures))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_ggz_is_shown_beside_the_care_total_not_in_it(seed_figures, owner):
    add_care(seed_figures, 2024, {"ggz": 20}, SEED_SOURCE, is_estimate=True)
    profile = selectors.municipality_profile(user=owner, slug="westervoort")
    rows = rows_by_key(profile)

    assert rows[selectors.CARE_TOTAL].figure.value == 212  # the seed's total of seven types
    assert rows["ggz"].figure.value == 20
    assert [row.key for row in profile.care][-2:] == [selectors.CARE_TOTAL, "ggz"]
