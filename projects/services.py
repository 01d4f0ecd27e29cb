"""Writes of housing projects: create, change and move a phase, each in one transaction with
its change recorded; a save over a version someone else moved is refused."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gmr_thuis.history import record_change, snapshot
from gmr_thuis.models import ObjectChange
from gmr_thuis.permissions import CHANGE, can
from monitoring.services import StaleEdit
from projects.models import (
    PHASE_ORDER,
    OlderPopulationForecast,
    Project,
    ProjectStep,
    ProjectTargetGroup,
)

# What a project's form edits; the phase moves through `project_move_phase` only.
EDITABLE_FIELDS = (
    "neighbourhood_code",
    "name",
    "kind",
    "homes_total",
    "social_rent",
    "mid_rent",
    "owner_occupied",
    "zero_step",
    "clustered",
    "nursing_care",
    "plan_year",
    "expected_delivery_year",
    "corporation",
    "developer",
)


@dataclass(frozen=True)
class Earmark:
    """A target group a project serves, with the homes earmarked for it (None: not earmarked)."""

    target_group: object
    homes: int | None = None


def _require_writer(user, municipality):
    if not can(user, CHANGE, municipality):
        raise PermissionDenied(
            _("U mag de projecten van %(name)s niet wijzigen.") % {"name": municipality}
        )


def _locked(*, user, pk, version):
    """The project, locked until the transaction ends, if `user` may still change it."""
    row = Project.objects.restrict(user, CHANGE).select_for_update().filter(pk=pk).first()
    if row is None:
        raise PermissionDenied(_("U mag dit project niet wijzigen."))
    if version != row.version:
        raise StaleEdit(row)
    return row


def _check_earmarks(project, earmarks):
    earmarked = sum(e.homes or 0 for e in earmarks)
    if any(e.homes is not None and e.homes < 0 for e in earmarks):
        raise ValidationError(_("Het aantal woningen kan niet negatief zijn."))
    if earmarked > project.homes_total:
        raise ValidationError(
            _(
                "Er zijn %(earmarked)s woningen gereserveerd voor aandachtsgroepen, meer dan "
                "het totaal van %(total)s."
            )
            % {"earmarked": earmarked, "total": project.homes_total}
        )


def _set_earmarks(project, earmarks):
    if earmarks is None:
        return
    _check_earmarks(project, earmarks)
    project.earmarks.all().delete()
    ProjectTargetGroup.objects.bulk_create(
        ProjectTargetGroup(project=project, target_group=e.target_group, earmarked_homes=e.homes)
        for e in earmarks
    )


def _record_step(project, user):
    ProjectStep.objects.create(
        project=project,
        phase=project.phase,
        phase_date=project.phase_date,
        expected_delivery_year=project.expected_delivery_year,
        recorded_by=user if getattr(user, "is_authenticated", False) else None,
    )


def _save(project, *, user, before, action, earmarks=None, comment=""):
    project.updated_by = user
    project.full_clean()
    project.save()
    _set_earmarks(project, earmarks)
    last = project.steps.order_by("-recorded_at", "-pk").first()
    if last is None or (last.phase, last.expected_delivery_year) != (
        project.phase,
        project.expected_delivery_year,
    ):
        _record_step(project, user)
    record_change(user=user, obj=project, action=action, before=before, comment=comment)
    return project


def project_create(*, user, municipality, values: dict, earmarks=None, phase=None) -> Project:
    """A new project of `municipality`; `phase` = (phase, date) when it starts past the idea."""
    _require_writer(user, municipality)
    with transaction.atomic():
        project = Project(municipality=municipality, **values)
        if phase is not None:
            project.phase, project.phase_date = phase
            if project.phase == "delivered":
                project.delivered_on = project.phase_date
        return _save(
            project, user=user, before=None, action=ObjectChange.Action.CREATE, earmarks=earmarks
        )


def project_update(*, user, project: Project, version: int, values: dict, earmarks=None) -> Project:
    """Change a project's description, homes and expected year (not its phase)."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    with transaction.atomic():
        row = _locked(user=user, pk=project.pk, version=version)
        before = snapshot(row)
        for name, value in values.items():
            setattr(row, name, value)
        row.version += 1
        return _save(
            row, user=user, before=before, action=ObjectChange.Action.UPDATE, earmarks=earmarks
        )


def project_move_phase(
    *,
    user,
    project: Project,
    version: int,
    phase: str,
    on: date,
    expected_delivery_year: int | None = None,
    comment: str = "",
) -> Project:
    """Move a project to another phase on a date (forward, or back when a plan stalls); a
    delivered project takes that date as its delivery date."""
    if phase not in PHASE_ORDER:
        raise ValidationError(_("Onbekende fase '%(phase)s'.") % {"phase": phase})
    with transaction.atomic():
        row = _locked(user=user, pk=project.pk, version=version)
        if phase == row.phase:
            raise ValidationError(_("Het project is al in deze fase."))
        before = snapshot(row)
        row.phase, row.phase_date = phase, on
        row.delivered_on = on if phase == "delivered" else None
        if expected_delivery_year is not None:
            row.expected_delivery_year = expected_delivery_year
        if phase == "delivered":
            row.expected_delivery_year = on.year
        row.version += 1
        return _save(
            row,
            user=user,
            before=before,
            action=ObjectChange.Action.TRANSITION,
            comment=comment,
        )


def project_import(*, user, rows) -> int:
    """Create the parsed projects (`projects.importers.ProjectRow`) all together or none."""
    with transaction.atomic():
        for row in rows:
            project_create(
                user=user, municipality=row.municipality, values=row.values, phase=row.phase
            )
    return len(rows)


def older_population_import(*, user, rows) -> int:
    """Store the parsed forecast rows (`projects.importers.ForecastRow`) all or none; a row for
    a municipality and year already there replaces it (the change recorded)."""
    with transaction.atomic():
        for row in rows:
            _require_writer(user, row.municipality)
            forecast = (
                OlderPopulationForecast.objects.select_for_update()
                .filter(municipality=row.municipality, year=row.year)
                .first()
            )
            before = snapshot(forecast) if forecast else None
            forecast = forecast or OlderPopulationForecast(
                municipality=row.municipality, year=row.year
            )
            for name, value in row.values.items():
                setattr(forecast, name, value)
            forecast.full_clean(validate_unique=False)
            forecast.save()
            record_change(
                user=user,
                obj=forecast,
                action=ObjectChange.Action.UPDATE if before else ObjectChange.Action.CREATE,
                before=before,
            )
    return len(rows)
