"""Forecast against realisation of the project pipeline: per municipality and year the homes
planned, expected (weighted by the chance of each phase) and delivered, and the slips of the
expected delivery year. Also the engine's room for new construction, from the expected homes."""

from collections import defaultdict
from dataclasses import dataclass

from gmr_thuis.permissions import SYSTEM, VIEW, restrict
from projects.models import DEFAULT_PHASE_PROBABILITIES, PhaseProbability, Project, ProjectKind

# Nursing-care places are care capacity, not homes let through the housing route: they do not
# add to the room for new construction the fair share divides.
NOT_HOUSING_ROUTE = (ProjectKind.NURSING_CARE,)


@dataclass(frozen=True)
class Probabilities:
    by_phase: dict
    source: str


def phase_probabilities(region) -> Probabilities:
    """The region's chance per phase, where set, else the documented defaults (estimates)."""
    rows = {p.phase: p for p in PhaseProbability.objects.filter(region=region)}
    by_phase = {
        phase: float(rows[phase].probability) if phase in rows else default
        for phase, default in DEFAULT_PHASE_PROBABILITIES.items()
    }
    # A source is data stored with a run's snapshot, like the figures' sources: never
    # translated, or a reader in another language would see it as changed.
    source = (
        "the region's chances per phase"
        if rows
        else "default chances per phase (estimate, docs/projects.md)"
    )
    return Probabilities(by_phase=by_phase, source=source)


def expected_homes(project, probabilities: Probabilities) -> float:
    return project.homes_total * probabilities.by_phase[project.phase]


@dataclass
class YearFigures:
    planned: int = 0
    expected: float = 0.0
    delivered: int = 0


def pipeline_by_year(*, user, region, years) -> dict:
    """{(municipality, year): YearFigures} for the municipalities `user` may read.

    Planned: the homes of projects expected in that year (delivered ones in their delivery
    year); expected: the same weighted by the chance of their phase; delivered: the homes of
    projects delivered in that year."""
    probabilities = phase_probabilities(region)
    years = set(years)
    figures = defaultdict(YearFigures)
    projects = restrict(Project.objects.all(), user, VIEW).filter(municipality__region=region)
    for project in projects.select_related("municipality"):
        year = project.expected_delivery_year
        if year in years:
            cell = figures[(project.municipality, year)]
            cell.planned += project.homes_total
            cell.expected += expected_homes(project, probabilities)
        if project.delivered_on and project.delivered_on.year in years:
            figures[
                (project.municipality, project.delivered_on.year)
            ].delivered += project.homes_total
    return dict(figures)


@dataclass(frozen=True)
class Slip:
    project: Project
    slips: int  # how often the expected year moved later
    years_later: int  # from the first expected year to the current one


def slipped_projects(*, user, region) -> list[Slip]:
    """The projects whose expected delivery year moved later, with how often and how far."""
    projects = (
        restrict(Project.objects.all(), user, VIEW)
        .filter(municipality__region=region)
        .select_related("municipality")
        .prefetch_related("steps")
    )
    slips = []
    for project in projects:
        years = [step.expected_delivery_year for step in project.steps.all()]
        count = sum(1 for before, after in zip(years, years[1:], strict=False) if after > before)
        if count:
            slips.append(Slip(project, count, project.expected_delivery_year - years[0]))
    return slips


def new_construction_for_scenario(scenario) -> dict:
    """{year: {cbs_code: (expected homes, source)}} of the scenario's years: the engine's room for
    new construction where the region's projects expect deliveries (allocation.inputs)."""
    probabilities = phase_probabilities(scenario.region)
    years = set(scenario.years)
    room = defaultdict(lambda: defaultdict(float))
    projects = (
        restrict(Project.objects.all(), SYSTEM, VIEW)
        .filter(municipality__region=scenario.region, expected_delivery_year__in=years)
        .exclude(kind__in=NOT_HOUSING_ROUTE)
        .select_related("municipality")
    )
    for project in projects:
        room[project.expected_delivery_year][project.municipality.cbs_code] += expected_homes(
            project, probabilities
        )
    source = f"expected deliveries of the projects, weighted with the {probabilities.source}"
    return {
        str(year): {code: (round(value, 6), source) for code, value in sorted(row.items())}
        for year, row in sorted(room.items())
    }
