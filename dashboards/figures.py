"""The dashboards' figures, each a pure function of plain frames, built on the one chart layer."""

import pandas as pd
import plotly.graph_objects as go
from django.utils.translation import gettext as _

from gmr_thuis.charts import (
    BLUE,
    GREEN,
    GREY,
    LIGHT_BLUE,
    LIGHT_GREEN,
    ORANGE,
    VERMILION,
    Chart,
    fmt,
    formatter,
    layout,
    percent,
    series_style,
)
from municipalities import maps
from municipalities.geo import municipality_features, region_features


def quota_heatmap(cells: pd.DataFrame, *, explain_url) -> Chart:
    """Municipality × group of the fair shares; a click on a cell opens its explanation."""
    title = _("Fair share per gemeente en aandachtsgroep")
    formatted = formatter()
    table = cells.pivot_table(
        index="municipality", columns="target_group_name", values="quota", aggfunc="sum", sort=False
    ).fillna(0)
    # A cell's link is its first row's (a municipality has one row per group).
    links = (
        cells.drop_duplicates(["municipality", "target_group_name"])
        .pivot(index="municipality", columns="target_group_name", values="url")
        .reindex_like(table)
    )
    figure = go.Figure(
        go.Heatmap(
            z=table.to_numpy(),
            x=list(table.columns),
            y=list(table.index),
            customdata=links.fillna("").to_numpy(),
            colorscale="Blues",
            hovertemplate="%{y} · %{x}: %{z}<extra></extra>",
            colorbar={"title": {"text": _("fair share")}},
            texttemplate="%{z}",
        )
    )
    layout(
        figure,
        title=title,
        height=max(420, 28 * len(table.index) + 160),
        yaxis={"autorange": "reversed"},
        xaxis={"side": "top", "tickangle": -30},
    )
    return Chart(
        id="heatmap",
        title=title,
        figure=figure,
        caption=_(
            "Hoe donkerder het vak, hoe groter de fair share. Klik op een vak voor de uitleg van dat getal."
        ),
        columns=[_("Gemeente"), *table.columns],
        rows=[
            [name, *map(formatted, row)]
            for name, row in zip(table.index, table.to_numpy().tolist(), strict=True)
        ],
    )


def fair_share_vs_supply(summary: pd.DataFrame) -> Chart:
    """Per municipality the urgent groups' fair share against its turnover and the one-third line."""
    title = _("Fair share tegenover het aanbod per gemeente")
    figure = go.Figure()
    figure.add_bar(
        name=_("Fair share urgente groepen"),
        x=summary["municipality"],
        y=summary["capped_quota"],
        marker_color=BLUE,
    )
    figure.add_bar(
        name=_("Mutaties sociale huur"),
        x=summary["municipality"],
        y=summary["turnover"],
        marker_color=LIGHT_BLUE,
        marker_line={"color": BLUE, "width": 1},
    )
    figure.add_scatter(
        name=_("Plafond (deel van de mutaties)"),
        x=summary["municipality"],
        y=summary["urgent_cap"],
        mode="markers",
        marker={"symbol": "line-ew-open", "size": 28, "line": {"width": 3, "color": VERMILION}},
    )
    layout(
        figure,
        title=title,
        barmode="group",
        yaxis={"title": {"text": _("woningen per jaar")}},
        xaxis={"tickangle": -40},
    )
    over = summary.loc[summary["capped_quota"] > summary["urgent_cap"], "municipality"]
    # `fmt` and `percent` (one decimal) with the language looked up once for all the rows.
    count, share_of = formatter(), formatter(1)
    caption = _(
        "Per gemeente de fair share van de groepen onder het plafond, de mutaties en het plafond."
    )
    if len(over):
        caption += " " + _(
            "Boven het plafond van de mutaties, dus aangewezen op de ruimte voor nieuwbouw: "
            "%(names)s."
        ) % {"names": ", ".join(over)}
    return Chart(
        id="fair-share-supply",
        title=title,
        figure=figure,
        caption=caption,
        columns=[
            _("Gemeente"),
            _("Fair share urgente groepen"),
            _("Mutaties sociale huur"),
            _("Plafond"),
            _("Aandeel van de mutaties"),
        ],
        rows=[
            [name, count(capped), count(turnover), count(cap), f"{share_of(share * 100)}%"]
            for name, capped, turnover, cap, share in zip(
                summary["municipality"],
                summary["capped_quota"],
                summary["turnover"],
                summary["urgent_cap"],
                summary["urgent_share"],
                strict=True,
            )
        ],
    )


