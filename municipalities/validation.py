"""Plausibility rules for a municipality's yearly figures, with messages a civil servant reads."""

from decimal import Decimal

from django.utils.translation import gettext as _

from municipalities.models import Indicator


def validate_figure_set(figures):
    """Check one municipality-year's figures against each other.

    `figures` maps indicator codes to numbers (missing ones are not checked). Returns a list of
    Dutch messages; empty when everything fits.
    """
    errors = []
    values = {k: Decimal(str(v)) for k, v in figures.items() if v is not None and v != ""}
    labels = dict(Indicator.choices)
    for indicator, value in values.items():
        if value < 0:
            errors.append(
                _("%(figure)s mag niet negatief zijn (ingevuld: %(value)s).")
                % {"figure": labels.get(indicator, indicator), "value": value}
            )
    for indicator in Indicator.percentages():
        value = values.get(indicator)
        if value is not None and not (0 <= value <= 100):
            errors.append(
                _(
                    "%(figure)s is een percentage en moet tussen 0 en 100 liggen (ingevuld: %(value)s)."
                )
                % {"figure": labels[indicator], "value": value}
            )
    turnover = values.get(Indicator.TURNOVER)
    social = values.get(Indicator.SOCIAL_RENT)
    dwellings = values.get(Indicator.DWELLINGS)
    if turnover is not None and social is not None and turnover > social:
        errors.append(
            _(
                "De mutaties sociale huur (%(turnover)s) kunnen niet groter zijn dan het aantal "
                "sociale huurwoningen (%(social)s)."
            )
            % {"turnover": turnover, "social": social}
        )
    if social is not None and dwellings is not None and social > dwellings:
        errors.append(
            _(
                "Het aantal sociale huurwoningen (%(social)s) kan niet groter zijn dan het totaal "
                "aantal woningen (%(dwellings)s)."
            )
            % {"social": social, "dwellings": dwellings}
        )
    return errors
