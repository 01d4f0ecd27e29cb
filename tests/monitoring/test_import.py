"""Realisation upload: all or nothing, Dutch errors with row numbers, templates to fill in."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gmr_thuis.history import history_of
from monitoring import services
from monitoring.importers import COLUMNS, TEMPLATE_COLUMNS
from monitoring.models import Realisation

URL = reverse("monitoring:realisation_import")


HEADER = ";".join(COLUMNS)


def csv_file(*rows, header=HEADER):
    text = "\n".join([header, *(";".join(map(str, row)) for row in rows)])
    return SimpleUploadedFile("realisatie.csv", text.encode("utf-8"), content_type="text/csv")


def xlsx_file(*rows):
    workbook = Workbook()
    workbook.active.append(COLUMNS)
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("realisatie.xlsx", buffer.getvalue())


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file])
def test_owner_imports_realisation(make_file, client, owner, westervoort, groups):
    client.force_login(owner)
    upload = make_file(
        ["GM0293", "statushouders", 2026, 1, 3],
        ["Westervoort", "uitstroom-bw", 2026, 2, 1],
    )
    response = client.post(URL, {"file": upload})
    assert response.status_code == 302
    assert sorted(Realisation.objects.values_list("quarter", "placements")) == [(1, 3), (2, 1)]
    assert history_of(Realisation.objects.get(quarter=1))[0].user == owner


def test_a_bad_row_writes_nothing_and_names_its_row(client, owner, westervoort, groups):
    client.force_login(owner)
    upload = csv_file(
        ["GM0293", "statushouders", 2026, 1, 3],
        ["GM0293", "bestaat-niet", 2026, 5, -1],
        ["GM0268", "statushouders", 2026, 1, 2],
    )
    response = client.post(URL, {"file": upload})
    assert response.status_code == 400
    errors = response.context["errors"]
    assert errors[0].startswith("Rij 3: onbekende aandachtsgroep 'bestaat-niet'")
    assert "kwartaal '5' moet 1, 2, 3 of 4 zijn" in errors[0]
    assert "plaatsingen '-1' moet een geheel getal van 0 of meer zijn" in errors[0]
    assert errors[1].startswith("Rij 4: onbekende gemeente 'GM0268'")  # not in this test region
    assert Realisation.objects.count() == 0


def test_civil_servant_cannot_import_another_municipality(client, outsider, westervoort, groups):
    client.force_login(outsider)
    response = client.post(URL, {"file": csv_file(["GM0293", "statushouders", 2026, 1, 3])})
    assert response.context["errors"] == ["Rij 2: u mag de gegevens van Westervoort niet wijzigen."]
    assert Realisation.objects.count() == 0


def test_duplicate_rows_and_missing_columns_are_refused(client, owner, westervoort, groups):
    client.force_login(owner)
    duplicate = csv_file(
        ["GM0293", "statushouders", 2026, 1, 3], ["GM0293", "statushouders", 2026, 1, 4]
    )
    assert client.post(URL, {"file": duplicate}).context["errors"] == ["Rij 3: dubbel met rij 2."]
    missing = csv_file(["GM0293", 2026], header="gemeente;jaar")
    assert "ontbreken" in client.post(URL, {"file": missing}).context["errors"][0]
    assert Realisation.objects.count() == 0


def test_import_overwrites_and_records_the_change(client, owner, westervoort, groups):
    client.force_login(owner)
    client.post(URL, {"file": csv_file(["GM0293", "statushouders", 2026, 1, 3])})
    client.post(URL, {"file": csv_file(["GM0293", "statushouders", 2026, 1, 5])})
    record = Realisation.objects.get()
    assert (record.placements, record.version) == (5, 2)
    assert ("placements", 3, 5) in history_of(record)[0].changed_fields()


def test_import_keeps_the_notes_of_each_record_it_overwrites(client, owner, westervoort, groups):
    for quarter, notes in ((1, "Via Vivare"), (2, "Twee gezinnen")):
        services.realisation_save(
            user=owner,
            municipality=westervoort,
            target_group=groups["statushouders"],
            year=2026,
            quarter=quarter,
            placements=1,
            notes=notes,
            version=None,
        )
    client.force_login(owner)
    response = client.post(
        URL,
        {
            "file": csv_file(
                ["GM0293", "statushouders", 2026, 1, 4],
                ["GM0293", "statushouders", 2026, 2, 2],
                ["GM0293", "uitstroom-bw", 2026, 1, 7],
            )
        },
    )
    assert response.status_code == 302
    rows = Realisation.objects.values_list(
        "target_group__code", "quarter", "placements", "notes", "version"
    )
    assert sorted(rows) == [
        ("statushouders", 1, 4, "Via Vivare", 2),
        ("statushouders", 2, 2, "Twee gezinnen", 2),
        ("uitstroom-bw", 1, 7, "", 1),
    ]


def test_templates_carry_the_columns(client, owner):
    client.force_login(owner)
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("monitoring:realisation_template", args=["xlsx"])).content)
    )
    assert [cell.value for cell in workbook.active[1]] == TEMPLATE_COLUMNS == [*COLUMNS, "wijk"]
    csv_text = client.get(reverse("monitoring:realisation_template", args=["csv"])).content.decode(
        "utf-8-sig"
    )
    assert csv_text.splitlines()[0] == ";".join(TEMPLATE_COLUMNS)


def test_steering_member_cannot_import(client, steering_member):
    client.force_login(steering_member)
    assert client.get(URL).status_code == 404


def test_an_edit_during_the_import_is_refused_with_a_message_and_nothing_written(
    client, owner, colleague, westervoort, groups, monkeypatch
):
    services.realisation_save(
        user=colleague,
        municipality=westervoort,
        target_group=groups["statushouders"],
        year=2026,
        quarter=1,
        placements=2,
        version=None,
    )
    saved_meanwhile = Realisation.objects.get()

    def concurrent_edit(*, user, rows):
        raise services.StaleEdit(saved_meanwhile)

    monkeypatch.setattr(services, "realisation_import", concurrent_edit)
    client.force_login(owner)

    response = client.post(URL, {"file": csv_file(["GM0293", "statushouders", 2026, 1, 5])})

    assert response.status_code == 400
    assert "Er is niets ingelezen" in response.content.decode()
    assert Realisation.objects.get().placements == 2


@pytest.fixture
def districts(westervoort, nijmegen):
    from municipalities.models import Neighbourhood

    return {
        "noord": Neighbourhood.objects.create(
            code="WK029300", kind="wijk", name="Westervoort-Noord", municipality=westervoort
        ),
        "hatert": Neighbourhood.objects.create(
            code="WK026807", kind="wijk", name="Hatert", municipality=nijmegen
        ),
    }


def test_import_with_a_wijk_column_splits_a_quarter_by_neighbourhood(
    client, owner, westervoort, groups, districts, project_leader
):
    from monitoring.selectors import realised_frame

    client.force_login(owner)
    upload = csv_file(
        ["GM0293", "statushouders", 2026, 1, 3, "WK029300"],
        ["GM0293", "statushouders", 2026, 1, 2, "westervoort-noord"],
        ["GM0293", "statushouders", 2026, 2, 4, ""],
        header=HEADER + ";wijk",
    )
    response = client.post(URL, {"file": upload})
    assert response.status_code == 400  # the same wijk twice in one quarter
    assert response.context["errors"] == ["Rij 3: dubbel met rij 2."]
    upload = csv_file(
        ["GM0293", "statushouders", 2026, 1, 3, "WK029300"],
        ["GM0293", "statushouders", 2026, 1, 2, ""],
        header=HEADER + ";wijk",
    )
    assert client.post(URL, {"file": upload}).status_code == 302
    assert sorted(
        Realisation.objects.values_list("neighbourhood__code", "placements"), key=str
    ) == [("WK029300", 3), (None, 2)]
    [row] = realised_frame(user=project_leader).to_dict("records")
    assert row["reported"] == 5  # the quarter is the sum of its records


def test_a_wijk_of_another_municipality_is_refused(client, owner, westervoort, groups, districts):
    client.force_login(owner)
    upload = csv_file(["GM0293", "statushouders", 2026, 1, 3, "WK026807"], header=HEADER + ";wijk")
    response = client.post(URL, {"file": upload})
    assert response.status_code == 400
    assert response.context["errors"] == ["Rij 2: wijk 'WK026807' ligt niet in Westervoort."]
    assert not Realisation.objects.exists()


def test_realisation_model_refuses_a_foreign_neighbourhood(westervoort, groups, districts):
    from django.core.exceptions import ValidationError

    record = Realisation(
        municipality=westervoort,
        target_group=groups["statushouders"],
        year=2026,
        quarter=1,
        placements=1,
        neighbourhood=districts["hatert"],
    )
    with pytest.raises(ValidationError, match="ligt niet in Westervoort"):
        record.full_clean()


def test_the_quarter_form_edits_the_record_without_a_neighbourhood(
    client, owner, westervoort, groups, districts
):
    Realisation.objects.create(
        municipality=westervoort, target_group=groups["statushouders"], year=2026, quarter=1,
        placements=5, neighbourhood=districts["noord"],
    )  # fmt: skip
    client.force_login(owner)
    url = reverse("monitoring:realisation", args=["westervoort", 2026, "statushouders", 1])
    assert client.get(url).context["record"] is None
    assert client.post(url, {"placements": 2, "notes": ""}).status_code == 302
    assert sorted(
        Realisation.objects.values_list("neighbourhood__code", "placements"), key=str
    ) == [("WK029300", 5), (None, 2)]


def test_the_quarter_page_lists_and_edits_the_placements_per_neighbourhood(
    client, owner, colleague, outsider, westervoort, groups, districts, project_leader
):
    from monitoring.selectors import realised_frame

    url = reverse("monitoring:realisation", args=["westervoort", 2026, "statushouders", 1])
    client.force_login(owner)
    page = client.get(url).content.decode()
    assert "Nog geen plaatsingen per wijk gemeld" in page
    assert '<option value="WK029300"' in page and "WK026807" not in page  # own wijken only

    noord = url + "?wijk=WK029300"
    assert client.get(noord).context["record"] is None
    assert client.post(noord, {"placements": 4, "notes": ""}).url == noord
    assert client.post(url, {"placements": 1, "notes": ""}).status_code == 302
    saved = Realisation.objects.get(neighbourhood=districts["noord"])
    assert (saved.placements, saved.version) == (4, 1)
    listed = client.get(url)
    assert [r.placements for r in listed.context["per_neighbourhood"]] == [4]
    assert listed.context["record"].placements == 1
    [row] = realised_frame(user=project_leader).to_dict("records")
    assert row["reported"] == 5

    # A stale save of the neighbourhood's record is refused like the quarter's own.
    response = client.post(noord, {"placements": 9, "notes": "", "version": 0})
    assert response.status_code == 409
    assert Realisation.objects.get(pk=saved.pk).placements == 4

    # A wijk of another municipality, or an unknown code, is not a page.
    assert client.get(url + "?wijk=WK026807").status_code == 404
    assert client.get(url + "?wijk=zzz").status_code == 404
    # The colleague reads; an outsider may not write the neighbourhood's record either.
    client.force_login(colleague)
    assert client.get(noord).context["record"].placements == 4
    client.force_login(outsider)
    assert client.post(noord, {"placements": 7, "notes": "", "version": 1}).status_code == 404
    assert Realisation.objects.get(pk=saved.pk).placements == 4
