"""App configuration of monitoring, with its entries in the main menu."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Afspraken en monitoring")
    # A third element names a function of the user: None hides the entry, a number is its count.
    nav_items = [
        (
            _("Mijn gemeente"),
            "monitoring:my_municipality",
            "monitoring.worklists.my_municipality_count",
        ),
        (_("Inbox"), "monitoring:inbox", "monitoring.worklists.inbox_count"),
        (_("Voortgang fair share"), "monitoring:dashboard"),
        (_("Bezwaren"), "monitoring:objections"),
    ]

    def ready(self):
        # Allocation's runs take the previous period's balance from here, without importing it.
        from allocation.selectors import register_carry_over
        from monitoring.selectors import carry_over_for_scenario

        register_carry_over(carry_over_for_scenario)
