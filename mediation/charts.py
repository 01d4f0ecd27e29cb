"""Figures of the mediation table: cases per target group (brought and placed) and, per
municipality, cases sent to and received from the table."""

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from gmr_thuis.charts import BLUE, ORANGE, Chart, fmt, layout


def cases_per_group(figures) -> Chart | None:
    rows = figures["per_group"]
    if not rows:
        return None
    names = [row["target_group__name_nl"] for row in rows]
    figure = go.Figure(
        [
            go.Bar(name=_("ingebracht"), x=names, y=[r["total"] for r in rows], marker_color=BLUE),
            go.Bar(
                name=_("geplaatst"), x=names, y=[r["placed"] for r in rows], marker_color=ORANGE
            ),
        ]
    )
    layout(figure, title=_("Casussen per aandachtsgroep"), barmode="group")
    return Chart(
        id="mediation-groups",
        title=_("Casussen per aandachtsgroep"),
        figure=figure,
        caption=_(
            "Casussen die gemeenten aan de bemiddelingstafel brachten, en hoeveel geplaatst."
        ),
        columns=[_("Aandachtsgroep"), _("Ingebracht"), _("Geplaatst")],
        rows=[[n, fmt(r["total"]), fmt(r["placed"])] for n, r in zip(names, rows, strict=True)],
    )


def sent_received(frame) -> Chart | None:
    frame = frame[(frame["sent"] > 0) | (frame["received"] > 0)]
    if frame.empty:
        return None
    figure = go.Figure(
        [
            go.Bar(name=_("gebracht"), x=frame["municipality"], y=frame["sent"], marker_color=BLUE),
            go.Bar(
                name=_("ontvangen"),
                x=frame["municipality"],
                y=frame["received"],
                marker_color=ORANGE,
            ),
        ]
    )
    layout(
        figure, title=_("Bemiddelingstafel: gebracht en ontvangen per gemeente"), barmode="group"
    )
    return Chart(
        id="mediation-sent-received",
        title=_("Bemiddelingstafel: gebracht en ontvangen per gemeente"),
        figure=figure,
        caption=_(
            "Per gemeente de casussen die zij aan de tafel bracht en de bevestigde plaatsingen "
            "die zij via de tafel ontving."
        ),
        columns=[_("Gemeente"), _("Gebracht"), _("Ontvangen")],
        rows=[[row.municipality, fmt(row.sent), fmt(row.received)] for row in frame.itertuples()],
    )
