"""Template tags shared by every screen: the main navigation and sourced figures."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.apps import apps
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import get_format, number_format
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

# The project's own entries; each app adds its own by a `nav_items` list of (label, url name)
# on its AppConfig, so nobody needs to edit base.html to appear in the menu.
HOME_NAV_ITEMS = [(_("Gemeenten"), "home"), (_("Aandachtsgroepen"), "target_groups")]


@register.simple_tag(takes_context=True)
def main_navigation(context):
    """The main menu as dicts of label, url and whether it is the current page."""
    entries = list(HOME_NAV_ITEMS)
    for app_config in apps.get_app_configs():
        entries.extend(getattr(app_config, "nav_items", ()))
    request = context.get("request")
    current_path = request.path if request else ""
    user = getattr(request, "user", None)
    items = []
    for label, url_name, *personal in entries:
        count = import_string(personal[0])(user) if personal else 0
        if count is None:
            continue  # not this user's page
        url = reverse(url_name)
        is_current = current_path == url or (url != "/" and current_path.startswith(url))
        items.append(
            {
                "label": label,
                "url": url,
                "current": is_current,
                "count": count,
                "count_label": _("wachtend") if count else "",
            }
        )
    return items


@register.simple_tag(takes_context=True)
def report_chapters(context):
    """The chapters other apps add to the steering-group report: each AppConfig may name a
    function of the reader (`report_chapters`, a dotted path) giving (template, context) pairs."""
    request = context.get("request")
    user = getattr(request, "user", None)
    html = []
    for app_config in apps.get_app_configs():
        path = getattr(app_config, "report_chapters", None)
        if path:
            for template, chapter in import_string(path)(user):
                html.append(render_to_string(template, chapter, request=request))
    return mark_safe("".join(html))


@register.simple_tag(takes_context=True)
def dashboard_sections(context):
    """The sections other apps add to the monitoring dashboard, like `report_chapters`
    (`dashboard_sections` on the AppConfig)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    html = []
    for app_config in apps.get_app_configs():
        path = getattr(app_config, "dashboard_sections", None)
        if path:
            for template, section in import_string(path)(user):
                html.append(render_to_string(template, section, request=request))
    return mark_safe("".join(html))


def rounded(value, decimals):
    """Round half up first: Django's number_format cuts digits off instead of rounding."""
    return Decimal(value).quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)


# Per language: str.translate table from Python's "1,234.5" to the language's notation, or None
# where the language groups other than by threes (then Django's number_format does it).
_NOTATION = {}


def language_notation():
    """str.translate table from Python's "1,234.5" to the active language's notation, or None
    where the language groups other than by threes."""
    language = get_language()
    if language not in _NOTATION:
        grouping = get_format("NUMBER_GROUPING", language)
        _NOTATION[language] = (
            str.maketrans(
                {
                    ",": get_format("THOUSAND_SEPARATOR", language),
                    ".": get_format("DECIMAL_SEPARATOR", language),
                }
            )
            if grouping == 3
            else None
        )
    return _NOTATION[language]


@register.filter
def number(value, decimals=0):
    """A count with the language's thousands separator (15.114 in Dutch, 15,114 in English).

    The same text as Django's `number_format(..., force_grouping=True)`, which the big tables
    call thousands of times per page: Python's own grouping, translated to the language's
    separators, costs a tenth of it.
    """
    if value is None or value == "":
        return "–"
    decimals = int(decimals)
    value = rounded(value, decimals)
    if not value:
        value = abs(value)  # "0", never "-0", as number_format writes it
    notation = language_notation()
    if notation is None:
        return number_format(value, decimal_pos=decimals, force_grouping=True)
    return f"{value:,.{decimals}f}".translate(notation)


def number_formatter():
    """The `number` filter (no decimals) with the language looked up once, for the big tables
    built in Python: a whole number needs no rounding, so it costs one format and a translate."""
    notation = language_notation()

    def formatted(value):
        if notation is not None:
            if type(value) is int:
                return f"{value:,}".translate(notation)
            if type(value) is float and value.is_integer():
                return f"{int(value):,}".translate(notation)
        return number(value)

    return formatted


@register.filter
def percentage(value, decimals=2):
    """A share already in percent, shown with the language's decimal separator."""
    if value is None or value == "":
        return "–"
    return f"{number_format(rounded(value, decimals), decimal_pos=int(decimals))}%"


@register.inclusion_tag("includes/figure.html")
def figure(value, source="", is_estimate=False, decimals=0):
    """A number with its estimate mark and its source as a tooltip:
    `{% figure value source is_estimate %}`."""
    return {
        "value": value,
        "decimals": decimals,
        "source": source,
        "is_estimate": is_estimate,
    }


WIDGET_CLASSES = {
    "select": "utrecht-select utrecht-select--html-select",
    "selectmultiple": "utrecht-select utrecht-select--html-select",
    "textarea": "utrecht-textarea utrecht-textarea--html-textarea",
    "checkbox": "utrecht-checkbox utrecht-checkbox--html-input",
}


@register.filter
def nlds_widget(bound_field):
    """A form field's widget with the NL Design System classes, its hint and errors linked by
    aria-describedby and aria-invalid when the field has errors: `{{ field|nlds_widget }}`."""
    input_type = getattr(bound_field.field.widget, "input_type", None) or (
        bound_field.field.widget.__class__.__name__.lower()
    )
    css = WIDGET_CLASSES.get(input_type, "utrecht-textbox utrecht-textbox--html-input")
    if bound_field.errors:
        css += " utrecht-textbox--invalid" if css.startswith("utrecht-textbox") else ""
    attrs = {"class": css}
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}-error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return bound_field.as_widget(attrs=attrs)


@register.filter
def css_string(value):
    """A text as a quoted CSS string, safe inside a <style> element: quotes, backslashes, line
    breaks and markup characters become CSS escapes."""
    escaped = "".join(
        f"\\{ord(char):06x}" if char in '"\\<>&\n\r' or ord(char) < 32 else char
        for char in str(value)
    )
    return mark_safe(f'"{escaped}"')
