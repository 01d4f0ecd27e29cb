"""Forms of the allocation screens: a scenario, its methodology's sliders, a sweep's ranges."""

import math
import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from allocation.engine import exact_cap_share
from allocation.inputs import cap_share_text
from allocation.models import (
    Methodology,
    RoundingMethod,
    Scenario,
    TieBreak,
    key_indicator_choices,
    validate_key_weights,
)
from municipalities.models import TargetGroup

# The indicators every group gets a slider for; a group's other key indicators are added.
SLIDER_INDICATORS = ("inhabitants", "social_rent", "social_rent_turnover", "dwellings")
WEIGHT_MAX = 3


class _ScenarioFieldsForm(forms.Form):
    """A scenario's name, period, data year and notes: what creating and editing both ask."""

    name = forms.CharField(label=_("Naam"), max_length=150)
    first_year = forms.IntegerField(label=_("Eerste jaar"), min_value=2000, max_value=2100)
    last_year = forms.IntegerField(label=_("Laatste jaar"), min_value=2000, max_value=2100)
    data_year = forms.IntegerField(label=_("Peiljaar cijfers"), min_value=2000, max_value=2100)
    notes = forms.CharField(label=_("Toelichting"), widget=forms.Textarea, required=False)

    def clean(self):
        data = super().clean()
        if (
            data.get("first_year")
            and data.get("last_year")
            and data["first_year"] > data["last_year"]
        ):
            self.add_error("last_year", _("Het laatste jaar ligt niet vóór het eerste jaar."))
        return data


class ScenarioCreateForm(_ScenarioFieldsForm):
    base_methodology = forms.ModelChoiceField(
        label=_("Uitgangspunt"),
        queryset=Methodology.objects.all(),
        help_text=_("Het nieuwe scenario krijgt een eigen kopie van deze methodiek."),
    )
    field_order = ["name", "base_methodology"]


def _weight_slider(weight: float) -> dict:
    """A range input that can hold the stored weight exactly, so loading the editor keeps it.

    The browser clamps a value above `max` and snaps one between steps; a weight set elsewhere
    (the admin, the API) may be 5 or 0.25.
    """
    on_grid = abs(weight * 10 - round(weight * 10)) < 1e-9
    return {
        "type": "range",
        "min": 0,
        "max": max(WEIGHT_MAX, math.ceil(weight)),
        "step": 0.1 if on_grid else "any",
    }


def _field_name(group, part):
    return f"{group}__{part}"


