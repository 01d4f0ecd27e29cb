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
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import repeat

from django.http import HttpResponse
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


# The workbook is written as its XML parts directly: openpyxl builds an object per cell and
# serialises it element by element, which for the hundred thousand cells of a large region's
# IJktabel export costs seconds. The parts below are the minimal SpreadsheetML that Excel,
# LibreOffice and openpyxl read: inline strings (no shared-string table), one cell format per
# combination of number format, bold and wrap.
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
# Characters XML 1.0 cannot carry at all (openpyxl refuses them): left out of the text.
_ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_INVALID_TITLE = re.compile(r"[\\*?:/\[\]]")
# Excel's own numbering of its built-in number formats; other formats are numbered from 164.
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, INTEGER: 3, DECIMAL: 4, "0%": 9, "0.00%": 10}
_FONT = '<sz val="11"/><name val="Calibri"/><family val="2"/>'


def _text(value: str) -> str:
    text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _ILLEGAL_CHARACTERS.sub("", text)


def _attribute(value: str) -> str:
    return _text(value).replace('"', "&quot;")


class _Styles:
    """The cell formats a workbook uses, numbered in the order they are first asked for."""

    def __init__(self):
        self.formats = {}  # number format -> numFmtId
        self.xfs = {(None, False, False): 0}  # (number format, bold, wrap) -> cellXfs index

    def attribute(self, number_format=None, *, bold=False, wrap=False) -> str:
        """The cell's style attribute (` s="3"`, or nothing for the default format)."""
        key = (number_format, bold, wrap)
        if key not in self.xfs:
            if number_format is not None and number_format not in _BUILTIN_FORMATS:
                self.formats.setdefault(number_format, 164 + len(self.formats))
            self.xfs[key] = len(self.xfs)
        index = self.xfs[key]
        return f' s="{index}"' if index else ""

    def xml(self) -> str:
        number_formats = "".join(
            f'<numFmt numFmtId="{number}" formatCode="{_attribute(code)}"/>'
            for code, number in self.formats.items()
        )
        xfs = []
        for number_format, bold, wrap in self.xfs:
            number = _BUILTIN_FORMATS.get(number_format, self.formats.get(number_format, 0))
            applied = (
                (' applyNumberFormat="1"' if number else "")
                + (' applyFont="1"' if bold else "")
                + (' applyAlignment="1"' if wrap else "")
            )
            alignment = '<alignment vertical="top" wrapText="1"/>' if wrap else ""
            xfs.append(
                f'<xf numFmtId="{number}" fontId="{int(bold)}" fillId="0" borderId="0" xfId="0"'
                f"{applied}>{alignment}</xf>"
            )
        return (
            f'{_XML_DECLARATION}<styleSheet xmlns="{_MAIN}">'
            + (
                f'<numFmts count="{len(self.formats)}">{number_formats}</numFmts>'
                if self.formats
                else ""
            )
            + f'<fonts count="2"><font>{_FONT}</font><font><b/>{_FONT}</font></fonts>'
            + '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            + '<fill><patternFill patternType="gray125"/></fill></fills>'
            + '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            + "</borders>"
            + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            + "</cellStyleXfs>"
            + f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            + "</cellStyles></styleSheet>"
        )


def _cell(reference: str, style: str, value) -> str:
    """One cell's XML: text inline, numbers as written by Python (exact), NaN left empty."""
    kind = type(value)
    if kind is not str and kind is not int and kind is not float:
        value = _plain(value)
        # Subclasses (an IntEnum, a lazy or safe string) are written as their base type.
        for base in (bool, int, float, str):
            if isinstance(value, base):
                kind = base
                break
        else:
            kind = type(value)
    if kind is str:
        if not value:
            return ""  # as openpyxl writes it: an empty cell, read back as None
        if value.startswith(FORMULA_PREFIXES):
            value = "'" + value
        return (
            f'<c r="{reference}"{style} t="inlineStr"><is><t xml:space="preserve">'
            f"{_text(value)}</t></is></c>"
        )
    if kind is int:
        return f'<c r="{reference}"{style}><v>{int(value)}</v></c>'
    if kind is bool:
        return f'<c r="{reference}"{style} t="b"><v>{int(value)}</v></c>'
    if kind is float and math.isfinite(value):
        return f'<c r="{reference}"{style}><v>{float(value)!r}</v></c>'
    return ""  # None, NaN and infinity: an empty cell


def _widths(spec: Sheet) -> list:
    return spec.widths or [
        min(
            60,
            max(
                10,
                *(
                    len(str((r[i] if i < len(r) else "") or "")) + 2
                    for r in [spec.header, *spec.rows[:200]]
                ),
            ),
        )
        for i in range(len(spec.header))
    ]


def _row_xml(number: str, letters, styles, values) -> str:
    """One row, cell by cell (the header, a bold total row, rows of uneven length)."""
    return (
        f'<row r="{number}">'
        + "".join(
            _cell(letter + number, style, value)
            for letter, style, value in zip(letters, styles, values, strict=False)
        )
        + "</row>"
    )


