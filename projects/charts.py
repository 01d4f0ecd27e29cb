"""The pipeline map: the region's municipalities on their real boundaries, coloured by the homes
their projects have in the pipeline."""

from django.urls import reverse
from django.utils.translation import gettext as _

from gmr_thuis.charts import Chart, fmt
from municipalities import geo, maps


def pipeline_map(municipalities) -> Chart | None:
    """A choropleth of homes in the pipeline per municipality (None when none has a boundary)."""
    known = geo.municipality_features()
    drawn = [m for m in municipalities if m.cbs_code in known]
    if not drawn:
        return None
    features = geo.region_features([m.cbs_code for m in drawn])
    values = {m.cbs_code: float(m.pipeline_homes or 0) for m in drawn}
    hover = {
        m.cbs_code: _("%(name)s: %(homes)s woningen in %(count)s projecten")
        % {"name": m.name, "homes": fmt(m.pipeline_homes or 0), "count": m.project_count}
        for m in drawn
    }
    figure = maps.choropleth(
        features,
        values,
        hover=hover,
        colorbar_title=_("woningen in de pijplijn"),
        cmin=0,
        links={m.cbs_code: reverse("projects:municipality", args=[m.slug]) for m in drawn},
    )
    figure.update_layout(showlegend=False)
    return Chart(
        id="pipeline-map",
        title=_("Kaart: woningen in de pijplijn per gemeente"),
        figure=figure,
        caption=_(
            "De gemeenten van de regio binnen hun echte grenzen, gekleurd naar het aantal "
            "woningen in projecten die nog niet zijn opgeleverd. %(attribution)s"
        )
        % {"attribution": geo.ATTRIBUTION},
        columns=[_("Gemeente"), _("Projecten"), _("In de pijplijn"), _("Opgeleverd")],
        rows=[
            [m.name, m.project_count, fmt(m.pipeline_homes or 0), fmt(m.delivered_homes or 0)]
            for m in drawn
        ],
    )
