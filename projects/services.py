"""Writes of projects: create, edit and phase change, each one transaction with its history."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gmr_thuis.history import record_change, snapshot
from gmr_thuis.models import ObjectChange
from gmr_thuis.permissions import CHANGE, can_write_municipality
from monitoring.services import StaleEdit
from projects.models import (
    PHASE_DATE_FIELDS,
    PHASE_ORDER,
    ExpectedYearChange,
    Phase,
    Project,
    ProjectTargetGroup,
)

__all__ = ["StaleEdit", "project_create", "project_update", "project_set_phase"]

EDITABLE_FIELDS = [
    "name",
    "kind",
    "neighbourhood_code",
    "total_homes",
    "homes_social_rent",
    "homes_mid_rent",
    "homes_owner_occupied",
    "homes_zero_step",
    "homes_clustered",
    "nursing_care_places",
    "phase",
    "idea_date",
    "plan_date",
    "permit_date",
    "construction_date",
    "delivered_date",
    "plan_year",
    "expected_year",
    "corporation",
    "developer",
]


def _require_writer(user, municipality):
    if not can_write_municipality(user, municipality.pk):
        raise PermissionDenied(
            _("U mag de projecten van %(name)s niet wijzigen.") % {"name": municipality}
        )


def _save_groups(project, target_groups):
    if target_groups is None:
        return
    project.target_groups.all().delete()
    for group, homes in target_groups.items():
        if homes:
            ProjectTargetGroup.objects.create(project=project, target_group=group, homes=homes)


def _year_change(project, previous, user):
    if previous != project.expected_year:
        ExpectedYearChange.objects.create(
            project=project,
            previous_year=previous,
            new_year=project.expected_year,
            changed_by=getattr(user, "username", "") or "",
        )


@transaction.atomic
def project_create(*, user, municipality, values: dict, target_groups=None) -> Project:
    _require_writer(user, municipality)
    project = Project(municipality=municipality, **values)
    project.updated_by = user if getattr(user, "is_authenticated", False) else None
    project.full_clean()
    project.save()
    _save_groups(project, target_groups)
    _year_change(project, None, user)
    record_change(user=user, obj=project, action=ObjectChange.Action.CREATE)
    return project


def _locked(user, project_id, version):
    project = (
        Project.objects.restrict(user, CHANGE).select_for_update().filter(pk=project_id).first()
    )
    if project is None:
        raise PermissionDenied(_("U mag dit project niet wijzigen."))
    if version is not None and version != project.version:
        raise StaleEdit(project)
    return project


@transaction.atomic
def project_update(*, user, project: Project, values: dict, version, target_groups=None):
    row = _locked(user, project.pk, version)
    before, previous_year = snapshot(row), row.expected_year
    for name, value in values.items():
        setattr(row, name, value)
    row.version += 1
    row.updated_by = user
    row.full_clean()
    row.save()
    _save_groups(row, target_groups)
    _year_change(row, previous_year, user)
    record_change(user=user, obj=row, action=ObjectChange.Action.UPDATE, before=before)
    return row


@transaction.atomic
def project_set_phase(
    *, user, project: Project, phase: str, on: date, version, expected_year=None, comment=""
):
    """Move a project to another phase on a date (and, optionally, a new expected year)."""
    row = _locked(user, project.pk, version)
    if phase not in PHASE_ORDER:
        raise ValidationError({"phase": _("Onbekende fase.")})
    before, previous_year = snapshot(row), row.expected_year
    row.phase = phase
    setattr(row, PHASE_DATE_FIELDS[Phase(phase)], on)
    if expected_year:
        row.expected_year = expected_year
    row.version += 1
    row.updated_by = user
    row.full_clean()
    row.save()
    _year_change(row, previous_year, user)
    record_change(
        user=user,
        obj=row,
        action=ObjectChange.Action.TRANSITION,
        before=before,
        comment=comment or _("fase: %(phase)s") % {"phase": row.get_phase_display()},
    )
    return row
