"""Read queries on reference data; every one takes the user and goes through the scoping."""

from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from gmr_thuis.permissions import get_object_for, membership_of
from municipalities.models import (
    CareClientCount,
    CareType,
    Indicator,
    Municipality,
    MunicipalityFigure,
    Region,
    RegionalTask,
    TargetGroup,
)

TASK_YEARS = range(2025, 2031)

# What a figure's percentage is a share of, as the seed's profile shows it: social rent as a share
# of dwellings, turnover as a share of social rent, the group counts as a share of inhabitants.
SHARE_BASIS = {
    Indicator.SOCIAL_RENT: Indicator.DWELLINGS,
    Indicator.TURNOVER: Indicator.SOCIAL_RENT,
    Indicator.STUDENTS: Indicator.INHABITANTS,
    Indicator.LABOUR_MIGRANTS: Indicator.INHABITANTS,
    Indicator.CARAVAN_DWELLERS: Indicator.INHABITANTS,
}
GROUP_INDICATORS = [Indicator.STUDENTS, Indicator.LABOUR_MIGRANTS, Indicator.CARAVAN_DWELLERS]
SUPPLY_INDICATORS = [Indicator.NEW_CONSTRUCTION, Indicator.EXISTING_STOCK_OPTIONS]
CARE_TOTAL = "care_total"
# The seed's total of clients in care institutions (212 in Westervoort) counts the seven care
# types of the provincial analysis; GGZ, where known, is shown beside the total, not in it.
CARE_TOTAL_TYPES = [care_type for care_type in CareType if care_type != CareType.GGZ]

UNIT_LABELS = {
    "huishoudens": _("huishoudens"),
    "personen": _("personen"),
    "woningen": _("woningen"),
    "plaatsen": _("plaatsen"),
}


@dataclass(frozen=True)
class Figure:
    """One number with its year, its source and whether it is an estimate."""

    value: Decimal
    year: int
    source: str = ""
    is_estimate: bool = False


@dataclass(frozen=True)
class ProfileRow:
    key: str
    label: str
    figure: Figure | None
    share: Decimal | None = None  # percent of the basis (or the figure itself for a share)
    regional_share: Decimal | None = None  # the region's population-weighted percent
    share_decimals: int = 2
    is_total: bool = False
    note: int | None = None  # the footnote that names the figure's source
    is_share: bool = False  # the figure is itself a percentage (share of 75+)


@dataclass(frozen=True)
class MunicipalityProfile:
    municipality: Municipality
    year: int | None
    years: list[int]
    housing: list[ProfileRow]
    care: list[ProfileRow]
    groups: list[ProfileRow]
    supply: list[ProfileRow]
    sources: list[str]  # footnotes, numbered from 1


@dataclass(frozen=True)
class OverviewRow:
    municipality: Municipality
    inhabitants: Figure | None
    social_rent: Figure | None
    turnover: Figure | None


@dataclass
class TargetGroupCard:
    group: TargetGroup
    name: str
    definition: str
    care_support: str
    unit: str
    tasks: list[tuple[int, RegionalTask | None]] = field(default_factory=list)
    total: int = 0
    is_estimate: bool = False
    sources: list[str] = field(default_factory=list)


def latest_figures(rows, year=None):
    """{(municipality_id, key): Figure} with, per key, the latest year up to `year`.

    A profile of 2024 shows the turnover of 2022 when that is the newest there is, as the seed
    does ("Mutaties sociale huur 2022").
    """
    latest = {}
    for municipality_id, key, row_year, value, source, is_estimate in rows:
        if year is not None and row_year > year:
            continue
        current = latest.get((municipality_id, key))
        if current is None or row_year > current.year:
            latest[(municipality_id, key)] = Figure(Decimal(value), row_year, source, is_estimate)
    return latest


def percent(part, whole):
    if part is None or not whole:
        return None
    return Decimal(part) * 100 / Decimal(whole)


