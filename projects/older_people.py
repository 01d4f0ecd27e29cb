"""The older people's task: per municipality and year the inhabitants aged 75+ and 85+, the need
for zero-step homes, clustered homes and nursing-care places from norms per 1,000 aged 75+, the
stock and the projects' expected deliveries, and the gap; and the national goal of 290,000 homes
translated to the region by its share of the national growth of 75+.

Every figure here is an estimate until the region imports an official forecast; the method and
the derivation of the default norms are in docs/projects.md (worked example: Westervoort).
"""

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache

from django.db.models import Max

from gmr_thuis.permissions import VIEW, restrict
from municipalities.models import Indicator, Municipality, MunicipalityFigure
from projects.forecast import phase_probabilities
from projects.models import (
    SUITABILITIES,
    OlderPeopleNorm,
    OlderPeopleStock,
    OlderPopulationForecast,
    Project,
)

# National programme Wonen en zorg voor ouderen (2022) and the progress letter of 25 April 2025.
NATIONAL_75_PLUS = {2020: 1_400_000, 2040: 2_600_000, 2050: 2_900_000}
NATIONAL_GOAL_YEAR = 2030
NATIONAL_GOAL = {"zero_step": 170_000, "clustered": 80_000, "nursing_care": 40_000}
# Estimate (CBS order of magnitude, 2024): about 23 of every 100 people aged 75+ are 85+.
SHARE_85_PLUS_OF_75_PLUS = Fraction(23, 100)
HORIZONS = (NATIONAL_GOAL_YEAR, 2040)
SOURCE = (
    "schatting: inwoners × aandeel 75+ in het datajaar, gegroeid zoals het landelijke aantal "
    "75-plussers (programma Wonen en zorg voor ouderen 2022); 85+ = 23% van 75+"
)


@cache  # asked for the same few years by every municipality of the region
def national_75_plus(year: int) -> Fraction:
    """The national number aged 75+, linear between (and beyond) the programme's years."""
    years = sorted(NATIONAL_75_PLUS)
    low = min(max([y for y in years if y <= year], default=years[0]), years[-2])
    high = years[years.index(low) + 1]
    slope = Fraction(NATIONAL_75_PLUS[high] - NATIONAL_75_PLUS[low], high - low)
    return NATIONAL_75_PLUS[low] + slope * (year - low)


def national_growth_to_goal() -> Fraction:
    """The growth of 75+ from 2020 to the goal year the 290,000 homes answer."""
    return national_75_plus(NATIONAL_GOAL_YEAR) - national_75_plus(2020)


def default_norms() -> dict[str, Fraction]:
    """Per 1,000 additional people aged 75+, the homes of each kind the national goal implies."""
    growth = national_growth_to_goal()
    return {kind: Fraction(homes * 1000) / growth for kind, homes in NATIONAL_GOAL.items()}


def region_norms(region) -> dict[str, Fraction]:
    norms = default_norms()
    for norm in OlderPeopleNorm.objects.filter(region=region):
        norms[norm.suitability] = Fraction(norm.per_thousand)
    return norms


@dataclass
class OlderPeopleRow:
    """One municipality's task: figures per year (base year and the horizons)."""

    municipality: Municipality
    base_year: int
    aged_75_plus: dict = field(default_factory=dict)  # year -> Fraction
    aged_85_plus: dict = field(default_factory=dict)
    need: dict = field(default_factory=dict)  # (kind, year) -> Fraction
    stock: dict = field(default_factory=dict)  # kind -> Fraction
    # kind -> the source of a counted stock; a kind not in it has the estimated stock.
    stock_counted: dict = field(default_factory=dict)
    pipeline: dict = field(default_factory=dict)  # (kind, year) -> expected homes
    source: str = SOURCE
    is_estimate: bool = True

    def gap(self, kind, year):
        return self.need[(kind, year)] - self.stock[kind] - self.pipeline[(kind, year)]


