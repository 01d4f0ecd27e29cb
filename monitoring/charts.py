"""The monitoring dashboard's figures, built on the one chart layer (`gmr_thuis.charts`)."""

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from gmr_thuis.charts import BLUE, GREY, INK, LIGHT_BLUE, ORANGE, Chart, fmt, layout, percent
from monitoring.selectors import Dashboard
from municipalities.maps import SEQUENTIAL_SCALE, choropleth

SERIES = (
    ("fair_share", BLUE),
    ("agreed", LIGHT_BLUE),
    ("realised", ORANGE),
)


def _written(values, write=fmt) -> list[str]:
    """Each value as `write` (fmt) writes it, once per distinct value: a table alternative of a
    row per municipality repeats most of its numbers."""
    texts = {}
    return [texts[v] if v in texts else texts.setdefault(v, write(v)) for v in values]


def _series_labels():
    return {
        "fair_share": _("Fair share"),
        "agreed": _("Afgesproken"),
        "realised": _("Gerealiseerd"),
    }


def fair_share_by_municipality(data: Dashboard) -> Chart:
    """Fair share, agreed and realised per municipality, all groups together."""
    title = _("Fair share, afgesproken en gerealiseerd %(year)s (t/m kwartaal %(quarter)s)") % {
        "year": data.year,
        "quarter": data.quarter,
    }
    totals = data.progress.groupby("municipality", as_index=False)[
        [column for column, _colour in SERIES]
    ].sum()
    labels = _series_labels()
    figure = go.Figure(
        [
            go.Bar(
                name=labels[column],
                x=totals["municipality"],
                y=totals[column],
                marker={"color": colour, "line": {"color": BLUE, "width": 1}},
            )
            for column, colour in SERIES
        ]
    )
    layout(
        figure,
        title=title,
        barmode="group",
        yaxis={"title": {"text": _("huishoudens")}},
        xaxis={"tickangle": -40},
    )
    behind = totals.loc[totals["realised"] < totals["fair_share"], "municipality"]
    return Chart(
        id="monitoring-progress",
        title=title,
        figure=figure,
        caption=_("Per gemeente de fair share, de goedgekeurde afspraken en wat is gerealiseerd.")
        + " "
        + (
            _("Minder gerealiseerd dan de fair share: %(count)s van %(total)s gemeenten.")
            % {"count": len(behind), "total": len(totals)}
        ),
        columns=[_("Gemeente"), *(labels[column] for column, _colour in SERIES)],
        rows=[
            list(row)
            for row in zip(
                totals["municipality"],
                *(_written(totals[column]) for column, _colour in SERIES),
                strict=True,
            )
        ],
    )


def cumulative_progress(data: Dashboard) -> Chart:
    """The region's cumulative fair share and realisation per year, up to the horizon."""
    title = _("Cumulatieve voortgang van de regio naar 2030")
    frame = data.cumulative
    series = [
        ("cumulative_fair_share", _("Fair share cumulatief"), GREY, "dash"),
        ("cumulative_realised", _("Gerealiseerd cumulatief"), ORANGE, "solid"),
    ]
    figure = go.Figure(
        [
            go.Scatter(
                name=label,
                x=frame["year"],
                y=frame[column],
                mode="lines+markers",
                line={"color": colour, "dash": dash, "width": 3},
            )
            for column, label, colour, dash in series
        ]
    )
    layout(
        figure,
        title=title,
        xaxis={"dtick": 1, "title": {"text": _("jaar")}},
        yaxis={"title": {"text": _("huishoudens")}},
    )
    return Chart(
        id="monitoring-cumulative",
        title=title,
        figure=figure,
        caption=_("Opgeteld per jaar: de fair share van de regio en de gerealiseerde plaatsingen."),
        columns=[_("Jaar"), *(label for _column, label, _colour, _dash in series)],
        rows=[
            [int(row["year"]), *(fmt(row[column]) for column, *_rest in series)]
            for row in frame.to_dict("records")
        ],
    )


