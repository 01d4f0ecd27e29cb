"""The one scoping mechanism, as a matrix: role × action on a municipality's and a region-wide record."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from gmr_thuis.permissions import (
    APPROVE,
    CHANGE,
    VIEW,
    can,
    get_object_for,
)
from municipalities.models import CorporationStock, Municipality, MunicipalityFigure, TargetGroup
from tests import factories

ACTIONS = (VIEW, CHANGE, APPROVE)

# Westervoort's figure: (view, change, approve) per role.
MUNICIPALITY_RECORD = {
    "project_leader": (True, True, True),
    "steering_member": (True, False, False),
    "owner": (True, True, False),
    "colleague": (True, True, False),
    "outsider": (True, False, False),
    "corporation_with_stock": (True, False, False),
    "corporation_elsewhere": (False, False, False),
    "stranger": (False, False, False),
    "anonymous": (False, False, False),
}
# A target group: one definition for the whole region.
REGION_RECORD = {
    "project_leader": (True, True, True),
    "steering_member": (True, False, False),
    "owner": (True, False, False),
    "colleague": (True, False, False),
    "outsider": (True, False, False),
    "corporation_with_stock": (True, False, False),
    "corporation_elsewhere": (True, False, False),
    "stranger": (False, False, False),
    "anonymous": (False, False, False),
}


def corporation_user(username, municipality):
    corporation = factories.CorporationFactory(name=f"Corporatie van {username}")
    CorporationStock.objects.create(
        corporation=corporation, municipality=municipality, dwellings=500, source="test"
    )
    return factories.member(role="corporation", corporation=corporation, username=username)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Nine users per test: the slow production hasher would only measure the CPU."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def users(request, westervoort, nijmegen):
    """Every role, by the names the matrices use."""
    named = {
        name: request.getfixturevalue(name)
        for name in (
            "project_leader",
            "steering_member",
            "owner",
            "colleague",
            "outsider",
            "stranger",
        )
    }
    named["corporation_with_stock"] = corporation_user("vivare", westervoort)
    named["corporation_elsewhere"] = corporation_user("talis", nijmegen)
    named["anonymous"] = AnonymousUser()
    return named


@pytest.fixture
def westervoort_figure(westervoort):
    return factories.FigureFactory(municipality=westervoort)


@pytest.mark.parametrize("role", MUNICIPALITY_RECORD)
def test_municipality_record_matrix(users, westervoort_figure, role):
    allowed = tuple(can(users[role], action, westervoort_figure) for action in ACTIONS)
    assert allowed == MUNICIPALITY_RECORD[role]


@pytest.mark.parametrize("role", REGION_RECORD)
def test_region_record_matrix(users, role):
    group = factories.TargetGroupFactory(code="uitstroom-bw")
    allowed = tuple(can(users[role], action, group) for action in ACTIONS)
    assert allowed == REGION_RECORD[role]


def test_restrict_narrows_a_queryset_to_what_the_user_may_change(users, westervoort, nijmegen):
    own = factories.FigureFactory(municipality=westervoort)
    factories.FigureFactory(municipality=nijmegen)

    assert list(MunicipalityFigure.objects.restrict(users["owner"], CHANGE)) == [own]
    assert MunicipalityFigure.objects.restrict(users["owner"], VIEW).count() == 2


def test_corporation_sees_only_municipalities_where_it_owns_stock(users, westervoort, nijmegen):
    own = factories.FigureFactory(municipality=westervoort)
    factories.FigureFactory(municipality=nijmegen)

    assert list(MunicipalityFigure.objects.restrict(users["corporation_with_stock"])) == [own]


def test_outsider_gets_404_for_a_record_they_may_not_change(users, westervoort_figure):
    with pytest.raises(Http404):
        get_object_for(
            users["outsider"], MunicipalityFigure.objects.all(), CHANGE, pk=westervoort_figure.pk
        )
    assert (
        get_object_for(
            users["owner"], MunicipalityFigure.objects.all(), CHANGE, pk=westervoort_figure.pk
        )
        == westervoort_figure
    )


def test_stranger_and_anonymous_see_no_target_groups(users):
    factories.TargetGroupFactory(code="mantelzorg")

    assert not TargetGroup.objects.restrict(users["stranger"]).exists()
    assert not TargetGroup.objects.restrict(users["anonymous"]).exists()


def test_inactive_user_loses_every_right(users, westervoort_figure):
    leader = users["project_leader"]
    leader.is_active = False
    leader.save()

    assert not any(can(leader, action, westervoort_figure) for action in ACTIONS)


@pytest.mark.parametrize(
    ("role", "may_write"),
    [
        ("project_leader", True),
        ("owner", True),
        ("outsider", False),
        ("steering_member", False),
        ("corporation_with_stock", False),
        ("stranger", False),
        ("anonymous", False),
    ],
)
def test_who_may_write_westervoorts_records(users, westervoort, role, may_write):
    assert can(users[role], CHANGE, westervoort) is may_write


@pytest.fixture
def other_region_municipality(db):
    other = factories.RegionFactory(name="Regio Elders", slug="elders")
    return factories.MunicipalityFactory(region=other, name="Elders", cbs_code="GM0999")


@pytest.mark.parametrize("role", ["project_leader", "steering_member", "owner", "outsider"])
def test_members_see_nothing_of_another_region(request, role, other_region_municipality):
    user = request.getfixturevalue(role)
    figure = factories.FigureFactory(municipality=other_region_municipality)

    assert not Municipality.objects.restrict(user).filter(pk=other_region_municipality.pk).exists()
    assert not can(user, VIEW, figure)
    assert not can(user, CHANGE, figure)


@pytest.mark.parametrize(
    ("role", "may_import", "may_report", "speaks_for_westervoort"),
    [
        ("project_leader", True, False, False),
        ("owner", True, False, True),
        ("outsider", True, False, False),
        ("steering_member", False, False, False),
        ("corporation_with_stock", False, True, False),
        ("stranger", False, False, False),
        ("anonymous", False, False, False),
    ],
)
def test_tasks_of_a_role_follow_the_one_table(
    users, westervoort, role, may_import, may_report, speaks_for_westervoort
):
    from gmr_thuis.permissions import IMPORT_REALISATION, REPORT_ALLOCATIONS, SPEAK_FOR

    user = users[role]
    assert can(user, IMPORT_REALISATION) is may_import
    assert can(user, REPORT_ALLOCATIONS) is may_report
    assert can(user, SPEAK_FOR, westervoort) is speaks_for_westervoort


def test_a_corporation_reports_only_for_itself(users):
    from gmr_thuis.permissions import REPORT_ALLOCATIONS

    corporation_user = users["corporation_with_stock"]
    own = corporation_user.membership.corporation
    other = factories.CorporationFactory()
    assert can(corporation_user, REPORT_ALLOCATIONS, own)
    assert not can(corporation_user, REPORT_ALLOCATIONS, other)


def test_a_civil_servant_speaks_for_no_municipality_of_another_region(
    users, other_region_municipality
):
    from gmr_thuis.permissions import SPEAK_FOR

    assert not can(users["owner"], SPEAK_FOR, other_region_municipality)


def test_no_role_is_checked_outside_the_permission_module():
    """Role checks live in gmr_thuis.permissions only (the model defines and constrains roles)."""
    import pathlib
    import re

    check = re.compile(r"\.role\s*(==|!=|in\b)|role__in\s*=")
    root = pathlib.Path(__file__).resolve().parent.parent
    offenders = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in root.glob("[a-z]*/**/*.py")
        if not str(path.relative_to(root)).startswith((".venv", "tests", "benchmarks"))
        and "migrations" not in path.parts
        and path.relative_to(root).as_posix()
        not in ("gmr_thuis/permissions.py", "gmr_thuis/models.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if check.search(line)
    ]
    assert offenders == []
