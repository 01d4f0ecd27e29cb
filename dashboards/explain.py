"""The one plain sentence that says why a municipality got its fair share for a group and year."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

# Contributions smaller than this (in households) are noise from floating point, not a step.
NEGLIGIBLE = 0.05


def _amount(value, decimals=1):
    return number_format(round(abs(float(value)), decimals), decimal_pos=decimals)


def _step(value, *, up, down, **context):
    """A step of the waterfall in words, or None when it did not move the number."""
    if abs(float(value)) < NEGLIGIBLE:
        return None
    template = up if value > 0 else down
    return template % {"amount": _amount(value), **context}


def _join(parts):
    if len(parts) == 1:
        return parts[0]
    return _("%(first)s en %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def cell_sentence(cell, *, municipality, group, unit):
    """One sentence in the active language for a result cell (a mapping with the engine columns)."""
    context = {
        "municipality": municipality,
        "group": group,
        "unit": unit,
        "year": cell["year"],
        "quota": number_format(int(cell["quota"]), force_grouping=True),
    }
    if cell["local"]:
        return (
            _(
                "%(group)s wordt niet over de regio verdeeld: %(municipality)s huisvest in "
                "%(year)s haar eigen %(quota)s %(unit)s."
            )
            % context
        )
    steps = [
        _("de verdeelsleutel geeft %(amount)s (%(share)s%% van de regionale opgave)")
        % {
            "amount": _amount(cell["key_contribution"]),
            "share": number_format(round(float(cell["key_share"]) * 100, 1), decimal_pos=1),
        },
        _step(
            cell["correction_contribution"],
            up=_("de correctie voor wat andere gemeenten al dragen voegt %(amount)s toe"),
            down=_("de correctie voor wat %(municipality)s al draagt haalt er %(amount)s af"),
            municipality=municipality,
        ),
        _step(
            cell["cap_contribution"],
            up=_("het plafond elders schuift %(amount)s hierheen"),
            down=_("het plafond van de mutaties schuift %(amount)s naar andere gemeenten"),
        ),
        _step(
            cell["rounding_contribution"],
            up=_("afronden op hele %(unit)s voegt %(amount)s toe"),
            down=_("afronden op hele %(unit)s haalt er %(amount)s af"),
            unit=unit,
        ),
        _step(
            cell["carry_over_contribution"],
            up=_("het tekort uit de vorige periode voegt %(amount)s toe"),
            down=_("het voorschot uit de vorige periode haalt er %(amount)s af"),
        ),
    ]
    sentence = (
        _(
            "%(municipality)s krijgt in %(year)s een fair share van %(quota)s %(unit)s voor %(group)s: "
        )
        % context
    )
    sentence += _join([step for step in steps if step]) + "."
    if float(cell.get("shortfall") or 0) >= NEGLIGIBLE:
        sentence += " " + _(
            "Het plafond laat %(amount)s %(unit)s onverdeeld: daarvoor is in de regio geen ruimte."
        ) % {"amount": _amount(cell["shortfall"]), "unit": unit}
    return sentence
