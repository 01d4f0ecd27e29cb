from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GmrThuisConfig(AppConfig):
    name = "gmr_thuis"
    verbose_name = _("Gebruikers en rollen")
