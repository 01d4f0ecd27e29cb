"""App configuration of the project pipeline, with its entry in the main menu."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projecten")
    nav_items = [(_("Projecten"), "projects:list")]
