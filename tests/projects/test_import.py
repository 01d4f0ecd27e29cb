"""The project import: all or nothing, Dutch errors with row numbers, and its template."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from monitoring.importers import ImportRejected
from projects import services
from projects.importers import COLUMNS, parse_projects
from projects.models import Project
from tests import factories

HEADER = "gemeente,naam,soort,woningen_totaal,sociale_huur,middenhuur,koop,fase,datum_fase,planjaar,opleverjaar"


def upload(*lines, name="projecten.csv"):
    return SimpleUploadedFile(name, "\n".join([HEADER, *lines]).encode(), "text/csv")


def import_file(user, file):
    return services.project_import(user=user, rows=parse_projects(file, user=user))


def test_valid_rows_are_all_created(owner, westervoort):
    count = import_file(
        owner,
        upload(
            "GM0293,Dorpshart,new_construction,10,6,2,2,plan,2025-05-01,2025,2027",
            "GM0293,Oude school,transformation,4,4,0,0,permit,01-02-2026,2025,2026",
        ),
    )

    assert count == 2
    assert sorted(Project.objects.values_list("name", "phase")) == [
        ("Dorpshart", "plan"),
        ("Oude school", "permit"),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("GM9999,X,new_construction,4,4,0,0,plan,,2025,2026", "onbekende CBS-code 'GM9999'"),
        ("GM0293,X,new_construction,4,5,-1,0,plan,,2025,2026", "niet negatief"),
        ("GM0293,X,new_construction,5,4,0,0,plan,,2025,2026", "tellen niet op"),
        ("GM0293,X,new_construction,4,4,0,0,plan,,2026,2025", "ligt voor het planjaar"),
        ("GM0293,X,new_construction,4,4,0,0,delivered,,2025,2026", "opleverdatum"),
        ("GM0268,X,new_construction,4,4,0,0,plan,,2025,2026", "niet wijzigen"),
        ("GM0293,X,bungalows,4,4,0,0,plan,,2025,2026", "onbekende soort"),
    ],
)
def test_one_bad_row_saves_nothing_and_names_its_row(owner, westervoort, nijmegen, line, message):
    file = upload("GM0293,Goed,new_construction,4,4,0,0,plan,,2025,2026", line)

    with pytest.raises(ImportRejected) as rejected:
        import_file(owner, file)

    assert len(rejected.value.errors) == 1
    assert rejected.value.errors[0].startswith("Rij 3: ")
    assert message in rejected.value.errors[0]
    assert not Project.objects.exists()


def test_a_project_already_there_or_twice_in_the_file_is_refused(owner, westervoort):
    line = "GM0293,Dorpshart,new_construction,4,4,0,0,plan,,2025,2026"
    with pytest.raises(ImportRejected, match="Rij 3: dubbel met rij 2"):
        import_file(owner, upload(line, line))
    import_file(owner, upload(line))
    with pytest.raises(ImportRejected, match="bestaat al"):
        import_file(owner, upload(line))
    assert Project.objects.count() == 1


def test_missing_columns_are_named(owner, westervoort):
    file = SimpleUploadedFile("p.csv", b"gemeente;naam\nGM0293;X\n", "text/csv")
    with pytest.raises(ImportRejected, match="soort"):
        parse_projects(file, user=owner)


def test_the_downloaded_template_imports_as_it_is(client, owner, westervoort):
    factories.CorporationFactory(slug="vivare", name="Vivare")
    client.force_login(owner)

    response = client.get("/projecten/sjabloon.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    file = SimpleUploadedFile("sjabloon.xlsx", response.content)
    assert import_file(owner, file) == 1
    project = Project.objects.get()
    assert (project.corporation.slug, project.neighbourhood_code) == ("vivare", "BU02930101")


def test_the_import_page_shows_row_errors_and_saves_nothing(client, owner, westervoort):
    client.force_login(owner)
    response = client.post(
        "/projecten/import/",
        {
            "file": upload(
                "GM0293,X,new_construction,4,4,0,0,plan,,2025,2026",
                "GM1234,Y,flex,1,1,0,0,idea,,2025,2025",
            )
        },
    )
    assert response.status_code == 400
    assert "Rij 3: onbekende CBS-code" in response.content.decode()
    assert not Project.objects.exists()
