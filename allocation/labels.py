"""Labels of a run's input paths for people: what `methodology.rules.x.capped` means in Dutch."""

from django.utils.translation import gettext as _

from allocation.models import MethodologyGroupRule, key_indicator_choices
from municipalities.models import Municipality, TargetGroup


def _methodology_label(parts: list, *, groups: dict, indicators: dict) -> str | None:
    """The label of a `methodology.…` input path (see `input_label`), None when unknown."""
    match parts:
        case ["methodology", "cap_share"]:
            return _("Plafond: maximaal aandeel van de mutaties")
        case ["methodology", "rounding_method"]:
            return _("Afrondingsmethode")
        case ["methodology", "tie_break"]:
            return _("Gelijke stand")
        case ["methodology", "seed"]:
            return _("Seed")
        case ["methodology", "rules", code, "key", indicator]:
            return _("%(group)s: gewicht %(indicator)s") % {
                "group": groups.get(code, code),
                "indicator": str(indicators.get(indicator, indicator)).lower(),
            }
        case ["methodology", "rules", code, ("local" | "correct_for_carried" | "capped") as part]:
            # The switch's own name, as the admin shows it.
            label = MethodologyGroupRule._meta.get_field(part).verbose_name
            return f"{groups.get(code, code)}: {label}"
        case ["methodology", "rules", code]:
            return _("%(group)s: regel") % {"group": groups.get(code, code)}
    return None


def input_label(path: str, *, groups: dict, municipalities: dict) -> str:
    """A Dutch description of one input path of `scenario_inputs`, for people, not machines.

    `groups`: target-group code -> name; `municipalities`: CBS code -> name.
    """
    indicators = dict(key_indicator_choices())
    parts = path.split(".")
    group = groups.get(parts[-1], parts[-1])
    match parts:
        case ["period"]:
            return _("Periode")
        case ["data_year"]:
            return _("Peiljaar cijfers")
        case ["methodology", *_rest]:
            return _methodology_label(parts, groups=groups, indicators=indicators) or path
        case ["indicators", cbs_code, indicator]:
            return (
                f"{municipalities.get(cbs_code, cbs_code)}: "
                + str(indicators.get(indicator, indicator)).lower()
            )
        case ["tasks", year, _code]:
            return _("Regionale opgave %(year)s: %(group)s") % {"year": year, "group": group}
        case ["carried", cbs_code, _code]:
            return _("%(municipality)s: al gedragen, %(group)s") % {
                "municipality": municipalities.get(cbs_code, cbs_code),
                "group": group,
            }
        case ["sources", "indicators", cbs_code, indicator]:
            return _("%(municipality)s: %(indicator)s (bron en schatting)") % {
                "municipality": municipalities.get(cbs_code, cbs_code),
                "indicator": str(indicators.get(indicator, indicator)).lower(),
            }
        case ["sources", "tasks", year, _code]:
            return _("Regionale opgave %(year)s: %(group)s (bron en schatting)") % {
                "year": year,
                "group": group,
            }
        case ["new_construction", year, cbs_code]:
            return _("%(municipality)s: ruimte nieuwbouw %(year)s uit de projecten") % {
                "municipality": municipalities.get(cbs_code, cbs_code),
                "year": year,
            }
        case ["sources", "new_construction", year, cbs_code]:
            return _(
                "%(municipality)s: ruimte nieuwbouw %(year)s uit de projecten (bron en schatting)"
            ) % {"municipality": municipalities.get(cbs_code, cbs_code), "year": year}
        case ["new_construction", *_rest] | ["sources", "new_construction", *_rest]:
            return _("Ruimte nieuwbouw uit de projecten")
        case ["carry_over", year, cbs_code, _code]:
            return _("Overloop naar %(year)s: %(municipality)s, %(group)s") % {
                "year": year,
                "municipality": municipalities.get(cbs_code, cbs_code),
                "group": group,
            }
    return path


def labelled_differences(differences: list) -> list[tuple[str, str, object, object]]:
    """`input_differences` as (label, path, before, after), labelled by `input_label`."""
    groups = dict(TargetGroup.objects.values_list("code", TargetGroup.name_field()))
    municipalities = dict(Municipality.objects.values_list("cbs_code", "name"))
    return [
        (input_label(path, groups=groups, municipalities=municipalities), path, before, after)
        for path, before, after in differences
    ]
