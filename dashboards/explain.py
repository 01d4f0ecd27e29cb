"""The one plain sentence that says why a municipality got its fair share for a group and year."""

from dataclasses import dataclass

from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _

from gmr_thuis.templatetags.gmr import language_notation

# Contributions smaller than this (in households) are noise from floating point, not a step.
NEGLIGIBLE = 0.05

# The engine columns a sentence reads, in the order `_sentence` takes them.
SENTENCE_COLUMNS = (
    "year",
    "local",
    "quota",
    "key_share",
    "key_contribution",
    "correction_contribution",
    "cap_contribution",
    "rounding_contribution",
    "carry_over_contribution",
    "shortfall",
)


@dataclass(frozen=True)
class Phrases:
    """The translated fragments of a sentence in one language, and how it writes numbers."""

    local: str
    start: str
    key: str
    correction_up: str
    correction_down: str
    cap_up: str
    cap_down: str
    rounding_up: str
    rounding_down: str
    carry_over_up: str
    carry_over_down: str
    join: str
    shortfall: str
    amount: object  # value -> "12,3": one decimal, no grouping
    count: object  # value -> "1.234": a whole number, grouped


def _django_amount(value):
    return number_format(value, decimal_pos=1)


def _django_count(value):
    return number_format(value, force_grouping=True)


def _fast_numbers():
    """(amount, count) that write the same text as `_django_amount`/`_django_count` without
    Django's per-call look-up of the language's formats: a sentence table of thousands of cells
    formats tens of thousands of numbers. Numbers too large for plain fixed notation, NaN and
    languages that group other than by threes go to Django."""
    decimal = get_format("DECIMAL_SEPARATOR")
    notation = language_notation()

    def amount(value):
        # `value` is already rounded to one decimal, so "%.1f" is its shortest text as well
        if -1e15 < value < 1e15:
            return f"{value:.1f}".replace(".", decimal)
        return _django_amount(value)

    def count(value):
        if notation is not None and -1e15 < value < 1e15:
            return f"{value:,}".translate(notation)
        return _django_count(value)

    return amount, count


def phrases(*, fast=False) -> Phrases:
    """The fragments in the active language, each translated once; `fast` formats numbers
    without asking Django per number (for many sentences at once)."""
    amount, count = _fast_numbers() if fast else (_django_amount, _django_count)
    return Phrases(
        local=_(
            "%(group)s wordt niet over de regio verdeeld: %(municipality)s huisvest in "
            "%(year)s haar eigen %(quota)s %(unit)s."
        ),
        start=_(
            "%(municipality)s krijgt in %(year)s een fair share van %(quota)s %(unit)s voor %(group)s: "
        ),
        key=_("de verdeelsleutel geeft %(amount)s (%(share)s%% van de regionale opgave)"),
        correction_up=_("de correctie voor wat andere gemeenten al dragen voegt %(amount)s toe"),
        correction_down=_(
            "de correctie voor wat %(municipality)s al draagt haalt er %(amount)s af"
        ),
        cap_up=_("het plafond elders schuift %(amount)s hierheen"),
        cap_down=_("het plafond van de mutaties schuift %(amount)s naar andere gemeenten"),
        rounding_up=_("afronden op hele %(unit)s voegt %(amount)s toe"),
        rounding_down=_("afronden op hele %(unit)s haalt er %(amount)s af"),
        carry_over_up=_("het tekort uit de vorige periode voegt %(amount)s toe"),
        carry_over_down=_("het voorschot uit de vorige periode haalt er %(amount)s af"),
        join=_("%(first)s en %(last)s"),
        shortfall=_(
            "Het plafond laat %(amount)s %(unit)s onverdeeld: daarvoor is in de regio geen ruimte."
        ),
        amount=amount,
        count=count,
    )


def _amount(words, value):
    return words.amount(round(abs(float(value)), 1))


def _step(words, value, *, up, down, **context):
    """A step of the waterfall in words, or None when it did not move the number."""
    if abs(float(value)) < NEGLIGIBLE:
        return None
    template = up if value > 0 else down
    return template % {"amount": _amount(words, value), **context}


def _join(words, parts):
    if len(parts) == 1:
        return parts[0]
    return words.join % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def _sentence(
    words: Phrases,
    municipality,
    group,
    unit,
    year,
    local,
    quota,
    key_share,
    key_contribution,
    correction_contribution,
    cap_contribution,
    rounding_contribution,
    carry_over_contribution,
    shortfall,
):
    context = {
        "municipality": municipality,
        "group": group,
        "unit": unit,
        "year": year,
        "quota": words.count(int(quota)),
    }
    if local:
        return words.local % context
    steps = [
        words.key
        % {
            "amount": _amount(words, key_contribution),
            "share": words.amount(round(float(key_share) * 100, 1)),
        },
        _step(
            words,
            correction_contribution,
            up=words.correction_up,
            down=words.correction_down,
            municipality=municipality,
        ),
        _step(words, cap_contribution, up=words.cap_up, down=words.cap_down),
        _step(
            words, rounding_contribution, up=words.rounding_up, down=words.rounding_down, unit=unit
        ),
        _step(words, carry_over_contribution, up=words.carry_over_up, down=words.carry_over_down),
    ]
    sentence = words.start % context + _join(words, [step for step in steps if step]) + "."
    if float(shortfall or 0) >= NEGLIGIBLE:
        sentence += " " + words.shortfall % {"amount": _amount(words, shortfall), "unit": unit}
    return sentence


def cell_sentence(cell, *, municipality, group, unit):
    """One sentence in the active language for a result cell (a mapping with the engine columns)."""
    values = {column: cell[column] for column in SENTENCE_COLUMNS if column != "shortfall"}
    return _sentence(
        phrases(),
        municipality,
        group,
        unit,
        shortfall=cell.get("shortfall"),
        **values,
    )


def cell_sentences(cells) -> list[str]:
    """The sentence of every row of a frame of result cells (the engine columns with
    `municipality`, `target_group_name` and `unit`), the same text as `cell_sentence` gives each:
    the fragments are translated once and the numbers written without Django's per-number
    look-ups."""
    words = phrases(fast=True)
    columns = ("municipality", "target_group_name", "unit", *SENTENCE_COLUMNS)
    return [
        _sentence(words, *cell)
        for cell in zip(*(cells[column].tolist() for column in columns), strict=True)
    ]