def regional_percent(figures, municipality_ids, key, basis_key, weight_key=None):
    """Sum of counts over sum of bases, over the municipalities that have both.

    For a figure that is itself a percentage (share of 75+), `weight_key` weighs it by
    inhabitants instead.
    """
    parts = wholes = Decimal(0)
    for municipality_id in municipality_ids:
        figure = figures.get((municipality_id, key))
        basis = figures.get((municipality_id, basis_key or weight_key))
        if figure is None or basis is None or not basis.value:
            continue
        parts += figure.value * basis.value / 100 if weight_key else figure.value
        wholes += basis.value
    return parts * 100 / wholes if wholes else None


def region_figures(*, region, year=None):
    """The region's yearly figures and care counts, latest per key up to `year`.

    Returns (figures, the years with data, newest first, the year used); a `year` without data
    falls back to the newest. Two queries regardless of the number of municipalities.
    """
    figure_rows = list(
        MunicipalityFigure.objects.filter(municipality__region=region).values_list(
            "municipality_id", "indicator", "year", "value", "source", "is_estimate"
        )
    )
    care_rows = list(
        CareClientCount.objects.filter(municipality__region=region).values_list(
            "municipality_id", "care_type", "year", "count", "source", "is_estimate"
        )
    )
    years = sorted({row[2] for row in figure_rows + care_rows}, reverse=True)
    if year not in years:
        year = years[0] if years else None
    figures = latest_figures(figure_rows, year) | latest_figures(care_rows, year)
    return figures, years, year


def with_care_totals(figures, municipality_ids):
    """Add each municipality's total of clients in care institutions under CARE_TOTAL."""
    totals = dict(figures)
    for municipality_id in municipality_ids:
        counts = [figures.get((municipality_id, care_type)) for care_type in CARE_TOTAL_TYPES]
        counts = [count for count in counts if count is not None]
        if counts:
            totals[(municipality_id, CARE_TOTAL)] = Figure(
                value=sum(count.value for count in counts),
                year=max(count.year for count in counts),
                source=_("som van de zorgvormen hierboven"),
                is_estimate=any(count.is_estimate for count in counts),
            )
    return totals


def regional_shares(*, user, region_id, year):
    """{key: percent} of the region for `year`: what the profile's "regional average" shows.

    The average is an aggregate of the whole region, so it covers every municipality of the
    region even for a user who may open only some of their profiles.
    """
    region = get_object_for(user, Region.objects.all(), pk=region_id)
    municipality_ids = list(region.municipalities.values_list("pk", flat=True))
    figures, _years, _year = region_figures(region=region, year=year)
    figures = with_care_totals(figures, municipality_ids)
    shares = {}
    for key in [*SHARE_BASIS, *CareType.values, CARE_TOTAL]:
        shares[str(key)] = regional_percent(
            figures, municipality_ids, key, SHARE_BASIS.get(key, Indicator.INHABITANTS)
        )
    shares[str(Indicator.SHARE_75_PLUS)] = regional_percent(
        figures, municipality_ids, Indicator.SHARE_75_PLUS, None, weight_key=Indicator.INHABITANTS
    )
    return shares


