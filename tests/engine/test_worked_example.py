"""The worked example of docs/methodology.{en,nl}.md is what the engine computes on fixtures/.

If the data set or the engine changes, this test fails and prints the table to paste into the
documents (``python -m tests.engine.test_worked_example`` prints both).
"""

from pathlib import Path

import pandas as pd
import pytest

from allocation.engine import GroupRule, Methodology, allocate_fair_share
from benchmarks.gmr import FIXTURES, gmr_frames

DOCS = Path(__file__).resolve().parents[2] / "docs"
OUTFLOW, URGENT = "uitstroom-bw", "urgent-verordening"
HEADERS = {
    "en": (
        "| Municipality | Inhabitants | Key share | Ideal | Already carried | After correction "
        "| Room | After cap | Quota |"
    ),
    "nl": (
        "| Gemeente | Inwoners | Aandeel sleutel | Ideaal | Draagt al | Na correctie "
        "| Ruimte | Na plafond | Quotum |"
    ),
}


def worked_example():
    """The sheltered-housing outflow of 2025 and the urgent seekers sharing the room under the
    cap of one third of the turnover (no new construction counted)."""
    indicators, tasks, carried = gmr_frames()
    methodology = Methodology(
        rules=(
            GroupRule(OUTFLOW, {"inhabitants": 1.0}, correct_for_carried=True, capped=True),
            GroupRule(URGENT, {"inhabitants": 1.0}, local=True, capped=True),
        ),
        capacity_columns=(),
    )
    result = allocate_fair_share(
        indicators, tasks[[OUTFLOW, URGENT]], methodology, carried=carried[[OUTFLOW]]
    )
    return result, indicators, carried


def table(language):
    result, indicators, carried = worked_example()
    names = pd.read_csv(FIXTURES / "municipalities.csv").set_index("cbs_code")["name"]
    rows = result[result["target_group"] == OUTFLOW]

    def number(value, decimals=1):
        text = f"{value:,.{decimals}f}"
        if language == "nl":
            text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
        return text

    lines = [HEADERS[language], "|" + "---|" * 9]
    for row in rows.itertuples():
        lines.append(
            "| "
            + " | ".join(
                [
                    names[row.municipality],
                    number(indicators.at[row.municipality, "inhabitants"], 0),
                    number(100 * row.key_share, 2) + "%",
                    number(row.ideal),
                    number(carried.at[row.municipality, OUTFLOW], 0),
                    number(row.after_correction),
                    number(row.capacity),
                    number(row.after_cap),
                    number(row.quota, 0),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_documented_worked_example_is_what_the_engine_computes(language):
    document = (DOCS / f"methodology.{language}.md").read_text()
    expected = table(language)
    assert expected in document, f"docs/methodology.{language}.md should hold:\n{expected}"


def test_the_worked_examples_story_holds():
    result, indicators, carried = worked_example()
    outflow = result[result["target_group"] == OUTFLOW].set_index("municipality")
    urgent = result[result["target_group"] == URGENT].set_index("municipality")
    # Arnhem, Nijmegen and Westervoort carry more than their fair target: nothing new.
    assert outflow.loc[["GM0202", "GM0268", "GM0293"], "quota"].tolist() == [0, 0, 0]
    assert carried.at["GM0293", OUTFLOW] == 72  # the seed's own 27 + 45 BW clients
    # Rozendaal's room (a third of 2 re-lettings) goes to its own urgent seekers first.
    assert outflow.at["GM0277", "after_cap"] == 0 and outflow.at["GM0277", "after_correction"] > 0
    assert urgent.at["GM0277", "quota"] == 0 and urgent.at["GM0277", "shortfall"] == 1
    assert outflow["quota"].sum() == 383 and urgent["quota"].sum() == 395
    # The numbers the documents' story quotes.
    region_carries = carried[OUTFLOW].sum()
    assert region_carries == 3188
    fair_part = outflow["key_share"] * (383 + region_carries)
    assert [round(fair_part[c], 1) for c in ("GM0293", "GM0202", "GM0268")] == [68.1, 743.2, 815.3]
    others = outflow.index.difference(["GM0202", "GM0268", "GM0293"])
    assert carried.loc[others, OUTFLOW].sum() == 1087
    inhabitants = indicators.loc[others, "inhabitants"]
    assert inhabitants.sum() == 431_700
    overbetuwe = inhabitants["GM1734"] / inhabitants.sum() * (383 + 1087)
    assert round(overbetuwe, 1) == 166.9
    assert round(overbetuwe - 123, 1) == round(outflow.at["GM1734", "after_correction"], 1) == 43.9
    assert round(urgent.at["GM0277", "ideal"], 2) == 0.85


if __name__ == "__main__":
    for language in ("en", "nl"):
        print(table(language), end="\n\n")
