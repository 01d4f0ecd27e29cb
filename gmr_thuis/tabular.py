"""The one reader of uploaded tables (CSV and XLSX): every import reads its file through here.

The same rules hold for every import, so a file one import takes is never refused by another
for how it was saved:

- a size limit (`GMR_IMPORT_MAX_BYTES`) checked before anything is read, and a row limit
  (`GMR_IMPORT_MAX_ROWS`) checked while reading, so a huge file is refused at the limit instead
  of being built in memory first;
- CSV: the encoding is sniffed (UTF-8 with or without BOM, else cp1252 as Excel on a Dutch
  Windows machine saves it) and so is the delimiter (comma or semicolon, from the header line);
  a binary file (a ZIP or an Excel workbook renamed to .csv) is refused, never decoded;
- XLSX: read with openpyxl in read-only mode, streaming row by row, stopping at the limit.

Every refusal is a `ValidationError` with a Dutch message that names the limit or the problem.
"""

import csv
import io
import math
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Row numbers are the file's line numbers as a spreadsheet shows them: the header is row 1.
HEADER_ROW = 1
# Columns beyond this are not read: no import has nearly as many, and a sheet that claims
# 16,384 columns would otherwise make every row that wide.
MAX_COLUMNS = 200
# The decompressed size of an XLSX may be this many times the limit on the upload itself; a
# ZIP that unpacks to more is a bomb, not a spreadsheet.
MAX_UNPACK_RATIO = 10

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old .xls format
# Characters no text file has: a decoded "CSV" with one of them is a binary file.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Table:
    """A file's header (stripped cells as text) and its non-empty data rows.

    `rows` are (row number, cells) pairs; CSV cells are text, XLSX cells what the sheet holds
    (text, int, float, date). `delimiter` and `encoding` say how a CSV was read.
    """

    header: list[str]
    rows: list[tuple[int, list]]
    file_format: str
    delimiter: str = ""
    encoding: str = ""


def max_bytes() -> int:
    return settings.GMR_IMPORT_MAX_BYTES


def max_rows() -> int:
    return settings.GMR_IMPORT_MAX_ROWS


def size_text(size: int) -> str:
    """A file size as a Dutch reader reads it: "10 MB", "2,5 MB", "800 kB"."""
    if size >= 1_000_000:
        number, unit = f"{size / 1_000_000:.1f}", "MB"
    else:
        number, unit = f"{size / 1_000:.1f}", "kB"
    return f"{number.removesuffix('.0').replace('.', ',')} {unit}"


def check_size(size: int) -> None:
    """Refuse a file above the upload limit, before reading it."""
    if size > max_bytes():
        raise ValidationError(
            _(
                "Het bestand is %(size)s; de grens voor een import is %(limit)s. "
                "Splits het bestand in kleinere delen."
            )
            % {"size": size_text(size), "limit": size_text(max_bytes())},
            code="too_large",
        )


def _too_many_rows(limit: int) -> ValidationError:
    return ValidationError(
        _(
            "Het bestand heeft meer dan %(limit)s gegevensrijen; dat is de grens voor één "
            "import. Splits het bestand in kleinere delen."
        )
        % {"limit": f"{limit:,}".replace(",", ".")},
        code="too_many_rows",
    )


