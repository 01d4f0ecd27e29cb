"""Forms of projects; each carries the version the user loaded, against lost updates."""

from django import forms
from django.utils.translation import gettext_lazy as _

from monitoring.forms import RealisationUploadForm
from municipalities.models import TargetGroup
from projects.models import Phase, Project
from projects.services import EDITABLE_FIELDS

UploadForm = RealisationUploadForm


class ProjectForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    target_group = forms.ModelChoiceField(
        label=_("Gelabeld voor aandachtsgroep"), queryset=TargetGroup.objects.all(), required=False
    )
    earmarked = forms.IntegerField(
        label=_("Aantal gelabelde woningen"), min_value=0, required=False
    )

    class Meta:
        model = Project
        fields = EDITABLE_FIELDS
        widgets = {
            name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for name in (
                "idea_date",
                "plan_date",
                "permit_date",
                "construction_date",
                "delivered_date",
            )
        }

    def target_groups(self):
        group, homes = self.cleaned_data.get("target_group"), self.cleaned_data.get("earmarked")
        return {group: homes} if group and homes else None

    def values(self):
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


class PhaseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    phase = forms.ChoiceField(label=_("Nieuwe fase"), choices=Phase.choices)
    on = forms.DateField(label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}))
    expected_year = forms.IntegerField(
        label=_("Verwacht opleverjaar (leeg: ongewijzigd)"),
        min_value=2000,
        max_value=2060,
        required=False,
    )
