"""The numbers the dashboard shows and the engine's carry-over input."""

from datetime import date

import pytest
from django.urls import reverse

from monitoring import selectors, services
from monitoring.models import AllocationReport
from municipalities.models import CorporationStock
from tests import factories


def realise(user, municipality, group, year, quarter, placements):
    services.realisation_save(
        user=user,
        municipality=municipality,
        target_group=group,
        year=year,
        quarter=quarter,
        placements=placements,
        version=None,
    )


@pytest.fixture
def two_years(approve_fair_share, westervoort, nijmegen):
    approve_fair_share(
        {
            (westervoort, "statushouders", 2025): 10,
            (westervoort, "statushouders", 2026): 10,
            (nijmegen, "statushouders", 2025): 100,
            (nijmegen, "statushouders", 2026): 100,
            (westervoort, "uitstroom-bw", 2025): 4,
            (westervoort, "uitstroom-bw", 2026): 4,
        }
    )


def test_carry_over_adds_shortfall_and_counts_surplus_as_advance(
    two_years, project_leader, westervoort, nijmegen, groups
):
    realise(project_leader, westervoort, groups["statushouders"], 2025, 1, 6)  # 4 short
    realise(project_leader, nijmegen, groups["statushouders"], 2025, 2, 70)
    realise(project_leader, nijmegen, groups["statushouders"], 2025, 3, 45)  # 15 ahead
    realise(
        project_leader, westervoort, groups["uitstroom-bw"], 2026, 1, 9
    )  # this year: not carried

    frame = selectors.carry_over_frame(year=2026, user=project_leader)

    assert frame.loc["GM0293", "statushouders"] == 4
    assert frame.loc["GM0268", "statushouders"] == -15
    assert frame.loc["GM0293", "uitstroom-bw"] == 4  # nothing realised in 2025


def test_carry_over_counts_only_the_years_of_the_run_that_covers_the_year(
    two_years, approve_fair_share, project_leader, westervoort, groups
):
    realise(project_leader, westervoort, groups["statushouders"], 2025, 1, 6)  # 4 short
    # A run for the next period takes the previous run's whole balance into its first year.
    before_next_period = selectors.carry_over_frame(year=2027, user=project_leader)
    assert before_next_period.loc["GM0293", "statushouders"] == 4 + 10

    approve_fair_share(
        {
            (westervoort, "statushouders", 2027): 24,  # 10 plus the 14 carried over
            (westervoort, "statushouders", 2028): 10,
        }
    )
    realise(project_leader, westervoort, groups["statushouders"], 2027, 1, 22)  # 2 short

    # Once that run is approved, 2025–2026 are settled in it: nothing is charged twice; a rerun
    # of the period still starts from the previous run's balance.
    assert selectors.carry_over_frame(year=2027, user=project_leader).empty
    rerun = selectors.carry_over_frame(year=2027, user=project_leader, period_start=True)
    assert rerun.loc["GM0293", "statushouders"] == 4 + 10
    within_period = selectors.carry_over_frame(year=2028, user=project_leader)
    assert within_period.loc["GM0293", "statushouders"] == 2


def test_carry_over_before_any_fair_share_is_empty(two_years, project_leader):
    assert selectors.carry_over_frame(year=2025, user=project_leader).empty


@pytest.fixture
def corporation_reports(westervoort, groups):
    corporation = factories.CorporationFactory(name="Vivare")
    CorporationStock.objects.create(
        corporation=corporation,
        municipality=westervoort,
        dwellings=1200,
        source="test",
        is_estimate=True,
    )
    for month, count in ((2, 2), (5, 3)):
        AllocationReport.objects.create(
            corporation=corporation,
            municipality=westervoort,
            target_group=groups["statushouders"],
            date=date(2026, month, 1),
            count=count,
        )


def test_municipality_figure_wins_and_corporation_reports_fill_unreported_quarters(
    corporation_reports, owner, westervoort, groups
):
    realise(owner, westervoort, groups["statushouders"], 2026, 1, 1)  # Q1: municipality says 1
    frame = selectors.realised_frame(user=owner).set_index(["year", "quarter"])
    assert frame.loc[(2026, 1), "realised"] == 1  # not 1 + 2
    assert frame.loc[(2026, 1), "by_corporations"] == 2
    assert frame.loc[(2026, 2), "realised"] == 3  # no municipal report: corporations count


