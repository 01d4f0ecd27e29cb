"""App configuration of the regional mediation table, with its entry in the main menu."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "mediation"
    verbose_name = _("Bemiddelingstafel")
    nav_items = [(_("Bemiddelingstafel"), "mediation:cases")]
    # The table's figures in the steering-group report and on the monitoring dashboard.
    report_chapters = "mediation.report.chapters"
    dashboard_sections = "mediation.report.dashboard_sections"

    def ready(self):
        # Confirmed placements count as the receiving municipality's realisation; monitoring
        # never imports this app.
        from mediation.selectors import via_mediation_frame, via_mediation_neighbourhood_frame
        from monitoring.selectors import register_realisation_source

        register_realisation_source(
            "via_mediation",
            via_mediation_frame,
            per_neighbourhood=via_mediation_neighbourhood_frame,
        )