def task_vs_supply(tasks: pd.DataFrame, summary: pd.DataFrame) -> Chart:
    """The regional task by group against the region's supply: the case for 'taart vergroten'."""
    title = _("Regionale opgave tegenover het aanbod")
    figure = go.Figure()
    for index, row in enumerate(tasks.itertuples()):
        style = series_style(index)
        figure.add_bar(
            name=row.target_group_name,
            x=[_("Opgave")],
            y=[row.amount],
            marker={"color": style["color"], "pattern": {"shape": style["pattern"]}},
            legendgroup="task",
        )
    supply_parts = [
        (_("Plafond van de mutaties"), summary["urgent_cap"].sum(), LIGHT_BLUE),
        (_("Ruimte nieuwbouw"), summary["new_construction"].sum(), LIGHT_GREEN),
    ]
    for label, amount, colour in supply_parts:
        figure.add_bar(name=label, x=[_("Aanbod")], y=[amount], marker_color=colour)
    layout(
        figure,
        title=title,
        barmode="stack",
        yaxis={"title": {"text": _("woningen per jaar")}},
    )
    task_total = float(tasks["amount"].sum())
    supply_total = float(sum(amount for _label, amount, _colour in supply_parts))
    gap = task_total - supply_total
    if gap > 0:
        verdict = _("De opgave is %(gap)s groter dan het aanbod: de taart moet groter.") % {
            "gap": fmt(gap)
        }
    else:
        verdict = _("Het aanbod dekt de opgave, met %(room)s over.") % {"room": fmt(-gap)}
    return Chart(
        id="task-supply",
        title=title,
        figure=figure,
        caption=_("Opgave %(task)s, aanbod %(supply)s.")
        % {"task": fmt(task_total), "supply": fmt(supply_total)}
        + " "
        + verdict,
        columns=[_("Onderdeel"), _("Aantal")],
        rows=[[row.target_group_name, fmt(row.amount)] for row in tasks.itertuples()]
        + [[label, fmt(amount)] for label, amount, _colour in supply_parts],
    )


def sensitivity_bands(bands: pd.DataFrame) -> Chart:
    """Per municipality the spread of its fair share over the sweep's variants, and the run's own."""
    title = _("Gevoeligheid: bandbreedte van de fair share")
    figure = go.Figure()
    figure.add_scatter(
        name=_("minimum–maximum"),
        x=bands["municipality"],
        y=bands["median"],
        mode="markers",
        marker={"size": 1, "color": GREY},
        error_y={
            "type": "data",
            "symmetric": False,
            "array": bands["maximum"] - bands["median"],
            "arrayminus": bands["median"] - bands["minimum"],
            "color": GREY,
            "thickness": 1,
            "width": 6,
        },
    )
    figure.add_scatter(
        name=_("10e–90e percentiel (mediaan)"),
        x=bands["municipality"],
        y=bands["median"],
        mode="markers",
        marker={"size": 9, "color": BLUE},
        error_y={
            "type": "data",
            "symmetric": False,
            "array": bands["p90"] - bands["median"],
            "arrayminus": bands["median"] - bands["p10"],
            "color": BLUE,
            "thickness": 6,
            "width": 0,
        },
    )
    figure.add_scatter(
        name=_("fair share van deze berekening"),
        x=bands["municipality"],
        y=bands["quota"],
        mode="markers",
        marker={"symbol": "diamond", "size": 10, "color": ORANGE},
    )
    layout(
        figure,
        title=title,
        yaxis={"title": {"text": _("fair share")}},
        xaxis={"tickangle": -40},
    )
    return Chart(
        id="sensitivity",
        title=title,
        figure=figure,
        caption=_(
            "Per gemeente de fair share over alle varianten van de laatste gevoeligheidsanalyse."
        ),
        columns=[
            _("Gemeente"),
            _("minimum"),
            _("10e percentiel"),
            _("mediaan"),
            _("90e percentiel"),
            _("maximum"),
            _("deze berekening"),
        ],
        rows=[
            [
                row.municipality,
                fmt(row.minimum, 1),
                fmt(row.p10, 1),
                fmt(row.median, 1),
                fmt(row.p90, 1),
                fmt(row.maximum, 1),
                fmt(row.quota),
            ]
            for row in bands.itertuples()
        ],
    )


