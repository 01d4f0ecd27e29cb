"""Forms of the mediation table. The case form never asks for, and refuses, personal data."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mediation.models import CareIntensity, CloseReason, Outcome
from municipalities.models import Municipality, Neighbourhood, TargetGroup

NO_PERSONAL_DATA = _(
    "Vul nooit een naam, adres, BSN, geboortedatum, e-mailadres of telefoonnummer in. De tafel "
    "werkt met een pseudoniem casusnummer; het dossier blijft bij de gemeente."
)


class DateInput(forms.DateInput):
    """A browser date picker: its value must be ISO (yyyy-mm-dd), never the Dutch d-m-Y."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format=format)


class CaseForm(forms.Form):
    number = forms.CharField(
        label=_("Casusnummer"),
        max_length=40,
        help_text=_("Uw eigen pseudonieme nummer, bijvoorbeeld NIJ-2026-014."),
    )
    target_group = forms.ModelChoiceField(
        label=_("Aandachtsgroep"), queryset=TargetGroup.objects.order_by("sort_order")
    )
    adults = forms.IntegerField(label=_("Volwassenen"), min_value=0)
    children = forms.IntegerField(label=_("Kinderen"), min_value=0, initial=0)
    rooms_min = forms.IntegerField(label=_("Minimaal aantal kamers"), min_value=0)
    accessible_needed = forms.BooleanField(
        label=_("Gelijkvloers of toegankelijk nodig"), required=False
    )
    rent_max = forms.DecimalField(
        label=_("Maximale huur (€ per maand)"), max_digits=7, decimal_places=2
    )
    care_provider = forms.CharField(
        label=_("Zorgaanbieder"), max_length=150, required=False, help_text=_("Organisatie.")
    )
    care_intensity = forms.ChoiceField(
        label=_("Intensiteit zorg"), choices=CareIntensity.choices, required=False
    )
    ready_from = forms.DateField(label=_("Verhuisklaar vanaf"), widget=DateInput)
    deadline = forms.DateField(label=_("Uiterste datum"), widget=DateInput)
    excluded_municipalities = forms.ModelMultipleChoiceField(
        label=_("Uitgesloten gemeenten"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Waar de casus niet mag wonen, bijvoorbeeld om veiligheidsredenen."),
    )
    excluded_neighbourhoods = forms.ModelMultipleChoiceField(
        label=_("Uitgesloten wijken en buurten"),
        queryset=Neighbourhood.objects.none(),
        required=False,
    )
    preferred_municipalities = forms.ModelMultipleChoiceField(
        label=_("Voorkeursgemeenten"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Banden met werk, school of zorg."),
    )
    preference_weight = forms.DecimalField(
        label=_("Gewicht van de voorkeur"),
        max_digits=4,
        decimal_places=2,
        initial=1,
        help_text=_("0 (geen) tot 3 (zeer zwaar)."),
    )
    note = forms.CharField(
        label=_("Toelichting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NO_PERSONAL_DATA,
    )

    LISTS = ("excluded_municipalities", "excluded_neighbourhoods", "preferred_municipalities")

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = Municipality.objects.filter(region=region).order_by("name")
        self.fields["excluded_municipalities"].queryset = municipalities
        self.fields["preferred_municipalities"].queryset = municipalities
        self.fields["excluded_neighbourhoods"].queryset = Neighbourhood.objects.filter(
            municipality__region=region
        ).order_by("code")

    def values(self):
        return {
            k: v for k, v in self.cleaned_data.items() if k not in self.LISTS and k != "version"
        }

    def lists(self):
        return {k: list(self.cleaned_data[k]) for k in self.LISTS}


class CaseEditForm(CaseForm):
    """The case form of an existing case: it carries the version the editor loaded."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_of(cls, case) -> dict:
        initial = {
            name: getattr(case, name)
            for name in cls.base_fields
            if name not in cls.LISTS and name != "version"
        }
        initial["target_group"] = case.target_group_id
        initial.update({name: list(getattr(case, name).all()) for name in cls.LISTS})
        initial["version"] = case.version
        return initial


class OfferForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("Gemeente"), queryset=Municipality.objects.none())
    neighbourhood = forms.ModelChoiceField(
        label=_("Wijk of buurt (CBS)"), queryset=Neighbourhood.objects.none(), required=False
    )
    rooms = forms.IntegerField(label=_("Kamers"))
    accessible = forms.BooleanField(label=_("Toegankelijk"), required=False)
    ground_floor = forms.BooleanField(label=_("Gelijkvloers"), required=False)
    rent = forms.DecimalField(label=_("Huur (€ per maand)"), max_digits=7, decimal_places=2)
    available_from = forms.DateField(label=_("Beschikbaar vanaf"), widget=DateInput)
    valid_until = forms.DateField(label=_("Aanbod geldig tot"), widget=DateInput)
    reference = forms.CharField(label=_("Kenmerk"), max_length=100, required=False)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(
            municipality__in=municipalities
        ).order_by("code")


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Datum"), widget=DateInput)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Besluit"), choices=Outcome.choices)
    offer = forms.IntegerField(label=_("Woning"), required=False)
    reason = forms.CharField(
        label=_("Reden"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CaseCloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reden van sluiten"), choices=CloseReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Toelichting"),
        max_length=300,
        required=False,
        help_text=_("Nodig bij 'anders'. Geen namen, adressen of andere persoonsgegevens."),
    )
    confirm = forms.BooleanField(
        label=_("Ik begrijp dat de casus van de tafel gaat en de bewaartermijn nu begint."),
    )