def urgent_share_of_turnover(data: Dashboard) -> Chart:
    """Each municipality's urgent placements as a share of turnover, against the approved cap."""
    title = _("Plaatsingen aandachtsgroepen als aandeel van de mutaties")
    frame = data.turnover.dropna(subset=["share"])
    figure = go.Figure(
        go.Bar(
            x=frame["municipality"],
            y=frame["share"] * 100,
            # Over the cap is told by a hatch as well as a colour, never by colour alone.
            marker={
                "color": [ORANGE if over else LIGHT_BLUE for over in frame["over_limit"]],
                "pattern": {"shape": ["/" if over else "" for over in frame["over_limit"]]},
                "line": {"color": BLUE, "width": 1},
            },
            name=_("Aandeel van de mutaties"),
        )
    )
    figure.add_hline(
        y=float(data.cap_share) * 100,
        line_dash="dot",
        annotation_text=_("grens %(cap)s") % {"cap": data.cap_label},
        line_color=INK,
    )
    layout(
        figure,
        title=title,
        yaxis={"title": {"text": _("% van de mutaties sociale huur")}},
        xaxis={"tickangle": -40},
    )
    over_names = frame.loc[frame["over_limit"], "municipality"].tolist()
    caption = _("Per gemeente het aandeel van de mutaties dat naar aandachtsgroepen ging.")
    if over_names:
        caption += " " + _("Boven de grens van %(cap)s: %(names)s.") % {
            "cap": data.cap_label,
            "names": ", ".join(over_names),
        }
    over = {True: _("ja"), False: _("nee")}
    return Chart(
        id="monitoring-turnover",
        title=title,
        figure=figure,
        caption=caption,
        columns=[_("Gemeente"), _("Aandeel van de mutaties"), _("Boven de grens")],
        rows=[
            [name, share, over[bool(over_limit)]]
            for name, share, over_limit in zip(
                frame["municipality"],
                _written(frame["share"], percent),
                frame["over_limit"],
                strict=True,
            )
        ],
    )


def neighbourhood_table(rows) -> tuple[list, list]:
    """The concentration table's columns and rows: the map's text alternative and the page's
    table are the same data."""
    columns = [
        _("Wijk"),
        _("Plaatsingen"),
        _("Per 1.000 woningen"),
        _("Per 100 sociale huurwoningen"),
        _("Gemiddelde gemeente (per 1.000)"),
        _("Signaal"),
    ]
    body = [
        [
            f"{row['name']} ({row['code']})",
            fmt(row["placements"]),
            fmt(row["rate_per_1000"], 1),
            fmt(row["rate_per_100_social"], 1),
            fmt(row["municipality_rate"], 1),
            row["reason_text"] or "–",
        ]
        for row in rows
    ]
    return columns, body


def neighbourhood_map(municipality, rows, boundaries, *, first_year, last_year) -> Chart:
    """The concentration per neighbourhood on the region's imported boundaries: only this
    municipality's shapes go to the browser."""
    by_code = {row["code"]: row for row in rows}
    shown = [feature for feature in boundaries.features if feature["id"] in by_code]
    hover = {
        code: f"{row['name']}: {fmt(row['rate_per_1000'], 1)} "
        + _("per 1.000 woningen")
        + (f" ({row['reason_text']})" if row["reason_text"] else "")
        for code, row in by_code.items()
    }
    figure = choropleth(
        shown,
        {code: row["rate_per_1000"] for code, row in by_code.items()},
        hover=hover,
        colorbar_title=_("per 1.000 woningen"),
        colorscale=SEQUENTIAL_SCALE,
        height=480,
        attribution=_("Wijkgrenzen: %(source)s") % {"source": boundaries.source},
    )
    columns, body = neighbourhood_table(rows)
    return Chart(
        id="neighbourhood-map",
        title=_("Plaatsingen van aandachtsgroepen per wijk in %(name)s, %(first)s–%(last)s")
        % {"name": municipality.name, "first": first_year, "last": last_year},
        figure=figure,
        caption=_(
            "Hoe donkerder de wijk, hoe meer plaatsingen per 1.000 woningen. Grijs: geen "
            "woningaantal bekend. De tabel hieronder en op deze pagina bevat dezelfde cijfers."
        ),
        columns=columns,
        rows=body,
    )
