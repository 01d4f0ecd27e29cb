"""The entry grids: a year's agreements and quarterly realisation saved with one POST, all or
nothing, with optimistic locking per record and errors at the cell."""

import pytest
from django.urls import reverse

from monitoring import services
from monitoring.models import LocalAgreement, Realisation


@pytest.fixture
def quarter_one(owner, westervoort, groups):
    return services.realisation_save(
        user=owner,
        municipality=westervoort,
        target_group=groups["statushouders"],
        year=2026,
        quarter=1,
        placements=2,
        notes="Via de corporatie",
        version=None,
    )


def _grid_url(name):
    return reverse(f"monitoring:{name}", args=["westervoort", 2026])


def _post(client, name, cells):
    """Post a grid as the browser does: every editable cell with its original and version."""
    page = client.get(_grid_url(name))
    data = {}
    for row in page.context["rows"]:
        for cell in row["cells"]:
            if cell.editable:
                data[f"c-{cell.key}"] = cells.get(cell.key, cell.value)
                data[f"o-{cell.key}"] = cell.original
                data[f"v-{cell.key}"] = "" if cell.version is None else cell.version
    return client.post(_grid_url(name), data)


def test_civil_servant_fills_a_year_of_quarters_in_one_post(client, owner, quarter_one):
    client.force_login(owner)
    cells = {
        f"{code}-{q}": str(q + 3)
        for code in ("statushouders", "uitstroom-bw")
        for q in (1, 2, 3, 4)
    }

    response = _post(client, "realisation_grid", cells)

    assert response.status_code == 302
    placements = {(r.target_group.code, r.quarter): r.placements for r in Realisation.objects.all()}
    assert placements == {
        (c, q): q + 3 for c in ("statushouders", "uitstroom-bw") for q in range(1, 5)
    }
    # The grid edits the number; the record's other fields stay.
    assert Realisation.objects.get(pk=quarter_one.pk).notes == "Via de corporatie"


def test_one_bad_cell_saves_nothing_and_is_named_at_the_cell(client, owner, quarter_one):
    client.force_login(owner)

    response = _post(client, "realisation_grid", {"statushouders-2": "5", "uitstroom-bw-3": "1,5"})

    assert response.status_code == 400
    assert Realisation.objects.count() == 1
    page = response.content.decode()
    assert 'aria-invalid="true" aria-describedby="e-uitstroom-bw-3"' in page
    assert "Vul een geheel aantal in van 0 of meer" in page
    # The user's input stays in the cells.
    cells = {c.key: c for row in response.context["rows"] for c in row["cells"]}
    assert cells["statushouders-2"].value == "5" and cells["uitstroom-bw-3"].value == "1,5"


def test_a_cell_saved_by_someone_else_meanwhile_is_refused_and_nothing_saved(
    client, owner, colleague, westervoort, groups, quarter_one
):
    client.force_login(owner)
    page = client.get(_grid_url("realisation_grid"))
    services.realisation_save(
        user=colleague,
        municipality=westervoort,
        target_group=groups["statushouders"],
        year=2026,
        quarter=1,
        placements=9,
        version=quarter_one.version,
    )
    data = {}
    for row in page.context["rows"]:
        for cell in row["cells"]:
            data[f"c-{cell.key}"] = cell.value
            data[f"o-{cell.key}"] = cell.original
            data[f"v-{cell.key}"] = "" if cell.version is None else cell.version
    data["c-statushouders-1"] = "4"
    data["c-statushouders-2"] = "6"

    response = client.post(_grid_url("realisation_grid"), data)

    assert response.status_code == 409
    assert "Intussen gewijzigd door bob" in response.content.decode()
    assert Realisation.objects.get(pk=quarter_one.pk).placements == 9
    assert Realisation.objects.count() == 1  # quarter 2 was not saved either
    cell = next(
        c for row in response.context["rows"] for c in row["cells"] if c.key == "statushouders-1"
    )
    assert (cell.value, cell.original, cell.version) == ("4", "9", 2)  # saving again is deliberate


def test_agreements_grid_creates_and_changes_drafts_and_leaves_submitted_ones(
    client, owner, westervoort, groups
):
    submitted = services.local_agreement_save(
        user=owner,
        municipality=westervoort,
        target_group=groups["uitstroom-bw"],
        year=2026,
        agreed_number=4,
        notes="Met Vivare",
        version=None,
    )
    services.local_agreement_transition(
        user=owner, agreement=submitted, step="submit", version=submitted.version
    )
    client.force_login(owner)
    page = client.get(_grid_url("agreements_grid"))
    cells = {c.key: c for row in page.context["rows"] for c in row["cells"]}
    assert cells["statushouders"].editable and not cells["uitstroom-bw"].editable

    response = _post(client, "agreements_grid", {"statushouders": "12"})

    assert response.status_code == 302
    assert LocalAgreement.objects.get(target_group__code="statushouders").agreed_number == 12
    assert LocalAgreement.objects.get(pk=submitted.pk).agreed_number == 4


@pytest.mark.parametrize("role", ["outsider", "steering_member"])
def test_others_do_not_get_the_grids(client, request, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(_grid_url("agreements_grid")).status_code == 404
    assert client.get(_grid_url("realisation_grid")).status_code == 404


def test_every_cell_has_its_own_label(client, owner, groups):
    client.force_login(owner)
    page = client.get(_grid_url("realisation_grid")).content.decode()

    assert '<label class="visually-hidden" for="c-uitstroom-bw-4">' in page
    assert page.count('class="visually-hidden" for="c-') == 8


@pytest.mark.parametrize("grid", ["agreements_grid", "realisation_grid"])
def test_a_cells_label_names_its_group(client, owner, groups, grid):
    client.force_login(owner)
    page = client.get(_grid_url(grid)).content.decode()

    assert "bound method" not in page
    assert f"{groups['statushouders'].name_nl}: " in page
