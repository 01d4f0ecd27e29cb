"""Every write of reference data leaves its change history, tied together by a request id."""

from datetime import date

from django.contrib.contenttypes.models import ContentType

from gmr_thuis.history import change_request, record_change
from gmr_thuis.models import ObjectChange
from municipalities.models import Indicator, MunicipalityFigure
from municipalities.services import municipality_figures_import, reference_data_load
from tests import factories

HEADER = (
    "cbs_code,municipality,population,population_source,dwellings,dwellings_source,"
    "social_rent,social_rent_source,social_rent_turnover,turnover_source\n"
)


def figure_changes():
    return ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(MunicipalityFigure)
    )


def test_an_import_of_100_figures_leaves_100_changes_sharing_one_request_id(region):
    rows = []
    for n in range(25):
        place = factories.MunicipalityFactory(region=region, name=f"Plaats {n}")
        rows.append(f"{place.cbs_code},{place.name},{10000 + n},test,5000,test,2000,test,90,test\n")
    leader = factories.member(role="project_leader", region=region, username="leider")
    content = (HEADER + "".join(rows)).encode()
    municipality_figures_import(
        user=leader, content=content, filename="c.csv", year=2024, today=date(2026, 4, 1)
    )
    changes = figure_changes()
    assert changes.count() == 100
    assert len(set(changes.values_list("request_id", flat=True))) == 1
    assert set(changes.values_list("user_name", flat=True)) == {"leider"}
    assert changes.filter(before__isnull=True).count() == 100  # all created

    # A second import that changes one figure records that one, with before and after.
    municipality_figures_import(
        user=leader,
        content=content.replace(b",10003,", b",12345,"),
        filename="c.csv",
        year=2024,
        today=date(2026, 4, 2),
    )
    change = figure_changes().exclude(before__isnull=True).get()
    assert (change.before["value"], change.after["value"]) == ("10003.00", "12345.00")
    assert change.after["indicator"] == Indicator.INHABITANTS
    assert change.request_id not in set(
        figure_changes().filter(before__isnull=True).values_list("request_id", flat=True)
    )


def test_the_data_loader_records_its_figures(db):
    reference_data_load()
    figures = MunicipalityFigure.objects.count()
    assert figures > 0 and figure_changes().count() == figures
    assert figure_changes().first().comment.startswith("reference_data_load")


def test_changes_outside_a_request_get_their_own_id_and_inside_share_one(region):
    place = factories.MunicipalityFactory(region=region, name="Een")
    one = record_change(user=None, obj=place, action=ObjectChange.Action.UPDATE)
    two = record_change(user=None, obj=place, action=ObjectChange.Action.UPDATE)
    assert one.request_id and one.request_id != two.request_id
    with change_request() as request_id, change_request() as inner:
        three = record_change(user=None, obj=place, action=ObjectChange.Action.UPDATE)
    assert request_id == inner == three.request_id
