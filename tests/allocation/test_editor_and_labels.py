"""The editor's sliders keep stored values; input paths read as Dutch; compare reads forwards;
the current fair share offers no second approval."""

import pytest
from django.urls import reverse

from allocation import selectors
from allocation.forms import ScenarioCreateForm, ScenarioEditForm
from allocation.models import MethodologyGroupRule
from tests.runs import finished_run


def edit_form(scenario):
    return ScenarioEditForm(
        scenario=scenario, settings=selectors.methodology_settings(scenario.methodology)
    )


def test_the_cap_share_slider_is_as_fine_as_the_stored_value(scenario):
    # A coarser step makes the browser snap 0.333 to 0.33, and saving would change it.
    attrs = edit_form(scenario).fields["cap_share"].widget.attrs
    assert attrs["step"] == 0.001


def test_weight_sliders_can_hold_weights_set_elsewhere(scenario, groups):
    rule = MethodologyGroupRule.objects.get(
        methodology=scenario.methodology, target_group=groups["statushouders"]
    )
    rule.key_weights = {"inhabitants": 5.0, "social_rent": 0.25}
    rule.save()
    form = edit_form(scenario)
    inhabitants = form.fields["statushouders__w_inhabitants"]
    social_rent = form.fields["statushouders__w_social_rent"]
    assert inhabitants.widget.attrs["max"] == 5 and inhabitants.max_value == 5
    assert social_rent.widget.attrs["step"] == "any"
    # Untouched sliders on the usual grid keep the 0.1 step and the usual maximum.
    dwellings = form.fields["statushouders__w_dwellings"].widget.attrs
    assert dwellings["step"] == 0.1 and dwellings["max"] == 3


def test_creating_and_editing_refuse_a_period_that_ends_before_it_starts(scenario):
    period = {"first_year": 2026, "last_year": 2025}
    stored = edit_form(scenario)
    untouched = {name: stored[name].value() for name in stored.fields}
    edited = ScenarioEditForm(
        {**untouched, **period},
        scenario=scenario,
        settings=selectors.methodology_settings(scenario.methodology),
    )
    created = ScenarioCreateForm(
        {"name": "Omgekeerd", "base_methodology": scenario.methodology.pk, "data_year": 2024}
        | period
    )
    for form in (created, edited):
        assert not form.is_valid()
        assert list(form.errors) == ["last_year"]


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("methodology.cap_share", "Plafond: maximaal aandeel van de mutaties"),
        (
            "methodology.rules.statushouders.key.social_rent",
            "Statushouders: gewicht sociale huurwoningen",
        ),
        ("methodology.rules.statushouders.capped", "Statushouders: telt mee onder het plafond"),
        ("indicators.GM0293.inhabitants", "Westervoort: aantal inwoners"),
        ("tasks.2025.statushouders", "Regionale opgave 2025: Statushouders"),
        ("carried.GM0293.statushouders", "Westervoort: al gedragen, Statushouders"),
        (
            "carry_over.2025.GM0293.statushouders",
            "Overloop naar 2025: Westervoort, Statushouders",
        ),
        ("data_year", "Peiljaar cijfers"),
        ("something.new", "something.new"),
    ],
)
def test_input_paths_read_as_dutch(path, label):
    names = {
        "groups": {"statushouders": "Statushouders"},
        "municipalities": {"GM0293": "Westervoort"},
    }
    assert selectors.input_label(path, **names) == label


@pytest.fixture
def two_runs(scenario, westervoort, groups):
    first = finished_run(scenario, quotas={(westervoort, groups["statushouders"], 2025): 8})
    second = finished_run(scenario, quotas={(westervoort, groups["statushouders"], 2025): 11})
    return first, second


@pytest.mark.parametrize("started_from", ["first", "second"])
def test_a_comparison_reads_from_the_earlier_run_to_the_later(
    client, steering_member, two_runs, started_from
):
    first, second = two_runs
    base, other = (first, second) if started_from == "first" else (second, first)
    client.force_login(steering_member)
    response = client.get(reverse("allocation:run_compare") + f"?basis={base.pk}&andere={other.pk}")
    assert (response.context["base"], response.context["other"]) == (first, second)
    assert response.context["rows"][0]["difference"] == 3
    assert f"Verschil (#{second.pk} − #{first.pk})" in response.content.decode()


def test_the_current_fair_share_offers_no_second_approval(client, project_leader, two_runs):
    first, second = two_runs
    client.force_login(project_leader)
    url = reverse("allocation:run_detail", args=[first.pk])
    assert client.get(url).context["can_approve"] is True
    client.post(reverse("allocation:run_approve", args=[first.pk]))
    assert client.get(url).context["can_approve"] is False
    # Once another run replaces it, the earlier one may be approved again.
    client.post(reverse("allocation:run_approve", args=[second.pk]))
    assert client.get(url).context["can_approve"] is True


def test_a_comparison_names_no_figures_of_municipalities_the_user_may_not_read(
    client, region, scenario, two_runs, westervoort
):
    from municipalities.models import MunicipalityFigure
    from tests import factories

    first, second = two_runs
    inputs = selectors.scenario_inputs(scenario=scenario)
    type(first).objects.filter(pk=first.pk).update(inputs=inputs)
    MunicipalityFigure.objects.filter(municipality=westervoort).update(value=12345)
    changed = selectors.scenario_inputs(scenario=scenario)
    changed["methodology"]["cap_share"] = 0.2
    type(second).objects.filter(pk=second.pk).update(inputs=changed)
    corporation = factories.CorporationFactory(name="Elders", slug="elders")
    user = factories.member(
        role="corporation", corporation=corporation, region=region, username="elders"
    )
    client.force_login(user)
    response = client.get(
        reverse("allocation:run_compare") + f"?basis={first.pk}&andere={second.pk}"
    )
    html = response.content.decode()
    assert "GM0293" not in html and "12345" not in html
    assert "methodology.cap_share" in html
