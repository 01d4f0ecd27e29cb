"""The body of a big table as HTML built in Python: a row per municipality of hundreds, where a
template loop costs more per cell than the number in it."""

from html import escape

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def escaped(value) -> str:
    """A value as a template's {{ value }} writes it: text escaped, numbers localized."""
    if type(value) is str:
        return escape(value)
    return conditional_escape(localize(value))


def numbers_rows(rows) -> SafeString:
    """Each row of (name, *numbers) as <tr>: the name its row header, the numbers (written as
    the page shows them) right-aligned cells."""
    html = []
    for name, *numbers in rows:
        cells = "".join(f'<td class="num">{escaped(number)}</td>' for number in numbers)
        html.append(f'<tr><th scope="row">{escaped(name)}</th>{cells}</tr>')
    return mark_safe("\n".join(html))
