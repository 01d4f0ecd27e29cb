"""The IJktabel's body as one piece of HTML: a national region has thousands of cells, and the
template language costs more per cell than the number it shows."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from gmr_thuis.templatetags.gmr import number

register = template.Library()


@register.filter
def ijktabel_rows(table):
    """The table's rows (a row header per municipality, a counted number per group) as `<tr>`
    elements, laid out as the template's loop did."""
    values = table.to_numpy().tolist()
    # Few distinct counts recur across thousands of cells: each is formatted once.
    shown = {value: conditional_escape(number(value)) for value in set().union(*values)}
    return mark_safe(
        "".join(
            f'\n    <tr><th scope="row">{conditional_escape(name)}</th>'
            + "".join(f"<td>{shown[value]}</td>" for value in row)
            + "</tr>\n  "
            for name, row in zip(table.index, values, strict=True)
        )
    )
