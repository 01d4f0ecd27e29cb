"""Projects: validation in Dutch, history, optimistic locking, import all or nothing."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gmr_thuis.history import history_of
from municipalities.models import Municipality
from projects import selectors, services
from projects.importers import PROJECT_COLUMNS, ImportRejected, import_projects
from projects.models import Project
from tests import factories
from tests.projects.conftest import project_values


def _errors(civil_servant, gmr, **overrides):
    with pytest.raises(ValidationError) as refused:
        services.project_create(
            user=civil_servant, municipality=gmr, values=project_values(**overrides)
        )
    assert Project.objects.count() == 0
    return refused.value.message_dict


def test_segments_must_add_up_to_the_total(civil_servant, gmr):
    errors = _errors(civil_servant, gmr, homes_owner_occupied=4)
    assert errors["total_homes"] == [
        "Sociale huur, middenhuur en koop tellen op tot 29, niet tot het totaal van 30 woningen."
    ]


def test_delivered_needs_a_delivery_date(civil_servant, gmr):
    errors = _errors(civil_servant, gmr, phase="delivered")
    assert errors["delivered_date"] == ["Een opgeleverd project heeft een opleverdatum."]


def test_delivery_year_before_plan_year_is_refused(civil_servant, gmr):
    errors = _errors(civil_servant, gmr, plan_year=2027, expected_year=2026)
    assert "vóór het planjaar 2027" in errors["expected_year"][0]


def test_negative_homes_are_refused(civil_servant, gmr):
    errors = _errors(civil_servant, gmr, homes_mid_rent=-5, homes_owner_occupied=15)
    assert "homes_mid_rent" in errors


@pytest.mark.parametrize(
    ("code", "fragment"),
    [("WK02930", "geen CBS-wijk- of buurtcode"), ("BU02680001", "hoort niet bij gemeente GM0293")],
)
def test_neighbourhood_code_format_and_municipality(civil_servant, gmr, code, fragment):
    errors = _errors(civil_servant, gmr, neighbourhood_code=code)
    assert fragment in errors["neighbourhood_code"][0]


def test_civil_servant_writes_own_municipality_only(civil_servant, gmr):
    nijmegen = Municipality.objects.get(cbs_code="GM0268")
    with pytest.raises(PermissionDenied):
        services.project_create(user=civil_servant, municipality=nijmegen, values=project_values())


def test_phase_change_records_history_and_year_changes_count_as_delays(civil_servant, gmr):
    project = services.project_create(
        user=civil_servant, municipality=gmr, values=project_values(neighbourhood_code="WK029300")
    )
    project = services.project_set_phase(
        user=civil_servant,
        project=project,
        phase="permit",
        on=date(2026, 1, 5),
        version=project.version,
        expected_year=2027,
    )
    project = services.project_update(
        user=civil_servant, project=project, values={"expected_year": 2028}, version=project.version
    )

    assert [c.action for c in history_of(project)] == ["update", "transition", "create"]
    (delay,) = selectors.delays(user=civil_servant, region=gmr.region)
    assert (delay["first_year"], delay["expected_year"], delay["slip"], delay["changes"]) == (
        2026,
        2028,
        2,
        2,
    )
    supply = selectors.supply_by_year(user=civil_servant, region=gmr.region).set_index("year")
    assert supply.loc[2026, "planned"] == 30  # planned in its first expected year
    assert supply.loc[2028, "expected"] == pytest.approx(30 * 0.9)


def test_a_stale_version_is_refused(civil_servant, gmr):
    colleague = factories.member(role="civil_servant", municipality=gmr, username="wv-2")
    project = services.project_create(user=civil_servant, municipality=gmr, values=project_values())
    services.project_update(user=colleague, project=project, values={"name": "X"}, version=1)

    with pytest.raises(services.StaleEdit):
        services.project_update(
            user=civil_servant, project=project, values={"name": "Y"}, version=1
        )
    assert Project.objects.get().name == "X"


def _upload(*rows):
    lines = [",".join(PROJECT_COLUMNS), *rows]
    return SimpleUploadedFile("projecten.csv", "\n".join(lines).encode(), "text/csv")


GOOD = "GM0293,Hof,clustered_older,WK029300,24,16,8,0,24,24,0,plan,2025,2027,,Vivare,"


def test_import_is_all_or_nothing_with_row_numbers(civil_servant, gmr):
    upload = _upload(
        GOOD,
        "GM9999,Onbekend,new_construction,,10,10,0,0,,,,plan,2025,2026,,,",
        "GM0293,Fout,new_construction,,10,5,0,0,,,,delivered,2025,2026,,,",
    )

    with pytest.raises(ImportRejected) as refused:
        import_projects(upload, user=civil_servant)

    assert refused.value.errors == [
        "Rij 3: onbekende gemeente of CBS-code 'GM9999'.",
        "Rij 4: Sociale huur, middenhuur en koop tellen op tot 5, niet tot het totaal van 10 "
        "woningen; Een opgeleverd project heeft een opleverdatum.",
    ]
    assert Project.objects.count() == 0


def test_import_refuses_an_unknown_neighbourhood_code(civil_servant, gmr):
    with pytest.raises(ImportRejected) as refused:
        import_projects(_upload(GOOD.replace("WK029300", "XX12")), user=civil_servant)
    assert refused.value.errors[0].startswith("Rij 2: 'XX12' is geen CBS-wijk- of buurtcode")
    assert Project.objects.count() == 0


def test_import_saves_every_row(civil_servant, gmr):
    (project,) = import_projects(_upload(GOOD), user=civil_servant)
    assert (project.total_homes, project.corporation.name, project.phase) == (24, "Vivare", "plan")
    assert project.year_changes.count() == 1
