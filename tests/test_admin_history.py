"""The admin leaves the same history as the services, and cannot edit what a service owns."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from allocation.models import Methodology
from gmr_thuis.models import ObjectChange
from municipalities.models import MunicipalityFigure
from tests import factories


@pytest.fixture
def leader(db, westervoort):
    user = factories.member(role="project_leader", username="pl-admin", region=westervoort.region)
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def westervoort(db):
    return factories.MunicipalityFactory(name="Westervoort", cbs_code="GM0293")


def _changes(model):
    return ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(model))


def test_editing_a_figure_in_the_admin_records_before_and_after(client, leader, westervoort):
    figure = factories.FigureFactory(municipality=westervoort, value=15114)
    client.force_login(leader)
    url = reverse("admin:municipalities_municipalityfigure_change", args=[figure.pk])
    response = client.post(
        url,
        {
            "municipality": westervoort.pk,
            "year": figure.year,
            "indicator": figure.indicator,
            "value": "99999",
            "source": "CBS StatLine 70072NED",
            "is_estimate": "",
        },
    )
    assert response.status_code == 302
    change = _changes(MunicipalityFigure).get(object_id=figure.pk)
    assert change.action == ObjectChange.Action.UPDATE
    assert change.user == leader
    assert float(change.before["value"]) == 15114 and float(change.after["value"]) == 99999
    assert change.request_id


def test_inline_figures_of_one_save_share_one_request_id(client, leader, westervoort):
    first = factories.FigureFactory(municipality=westervoort, year=2023, value=1)
    second = factories.FigureFactory(municipality=westervoort, year=2024, value=2)
    client.force_login(leader)
    url = reverse("admin:municipalities_municipality_change", args=[westervoort.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "region": westervoort.region_id,
            "figures-TOTAL_FORMS": "2",
            "figures-INITIAL_FORMS": "2",
            "figures-0-id": first.pk,
            "figures-0-municipality": westervoort.pk,
            "figures-0-year": "2023",
            "figures-0-indicator": first.indicator,
            "figures-0-value": "10",
            "figures-0-source": "test",
            "figures-1-id": second.pk,
            "figures-1-municipality": westervoort.pk,
            "figures-1-year": "2024",
            "figures-1-indicator": second.indicator,
            "figures-1-value": "20",
            "figures-1-source": "test",
            "care_clients-TOTAL_FORMS": "0",
            "care_clients-INITIAL_FORMS": "0",
        }
    )
    inline_prefixes = [formset.formset.prefix for formset in page.context["inline_admin_formsets"]]
    for prefix in inline_prefixes:
        data.setdefault(f"{prefix}-TOTAL_FORMS", "0")
        data.setdefault(f"{prefix}-INITIAL_FORMS", "0")
    response = client.post(url, data)
    assert response.status_code == 302, getattr(response, "context", None) and [
        f.errors for f in response.context["inline_admin_formsets"]
    ]
    changes = _changes(MunicipalityFigure).filter(object_id__in=[first.pk, second.pk])
    assert changes.count() == 2
    assert len(set(changes.values_list("request_id", flat=True))) == 1
    assert sorted(float(c.after["value"]) for c in changes) == [10, 20]


def test_deleting_figures_by_the_bulk_action_records_each(client, leader, westervoort):
    figures = [factories.FigureFactory(municipality=westervoort, year=y) for y in (2022, 2023)]
    client.force_login(leader)
    response = client.post(
        reverse("admin:municipalities_municipalityfigure_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [f.pk for f in figures],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not MunicipalityFigure.objects.filter(pk__in=[f.pk for f in figures]).exists()
    deletions = _changes(MunicipalityFigure).filter(action=ObjectChange.Action.DELETE)
    assert deletions.count() == 2
    assert len(set(deletions.values_list("request_id", flat=True))) == 1


def test_the_methodology_is_changed_only_through_its_service(client, db):
    admin_user = factories.UserFactory(username="platform", is_staff=True, is_superuser=True)
    methodology = Methodology.objects.create(name="M", slug="m")
    client.force_login(admin_user)
    url = reverse("admin:allocation_methodology_change", args=[methodology.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    client.post(url, {"name": "M", "slug": "m", "cap_numerator": "1", "cap_denominator": "2"})
    methodology.refresh_from_db()
    assert (methodology.cap_numerator, methodology.cap_denominator) == (1, 3)