class ScenarioEditForm(_ScenarioFieldsForm):
    """The scenario's period and notes plus its methodology: per group sliders and switches."""

    cap_share = forms.DecimalField(
        label=_("Maximaal aandeel van de mutaties voor urgente groepen"),
        min_value=0,
        max_value=1,
        decimal_places=3,
        # A step as fine as the stored value, or the browser snaps 0.333 to 0.33 on load and
        # saving the untouched editor would change the methodology.
        widget=forms.NumberInput(attrs={"type": "range", "min": 0, "max": 1, "step": 0.001}),
    )
    rounding_method = forms.ChoiceField(label=_("Afronding"), choices=RoundingMethod.choices)
    tie_break = forms.ChoiceField(label=_("Gelijke stand"), choices=TieBreak.choices)
    # The seed is stored in a PositiveIntegerField: a larger one is the form's message.
    seed = forms.IntegerField(label=_("Seed"), min_value=0, max_value=2_147_483_647, required=False)

    def __init__(self, *args, scenario: Scenario, settings: dict, **kwargs):
        initial = {
            "name": scenario.name,
            "first_year": scenario.first_year,
            "last_year": scenario.last_year,
            "data_year": scenario.data_year,
            "notes": scenario.notes,
            # The slider shows three decimals; reading them back snaps to the exact fraction
            # (0.333 is one third), so saving the untouched editor changes nothing.
            "cap_share": round(Decimal(float(exact_cap_share(settings["cap_share"]))), 3),
            "rounding_method": settings["rounding_method"],
            "tie_break": settings["tie_break"],
            "seed": settings["seed"],
        }
        super().__init__(*args, initial=initial, **kwargs)
        labels = dict(key_indicator_choices())
        names = dict(
            scenario.methodology.rules.values_list(
                "target_group__code", f"target_group__{TargetGroup.name_field()}"
            )
        )
        self.groups = []
        for code, rule in settings["rules"].items():
            indicators = list(SLIDER_INDICATORS) + sorted(set(rule["key"]) - set(SLIDER_INDICATORS))
            sliders = []
            for indicator in indicators:
                name = _field_name(code, f"w_{indicator}")
                weight = rule["key"].get(indicator, 0.0)
                self.fields[name] = forms.FloatField(
                    label=labels.get(indicator, indicator),
                    min_value=0,
                    max_value=max(WEIGHT_MAX, weight),
                    initial=weight,
                    widget=forms.NumberInput(attrs=_weight_slider(weight)),
                )
                sliders.append((indicator, name))
            switches = []
            for part, label in (
                ("local", _("Lokaal: elke gemeente haar eigen deel")),
                ("correct_for_carried", _("Corrigeren voor wat al gedragen wordt")),
                ("capped", _("Telt mee onder het plafond")),
            ):
                name = _field_name(code, part)
                self.fields[name] = forms.BooleanField(
                    label=label, required=False, initial=rule[part]
                )
                switches.append(name)
            self.groups.append(
                {
                    "code": code,
                    "name": names.get(code, code),
                    "sliders": sliders,
                    "switches": switches,
                }
            )

    def scenario_fields(self):
        return [self[name] for name in _ScenarioFieldsForm.base_fields]

    def group_rows(self):
        """Per group its name and bound fields, in the order the template shows them."""
        return [
            {
                "name": g["name"],
                "sliders": [self[name] for _indicator, name in g["sliders"]],
                "switches": [self[name] for name in g["switches"]],
            }
            for g in self.groups
        ]

    def clean(self):
        data = super().clean()
        for group in self.groups:
            key = {
                indicator: data.get(name) or 0.0
                for indicator, name in group["sliders"]
                if (data.get(name) or 0.0) > 0
            }
            try:
                validate_key_weights(key)
            except forms.ValidationError as error:
                self.add_error(group["sliders"][0][1], error)
        if data.get("tie_break") == TieBreak.LOT and data.get("seed") is None:
            self.add_error("seed", _("Loting vraagt een seed, zodat de uitkomst herhaalbaar is."))
        return data

    def methodology_settings(self) -> dict:
        """The cleaned form in the shape of `selectors.methodology_settings`."""
        data = self.cleaned_data
        return {
            "cap_share": cap_share_text(data["cap_share"]),
            "rounding_method": data["rounding_method"],
            "tie_break": data["tie_break"],
            "seed": data["seed"],
            "rules": {
                group["code"]: {
                    "key": {
                        indicator: float(data[name])
                        for indicator, name in group["sliders"]
                        if data.get(name)
                    },
                    "local": data[_field_name(group["code"], "local")],
                    "correct_for_carried": data[_field_name(group["code"], "correct_for_carried")],
                    "capped": data[_field_name(group["code"], "capped")],
                }
                for group in self.groups
            },
        }


# A number as typed in the sweep's ranges: digits with an optional decimal part. No exponents,
# no "nan" or "inf": float() takes those, and they must never reach the JSON columns.
SWEEP_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
# Longer than any sensible list of factors; a sweep's size is checked in the service as well.
SWEEP_TEXT_MAX_LENGTH = 500


def _numbers(text):
    parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    if not all(SWEEP_NUMBER.fullmatch(part) for part in parts):
        raise ValueError(text)
    return [float(part) for part in parts]


class SweepForm(forms.Form):
    weight_factors = forms.CharField(
        label=_("Factoren op elk gewicht"),
        initial="0.5, 1, 1.5",
        max_length=SWEEP_TEXT_MAX_LENGTH,
        help_text=_("Door komma's gescheiden, bijvoorbeeld 0.5, 1, 1.5."),
    )
    cap_shares = forms.CharField(
        label=_("Plafonds (aandeel van de mutaties)"),
        initial="0.25, 0.333, 0.4",
        max_length=SWEEP_TEXT_MAX_LENGTH,
    )

    def _clean_numbers(self, name, upper=None):
        try:
            values = _numbers(self.cleaned_data[name])
        except ValueError as exc:
            raise forms.ValidationError(_("Alleen getallen, gescheiden door komma's.")) from exc
        if not values or any(
            not math.isfinite(v) or v < 0 or (upper is not None and v > upper) for v in values
        ):
            raise forms.ValidationError(_("Getallen van 0 of meer, en binnen het bereik."))
        return sorted(set(values))

    def clean_weight_factors(self):
        return self._clean_numbers("weight_factors")

    def clean_cap_shares(self):
        return self._clean_numbers("cap_shares", upper=1)
