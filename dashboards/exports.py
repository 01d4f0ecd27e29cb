"""The IJktabel and its explanations as tables: for the screen, XLSX (with the method) and CSV."""

import pandas as pd
from django.utils.translation import gettext as _

from allocation.selectors import ijktabel
from dashboards.explain import cell_sentences
from dashboards.figures import waterfall_step_labels
from gmr_thuis.exports import (
    DECIMAL,
    INTEGER,
    SHARE,
    Sheet,
    csv_bytes,
    input_sheet,
    methodology_sheet,
    xlsx_bytes,
)


def groups_in_order(cells: pd.DataFrame) -> list[tuple[str, str]]:
    """(code, name) of the groups in the cells, in the region's order."""
    ordered = cells.drop_duplicates("target_group").sort_values(["sort_order", "target_group"])
    return list(zip(ordered["target_group"], ordered["target_group_name"], strict=True))


def ijktabel_rows(cells: pd.DataFrame, *, url_for, highlight=frozenset()) -> dict:
    """The IJktabel for a template: every number with the link to its explanation; the cells
    whose (slug, group code) is in `highlight` are marked."""
    groups = groups_in_order(cells)
    codes = [code for code, _name in groups]
    # One pivot for the whole table: at hundreds of municipalities a lookup per cell in a frame
    # per municipality costs a second. Rows in the order of (municipality, slug).
    quota = cells.pivot_table(
        index=["municipality", "slug"], columns="target_group", values="quota", aggfunc="sum"
    ).reindex(columns=codes)
    present = quota.notna().to_numpy()
    numbers = quota.fillna(0).to_numpy(dtype="int64").tolist()
    rows = []
    for (municipality, slug), own, shown in zip(quota.index, numbers, present, strict=True):
        rows.append(
            {
                "municipality": municipality,
                "slug": slug,
                "cells": [
                    {
                        "quota": number,
                        "url": url_for(slug, code),
                        "highlight": (slug, code) in highlight,
                    }
                    if is_shown
                    else None
                    for code, number, is_shown in zip(codes, own, shown, strict=True)
                ],
                "total": sum(own),
            }
        )
    totals = cells.groupby("target_group")["quota"].sum()
    return {
        "groups": groups,
        "rows": rows,
        "totals": [int(totals.get(code, 0)) for code in codes],
        "total": int(cells["quota"].sum()),
    }


def highlighted_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """The cells the steering-group report singles out: per group the largest fair share, and
    every cell that the ceiling changed or that left part of the task undistributed."""
    frame = cells[cells["quota"] > 0]
    largest = frame.loc[frame.groupby("target_group")["quota"].idxmax()]
    moved = frame[(frame["cap_contribution"].abs() >= 0.5) | (frame["shortfall"] > 0)]
    picked = pd.concat([largest, moved])
    return picked[~picked.index.duplicated()]


def ijktabel_blocks(table: dict, *, size: int) -> list[dict]:
    """The IJktabel cut into blocks of at most `size` groups for print; the template repeats the
    municipality column in each block and ends each with the totals."""
    groups = table["groups"]
    return [
        {
            "groups": groups[start : start + size],
            "rows": [{**row, "cells": row["cells"][start : start + size]} for row in table["rows"]],
            "totals": table["totals"][start : start + size],
            "first": start + 1,
            "last": min(start + size, len(groups)),
        }
        for start in range(0, len(groups), size)
    ]


def explained_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """The cells in reading order, each with its plain sentence (column `sentence`)."""
    frame = cells.sort_values(["municipality", "sort_order", "target_group"]).copy()
    frame["sentence"] = cell_sentences(frame)
    return frame


def explanations(cells: pd.DataFrame) -> pd.DataFrame:
    """Every cell with its steps and its sentence, as one long table with translated headers."""
    steps = waterfall_step_labels()
    frame = explained_cells(cells)
    headers = {
        "year": _("Jaar"),
        "cbs_code": _("CBS-code"),
        "municipality": _("Gemeente"),
        "target_group_name": _("Aandachtsgroep"),
        "key_share": _("Aandeel in de sleutel"),
        "ideal": _("Ideaal aandeel"),
        **steps,
        "quota": _("Fair share"),
        "shortfall": _("Onverdeeld door plafond"),
        "sentence": _("Uitleg"),
    }
    return frame[list(headers)].rename(columns=headers).reset_index(drop=True)


def xlsx_workbook(cells: pd.DataFrame, *, year: int, inputs=(), method=()) -> bytes:
    """The IJktabel, the explanation of every cell, the run's input figures and a sheet that
    explains the method (`method`: `allocation.selectors.methodology_rows`)."""
    table = ijktabel(cells, year)  # the run page's IJktabel: its totals column and region row
    frame = explanations(cells)
    return xlsx_bytes(
        [
            Sheet(
                _("IJktabel"),
                [_("Gemeente"), *table.columns],
                # int64 throughout: `tolist` gives Python ints without building a Series per row.
                [
                    [municipality, *counts]
                    for municipality, counts in zip(
                        table.index, table.to_numpy().tolist(), strict=True
                    )
                ],
                [22, *[16] * len(table.columns)],
                {i: INTEGER for i in range(1, len(table.columns) + 1)},
                bold_last_row=True,
            ),
            Sheet(
                _("Uitleg"),
                list(frame.columns),
                list(frame.itertuples(index=False, name=None)),
                [8, 10, 20, 28, *[14] * 9, 100],
                {4: SHARE, **{i: DECIMAL for i in range(5, 12)}, 11: INTEGER, 12: DECIMAL},
            ),
            input_sheet(inputs),
            methodology_sheet(method),
        ]
    )


def csv_bytes_of(cells: pd.DataFrame) -> bytes:
    """The explanations as Excel-NL CSV (semicolon, decimal comma, UTF-8 BOM)."""
    frame = explanations(cells)
    return csv_bytes(list(frame.columns), frame.itertuples(index=False, name=None))