def progress_to_2030(progress: pd.DataFrame) -> Chart:
    """The region's fair share and realised placements, each summed over the years up to 2030."""
    title = _("Voortgang naar 2030")
    series = [
        ("cumulative_fair_share", _("Fair share"), GREY, "dash"),
        ("cumulative_realised", _("Gerealiseerd"), GREEN, "solid"),
    ]
    figure = go.Figure()
    for column, label, colour, dash in series:
        figure.add_scatter(
            name=label,
            x=progress["year"],
            y=progress[column],
            mode="lines+markers",
            line={"color": colour, "dash": dash, "width": 3},
        )
    layout(
        figure,
        title=title,
        xaxis={"dtick": 1, "title": {"text": _("jaar")}},
        yaxis={"title": {"text": _("opgeteld sinds het eerste jaar")}},
    )
    return Chart(
        id="progress",
        title=title,
        figure=figure,
        caption=_("Opgeteld per jaar: de fair share van de regio en de gerealiseerde plaatsingen."),
        columns=[_("Jaar"), *[label for _c, label, _k, _d in series]],
        rows=[
            [int(row["year"]), *(fmt(row[column]) for column, *_rest in series)]
            for row in progress.to_dict("records")
        ],
    )


WATERFALL_STEPS = [
    ("key_contribution", "absolute"),
    ("correction_contribution", "relative"),
    ("cap_contribution", "relative"),
    ("rounding_contribution", "relative"),
    ("carry_over_contribution", "relative"),
]


def waterfall_step_labels():
    return {
        "key_contribution": _("Verdeelsleutel"),
        "correction_contribution": _("Correctie"),
        "cap_contribution": _("Plafond"),
        "rounding_contribution": _("Afronding"),
        "carry_over_contribution": _("Overloop"),
    }


def quota_waterfall(cell) -> Chart:
    """From the key's share through correction, cap, rounding and carry-over to the quota."""
    title = _("Van verdeelsleutel naar fair share")
    labels = waterfall_step_labels()
    names = [labels[column] for column, _measure in WATERFALL_STEPS] + [_("Fair share")]
    values = [float(cell[column]) for column, _measure in WATERFALL_STEPS] + [float(cell["quota"])]
    figure = go.Figure(
        go.Waterfall(
            x=names,
            y=values,
            measure=[measure for _column, measure in WATERFALL_STEPS] + ["total"],
            text=[fmt(v, 1) for v in values[:-1]] + [fmt(values[-1])],
            textposition="outside",
            connector={"line": {"color": GREY}},
            increasing={"marker": {"color": BLUE}},
            decreasing={"marker": {"color": VERMILION}},
            totals={"marker": {"color": GREEN}},
        )
    )
    layout(figure, title=title, height=380, showlegend=False)
    return Chart(
        id="waterfall",
        title=title,
        figure=figure,
        caption=_("Elke stap telt op tot de fair share van %(quota)s.")
        % {"quota": fmt(cell["quota"])},
        columns=[_("Stap"), _("Bijdrage")],
        rows=[[name, fmt(value, 2)] for name, value in zip(names, values, strict=True)],
    )


