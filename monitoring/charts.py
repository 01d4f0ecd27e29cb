"""Plotly figures of the dashboard, built in Python and drawn by dashboards/charts.js."""

import plotly.graph_objects as go
from django.utils.html import format_html
from django.utils.translation import gettext as _

from dashboards.figures import figure_json_script
from monitoring.selectors import Dashboard

COLOURS = {"fair_share": "#0b5d46", "agreed": "#7aa095", "realised": "#c45f00"}


def _html(figure, title, chart_id):
    """The chart's element and its figure as JSON: the same drawing path as the dashboards."""
    figure.update_layout(
        title=title,
        margin={"l": 50, "r": 20, "t": 50, "b": 90},
        height=420,
        legend={"orientation": "h", "y": -0.25},
        font={"family": "system-ui, sans-serif"},
    )
    return format_html(
        '<div id="{}" class="chart__plot" data-chart="{}-data"></div>{}',
        chart_id,
        chart_id,
        figure_json_script(figure, f"{chart_id}-data"),
    )


def fair_share_by_municipality(data: Dashboard):
    """Fair share, agreed and realised per municipality, all groups together."""
    totals = data.progress.groupby("municipality", as_index=False)[
        ["fair_share", "agreed", "realised"]
    ].sum()
    figure = go.Figure(
        [
            go.Bar(
                name=label, x=totals["municipality"], y=totals[column], marker_color=COLOURS[column]
            )
            for column, label in [
                ("fair_share", _("Fair share")),
                ("agreed", _("Afgesproken")),
                ("realised", _("Gerealiseerd")),
            ]
        ]
    )
    figure.update_layout(barmode="group", yaxis_title=_("huishoudens"))
    return _html(
        figure,
        _("Fair share, afgesproken en gerealiseerd %(year)s (t/m kwartaal %(quarter)s)")
        % {"year": data.year, "quarter": data.quarter},
        "progress-by-municipality",
    )


def cumulative_progress(data: Dashboard):
    """The region's cumulative fair share and realisation per year, up to the horizon."""
    frame = data.cumulative
    figure = go.Figure(
        [
            go.Scatter(
                name=_("Fair share cumulatief"),
                x=frame["year"],
                y=frame["cumulative_fair_share"],
                mode="lines+markers",
                line={"color": COLOURS["fair_share"]},
            ),
            go.Scatter(
                name=_("Gerealiseerd cumulatief"),
                x=frame["year"],
                y=frame["cumulative_realised"],
                mode="lines+markers",
                line={"color": COLOURS["realised"], "dash": "dash"},
            ),
        ]
    )
    figure.update_layout(xaxis={"dtick": 1}, yaxis_title=_("huishoudens"))
    return _html(figure, _("Cumulatieve voortgang van de regio naar 2030"), "cumulative-progress")


def urgent_share_of_turnover(data: Dashboard):
    """Each municipality's urgent placements as a share of turnover, against the approved cap."""
    frame = data.turnover.dropna(subset=["share"])
    figure = go.Figure(
        go.Bar(
            x=frame["municipality"],
            y=frame["share"] * 100,
            marker_color=[
                COLOURS["realised"] if over else COLOURS["agreed"] for over in frame["over_limit"]
            ],
            name=_("Aandeel van de mutaties"),
        )
    )
    figure.add_hline(
        y=float(data.cap_share) * 100,
        line_dash="dot",
        annotation_text=_("grens %(cap)s") % {"cap": data.cap_label},
        line_color="#333",
    )
    figure.update_layout(yaxis_title=_("% van de mutaties sociale huur"))
    return _html(
        figure, _("Plaatsingen aandachtsgroepen als aandeel van de mutaties"), "urgent-share"
    )
