from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NegotiationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "negotiation"
    nav_items = [(_("Onderhandelingstafel"), "negotiation:session_list")]
    verbose_name = _("Onderhandelingstafel")
