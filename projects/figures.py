"""Plotly figures of projects and the older people's task, each with caption and table."""

import pandas as pd
import plotly.graph_objects as go
from django.utils.translation import gettext as _

from dashboards.figures import BLUE, GREEN, ORANGE, VERMILION, Chart, _layout, fmt
from municipalities import geo, maps
from projects.models import CareKind, Phase

KIND_LABELS = dict(CareKind.choices)


def project_map(projects, *, region) -> Chart:
    """Municipal boundaries coloured by the homes in the pipeline, bubbles for project counts."""
    title = _("Woningen in de projectenpijplijn per gemeente")
    municipalities = list(region.municipalities.order_by("name"))
    homes = {m.cbs_code: 0.0 for m in municipalities}
    counts = {m.cbs_code: 0.0 for m in municipalities}
    for project in projects:
        code = project.municipality.cbs_code
        if project.phase != Phase.DELIVERED:
            homes[code] = homes.get(code, 0.0) + project.total_homes
        counts[code] = counts.get(code, 0.0) + 1
    names = {m.cbs_code: m.name for m in municipalities}
    try:
        features = geo.region_features(list(names))
    except geo.MissingGeometry:
        features = geo.region_features([c for c in names if c.startswith("GM0")])
    figure = maps.choropleth(
        features,
        homes,
        hover={
            code: _("%(name)s: %(homes)s woningen in %(count)s projecten")
            % {"name": names[code], "homes": fmt(homes[code]), "count": fmt(counts[code])}
            for code in names
        },
        colorbar_title=_("woningen"),
        bubbles={code: n for code, n in counts.items() if n},
        bubble_title=_("projecten"),
    )
    _layout(figure, title=title, height=560)
    return Chart(
        id="project-map",
        title=title,
        figure=figure,
        caption=_(
            "Kleur: woningen in projecten die nog niet zijn opgeleverd; bolletjes: aantal "
            "projecten. %(attribution)s"
        )
        % {"attribution": geo.ATTRIBUTION},
        columns=[_("Gemeente"), _("Woningen in de pijplijn"), _("Projecten")],
        rows=[[names[c], fmt(homes[c]), fmt(counts[c])] for c in names],
    )


def supply_chart(supply: pd.DataFrame, *, municipalities) -> Chart:
    """Planned, expected and delivered homes per year, the whole region."""
    title = _("Prognose en realisatie: woningen per jaar")
    per_year = (
        supply.groupby("year")[["planned", "expected", "delivered"]].sum()
        if not supply.empty
        else pd.DataFrame(columns=["planned", "expected", "delivered"])
    )
    figure = go.Figure()
    for column, label, colour in (
        ("planned", _("gepland"), BLUE),
        ("expected", _("verwacht (gewogen)"), ORANGE),
        ("delivered", _("opgeleverd"), GREEN),
    ):
        figure.add_trace(
            go.Bar(
                x=list(per_year.index), y=list(per_year[column]), name=label, marker_color=colour
            )
        )
    _layout(figure, title=title, barmode="group")
    return Chart(
        id="supply-chart",
        title=title,
        figure=figure,
        caption=_(
            "Gepland: in het eerste verwachte opleverjaar; verwacht: in het huidige verwachte "
            "jaar, gewogen met de kans per fase; opgeleverd: in het jaar van oplevering."
        ),
        columns=[_("Jaar"), _("Gepland"), _("Verwacht"), _("Opgeleverd")],
        rows=[
            [int(year), fmt(row.planned), fmt(row.expected, 1), fmt(row.delivered)]
            for year, row in per_year.iterrows()
        ],
    )


