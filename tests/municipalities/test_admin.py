"""The reference-data admin: every model reachable, scoped like the screens, figure upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from municipalities.models import (
    Indicator,
    MunicipalityFigure,
    Neighbourhood,
    NeighbourhoodBoundaries,
)
from tests import factories

UPLOAD = reverse("admin:municipalities_municipalityfigure_import")
CSV = (
    "cbs_code,municipality,population,population_source\n"
    "GM0293,Westervoort,15114,seed\n"
    "GM0268,Nijmegen,181000,estimate\n"
)
ADMIN_PAGES = [
    "admin:municipalities_region_changelist",
    "admin:municipalities_municipality_changelist",
    "admin:municipalities_municipalityfigure_changelist",
    "admin:municipalities_careclientcount_changelist",
    "admin:municipalities_targetgroup_changelist",
    "admin:municipalities_regionaltask_changelist",
    "admin:municipalities_housingcorporation_changelist",
    "admin:municipalities_corporationstock_changelist",
    "admin:gmr_thuis_membership_changelist",
    "admin:municipalities_neighbourhood_changelist",
    "admin:municipalities_neighbourhoodfigure_changelist",
    "admin:municipalities_concentrationsettings_changelist",
    "admin:municipalities_neighbourhoodboundaries_changelist",
]


def staff(user):
    user.is_staff = True
    user.save()
    return user


def upload(client, text=CSV, year="2024"):
    file = SimpleUploadedFile("cijfers.csv", text.encode(), content_type="text/csv")
    return client.post(UPLOAD, {"file": file, "year": year})


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_project_leader_reaches_every_reference_data_page(client, project_leader, page):
    client.force_login(staff(project_leader))
    assert client.get(reverse(page)).status_code == 200


def test_municipality_page_shows_figures_and_care_clients_inline(admin_client, westervoort):
    factories.FigureFactory(municipality=westervoort, value=15114)

    response = admin_client.get(
        reverse("admin:municipalities_municipality_change", args=[westervoort.pk])
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Cijfers gemeenten" in content
    assert "Cliënten in zorginstellingen" in content


def test_project_leader_uploads_figures(client, project_leader, westervoort, nijmegen):
    client.force_login(staff(project_leader))

    response = upload(client)

    assert response.status_code == 302
    assert MunicipalityFigure.objects.filter(year=2024).count() == 2


def test_upload_with_a_foreign_row_shows_the_row_and_writes_nothing(client, owner, nijmegen):
    client.force_login(staff(owner))

    response = upload(client)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Er is niets geïmporteerd." in content
    assert "Rij 3: u mag de cijfers van Nijmegen niet wijzigen." in content
    assert not MunicipalityFigure.objects.exists()


def test_civil_servant_reads_other_figures_but_changes_only_own(client, owner, nijmegen):
    own = factories.FigureFactory(municipality=owner.membership.municipality)
    foreign = factories.FigureFactory(municipality=nijmegen)
    client.force_login(staff(owner))

    own_page = client.get(reverse("admin:municipalities_municipalityfigure_change", args=[own.pk]))
    foreign_page = client.get(
        reverse("admin:municipalities_municipalityfigure_change", args=[foreign.pk])
    )
    edit = client.post(
        reverse("admin:municipalities_municipalityfigure_change", args=[foreign.pk]),
        {
            "municipality": nijmegen.pk,
            "year": 2024,
            "indicator": Indicator.INHABITANTS,
            "value": 1,
            "source": "poging",
        },
    )

    assert 'name="value"' in own_page.content.decode()
    assert foreign_page.status_code == 200
    assert 'name="value"' not in foreign_page.content.decode()
    assert edit.status_code == 403
    foreign.refresh_from_db()
    assert foreign.value == 10000


def test_civil_servant_may_not_hand_out_roles(client, owner):
    client.force_login(staff(owner))
    assert client.get(reverse("admin:gmr_thuis_membership_changelist")).status_code == 403


def test_staff_without_organisation_sees_nothing(client, stranger, westervoort):
    client.force_login(staff(stranger))

    assert client.get(UPLOAD).status_code == 403
    assert client.get(reverse("admin:municipalities_municipality_changelist")).status_code == 403


def test_municipality_admin_action_leads_to_the_figure_upload(client, project_leader, westervoort):
    project_leader.is_staff = True
    project_leader.save()
    client.force_login(project_leader)

    response = client.post(
        reverse("admin:municipalities_municipality_changelist"),
        {"action": "import_figures", "_selected_action": [westervoort.pk]},
    )

    assert response.status_code == 302
    assert response.url == UPLOAD


NEIGHBOURHOOD_UPLOAD = reverse("admin:municipalities_neighbourhood_import")
KERNCIJFERS = (
    "ID;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;Codering_3;AantalInwoners_5;"
    "Woningvoorraad_34;InBezitWoningcorporatie_42\n"
    "1;WK029300  ;Westervoort;Wijk      ;WK029300  ;8300;3700;35\n"
)


def upload_neighbourhoods(client, kind, text, name, year=""):
    file = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(NEIGHBOURHOOD_UPLOAD, {"kind": kind, "file": file, "year": year})


def test_project_leader_uploads_kerncijfers_then_boundaries(client, project_leader, westervoort):
    client.force_login(staff(project_leader))

    assert (
        upload_neighbourhoods(client, "kerncijfers", KERNCIJFERS, "k.csv", "2024").status_code
        == 302
    )
    assert Neighbourhood.objects.filter(code="WK029300").exists()
    ring = [[5.9, 51.9], [5.91, 51.9], [5.91, 51.91], [5.9, 51.9]]
    geo = (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        f'{{"statcode": "WK029300"}}, "geometry": {{"type": "Polygon", "coordinates": [{ring}]}}}}]}}'
    )
    assert upload_neighbourhoods(client, "grenzen", geo, "w.geojson").status_code == 302
    assert NeighbourhoodBoundaries.objects.get().features[0]["id"] == "WK029300"


def test_civil_servant_may_not_upload_boundaries(client, owner, westervoort):
    client.force_login(staff(owner))
    upload_neighbourhoods(client, "kerncijfers", KERNCIJFERS, "k.csv", "2024")
    response = upload_neighbourhoods(client, "grenzen", '{"type": "FeatureCollection"}', "w.json")
    assert response.status_code == 200
    assert (
        "Alleen de projectleider van de regio importeert wijkgrenzen." in response.content.decode()
    )
    assert not NeighbourhoodBoundaries.objects.exists()