def municipality_task(
    municipality, inhabitants, share, base_year, norms, pipeline, forecasts=None, stock=None
) -> OlderPeopleRow:
    """The task of one municipality from its base-year figures (pure: numbers in, numbers out).

    `forecasts` {year: (75+, 85+, source)} replace the estimate in their years. `stock`
    {kind: (count, source)} is the counted stock; a kind without a count is estimated as the
    base year's need (the need is assumed met then), so its gap is what the growth since the
    base year asks minus what the projects are expected to deliver."""
    forecasts, stock = forecasts or {}, stock or {}
    row = OlderPeopleRow(municipality=municipality, base_year=base_year)
    base = Fraction(inhabitants) * Fraction(share) / 100
    for year in (base_year, *HORIZONS):
        estimate = base * national_75_plus(year) / national_75_plus(base_year)
        older, oldest, _source = forecasts.get(
            year, (estimate, estimate * SHARE_85_PLUS_OF_75_PLUS, None)
        )
        row.aged_75_plus[year], row.aged_85_plus[year] = Fraction(older), Fraction(oldest)
        for kind, norm in norms.items():
            row.need[(kind, year)] = norm * row.aged_75_plus[year] / 1000
            row.pipeline[(kind, year)] = pipeline.get((kind, year), 0)
    row.stock = {kind: row.need[(kind, base_year)] for kind in norms}
    for kind, (count, source) in stock.items():
        if kind in row.stock:
            row.stock[kind], row.stock_counted[kind] = Fraction(count), source
    if forecasts:
        sources = sorted({source for _o, _p, source in forecasts.values()})
        row.source = "; ".join([*sources, SOURCE])
        row.is_estimate = not set(forecasts) >= {base_year, *HORIZONS}
    return row


def _pipeline(projects, probabilities, base_year) -> dict:
    """{(municipality id, kind, horizon): expected suitable homes delivered after the base year
    up to and including the horizon}."""
    expected = {}
    for project in projects:
        if project.expected_delivery_year <= base_year:
            continue
        chance = Fraction(str(probabilities.by_phase[project.phase]))
        for horizon in HORIZONS:
            if project.expected_delivery_year <= horizon:
                for kind in SUITABILITIES:
                    key = (project.municipality_id, kind, horizon)
                    expected[key] = expected.get(key, 0) + getattr(project, kind) * chance
    return expected


def older_people_task(*, user, region) -> list[OlderPeopleRow]:
    """The task of every municipality of the region `user` may read."""
    municipalities = restrict(Municipality.objects.filter(region=region), user, VIEW)
    figures = MunicipalityFigure.objects.filter(
        municipality__in=municipalities,
        indicator__in=[Indicator.INHABITANTS, Indicator.SHARE_75_PLUS],
    )
    base_year = figures.aggregate(year=Max("year"))["year"]
    if base_year is None:
        return []
    values = {(f.municipality_id, f.indicator): f.value for f in figures.filter(year=base_year)}
    projects = restrict(Project.objects.all(), user, VIEW).filter(municipality__in=municipalities)
    pipeline = _pipeline(projects, phase_probabilities(region), base_year)
    norms = region_norms(region)
    forecasts = {}
    for forecast in OlderPopulationForecast.objects.filter(municipality__in=municipalities):
        forecasts.setdefault(forecast.municipality_id, {})[forecast.year] = (
            forecast.aged_75_plus,
            forecast.aged_85_plus,
            forecast.source,
        )
    # The latest count of each kind per municipality (ordered by year, so the last one wins).
    stock = {}
    for count in OlderPeopleStock.objects.filter(municipality__in=municipalities).order_by("year"):
        stock.setdefault(count.municipality_id, {})[count.suitability] = (
            count.count,
            f"{count.source} ({count.year})",
        )
    # Each municipality's own pipeline, sorted out once rather than searched per municipality.
    pipelines = {}
    for (pk, kind, year), value in pipeline.items():
        pipelines.setdefault(pk, {})[(kind, year)] = value
    rows = []
    for municipality in municipalities.order_by("name"):
        inhabitants = values.get((municipality.pk, Indicator.INHABITANTS))
        share = values.get((municipality.pk, Indicator.SHARE_75_PLUS))
        if inhabitants is None or share is None:
            continue
        own = pipelines.get(municipality.pk, {})
        rows.append(
            municipality_task(
                municipality,
                inhabitants,
                share,
                base_year,
                norms,
                own,
                forecasts.get(municipality.pk),
                stock.get(municipality.pk),
            )
        )
    return rows


def regional_translation(rows) -> dict:
    """The national goal per kind for the region, by its share of the national 75+ growth to
    the goal year (from the rows' own 75+ figures)."""
    if not rows:
        return {}
    base_year = rows[0].base_year
    regional_growth = sum(
        r.aged_75_plus[NATIONAL_GOAL_YEAR] - r.aged_75_plus[base_year] for r in rows
    )
    national_growth = national_75_plus(NATIONAL_GOAL_YEAR) - national_75_plus(base_year)
    share = regional_growth / national_growth
    return {
        "share": share,
        "share_percent": share * 100,
        **{kind: homes * share for kind, homes in NATIONAL_GOAL.items()},
    }
