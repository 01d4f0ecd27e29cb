"""Forms of monitoring; each carries the version the user loaded where edits may collide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gmr_thuis.uploads import validate_upload_size
from gmr_thuis.years import validate_date
from municipalities.models import TargetGroup


class VersionedForm(forms.Form):
    """The hidden `version` is the record's version when the user opened the form."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class LocalAgreementForm(VersionedForm):
    agreed_number = forms.IntegerField(label=_("Afgesproken aantal"), min_value=0)
    care_support = forms.CharField(
        label=_("Geregelde zorg en ondersteuning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    corporation_partners = forms.CharField(
        label=_("Partners: woningcorporaties"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    care_partners = forms.CharField(
        label=_("Partners: zorg- en welzijnspartijen"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    notes = forms.CharField(
        label=_("Toelichting"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AgreementStepForm(forms.Form):
    step = forms.ChoiceField(
        choices=[("submit", "submit"), ("approve", "approve"), ("return", "return")]
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Opmerking voor de gemeente"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class RealisationForm(VersionedForm):
    placements = forms.IntegerField(label=_("Plaatsingen"), min_value=0)
    notes = forms.CharField(
        label=_("Toelichting"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class HousingPlanForm(VersionedForm):
    planned = forms.IntegerField(label=_("Gepland"), min_value=0)
    forecast = forms.IntegerField(label=_("Prognose"), min_value=0)
    delivered = forms.IntegerField(label=_("Opgeleverd"), min_value=0, initial=0)
    notes = forms.CharField(
        label=_("Toelichting"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ObjectionForm(forms.Form):
    # Only a year whose objection term is open can be chosen (`years`).
    year = forms.TypedChoiceField(label=_("Jaar"), coerce=int, choices=())
    target_group = forms.ModelChoiceField(
        label=_("Aandachtsgroep"),
        queryset=TargetGroup.objects.all(),
        required=False,
        empty_label=_("De hele fair share"),
    )
    reasoning = forms.CharField(label=_("Onderbouwing"), widget=forms.Textarea(attrs={"rows": 5}))
    figures = forms.CharField(
        label=_("Cijfers"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    requested_number = forms.IntegerField(label=_("Gevraagd aantal"), min_value=0, required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in years]


class ObjectionDecisionForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("Besluit"),
        choices=[("1", _("Bezwaar toekennen")), ("0", _("Bezwaar afwijzen"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reden van het besluit"), widget=forms.Textarea(attrs={"rows": 3})
    )
    # A decision cannot be undone, and the municipality is told at once: ask to confirm.
    confirm = forms.BooleanField(
        label=_("Ik bevestig dit besluit; het is definitief en de gemeente krijgt bericht."),
        error_messages={"required": _("Bevestig het besluit voordat u het vastlegt.")},
    )


class ObjectionWindowForm(forms.Form):
    year = forms.IntegerField(label=_("Jaar"), min_value=2020, max_value=2040)
    deadline = forms.DateField(
        label=_("Uiterste datum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_date],
    )


class RealisationUploadForm(forms.Form):
    file = forms.FileField(
        validators=[validate_upload_size],
        label=_("Bestand (.xlsx of .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
