"""The bodies of the dashboard's big tables, written in Python.

The progress table has a row per municipality and target group (over 5,000 rows with 11 cells
for a region of 342 municipalities); as a template loop its rendering grew to seconds. These
functions write the same markup as the template did (`tests/monitoring/test_tables.py` holds the
two equal): every number formatted by the `number` filter and every text escaped as the template
escapes it, each once per distinct value.
"""

import pandas as pd
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from gmr_thuis.templatetags.gmr import number, percentage

MISSING = "–"


def _numbers(frame: pd.DataFrame, column: str, decimals: int = 0, write=number) -> list[str]:
    """The column as `{{ value|number }}` (or another filter) writes it; a missing column or
    value is "–"."""
    if column not in frame:
        return [MISSING] * len(frame)
    values = frame[column]
    texts = {value: write(value, decimals) for value in values.dropna().unique()}
    return [texts.get(value, MISSING) for value in values.tolist()]


def _texts(frame: pd.DataFrame, column: str, default: str = "") -> list[str]:
    """The column escaped as autoescaping does, once per distinct value; an empty or missing
    value is `default`."""
    values = frame[column].fillna("").tolist()
    texts = {value: str(escape(value)) if value else default for value in set(values)}
    return [texts[value] for value in values]


def progress_rows(progress: pd.DataFrame, year: int) -> SafeString:
    """The rows of the progress table (monitoring/_progress_tables.html), one per cell."""
    # The page of a municipality's year, reversed once: slugs need no quoting in a path.
    page = escape(reverse("monitoring:municipality_year", args=["SLUG", year]))
    columns = zip(
        _texts(progress, "cbs_code"),
        _texts(progress, "group_code"),
        [page.replace("SLUG", slug) for slug in _texts(progress, "slug")],
        _texts(progress, "municipality"),
        _texts(progress, "target_group"),
        _numbers(progress, "fair_share"),
        _numbers(progress, "carry_over"),
        _numbers(progress, "agreed"),
        _texts(progress, "agreement_status", default=MISSING),
        _numbers(progress, "realised"),
        _numbers(progress, "by_corporations"),
        _numbers(progress, "via_mediation"),
        _numbers(progress, "expected", 1),
        _texts(progress, "status"),
        _texts(progress, "status_label"),
        strict=True,
    )
    return mark_safe(
        "".join(
            f"""
      <tr data-municipality="{code}" data-group="{group}">
        <th scope="row"><a href="{url}">{name}</a></th>
        <td>{group_name}</td>
        <td class="num">{fair_share}</td>
        <td class="num">{carry_over}</td>
        <td class="num agreed">{agreed}</td>
        <td>{agreement}</td>
        <td class="num realised">{realised}</td>
        <td class="num">{by_corporations}</td>
        <td class="num via-mediation">{via_mediation}</td>
        <td class="num">{expected}</td>
        <td><span class="badge progress-{status} utrecht-status-badge">{status_label}</span></td>
      </tr>
    """
            for (
                code,
                group,
                url,
                name,
                group_name,
                fair_share,
                carry_over,
                agreed,
                agreement,
                realised,
                by_corporations,
                via_mediation,
                expected,
                status,
                status_label,
            ) in columns
        )
    )


def _flag(value) -> bool:
    """A template's `{% if value %}` on a frame's cell: a missing value is false."""
    return False if pd.isna(value) else bool(value)


def turnover_rows(turnover: pd.DataFrame) -> SafeString:
    """The rows of the table of placements against turnover, one per municipality; a turnover
    figure as `{% figure %}` (includes/figure.html) writes it, with its year."""
    estimate_mark = (
        f'<abbr class="estimate-mark" title="{escape(_("schatting"))}">≈</abbr>'
        f'<span class="visually-hidden"> ({escape(_("schatting"))})</span>'
    )
    figures = [
        f'<span class="figure">{value}{estimate_mark if _flag(is_estimate) else ""}</span>\n'
        f' <span class="muted">({year})</span>'
        if known
        else MISSING
        for known, value, is_estimate, year in zip(
            turnover["turnover"].notna(),
            _numbers(turnover, "turnover"),
            turnover["is_estimate"],
            _numbers(turnover, "turnover_year", write=floatformat),
            strict=True,
        )
    ]
    over = {True: f"<strong>{escape(_('ja'))}</strong>", False: escape(_("nee"))}
    columns = zip(
        _texts(turnover, "municipality"),
        _numbers(turnover, "placements"),
        figures,
        _numbers(turnover, "share_percent", 1, write=percentage),
        [over[_flag(value)] for value in turnover["over_limit"]],
        strict=True,
    )
    return mark_safe(
        "".join(
            f"""
      <tr>
        <th scope="row">{name}</th>
        <td class="num">{placements}</td>
        <td class="num">{figure}</td>
        <td class="num">{share}</td>
        <td>{over_limit}</td>
      </tr>
    """
            for name, placements, figure, share, over_limit in columns
        )
    )
