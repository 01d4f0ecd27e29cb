"""The project leader's form to open a session."""

from django import forms
from django.utils.translation import gettext_lazy as _

from allocation.models import AllocationRun, RunStatus
from gmr_thuis.permissions import (
    VIEW,
    possible_aldermen,
    possible_observers,
    possible_players,
    represented_municipality,
    restrict,
)
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
    aldermen = forms.ModelMultipleChoiceField(
        label=_("Wethouders (bestuurlijk niveau)"),
        queryset=None,
        required=False,
        help_text=_(
            "Per gemeente ten hoogste één account; alleen dat account spreekt dan namens de "
            "gemeente. Een gemeente zonder wethouder hier wordt door haar ambtenaren vertegenwoordigd."
        ),
    )
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
        self.fields["aldermen"].queryset = possible_aldermen(user)
        self.fields["aldermen"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.get_username()} ({represented_municipality(u)})"
        )
        # A practice session (a workshop): per municipality the person who plays it; one person
        # may play several. A municipality without a player is played by the facilitator.
        self.players = {u.pk: u for u in possible_players(user)}
        choices = [("", _("de gespreksleider"))] + [
            (pk, u.get_full_name() or u.get_username()) for pk, u in self.players.items()
        ]
        self.player_fields = []
        for municipality in self.fields["municipalities"].queryset:
            name = f"player_{municipality.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=_("Speler voor %(municipality)s (oefensessie)")
                % {"municipality": municipality.name},
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.player_fields.append((name, municipality))

    def main_fields(self):
        return [self[name] for name in self.fields if not name.startswith("player_")]

    def player_bound_fields(self):
        return [self[name] for name, _municipality in self.player_fields]

    @property
    def players_chosen(self):
        return any(self.data.get(name) for name, _municipality in self.player_fields)

    def clean(self):
        data = super().clean()
        aldermen = {}
        for user in data.get("aldermen") or []:
            municipality = represented_municipality(user)
            if municipality.pk in aldermen:
                self.add_error(
                    "aldermen",
                    _("Kies voor %(municipality)s één wethouder.") % {"municipality": municipality},
                )
            aldermen[municipality.pk] = user
        if aldermen and data.get("level") != Level.ADMINISTRATIVE:
            self.add_error("aldermen", _("Een wethouder spreekt alleen op bestuurlijk niveau."))
        chosen = {m.pk for m in data.get("municipalities") or []}
        if set(aldermen) - chosen:
            self.add_error("aldermen", _("Een wethouder hoort bij een deelnemende gemeente."))
        data["aldermen_by_municipality"] = aldermen
        players = {
            municipality.pk: self.players[data[name]]
            for name, municipality in self.player_fields
            if data.get(name) is not None
        }
        if players and not data.get("is_practice"):
            self.add_error("is_practice", _("Spelers kies je alleen voor een oefensessie."))
        if set(players) - chosen:
            self.add_error(None, _("Een speler speelt een deelnemende gemeente."))
        data["players_by_municipality"] = players
        return data
