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
