"""Forms of the reference data: uploading a file of municipality figures."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gmr_thuis.years import FIRST_YEAR, LAST_YEAR


class FigureImportForm(forms.Form):
    file = forms.FileField(
        label=_("Bestand"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
        help_text=_(
            "Een CSV- of Excel-bestand (.xlsx) met de kolommen van gmr_municipalities.csv "
            "(cbs_code, municipality, population, dwellings, social_rent, "
            "social_rent_turnover, elk met een bronkolom), of een CBS StatLine-export (RegioS "
            "en Perioden). Komma's of puntkomma's, UTF-8 of de Windows-tekenset."
        ),
    )
    year = forms.IntegerField(
        label=_("Jaar"),
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text=_("Alleen nodig als het bestand geen kolom 'year' heeft."),
    )
