"""The synthetic country: every real municipality once, in compact regions, marked synthetic."""

import csv
import json

from municipalities.national import SOURCE, write_country
from municipalities.services import FIXTURES_DIR


def _rows(path):
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_country_has_342_municipalities_in_40_regions_in_the_real_shape(tmp_path):
    paths = write_country(tmp_path / "land", regions=40, template_dir=FIXTURES_DIR)
    assert len(paths) == 40
    codes = [r["cbs_code"] for p in paths for r in _rows(p / "municipalities.csv")]
    assert len(codes) == len(set(codes)) == 342
    sizes = [len(_rows(p / "municipalities.csv")) for p in paths]
    assert min(sizes) >= 6 and max(sizes) <= 12
    first = paths[0]
    tasks = _rows(first / "regional_tasks.csv")
    assert len({t["target_group"] for t in tasks}) == 15
    assert len({t["year"] for t in tasks}) == 6
    assert len(json.loads((first / "target_groups.json").read_text(encoding="utf-8"))) == 15
    for name in ("municipality_figures.csv", "care_clients.csv", "regional_tasks.csv"):
        assert {r["source"] for r in _rows(first / name)} == {SOURCE}
        assert {r["is_estimate"] for r in _rows(first / name)} == {"True"}


def test_the_gmr_can_be_left_out_and_the_same_seed_gives_the_same_country(tmp_path):
    gmr = {r["cbs_code"] for r in _rows(FIXTURES_DIR / "municipalities.csv")}
    one = write_country(tmp_path / "a", regions=39, template_dir=FIXTURES_DIR, exclude=gmr)
    two = write_country(tmp_path / "b", regions=39, template_dir=FIXTURES_DIR, exclude=gmr)
    codes = {r["cbs_code"] for p in one for r in _rows(p / "municipalities.csv")}
    assert len(codes) == 325 and not codes & gmr
    for a, b in zip(one, two, strict=True):
        assert (a / "municipality_figures.csv").read_bytes() == (
            b / "municipality_figures.csv"
        ).read_bytes()
