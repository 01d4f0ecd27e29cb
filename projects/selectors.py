"""Reads of the project pipeline, always through `restrict`."""

from django.db.models import Count, Q, Sum
from django.utils import timezone

from gmr_thuis.permissions import CHANGE, VIEW, restrict
from municipalities.models import Municipality
from projects.forecast import YearFigures, pipeline_by_year
from projects.models import SUITABILITIES, Project
from projects.older_people import NATIONAL_GOAL_YEAR


def project_list(*, user, municipality=None):
    projects = Project.objects.restrict(user, VIEW).select_related("municipality", "corporation")
    return projects.filter(municipality=municipality) if municipality is not None else projects


def project_earmarks(project) -> dict:
    """{target group code: earmarked homes or None} of a project."""
    return {
        e.target_group.code: e.earmarked_homes
        for e in project.earmarks.select_related("target_group")
    }


def municipality_pipeline(*, user):
    """Per visible municipality: projects, homes in the pipeline (not delivered) and delivered."""
    open_homes = Sum("projects__homes_total", filter=~Q(projects__phase="delivered"))
    delivered = Sum("projects__homes_total", filter=Q(projects__phase="delivered"))
    return (
        restrict(Municipality.objects.all(), user, VIEW)
        .annotate(
            project_count=Count("projects"), pipeline_homes=open_homes, delivered_homes=delivered
        )
        .order_by("name")
    )


def may_import_projects(user) -> bool:
    """Whoever may change some municipality's records may import its projects."""
    return restrict(Municipality.objects.all(), user, CHANGE).exists()


# The forecast looks this many years ahead from the current year (and one year back).
FORECAST_YEARS_AHEAD = 5


def forecast_years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year - 1, this_year + FORECAST_YEARS_AHEAD + 1))


def forecast_rows(*, user, region, years) -> list[dict]:
    """Per visible municipality its planned, expected and delivered homes per year."""
    figures = pipeline_by_year(user=user, region=region, years=years)
    municipalities = restrict(Municipality.objects.filter(region=region), user, VIEW)
    return [
        {
            "municipality": municipality,
            "years": [figures.get((municipality, year), YearFigures()) for year in years],
        }
        for municipality in municipalities.order_by("name")
    ]


def older_people_table(rows) -> list[dict]:
    """The dashboard's rows: per municipality and kind the need, stock, pipeline and gap by the
    goal year, and the 75+/85+ figures; plus the region's total row."""
    year = NATIONAL_GOAL_YEAR
    table = []
    for row in rows:
        table.append(
            {
                "municipality": row.municipality,
                "aged_75_plus": [float(row.aged_75_plus[y]) for y in sorted(row.aged_75_plus)],
                "aged_85_plus": float(row.aged_85_plus[year]),
                "kinds": [
                    {
                        "kind": kind,
                        "need": float(row.need[(kind, year)]),
                        "stock": float(row.stock[kind]),
                        "stock_source": row.stock_counted.get(kind),
                        "pipeline": float(row.pipeline[(kind, year)]),
                        "gap": float(row.gap(kind, year)),
                    }
                    for kind in SUITABILITIES
                ],
            }
        )
    return table


def as_floats(figures: dict) -> dict:
    """Exact figures (fractions) as floats for a template's number filter."""
    return {name: float(value) for name, value in figures.items()}
