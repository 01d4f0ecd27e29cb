"""The sentences of a whole table at once read exactly as `cell_sentence` writes each one."""

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from django.utils import translation

from allocation import selectors as allocation_selectors
from allocation import services
from dashboards.explain import cell_sentence, cell_sentences
from dashboards.exports import explained_cells
from municipalities.services import reference_data_load
from tests import factories

pytestmark = pytest.mark.django_db

LANGUAGES = ["nl", "en"]


def one_by_one(cells: pd.DataFrame) -> list[str]:
    return [
        cell_sentence(
            cell,
            municipality=cell["municipality"],
            group=cell["target_group_name"],
            unit=cell["unit"],
        )
        for cell in cells.to_dict("records")
    ]


@pytest.fixture
def gmr_run():
    """The GMR's own figures computed by the engine (the demo run, here without a worker), and
    a steering-group member who reads all of it."""
    reference_data_load()
    scenario = services.ensure_default_scenario()
    run = services.allocation_run_start(user=None, scenario=scenario)
    run = services.allocation_run_execute(run_id=run.pk)
    reader = factories.member(role="steering_group", region=scenario.region, username="stuurgroep")
    return run, reader


def test_every_sentence_of_the_gmr_run_reads_as_cell_sentence_writes_it(gmr_run):
    run, reader = gmr_run
    for language in LANGUAGES:
        with translation.override(language):
            cells = allocation_selectors.run_results(user=reader, run=run)
            fast = cell_sentences(cells)
            assert fast == one_by_one(cells), language
            assert explained_cells(cells)["sentence"].tolist() == one_by_one(
                cells.sort_values(["municipality", "sort_order", "target_group"])
            )
    assert cells["municipality"].nunique() == 17
    assert len(fast) == len(cells) > 17
    # The GMR run covers both kinds of sentence and steps up and down.
    assert cells["local"].any() and not cells["local"].all()
    assert (cells["rounding_contribution"] >= 0.05).any()
    assert (cells["rounding_contribution"] <= -0.05).any()


EDGES = pd.DataFrame(
    {
        "municipality": ["Arnhem", "Renkum", "Zevenaar", "Duiven", "Lingewaard", "Rheden"],
        "target_group_name": ["Statushouders"] * 6,
        "unit": ["huishoudens"] * 6,
        "year": [2026, 2026, 2027, 2027, 2028, 2028],
        "local": [False, False, False, True, False, False],
        "quota": [12_345, 0, 1_234_567, 8, 7.0, np.int64(999)],
        "key_share": [0.019, 0.0, 1.0, 0.5, 0.123456, Decimal("0.3333")],
        "key_contribution": [12_345.06, 0.049, 1e16, 8.0, -0.04, Decimal("999.95")],
        "correction_contribution": [-2.05, 0.05, 2.25, 0.0, float("nan"), -0.049],
        "cap_contribution": [-3.0, 1234.5678, 0.0, 0.0, 0.06, -1e15],
        "rounding_contribution": [0.35, -0.45, -0.25, 0.0, 0.15, np.float64(0.05)],
        "carry_over_contribution": [1.0, -7.75, 0.0, 0.0, -0.06, 0.0],
        "shortfall": [4.5, 0.0, float("nan"), None, 0.05, 123_456.789],
    }
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_sentences_agree_on_grouping_rounding_missing_and_huge_numbers(language):
    with translation.override(language):
        assert cell_sentences(EDGES) == one_by_one(EDGES)
