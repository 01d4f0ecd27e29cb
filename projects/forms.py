"""Forms of the project pipeline; each edit carries the version the user loaded."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gmr_thuis.uploads import validate_upload_size
from municipalities.models import TargetGroup
from projects.models import Phase, Project
from projects.services import EDITABLE_FIELDS, Earmark


class ProjectForm(forms.ModelForm):
    """A project's description and homes, and per target group the homes earmarked for it."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = list(EDITABLE_FIELDS)

    def __init__(self, *args, earmarks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = list(TargetGroup.objects.order_by("sort_order"))
        for group in self.groups:
            self.fields[f"earmark_{group.code}"] = forms.IntegerField(
                label=_("Gereserveerd voor %(group)s") % {"group": group},
                required=False,
                min_value=0,
                help_text=_("Leeg: het project is niet voor deze groep."),
                initial=(earmarks or {}).get(group.code),
            )

    def _post_clean(self):
        # The service checks the project's rules on the saved record (with its municipality);
        # the form only checks the fields themselves.
        pass

    def values(self):
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}

    def earmarks(self):
        return [
            Earmark(group, self.cleaned_data[f"earmark_{group.code}"])
            for group in self.groups
            if self.cleaned_data.get(f"earmark_{group.code}") is not None
        ]


class PhaseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    phase = forms.ChoiceField(label=_("Nieuwe fase"), choices=Phase.choices)
    on = forms.DateField(
        label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    expected_delivery_year = forms.IntegerField(
        label=_("Verwacht jaar van oplevering"),
        required=False,
        min_value=2000,
        max_value=2060,
        help_text=_("Leeg: ongewijzigd."),
    )
    comment = forms.CharField(
        label=_("Toelichting"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ProjectUploadForm(forms.Form):
    file = forms.FileField(
        validators=[validate_upload_size],
        label=_("Bestand (.xlsx of .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
