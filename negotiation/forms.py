"""The project leader's form to open a session."""

from django import forms
from django.utils.translation import gettext_lazy as _

from allocation.models import AllocationRun, RunStatus
from gmr_thuis.permissions import VIEW, possible_observers, restrict
from municipalities.models import Municipality
from negotiation.models import Level


class SessionForm(forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=150)
    run = forms.ModelChoiceField(label=_("Verdeelrun (fair share)"), queryset=None)
    level = forms.ChoiceField(label=_("Niveau"), choices=Level.choices)
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Deelnemende gemeenten"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    observers = forms.ModelMultipleChoiceField(label=_("Waarnemers"), queryset=None, required=False)
    fairness_band = forms.DecimalField(
        label=_("Bandbreedte rond de fair share (0–1)"),
        initial=0.25,
        min_value=0,
        max_value=1,
        decimal_places=2,
    )
    is_practice = forms.BooleanField(label=_("Oefensessie op een kopie"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["run"].queryset = restrict(
            AllocationRun.objects.filter(status=RunStatus.SUCCEEDED), user, VIEW
        ).select_related("scenario")
        self.fields["municipalities"].queryset = restrict(Municipality.objects.all(), user, VIEW)
        self.fields["observers"].queryset = possible_observers(user)
