"""The workbooks the export layer writes, read back by openpyxl: the same values, number
formats, bold frozen header, widths and wrap the sheets asked for."""

import datetime
import math
from decimal import Decimal
from http import HTTPStatus
from io import BytesIO

import numpy as np
import pytest
from openpyxl import load_workbook

from gmr_thuis.exports import DECIMAL, INTEGER, SHARE, Sheet, _plain, xlsx_bytes

HEADER = ["Gemeente", "Code", "Aandeel", "Fair share", "Schatting", "Uitleg"]
ROWS = [
    ["Arnhem", "GM0202", 0.1234567890123, 1234, True, "Arnhem & Renkum <samen>"],
    ["Renkum", "GM0274", float("nan"), np.int64(-7), np.bool_(False), "=SUM(A1:A2)"],
    ["Zevenaar", "GM0299", Decimal("0.5"), 0, False, "  ruimte vooraf"],
    ["Duiven", "GM0226", np.float64(1e-7), 10**12, None, ""],
    ["Regio", "", 1.0, 1241, True, "+31 6, -2 en @ref, \tinspringen"],
]


def read(body):
    return load_workbook(BytesIO(body))


def values(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def expected(rows):
    """What a sheet holds: numpy and Decimal as numbers, NaN and "" empty, formulas quoted."""
    return [[None if _plain(value) == "" else _plain(value) for value in row] for row in rows]


def same(left, right):
    return [
        [
            a == b or (isinstance(a, float) and isinstance(b, float) and math.isclose(a, b))
            for a, b in zip(row_a, row_b, strict=True)
        ]
        for row_a, row_b in zip(left, right, strict=True)
    ]


def test_a_workbook_reads_back_with_its_values_formats_header_and_freeze_pane():
    body = xlsx_bytes(
        [
            Sheet(
                "Uitleg",
                HEADER,
                ROWS,
                [22, 10, 14, 14, 10, 60],
                {2: SHARE, 3: INTEGER},
                bold_last_row=True,
            ),
            Sheet("Invoer", ["Cijfer", "Waarde"], [["Woningvoorraad", 1.5]], formats={1: DECIMAL}),
        ]
    )
    workbook = read(body)
    assert workbook.sheetnames == ["Uitleg", "Invoer"]
    sheet = workbook["Uitleg"]
    got = values(sheet)
    assert got[0] == HEADER
    assert all(all(row) for row in same(got[1:], expected(ROWS)))
    assert got[2][5] == "'=SUM(A1:A2)"  # neutralised, never a formula
    assert got[5][5].startswith("'+31")
    assert got[3][5] == "  ruimte vooraf"  # leading spaces kept
    assert got[1][2] == 0.1234567890123  # decimals exactly as Python holds them
    assert got[4][3] == 10**12
    assert got[1][4] is True and got[2][4] is False
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert not any(cell.font.b for row in sheet.iter_rows(min_row=2, max_row=5) for cell in row)
    assert all(cell.font.b for cell in sheet[6] if cell.value is not None)  # the total row
    assert [sheet.column_dimensions[letter].width for letter in "ABCDEF"] == [
        22,
        10,
        14,
        14,
        10,
        60,
    ]
    for letter, number_format in (("A", "General"), ("C", SHARE), ("D", INTEGER)):
        column = [cell for cell in sheet[letter][1:] if cell.value is not None]
        assert column and {cell.number_format for cell in column} == {number_format}
    assert sheet["C1"].number_format == "General"  # the header keeps its text format
    second = workbook["Invoer"]
    assert values(second) == [["Cijfer", "Waarde"], ["Woningvoorraad", 1.5]]
    assert second["B2"].number_format == DECIMAL
    assert second.freeze_panes == "A2"
    assert second.column_dimensions["A"].width == 16  # from the longest text: 14 + 2


def test_wrapped_sheet_rows_of_uneven_length_and_other_values():
    rows = [
        ["Stap", "Toelichting die lang is en over regels loopt"],
        ["Alleen een label"],
        ["Datum", datetime.date(2026, 3, 1)],
        ["", None],
        ["Fout\x07teken", float("inf")],
        [HTTPStatus.OK, HTTPStatus.NOT_FOUND.phrase],
    ]
    workbook = read(xlsx_bytes([Sheet("Methodiek", ["Onderdeel", "Toelichting"], rows, wrap=True)]))
    sheet = workbook["Methodiek"]
    assert values(sheet) == [
        ["Onderdeel", "Toelichting"],
        ["Stap", "Toelichting die lang is en over regels loopt"],
        ["Alleen een label", None],
        ["Datum", "2026-03-01"],
        [None, None],
        ["Foutteken", None],  # a character XML cannot hold is left out
        [200, "Not Found"],  # an IntEnum as its number
    ]
    assert not sheet["A1"].alignment.wrap_text
    assert sheet["B2"].alignment.wrap_text and sheet["B2"].alignment.vertical == "top"
    assert sheet["A3"].alignment.wrap_text


def test_sheet_titles_are_cut_to_excels_length_and_kept_apart():
    title = "Een titel die langer is dan Excel toestaat"
    workbook = read(xlsx_bytes([Sheet(title, ["A"], [[1]]), Sheet(title, ["A"], [[2]])]))
    assert workbook.sheetnames == [title[:31], title[:30] + "1"]
    assert workbook.worksheets[1]["A2"].value == 2


def test_a_sheet_title_excel_refuses_is_an_error():
    with pytest.raises(ValueError):
        xlsx_bytes([Sheet("Jaar 2026/2027", ["A"], [])])


def test_an_empty_workbook_still_opens():
    assert read(xlsx_bytes([])).sheetnames == ["Sheet"]
