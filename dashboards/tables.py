"""The rows of the region's big tables as HTML: the IJktabel, its printed blocks and the supply
per municipality.

At hundreds of municipalities these tables hold thousands of cells, and a template loop costs
more per cell than the number in it; here each row is one string. The templates keep the
table, its caption, head and totals; the markup of a row is the same as the template's was.
"""

from html import escape

import pandas as pd
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from gmr_thuis.templatetags.gmr import number_formatter


def _quota_cell(cell, written: str, *, link: bool) -> str:
    """One IJktabel cell: the fair share (with its explanation link on screen), a star where the
    report marks it, a dash where the group has no cell."""
    if cell is None:
        return '<td class="num">–</td>'
    mark = "*" if cell["highlight"] else ""
    css = "num highlight" if cell["highlight"] else "num"
    if link:
        return f'<td class="{css}"><a href="{escape(cell["url"])}" data-explain>{written}{mark}</a></td>'
    return f'<td class="{css}">{written}{mark}</td>'


def _cell_texts(rows, formatted) -> list[list[str]]:
    return [
        [formatted(cell["quota"]) if cell is not None else "" for cell in row["cells"]]
        for row in rows
    ]


def ijktabel_body(table: dict, *, query: str) -> SafeString:
    """The municipalities' rows of the IJktabel on screen (`exports.ijktabel_rows`): the name
    links to the municipality's page, each number to its explanation."""
    # One reversed URL; a slug is letters, digits and hyphens, so it stands in as it is.
    municipality_url = reverse("dashboards:municipality", args=["SLUG"])
    after_path = escape(f"?{query}")
    return _quota_rows(
        table["rows"],
        name_of=lambda row: (
            f'<a href="{escape(municipality_url.replace("SLUG", row["slug"]))}{after_path}">'
            f"{escape(row['municipality'])}</a>"
        ),
        link=True,
    )


def ijktabel_block_body(block: dict) -> SafeString:
    """The municipalities' rows of one printed block of the IJktabel (`exports.ijktabel_blocks`),
    without links: paper has nothing to click."""
    return _quota_rows(block["rows"], name_of=lambda row: escape(row["municipality"]), link=False)


def _quota_rows(rows, *, name_of, link: bool) -> SafeString:
    formatted = number_formatter()
    html = []
    for row, texts in zip(rows, _cell_texts(rows, formatted), strict=True):
        cells = "".join(
            _quota_cell(cell, text, link=link)
            for cell, text in zip(row["cells"], texts, strict=True)
        )
        html.append(
            f'<tr><th scope="row">{name_of(row)}</th>'
            f'{cells}<td class="num">{formatted(row["total"])}</td></tr>'
        )
    return mark_safe("\n".join(html))


SUMMARY_NUMBERS = ["quota_total", "capped_quota", "turnover", "urgent_cap", "new_construction"]


def supply_body(summary: pd.DataFrame) -> SafeString:
    """Per municipality its fair share, the part of the urgent groups (marked where it exceeds
    the ceiling), turnover, ceiling and room for new construction (`municipality_summary`)."""
    formatted = number_formatter()
    names = summary["municipality"].tolist()
    over_cap = (summary["capped_quota"] > summary["urgent_cap"]).tolist()
    columns = [summary[column].tolist() for column in SUMMARY_NUMBERS]
    html = []
    for name, over, (total, capped, turnover, cap, new) in zip(
        names, over_cap, zip(*columns, strict=True), strict=True
    ):
        capped_css = "num over-cap" if over else "num"
        html.append(
            f'<tr><th scope="row">{escape(name)}</th><td class="num">{formatted(total)}</td>'
            f'<td class="{capped_css}">{formatted(capped)}</td>'
            f'<td class="num">{formatted(turnover)}</td><td class="num">{formatted(cap)}</td>'
            f'<td class="num">{formatted(new)}</td></tr>'
        )
    return mark_safe("\n".join(html))