def _column_cells(letter: str, style: str, numbers: list[str], values: tuple) -> list[str]:
    """The cells of one column in rows `numbers`. A column of one kind (all finite decimals,
    whole numbers, yes/no or non-empty text, as a DataFrame's columns mostly are) is written in
    one pass without a call per cell; any other column cell by cell."""
    kinds = set(map(type, values))
    opening = f'<c r="{letter}'
    if kinds == {float} and all(map(math.isfinite, values)):
        return [
            f'{opening}{n}"{style}><v>{v!r}</v></c>' for n, v in zip(numbers, values, strict=True)
        ]
    if kinds == {int}:
        return [
            f'{opening}{n}"{style}><v>{v}</v></c>' for n, v in zip(numbers, values, strict=True)
        ]
    if kinds == {bool}:
        return [
            f'{opening}{n}"{style} t="b"><v>{v:d}</v></c>'
            for n, v in zip(numbers, values, strict=True)
        ]
    if kinds == {str} and all(values) and not _ILLEGAL_CHARACTERS.search("".join(values)):
        text = f'"{style} t="inlineStr"><is><t xml:space="preserve">'
        return [
            opening
            + n
            + text
            + ("'" if v.startswith(FORMULA_PREFIXES) else "")  # neutralise()
            + v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            + "</t></is></c>"
            for n, v in zip(numbers, values, strict=True)
        ]
    return [_cell(letter + n, style, v) for n, v in zip(numbers, values, strict=True)]


def _worksheet_xml(spec: Sheet, styles: _Styles, *, selected: bool) -> str:
    """The sheet: a bold header row frozen above the rows, each column its width and format."""
    lengths = set(map(len, spec.rows))
    columns = max([len(spec.header), *lengths])
    letters = [get_column_letter(index) for index in range(1, columns + 1)]
    header = [styles.attribute(bold=True)] * columns
    body = [styles.attribute(spec.formats.get(i), wrap=spec.wrap) for i in range(columns)]
    count = len(spec.rows)
    plain = spec.rows[:-1] if spec.bold_last_row else spec.rows
    numbers = [str(number) for number in range(2, len(plain) + 2)]
    if plain and lengths == {columns}:
        cells = [
            _column_cells(letter, style, numbers, values)
            for letter, style, values in zip(letters, body, zip(*plain, strict=True), strict=True)
        ]
        rows = map("".join, zip([f'<row r="{n}">' for n in numbers], *cells, repeat("</row>")))
    else:
        rows = map(_row_xml, numbers, repeat(letters), repeat(body), plain)
    rows = [_row_xml("1", letters, header, spec.header), *rows]
    if spec.bold_last_row and spec.rows:
        last = [
            styles.attribute(spec.formats.get(i), bold=True, wrap=spec.wrap) for i in range(columns)
        ]
        rows.append(_row_xml(str(count + 1), letters, last, spec.rows[-1]))
    widths = "".join(
        f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>'
        for index, width in enumerate(_widths(spec), start=1)
    )
    tab = ' tabSelected="1"' if selected else ""
    return (
        f'{_XML_DECLARATION}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">'
        f'<dimension ref="A1:{letters[-1] if letters else "A"}{count + 1}"/>'
        f'<sheetViews><sheetView{tab} workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{widths}</cols>" if widths else "")
        + f"<sheetData>{''.join(rows)}</sheetData>"
        '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
        "</worksheet>"
    )


def _titles(sheets: list[Sheet]) -> list[str]:
    """Excel's sheet names: at most 31 characters, none of []:*?/\\, each once (a repeated
    title gets a number)."""
    titles = []
    for spec in sheets:
        title = str(spec.title)[:31]
        if _INVALID_TITLE.search(title):
            raise ValueError(f"Invalid character in sheet title {title!r}")
        unique, number = title, 0
        while unique.lower() in (taken.lower() for taken in titles):
            number += 1
            unique = f"{title[: 31 - len(str(number))]}{number}"
        titles.append(unique)
    return titles


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
    sheets = sheets or [Sheet("Sheet", [], [])]
    styles = _Styles()
    parts = {
        f"xl/worksheets/sheet{number}.xml": _worksheet_xml(spec, styles, selected=number == 1)
        for number, spec in enumerate(sheets, start=1)
    }
    numbers = range(1, len(sheets) + 1)
    overrides = "".join(
        f'<Override PartName="/{name}" ContentType="{_CONTENT_TYPE}.worksheet+xml"/>'
        for name in parts
    )
    names = "".join(
        f'<sheet name="{_attribute(title)}" sheetId="{number}" r:id="rId{number}"/>'
        for number, title in zip(numbers, _titles(sheets), strict=True)
    )
    relationships = "".join(
        f'<Relationship Id="rId{number}" Type="{_RELATIONSHIPS}/worksheet" '
        f'Target="worksheets/sheet{number}.xml"/>'
        for number in numbers
    )
    package = {
        "[Content_Types].xml": (
            f'{_XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CONTENT_TYPE}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CONTENT_TYPE}.styles+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            f'{_XML_DECLARATION}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
            f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'{_XML_DECLARATION}<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">'
            f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{names}</sheets>'
            "</workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{_XML_DECLARATION}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">{relationships}'
            f'<Relationship Id="rId{len(sheets) + 1}" Type="{_RELATIONSHIPS}/styles" '
            'Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": styles.xml(),
        **parts,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, xml in package.items():
            archive.writestr(name, xml.encode("utf-8"))
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