def municipality_vs_region(cells: pd.DataFrame, *, municipality_id) -> Chart:
    """Per group the municipality's fair share against the region's average per municipality."""
    title = _("Fair share vergeleken met de regio")
    per_group = cells.groupby("target_group_name", sort=False).agg(
        region_total=("quota", "sum"), municipalities=("municipality_id", "nunique")
    )
    own = (
        cells[cells["municipality_id"] == municipality_id]
        .groupby("target_group_name", sort=False)["quota"]
        .sum()
    )
    per_group["own"] = own.reindex(per_group.index).fillna(0)
    per_group["average"] = per_group["region_total"] / per_group["municipalities"]
    name = cells.loc[cells["municipality_id"] == municipality_id, "municipality"].iloc[0]
    figure = go.Figure()
    figure.add_bar(name=name, x=per_group.index, y=per_group["own"], marker_color=BLUE)
    figure.add_bar(
        name=_("gemiddelde gemeente in de regio"),
        x=per_group.index,
        y=per_group["average"],
        marker_color=LIGHT_BLUE,
        marker_line={"color": BLUE, "width": 1},
    )
    layout(
        figure,
        title=title,
        barmode="group",
        xaxis={"tickangle": -30},
    )
    return Chart(
        id="municipality-region",
        title=title,
        figure=figure,
        caption=_("Per aandachtsgroep de fair share van %(name)s en van de gemiddelde gemeente.")
        % {"name": name},
        columns=[_("Aandachtsgroep"), name, _("Gemiddelde gemeente"), _("Regio totaal")],
        rows=[
            [group, fmt(row.own), fmt(row.average, 1), fmt(row.region_total)]
            for group, row in per_group.iterrows()
        ],
    )


MAP_MEASURES = ("dekking", "fair-share")


def supply_map(summary: pd.DataFrame, *, measure="dekking", bubbles=True) -> Chart:
    """The region's municipalities on their real boundaries, coloured by how far the supply
    covers the fair share (or by the fair share itself); bubbles (area = fair share) optional.

    A municipality without a known boundary is left off the map and named in the caption; the
    table alternative still lists it."""
    title = _("Kaart: opgave en aanbod per gemeente")
    known = municipality_features()
    drawn = summary[summary["cbs_code"].isin(known)]
    missing = summary.loc[~summary["cbs_code"].isin(known), "municipality"].tolist()
    features = region_features(list(drawn["cbs_code"]))
    by_code = drawn.set_index("cbs_code")
    if measure == "fair-share":
        values = by_code["quota_total"].astype(float).to_dict()
        scale, low, high, bar = maps.SEQUENTIAL_SCALE, 0.0, None, _("fair share")
    else:
        values = by_code["coverage"].clip(upper=2.0).astype(float).to_dict()
        scale, low, high, bar = maps.SUPPLY_SCALE, 0.0, 2.0, _("aanbod / opgave")
    # Each number written once, for the hover texts and the table alike.
    tasks = [fmt(value) for value in summary["quota_total"]]
    supplies = [fmt(value) for value in summary["supply"]]
    sentence = _("%(name)s: opgave %(task)s, aanbod %(supply)s")
    hover = {
        code: sentence % {"name": name, "task": task, "supply": supply}
        for code, name, task, supply in zip(
            summary["cbs_code"], summary["municipality"], tasks, supplies, strict=True
        )
        if code in known
    }
    # A figure dict: the region may be all 342 municipalities, one shape each.
    figure = maps.choropleth_spec(
        features,
        values,
        hover=hover,
        colorbar_title=bar,
        colorscale=scale,
        cmin=low,
        cmax=high,
        bubbles=by_code["quota_total"].astype(float).to_dict() if bubbles else None,
        bubble_title=_("fair share (grootte)"),
        links=by_code["url"].to_dict(),
    )
    # The page's heading names the chart; a title inside the figure would say it twice.
    figure["layout"]["showlegend"] = False
    return Chart(
        id="map",
        title=title,
        figure=figure,
        caption=_(
            "De gemeenten van de regio binnen hun echte grenzen. De kleur is hoe ver het aanbod "
            "(plafond van de mutaties plus ruimte nieuwbouw) de fair share dekt: rood is te "
            "weinig, groen genoeg; of, naar keuze, de fair share zelf. Een bel is zo groot als "
            "de fair share."
        )
        + (
            " " + _("Geen gemeentegrens bekend voor: %(names)s.") % {"names": ", ".join(missing)}
            if missing
            else ""
        ),
        columns=[_("Gemeente"), _("Fair share"), _("Aanbod"), _("Dekking")],
        rows=[
            [name, task, supply, percent(coverage, 0)]
            for name, task, supply, coverage in zip(
                summary["municipality"], tasks, supplies, summary["coverage"], strict=True
            )
        ],
    )
