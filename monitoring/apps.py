"""App configuration of monitoring, with its entries in the main menu."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Afspraken en monitoring")
    nav_items = [
        (_("Voortgang fair share"), "monitoring:dashboard"),
        (_("Bezwaren"), "monitoring:objections"),
    ]

    def ready(self):
        # Allocation's runs take the previous period's balance from here, without importing it.
        from allocation.selectors import register_carry_over
        from monitoring.selectors import carry_over_for_scenario

        register_carry_over(carry_over_for_scenario)
