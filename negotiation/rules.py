"""The table's invariants as pure functions (no models): applying an exchange to the board.

A board is a dict {(municipality, group, year): number}. An exchange moves `amount` of `group`
from the giver to the taker and, in return, `return_amount` of `return_group` from the taker to
the giver. Every move subtracts exactly what it adds within one group and year, so the regional
total per group and year is conserved by construction; numbers stay whole and >= 0.
"""

from dataclasses import dataclass, field
from math import ceil, floor

from django.utils.translation import gettext as _


class RuleError(ValueError):
    """An exchange that may not be applied; the message (Dutch, translated) is shown to the user."""


@dataclass
class Concerns:
    """What an otherwise valid exchange breaks that needs a motivation shown to all."""

    above_room: list = field(default_factory=list)  # (municipality, year, capped total, room)
    outside_band: list = field(default_factory=list)  # (municipality, group, year, number, lo, hi)

    def __bool__(self):
        return bool(self.above_room or self.outside_band)


def _not_whole(label):
    return RuleError(
        _("Het %(label)s moet een geheel getal van 0 of meer zijn.") % {"label": _(label)}
    )


def whole_non_negative(value, label="aantal"):
    """`value` as an int when it is a whole number >= 0, else RuleError."""
    if isinstance(value, bool):
        raise _not_whole(label)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError as exc:
            raise _not_whole(label) from exc
    if not isinstance(value, int) or value < 0:
        raise _not_whole(label)
    return value


def band(fair_share, width):
    """The whole numbers a municipality may hold around its fair share without motivation."""
    return floor(fair_share * (1 - width)), ceil(fair_share * (1 + width))


def apply_exchange(board, *, taker, giver, group, year, amount, return_group=None, return_amount=0):
    """The new board after the exchange, or RuleError; `board` itself is not changed."""
    amount = whole_non_negative(amount)
    return_amount = whole_non_negative(return_amount, "aantal terug")
    if taker == giver:
        raise RuleError(_("Een uitruil gaat tussen twee verschillende gemeenten."))
    if amount == 0 and return_amount == 0:
        raise RuleError(_("Een uitruil verplaatst ten minste één huishouden."))
    if return_amount and return_group is None:
        raise RuleError(_("Kies de groep die de tegenpartij terugneemt."))
    moves = [((taker, group, year), amount), ((giver, group, year), -amount)]
    if return_amount:
        moves += [((giver, return_group, year), return_amount)]
        moves += [((taker, return_group, year), -return_amount)]
    new = dict(board)
    for cell, delta in moves:
        if cell not in new:
            raise RuleError(_("Deze gemeente, groep of dit jaar staat niet op het bord."))
        new[cell] += delta
    for cell, _delta in moves:
        if new[cell] < 0:
            raise RuleError(
                _(
                    "Zoveel heeft de tegenpartij niet: een aantal op het bord kan niet onder 0 komen."
                )
            )
    return new


def concerns(old, new, *, fair_share, capped, rooms, width):
    """What the change from `old` to `new` breaks: capped groups above room (where the capped
    total rose) and numbers moved further outside the fairness band."""
    found = Concerns()
    changed = [cell for cell in new if new[cell] != old[cell]]
    for municipality, year in sorted({(m, y) for (m, _g, y) in changed}, key=str):
        room = rooms.get((municipality, year))
        if room is None:
            continue
        cells = [c for c in new if c[0] == municipality and c[2] == year and capped.get(c)]
        before = sum(old[c] for c in cells)
        after = sum(new[c] for c in cells)
        if after > room and after > before:
            found.above_room.append((municipality, year, after, room))
    for cell in changed:
        lo, hi = band(fair_share[cell], width)
        distance_old = abs(old[cell] - fair_share[cell])
        distance_new = abs(new[cell] - fair_share[cell])
        if not lo <= new[cell] <= hi and distance_new > distance_old:
            found.outside_band.append((*cell, new[cell], lo, hi))
    return found


def totals(board):
    """The regional total per (group, year)."""
    result = {}
    for (_m, group, year), number in board.items():
        result[(group, year)] = result.get((group, year), 0) + number
    return result
