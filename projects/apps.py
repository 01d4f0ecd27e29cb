"""App configuration of projects: the housing pipeline and the older people's task."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projecten en ouderen")
    nav_items = [
        (_("Projecten"), "projects:list"),
        (_("Wonen en zorg voor ouderen"), "older_people:dashboard"),
    ]

    def ready(self):
        # The fair-share engine's room for new construction comes from the pipeline, without
        # allocation importing this app.
        from allocation.selectors import register_new_construction
        from projects.selectors import room_for_scenario

        register_new_construction(room_for_scenario)
