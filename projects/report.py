"""The pipeline's and the older people's chapters of the steering-group report (cached with the
whole report page: a change to a project bumps its region's page-cache generation)."""

from gmr_thuis.permissions import membership_of
from gmr_thuis.tables import numbers_rows
from gmr_thuis.templatetags.gmr import number_formatter
from projects import selectors
from projects.forecast import slipped_projects
from projects.older_people import NATIONAL_GOAL_YEAR, older_people_task, regional_translation


def chapters(user) -> list[tuple[str, dict]]:
    """(template, context) of each chapter; none for a user outside every region."""
    member = membership_of(user)
    if member is None:
        return []
    rows = older_people_task(user=user, region=member.region)
    years = selectors.forecast_years()
    pipeline = selectors.forecast_rows(user=user, region=member.region, years=years)
    table = selectors.older_people_table(rows)
    number = number_formatter()
    return [
        (
            "projects/report_pipeline.html",
            {
                "years": years,
                # A row per municipality, written here: hundreds of rows cost a template loop
                # more than their numbers.
                "body": numbers_rows(
                    (
                        row["municipality"].name,
                        *(
                            f"{number(cell.planned)} / {number(cell.expected)} / "
                            f"{number(cell.delivered)}"
                            for cell in row["years"]
                        ),
                    )
                    for row in pipeline
                ),
                "slips": slipped_projects(user=user, region=member.region),
            },
        ),
        (
            "projects/report_older_people.html",
            {
                "body": numbers_rows(
                    (row["municipality"].name, *(number(kind["gap"]) for kind in row["kinds"]))
                    for row in table
                ),
                "translation": selectors.as_floats(regional_translation(rows)),
                "goal_year": NATIONAL_GOAL_YEAR,
            },
        ),
    ]