def older_people_charts(task: pd.DataFrame) -> list[Chart]:
    """Per kind: the region's need, stock + pipeline, per year."""
    charts = []
    for kind, label in KIND_LABELS.items():
        own = task[task["kind"] == kind].groupby("year")[["need", "stock", "pipeline"]].sum()
        title = _("%(kind)s: behoefte, voorraad en pijplijn in de regio") % {"kind": label}
        figure = go.Figure(
            [
                go.Scatter(
                    x=list(own.index), y=list(own["need"]), name=_("behoefte"), line_color=VERMILION
                ),
                go.Bar(
                    x=list(own.index), y=list(own["stock"]), name=_("voorraad"), marker_color=BLUE
                ),
                go.Bar(
                    x=list(own.index),
                    y=list(own["pipeline"]),
                    name=_("pijplijn (verwacht)"),
                    marker_color=GREEN,
                ),
            ]
        )
        _layout(figure, title=title, barmode="stack")
        charts.append(
            Chart(
                id=f"older-{kind}",
                title=title,
                figure=figure,
                caption=_(
                    "Behoefte = inwoners van 75+ × norm per 1.000; voorraad (schatting) plus de "
                    "verwachte opleveringen van projecten tot en met dat jaar."
                ),
                columns=[_("Jaar"), _("Behoefte"), _("Voorraad"), _("Pijplijn"), _("Tekort")],
                rows=[
                    [
                        int(y),
                        fmt(r.need),
                        fmt(r.stock),
                        fmt(r.pipeline, 1),
                        fmt(r.need - r.stock - r.pipeline),
                    ]
                    for y, r in own.iterrows()
                ],
            )
        )
    return charts


def gap_table(task: pd.DataFrame, year: int) -> list[dict]:
    """Per municipality in `year`: 75+, 85+ and per kind need, stock, pipeline and gap."""
    own = task[task["year"] == year]
    rows = []
    for municipality, part in own.groupby("municipality", sort=True):
        by_kind = part.set_index("kind")
        rows.append(
            {
                "municipality": municipality,
                "aged_75_plus": fmt(by_kind["aged_75_plus"].iloc[0]),
                "aged_85_plus": fmt(by_kind["aged_85_plus"].iloc[0]),
                "is_estimate": bool(part["is_estimate"].any()),
                "kinds": [
                    {
                        "need": fmt(by_kind.at[k, "need"]),
                        "stock": fmt(by_kind.at[k, "stock"]),
                        "pipeline": fmt(by_kind.at[k, "pipeline"], 1),
                        "gap": fmt(by_kind.at[k, "gap"]),
                    }
                    for k in KIND_LABELS
                ],
            }
        )
    return rows


def pie_chart(picture) -> Chart:
    """The region's room under the cap per year, static vs pipeline, against the capped task."""
    title = _("Taart vergroten: ruimte onder het plafond in de regio")
    region = picture["region"]
    figure = go.Figure(
        [
            go.Bar(
                x=region["year"],
                y=region["room_static"],
                name=_("ruimte met vast nieuwbouwcijfer"),
                marker_color=BLUE,
            ),
            go.Bar(
                x=region["year"],
                y=region["room_pipeline"],
                name=_("ruimte met projectenpijplijn"),
                marker_color=GREEN,
            ),
            go.Scatter(
                x=region["year"],
                y=region["task"],
                name=_("opgave gemaximeerde groepen"),
                line_color=VERMILION,
            ),
        ]
    )
    _layout(figure, title=title, barmode="group")
    return Chart(
        id="pie-chart",
        title=title,
        figure=figure,
        caption=_(
            "Ruimte = plafond × mutaties sociale huur + nieuwbouw. Waar de ruimte onder de "
            "opgave blijft, is er een tekort dat de verdeling niet kan plaatsen."
        ),
        columns=[
            _("Jaar"),
            _("Opgave"),
            _("Ruimte (vast)"),
            _("Ruimte (pijplijn)"),
            _("Tekort (vast)"),
            _("Tekort (pijplijn)"),
        ],
        rows=[
            [
                int(r.year),
                fmt(r.task),
                fmt(r.room_static, 1),
                fmt(r.room_pipeline, 1),
                fmt(r.shortfall_static, 1),
                fmt(r.shortfall_pipeline, 1),
            ]
            for r in region.itertuples()
        ],
    )
