"""Forms of the reference data: uploading a file of municipality figures."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gmr_thuis.years import FIRST_YEAR, LAST_YEAR


class FigureImportForm(forms.Form):
    file = forms.FileField(
        label=_("Bestand"),
        help_text=_(
            "Een CSV met de kolommen van gmr_municipalities.csv (cbs_code, municipality, "
            "population, dwellings, social_rent, social_rent_turnover, elk met een bronkolom), "
            "of een CBS StatLine-export (puntkomma's, RegioS en Perioden)."
        ),
    )
    year = forms.IntegerField(
        label=_("Jaar"),
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text=_("Alleen nodig als het bestand geen kolom 'year' heeft."),
    )