def municipality_profile(*, user, slug, year=None):
    """The gemeenteprofiel: each figure, its share and the region's average share.

    `year` None (or a year without data) means the latest year with data. Four queries.
    """
    municipality = get_object_for(user, Municipality.objects.select_related("region"), slug=slug)
    municipality_ids = list(
        Municipality.objects.filter(region_id=municipality.region_id).values_list("pk", flat=True)
    )
    figures, years, year = region_figures(region=municipality.region, year=year)
    figures = with_care_totals(figures, municipality_ids)

    def row(key, label, basis_key=None, weight_key=None, decimals=2, is_total=False):
        figure = figures.get((municipality.pk, key))
        if weight_key:  # the figure is itself a percentage
            share = figure.value if figure else None
        elif basis_key:
            basis = figures.get((municipality.pk, basis_key))
            share = percent(figure.value if figure else None, basis.value if basis else None)
        else:
            share = None
        regional = (
            regional_percent(figures, municipality_ids, key, basis_key, weight_key)
            if basis_key or weight_key
            else None
        )
        return ProfileRow(
            key, label, figure, share, regional, decimals, is_total, is_share=bool(weight_key)
        )

    housing = [
        row(Indicator.INHABITANTS, Indicator.INHABITANTS.label),
        row(Indicator.DWELLINGS, Indicator.DWELLINGS.label),
        row(Indicator.SOCIAL_RENT, Indicator.SOCIAL_RENT.label, Indicator.DWELLINGS, decimals=1),
        row(Indicator.TURNOVER, Indicator.TURNOVER.label, Indicator.SOCIAL_RENT, decimals=1),
        row(
            Indicator.SHARE_75_PLUS,
            _("Aandeel 75-plus"),
            weight_key=Indicator.INHABITANTS,
            decimals=1,
        ),
    ]
    care = [
        row(care_type, care_type.label, Indicator.INHABITANTS)
        for care_type in CARE_TOTAL_TYPES
        if (municipality.pk, care_type.value) in figures
    ]
    care.append(
        row(
            CARE_TOTAL,
            _("Totaal cliënten in zorginstellingen"),
            Indicator.INHABITANTS,
            is_total=True,
        )
    )
    if (municipality.pk, CareType.GGZ.value) in figures:
        care.append(row(CareType.GGZ, CareType.GGZ.label, Indicator.INHABITANTS))
    groups = [row(key, key.label, Indicator.INHABITANTS) for key in GROUP_INDICATORS]
    supply = [row(key, key.label) for key in SUPPLY_INDICATORS if (municipality.pk, key) in figures]
    sections, sources = with_source_notes([housing, care, groups, supply])
    return MunicipalityProfile(municipality, year, years, *sections, sources)


def with_source_notes(sections):
    """Number each distinct source once, so long source texts become footnotes."""
    sources = []
    numbered = []
    for rows in sections:
        section = []
        for row in rows:
            source = row.figure.source if row.figure else ""
            if source and source not in sources:
                sources.append(source)
            section.append(replace(row, note=sources.index(source) + 1) if source else row)
        numbered.append(section)
    return numbered, sources


def municipality_overview(*, user):
    """The municipalities the user may see with their key figures; two queries."""
    municipalities = list(Municipality.objects.restrict(user).select_related("region"))
    rows = MunicipalityFigure.objects.filter(
        municipality__in=[m.pk for m in municipalities],
        indicator__in=[Indicator.INHABITANTS, Indicator.SOCIAL_RENT, Indicator.TURNOVER],
    ).values_list("municipality_id", "indicator", "year", "value", "source", "is_estimate")
    figures = latest_figures(rows)
    return [
        OverviewRow(
            municipality=m,
            inhabitants=figures.get((m.pk, Indicator.INHABITANTS)),
            social_rent=figures.get((m.pk, Indicator.SOCIAL_RENT)),
            turnover=figures.get((m.pk, Indicator.TURNOVER)),
        )
        for m in municipalities
    ]


def target_group_cards(*, user, language):
    """The group cards with the regional task per year 2025–2030, in `language`; two queries."""
    member = membership_of(user)
    if member is None:
        return []
    tasks = (
        RegionalTask.objects.restrict(user)
        .filter(region_id=member.region_id, year__in=TASK_YEARS)
        .order_by("year")
    )
    groups = TargetGroup.objects.restrict(user).prefetch_related(
        Prefetch("tasks", queryset=tasks, to_attr="task_list")
    )
    english = language == "en"
    cards = []
    for group in groups:
        by_year = {task.year: task for task in group.task_list}
        cards.append(
            TargetGroupCard(
                group=group,
                name=group.name(language),
                definition=group.definition_en if english else group.definition_nl,
                care_support=group.care_support_en if english else group.care_support_nl,
                unit=UNIT_LABELS.get(group.unit, group.unit),
                tasks=[(year, by_year.get(year)) for year in TASK_YEARS],
                total=sum(task.amount for task in group.task_list),
                is_estimate=any(task.is_estimate for task in group.task_list),
                sources=sorted({task.source for task in group.task_list if task.source}),
            )
        )
    return cards