@pytest.mark.parametrize(
    ("target", "realised", "quarter", "status"),
    [
        (10, 5, 2, "on_track"),  # expected 5
        (10, 4, 2, "on_track"),  # within the minimum tolerance of 1
        (10, 3, 2, "behind"),
        (10, 7, 2, "ahead"),
        (100, 46, 2, "on_track"),  # expected 50, tolerance 5
        (100, 44, 2, "behind"),
        (0, 0, 4, "on_track"),
        (-3, 0, 4, "on_track"),  # an advance larger than the fair share: nothing expected
    ],
)
def test_progress_status(target, realised, quarter, status):
    assert selectors.progress_status([target], [realised], quarter)[0] == status


def test_dashboard_counts_only_approved_agreements_and_adds_carry_over(
    two_years, owner, project_leader, westervoort, groups
):
    realise(owner, westervoort, groups["statushouders"], 2025, 4, 8)  # 2 short in 2025
    agreement = services.local_agreement_save(
        user=owner,
        municipality=westervoort,
        target_group=groups["statushouders"],
        year=2026,
        agreed_number=12,
        version=None,
    )

    def row(data):
        return data.progress.set_index(["cbs_code", "group_code"]).loc[("GM0293", "statushouders")]

    before = row(selectors.dashboard(user=owner, year=2026, quarter=2))
    assert (before["fair_share"], before["carry_over"], before["target"]) == (10, 2, 12)
    assert before["agreed"] == 0 and before["agreement_status"] == "concept"
    assert before["expected"] == 6 and before["status"] == "behind"

    agreement = services.local_agreement_transition(
        user=owner, agreement=agreement, step="submit", version=1
    )
    services.local_agreement_transition(
        user=project_leader, agreement=agreement, step="approve", version=2
    )
    realise(owner, westervoort, groups["statushouders"], 2026, 1, 6)

    after = row(selectors.dashboard(user=owner, year=2026, quarter=2))
    assert after["agreed"] == 12 and after["agreement_status"] == "goedgekeurd"
    assert after["realised"] == 6 and after["status"] == "on_track"


def test_region_totals_and_cumulative_progress(two_years, owner, westervoort, nijmegen, groups):
    realise(owner, westervoort, groups["statushouders"], 2025, 1, 10)
    data = selectors.dashboard(user=owner, year=2026, quarter=4)
    totals = data.group_totals.set_index("target_group")
    assert totals.loc[groups["statushouders"].name_nl, "fair_share"] == 110
    cumulative = data.cumulative.set_index("year")
    assert list(cumulative.index) == list(range(2025, 2031))
    assert cumulative.loc[2026, "cumulative_fair_share"] == 228
    assert cumulative.loc[2030, "cumulative_realised"] == 10


def test_urgent_placements_as_share_of_turnover(two_years, turnover, owner, westervoort, groups):
    realise(owner, westervoort, groups["statushouders"], 2026, 1, 10)
    realise(owner, westervoort, groups["uitstroom-bw"], 2026, 2, 5)
    data = selectors.dashboard(user=owner, year=2026, quarter=2)
    row = data.turnover.set_index("cbs_code").loc["GM0293"]
    # 15 placements against half a year of 90 turnover (45): one third, not over it.
    assert row["turnover"] == 90 and row["turnover_year"] == 2025
    assert row["share"] == pytest.approx(1 / 3)
    assert not row["over_limit"]
    realise(owner, westervoort, groups["uitstroom-bw"], 2026, 1, 1)
    data = selectors.dashboard(user=owner, year=2026, quarter=2)
    assert data.turnover.set_index("cbs_code").loc["GM0293", "over_limit"]


def test_stranger_sees_no_monitoring_data(two_years, stranger):
    data = selectors.dashboard(user=stranger, year=2026, quarter=4)
    assert data.progress.empty and data.cumulative.empty


def test_the_over_cap_flag_follows_the_cap_of_the_approved_run(
    approve_fair_share, turnover, owner, client, westervoort, groups
):
    approve_fair_share({(westervoort, "statushouders", 2026): 20}, cap_share="1/4")
    # 12 placements against half a year of 90 turnover (45): 26.7%, over a quarter, under a third.
    realise(owner, westervoort, groups["statushouders"], 2026, 1, 12)
    data = selectors.dashboard(user=owner, year=2026, quarter=2)
    assert data.cap_label == "1/4"
    assert data.turnover.set_index("cbs_code").loc["GM0293", "over_limit"]
    client.force_login(owner)
    content = client.get(reverse("monitoring:dashboard"), {"jaar": 2026, "kwartaal": 2})
    text = content.content.decode()
    assert "Boven 1/4?" in text and "1/3" not in text


def test_without_an_approved_run_the_default_cap_of_one_third_holds(
    turnover, owner, westervoort, groups
):
    data = selectors.dashboard(user=owner, year=2026, quarter=2)
    assert data.cap_label == "1/3"
