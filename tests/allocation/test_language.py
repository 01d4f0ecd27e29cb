"""Target groups are named in the page's language on the allocation screens."""

from django.urls import reverse
from django.utils import translation

from allocation import selectors
from gmr_thuis.permissions import SYSTEM
from tests.runs import finished_run


def test_run_results_name_groups_in_the_active_language(scenario, westervoort, groups):
    groups["statushouders"].name_en = "Status holders"
    groups["statushouders"].save()
    run = finished_run(scenario, quotas={(westervoort, groups["statushouders"], 2025): 3})

    with translation.override("en"):
        english = selectors.run_results(user=SYSTEM, run=run)
    with translation.override("nl"):
        dutch = selectors.run_results(user=SYSTEM, run=run)

    assert english["target_group_name"].tolist() == ["Status holders"]
    assert dutch["target_group_name"].tolist() == [groups["statushouders"].name_nl]


def test_the_run_page_in_english_names_the_group_in_english(
    client, scenario, project_leader, westervoort, groups
):
    groups["statushouders"].name_en = "Status holders"
    groups["statushouders"].save()
    run = finished_run(scenario, quotas={(westervoort, groups["statushouders"], 2025): 3})
    client.force_login(project_leader)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    page = client.get(reverse("allocation:run_detail", args=[run.pk])).content.decode()

    assert "Status holders" in page
