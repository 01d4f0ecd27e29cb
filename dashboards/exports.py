"""The IJktabel and its explanations as tables: for the screen, XLSX (with the method) and CSV."""

from io import BytesIO

import pandas as pd
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from allocation.selectors import ijktabel
from dashboards.explain import cell_sentence
from dashboards.figures import waterfall_step_labels

NUMBER_COLUMNS = [
    "key_share",
    "ideal",
    "key_contribution",
    "correction_contribution",
    "cap_contribution",
    "rounding_contribution",
    "carry_over_contribution",
    "quota",
    "shortfall",
]


def groups_in_order(cells: pd.DataFrame) -> list[tuple[str, str]]:
    """(code, name) of the groups in the cells, in the region's order."""
    ordered = cells.drop_duplicates("target_group").sort_values(["sort_order", "target_group"])
    return list(zip(ordered["target_group"], ordered["target_group_name"], strict=True))


def ijktabel_rows(cells: pd.DataFrame, *, url_for) -> dict:
    """The IJktabel for a template: every number with the link to its explanation."""
    groups = groups_in_order(cells)
    rows = []
    for (municipality, slug), own in cells.groupby(["municipality", "slug"], sort=True):
        by_group = own.set_index("target_group")
        rows.append(
            {
                "municipality": municipality,
                "slug": slug,
                "cells": [
                    {"quota": int(by_group.at[code, "quota"]), "url": url_for(slug, code)}
                    if code in by_group.index
                    else None
                    for code, _name in groups
                ],
                "total": int(own["quota"].sum()),
            }
        )
    totals = cells.groupby("target_group")["quota"].sum()
    return {
        "groups": groups,
        "rows": rows,
        "totals": [int(totals.get(code, 0)) for code, _name in groups],
        "total": int(cells["quota"].sum()),
    }


def explained_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """The cells in reading order, each with its plain sentence (column `sentence`)."""
    frame = cells.sort_values(["municipality", "sort_order", "target_group"]).copy()
    frame["sentence"] = [
        cell_sentence(
            row, municipality=row["municipality"], group=row["target_group_name"], unit=row["unit"]
        )
        for row in frame.to_dict("records")
    ]
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


def methodology_rows(run, year: int) -> list[tuple[str, str]]:
    """What the method sheet says: the run, the steps, and each group's rule."""
    settings = (run.inputs or {}).get("methodology") or {}
    rows = [
        (_("Scenario"), str(run.scenario)),
        (_("Methodiek"), str(run.scenario.methodology)),
        (_("Run"), str(run.pk)),
        (_("Jaar"), str(year)),
        (_("Peiljaar cijfers"), str(run.scenario.data_year)),
        (_("Hash van de invoer"), run.input_hash),
        (_("Plafond (deel van de mutaties)"), str(settings.get("cap_share", ""))),
        (_("Afrondingsmethode"), str(settings.get("rounding_method", ""))),
        ("", ""),
        (
            _("Verdeelsleutel"),
            _(
                "Elke gemeente krijgt het deel van de regionale opgave dat haar aandeel in de sleutel aangeeft."
            ),
        ),
        (
            _("Correctie"),
            _(
                "Wat een gemeente al draagt (cliënten in instellingen) gaat eraf; dat deel gaat naar de anderen."
            ),
        ),
        (
            _("Plafond"),
            _(
                "Urgente groepen krijgen samen ten hoogste het plafond van de mutaties plus de ruimte voor nieuwbouw; wat erboven valt gaat naar gemeenten met ruimte."
            ),
        ),
        (_("Afronding"), _("Hele huishoudens, zo dat het regionale totaal precies klopt.")),
        (_("Overloop"), _("Een tekort uit de vorige periode komt erbij, een voorschot gaat eraf.")),
        ("", ""),
    ]
    for code, rule in sorted(settings.get("rules", {}).items()):
        key = ", ".join(f"{name} × {weight:g}" for name, weight in rule.get("key", {}).items())
        flags = [
            label
            for flag, label in (
                ("local", _("lokaal")),
                ("correct_for_carried", _("gecorrigeerd")),
                ("capped", _("onder plafond")),
            )
            if rule.get(flag)
        ]
        rows.append((code, f"{key} ({', '.join(flags)})" if flags else key))
    return rows


def _fit_columns(sheet, widths):
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def xlsx_workbook(cells: pd.DataFrame, *, run, year: int) -> bytes:
    """The IJktabel, the explanation of every cell, and a sheet that explains the method."""
    workbook = Workbook()
    table_sheet = workbook.active
    table_sheet.title = _("IJktabel")[:31]
    table = ijktabel(cells, year)  # the run page's IJktabel: its totals column and region row
    table_sheet.append([_("Gemeente"), *table.columns])
    for municipality, row in table.iterrows():
        table_sheet.append([municipality, *[int(v) for v in row]])
    for cell in table_sheet[1]:
        cell.font = Font(bold=True)
    for cell in table_sheet[table_sheet.max_row]:
        cell.font = Font(bold=True)
    table_sheet.freeze_panes = "B2"
    _fit_columns(table_sheet, [22, *[16] * len(table.columns)])

    explain_sheet = workbook.create_sheet(_("Uitleg")[:31])
    frame = explanations(cells)
    explain_sheet.append(list(frame.columns))
    for record in frame.itertuples(index=False):
        explain_sheet.append([v.item() if hasattr(v, "item") else v for v in record])
    for cell in explain_sheet[1]:
        cell.font = Font(bold=True)
    explain_sheet.freeze_panes = "A2"
    _fit_columns(explain_sheet, [8, 10, 20, 28, *[14] * 9, 100])

    method_sheet = workbook.create_sheet(_("Methodiek")[:31])
    for label, text in methodology_rows(run, year):
        method_sheet.append([label, text])
        method_sheet.cell(row=method_sheet.max_row, column=1).font = Font(bold=True)
        method_sheet.cell(row=method_sheet.max_row, column=2).alignment = Alignment(wrap_text=True)
    _fit_columns(method_sheet, [30, 110])

    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_text(cells: pd.DataFrame) -> str:
    """The explanations as CSV in the spreadsheet convention of the active language."""
    dutch = (get_language() or "nl").startswith("nl")
    # Dutch spreadsheets read a comma as the decimal sign, so fields are split by semicolons.
    return explanations(cells).to_csv(
        index=False, sep=";" if dutch else ",", decimal="," if dutch else ".", float_format="%.4f"
    )
