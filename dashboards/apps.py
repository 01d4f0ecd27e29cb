"""The dashboards of the project group and steering group."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")
    nav_items = [(_("Dashboard"), "dashboards:region"), (_("Kaart"), "dashboards:map")]
