from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _

# The apps whose records pages show: any save or delete there invalidates cached pages.
PAGE_DATA_APPS = ("municipalities", "allocation", "monitoring", "mediation", "projects")
# Of the negotiation table only what it adopts reaches other pages (agreed targets count in
# monitoring and the carry-over); its moves during a session would only empty the cache.
PAGE_DATA_MODELS = ("negotiation.AdoptedAgreement", "negotiation.AdoptedTarget")


class GmrThuisConfig(AppConfig):
    name = "gmr_thuis"
    verbose_name = _("Gebruikers en rollen")

    def ready(self):
        from gmr_thuis import pagecache

        pagecache.connect_signals(
            [
                model
                for label in PAGE_DATA_APPS
                if apps.is_installed(label)
                for model in apps.get_app_config(label).get_models()
            ]
            + [
                apps.get_model(label)
                for label in PAGE_DATA_MODELS
                if apps.is_installed(label.split(".")[0])
            ]
        )
