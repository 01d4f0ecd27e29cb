"""Forms of the reference data: uploading a file of municipality or neighbourhood figures."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gmr_thuis.uploads import validate_upload_size
from gmr_thuis.years import FIRST_YEAR, LAST_YEAR


class FigureImportForm(forms.Form):
    file = forms.FileField(
        validators=[validate_upload_size],
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


class NeighbourhoodImportForm(forms.Form):
    KINDS = [
        ("kerncijfers", _("CBS Kerncijfers wijken en buurten (CSV)")),
        ("leefbaarheid", _("Leefbaarheid en focusgebieden (CSV)")),
        ("grenzen", _("Wijkgrenzen (GeoJSON of TopoJSON)")),
    ]
    kind = forms.ChoiceField(label=_("Soort bestand"), choices=KINDS)
    file = forms.FileField(
        validators=[validate_upload_size],
        label=_("Bestand"),
        help_text=_(
            "Kerncijfers: de CSV van CBS (puntkomma's, '.' voor onbekend). Leefbaarheid: code, "
            "jaar, klasse (1–9), eventueel focusgebied (ja/nee) en bron. Wijkgrenzen: vlakken met "
            "hun CBS-code (statcode), gesloten ringen."
        ),
    )
    year = forms.IntegerField(
        label=_("Jaar"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=_("Verplicht voor de kerncijfers."),
    )
    source = forms.CharField(label=_("Bron"), required=False, max_length=500)

    def clean(self):
        data = super().clean()
        if data.get("kind") == "kerncijfers" and not data.get("year"):
            self.add_error("year", _("Geef het jaar van de kerncijfers op."))
        return data
