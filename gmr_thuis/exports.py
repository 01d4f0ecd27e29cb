"""The one export layer: every CSV and XLSX the platform writes goes through here.

- CSV in the Excel-NL convention: semicolon separated, decimal comma, UTF-8 with a byte-order
  mark (so Excel reads ë in Cliënten), whatever the page's language.
- XLSX with bold frozen headers, column widths, number formats per column and, where given, a
  methodology sheet.
- Text that a spreadsheet would read as a formula (starting with =, +, -, @, tab or carriage
  return) is neutralised with a leading apostrophe, against formula injection (OWASP).
- Headers come from the models' verbose names (`verbose_header`) or translated labels.
"""

import csv
import io
import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel number formats; Excel shows them in the reader's own locale (a comma in Dutch Excel).
INTEGER, DECIMAL, SHARE = "#,##0", "#,##0.00", "0.0000"


def neutralise(value):
    """A cell value that no spreadsheet executes: text starting like a formula gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _plain(value):
    """numpy scalars and Decimals as Python numbers; NaN as empty; text neutralised."""
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, Decimal | Fraction):
        value = float(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is not None and not isinstance(value, int | float | bool | str):
        value = str(value)
    return neutralise(value)


def _csv_cell(value, decimals):
    value = _plain(value)
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        text = f"{value:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{value:.0f}"
        return text.replace(".", ",")
    return "" if value is None else value


def csv_bytes(header, rows, *, decimals: int = 4) -> bytes:
    """A table as Excel-NL CSV bytes: ';', decimal comma, UTF-8 BOM, neutralised text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_csv_cell(h, decimals) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(value, decimals) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


@dataclass
class Sheet:
    """One sheet: a title, a header row, rows, and per column a width and a number format."""

    title: str
    header: list
    rows: list
    widths: list[int] = field(default_factory=list)
    formats: dict[int, str] = field(default_factory=dict)  # column index (0-based) -> format
    bold_last_row: bool = False
    wrap: bool = False


def _fill(sheet, spec: Sheet):
    sheet.title = str(spec.title)[:31]
    sheet.append([_plain(h) for h in spec.header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in spec.rows:
        sheet.append([_plain(value) for value in row])
    sheet.freeze_panes = "A2"
    widths = spec.widths or [
        min(60, max(10, *(len(str(r[i] or "")) + 2 for r in [spec.header, *spec.rows[:200]])))
        for i in range(len(spec.header))
    ]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for index, number_format in spec.formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
            cell.number_format = number_format
    if spec.bold_last_row and spec.rows:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    if spec.wrap:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def methodology_sheet(rows) -> Sheet:
    """The sheet that says how the numbers were made: (label, text) rows."""
    from django.utils.translation import gettext as _

    return Sheet(
        _("Methodiek"), [_("Onderdeel"), _("Toelichting")], list(rows), [30, 110], wrap=True
    )


def input_sheet(inputs) -> Sheet:
    """The figures a run used: (municipality, figure, value, source, estimate) rows."""
    from django.utils.translation import gettext as _

    return Sheet(
        _("Invoer"),
        [_("Gemeente"), _("Cijfer"), _("Waarde"), _("Bron"), _("Schatting")],
        [list(row) for row in inputs],
        [22, 36, 14, 60, 10],
        {2: DECIMAL},
    )


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    """A workbook of the sheets, in order."""
    workbook = Workbook()
    for index, spec in enumerate(sheets):
        _fill(workbook.active if index == 0 else workbook.create_sheet(), spec)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def verbose_header(model, names, extra=None) -> list[str]:
    """Dutch (or the active language's) headers from a model's verbose names; `extra` for
    columns that are not fields."""
    extra = extra or {}
    header = []
    for name in names:
        if name in extra:
            header.append(str(extra[name]))
            continue
        try:
            header.append(str(model._meta.get_field(name).verbose_name).capitalize())
        except Exception:  # FieldDoesNotExist: a computed column
            header.append(name)
    return header


def download(body: bytes, *, filename: str, fmt: str) -> HttpResponse:
    """An attachment of CSV or XLSX bytes."""
    response = HttpResponse(
        body, content_type=CSV_CONTENT_TYPE if fmt == "csv" else XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
