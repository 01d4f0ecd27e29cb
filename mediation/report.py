"""The mediation table's section of the monitoring dashboard and chapter of the steering-group
report: counts only (cases per group, placement rate, median days from ready to placement,
sent and received per municipality, open cases past their deadline), never a case."""

from gmr_thuis.permissions import membership_of
from mediation import charts, selectors


def chapters(user, *, with_charts=False) -> list[tuple[str, dict]]:
    member = membership_of(user)
    if member is None:
        return []
    figures = selectors.figures(region=member.region)
    if not figures["total"]:
        return []
    drawn = (
        [charts.cases_per_group(figures), charts.sent_received(figures["sent_received"])]
        if with_charts
        else []
    )
    return [
        (
            "mediation/report_figures.html",
            {
                "figures": figures,
                "sent_received": figures["sent_received"].to_dict("records"),
                "charts": [chart for chart in drawn if chart is not None],
            },
        )
    ]


def dashboard_sections(user):
    return chapters(user, with_charts=True)