def cell_text(value) -> str:
    """A cell as the text a person typed: 2024 (not 2024.0) for Excel's whole floats."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    return str(value).strip()


def shown(text, limit: int = 40) -> str:
    """A cell as a message quotes it: long ones cut short, so a message stays a sentence."""
    text = cell_text(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _read_bytes(source) -> bytes:
    """The bytes of an upload (checked against the size limit first) or of bytes given."""
    if isinstance(source, bytes | bytearray):
        check_size(len(source))
        return bytes(source)
    size = getattr(source, "size", None)
    if size is not None:
        check_size(size)
    source.seek(0)
    # Read one byte past the limit: a file that says nothing of its size is still bounded.
    content = source.read(max_bytes() + 1)
    check_size(len(content))
    return content


def _decode(content: bytes) -> tuple[str, str]:
    """The text of a CSV and the encoding it was in, or a Dutch refusal of a binary file."""
    if content.startswith(ZIP_MAGIC) or content.startswith(OLE_MAGIC):
        raise ValidationError(
            _(
                "Dit is geen CSV-bestand maar een Excel- of ZIP-bestand met de naam .csv. "
                "Sla het in Excel op als CSV, of upload het als .xlsx-bestand."
            ),
            code="binary",
        )
    try:
        text, encoding = content.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        try:
            # Excel on a Dutch Windows machine saves "CSV" in cp1252.
            text, encoding = content.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            text, encoding = None, ""
    if text is None or CONTROL_CHARACTER.search(text):
        raise ValidationError(
            _(
                "Het bestand is geen leesbaar CSV-bestand (het bevat binaire gegevens). "
                "Sla het op als CSV (UTF-8 of Windows) of als .xlsx-bestand."
            ),
            code="binary",
        )
    return text, encoding


def sniff_delimiter(text: str) -> str:
    """Dutch Excel writes ";", most other tools ","; the header line tells which."""
    first = text.lstrip("\ufeff").partition("\n")[0]
    return ";" if first.count(";") > first.count(",") else ","


def _is_blank(cells) -> bool:
    return not any(cell_text(cell) for cell in cells)


def _collect(raw_rows, limit: int):
    """The header and the non-empty data rows, refusing more than `limit` data rows."""
    header, rows = None, []
    for number, cells in enumerate(raw_rows, start=HEADER_ROW):
        if number == HEADER_ROW:
            header = [cell_text(cell) for cell in cells]
            while header and not header[-1]:  # a sheet's empty columns to the right
                header.pop()
            continue
        if number - HEADER_ROW > limit:
            raise _too_many_rows(limit)
        if not _is_blank(cells):
            rows.append((number, list(cells)))
    if header is None or not any(header):
        raise ValidationError(_("Het bestand is leeg."), code="empty")
    return header, rows


def read_csv(content: bytes, *, limit: int | None = None) -> Table:
    text, encoding = _decode(content)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header, rows = _collect(reader, max_rows() if limit is None else limit)
    except csv.Error as error:
        raise ValidationError(
            _("Rij %(row)s: het CSV-bestand is niet te lezen (%(error)s).")
            % {"row": reader.line_num, "error": error},
            code="malformed",
        ) from error
    return Table(header, rows, "csv", delimiter=delimiter, encoding=encoding)


def _sheet_dimensions(source):
    """The sheet's stated size, read from the start of its XML only.

    openpyxl's read-only worksheet looks for the `<dimension>` element on "end" events, so for a
    sheet without one it parses the whole sheet (every row) before the first row is read: a
    million-row file would be read in full at load time, whatever the row limit. Here the
    search stops at the start of `<sheetData>`, as the element comes before it by the schema.
    """
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG

    for _event, element in iterparse(source, events=("start",)):
        if element.tag == DIMENSION_TAG:
            ref = element.get("ref") or ""
            try:
                return range_boundaries(ref)
            except ValueError:
                return None
        if element.tag == DATA_TAG:
            return None
    return None


def _streaming_worksheet_class():
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class StreamingWorksheet(ReadOnlyWorksheet):
        def _get_size(self):
            source = self._get_source()
            try:
                dimensions = _sheet_dimensions(source)
            finally:
                source.close()
            if dimensions is not None and None not in dimensions:
                self._min_column, self._min_row, self._max_column, self._max_row = dimensions

    return StreamingWorksheet


def _load_streaming_workbook(content: bytes):
    """openpyxl's read-only workbook, with worksheets that find their size without a full scan."""
    from openpyxl.reader import excel

    # The reader names the worksheet class at module level; our subclass changes only how the
    # size is found (see `_sheet_dimensions`), nothing of how rows are read.
    if not getattr(excel.ReadOnlyWorksheet, "finds_size_from_the_start", False):
        streaming = _streaming_worksheet_class()
        streaming.finds_size_from_the_start = True
        excel.ReadOnlyWorksheet = streaming
    return excel.load_workbook(io.BytesIO(content), read_only=True, data_only=True)


def read_xlsx(content: bytes, *, limit: int | None = None) -> Table:
    limit = max_rows() if limit is None else limit
    unreadable = ValidationError(_("Het bestand is geen leesbaar Excel-bestand."), code="broken")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise unreadable from error
    if unpacked > max_bytes() * MAX_UNPACK_RATIO:
        raise ValidationError(
            _("Het Excel-bestand pakt uit tot meer dan %(limit)s; dat is te groot.")
            % {"limit": size_text(max_bytes() * MAX_UNPACK_RATIO)},
            code="too_large",
        )
    try:
        workbook = _load_streaming_workbook(content)
    except Exception as error:  # openpyxl raises many kinds on a broken file
        raise unreadable from error
    try:
        sheet = workbook.active
        # Stop the parser itself one row past the limit: the rest of the sheet is never read.
        raw_rows = sheet.iter_rows(
            max_row=HEADER_ROW + limit + 1, max_col=MAX_COLUMNS, values_only=True
        )
        header, rows = _collect(raw_rows, limit)
    except ValidationError:
        raise
    except Exception as error:  # a sheet that is broken halfway
        raise unreadable from error
    finally:
        workbook.close()
    return Table(header, rows, "xlsx")


def read_table(source, *, filename: str | None = None, limit: int | None = None) -> Table:
    """Read an uploaded file (or bytes with their file name) as a CSV or XLSX table.

    `limit` overrides the row limit (None: `GMR_IMPORT_MAX_ROWS`). Raises ValidationError with a
    Dutch message on a file that is too large, too long, binary, broken or empty.
    """
    name = (filename or getattr(source, "name", "") or "").lower().rpartition("/")[2]
    extension = name.rpartition(".")[2] if "." in name else ""
    if extension not in ("csv", "xlsx", "txt", ""):
        raise ValidationError(_("Upload een .csv- of .xlsx-bestand."), code="format")
    content = _read_bytes(source)
    if extension == "xlsx":
        return read_xlsx(content, limit=limit)
    return read_csv(content, limit=limit)


def records(table: Table) -> list[tuple[int, dict[str, str]]]:
    """The rows as (row number, {column: text}) by the header's names, like csv.DictReader."""
    return [
        (
            number,
            {
                name: cell_text(cells[i]) if i < len(cells) else ""
                for i, name in enumerate(table.header)
                if name
            },
        )
        for number, cells in table.rows
    ]
