"""App configuration of the project pipeline, with its entry in the main menu."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projecten")
    nav_items = [
        (_("Projecten"), "projects:list"),
        (_("Wonen en zorg voor ouderen"), "projects:older_people"),
    ]
    # Chapters of the steering-group report: a function of the reader -> [(template, context)].
    report_chapters = "projects.report.chapters"

    def ready(self):
        # The fair-share engine's room for new construction comes from the expected deliveries
        # of the projects; allocation never imports this app.
        from allocation.selectors import register_new_construction
        from projects.forecast import new_construction_for_scenario

        register_new_construction(new_construction_for_scenario)
