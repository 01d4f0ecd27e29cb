"""Writes of local agreements, objections, realisation, housing plans and corporation reports."""

import logging
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gmr_thuis.history import record_change, snapshot
from gmr_thuis.models import ObjectChange
from gmr_thuis.permissions import (
    CHANGE,
    IMPORT_REALISATION,
    REPORT_ALLOCATIONS,
    can,
    is_project_leader,
    membership_of,
)
from gmr_thuis.years import validate_date
from monitoring.models import (
    AgreementStatus,
    AllocationReport,
    HousingPlan,
    ImportJob,
    ImportJobStatus,
    LocalAgreement,
    Objection,
    ObjectionStatus,
    ObjectionWindow,
    Realisation,
)
from monitoring.notifications import notify
from municipalities.models import (
    CorporationStock,
    HousingCorporation,
    Municipality,
    Neighbourhood,
    TargetGroup,
)

logger = logging.getLogger(__name__)


class StaleEdit(Exception):
    """Someone else saved the record after this user loaded it; `current` holds their values."""

    def __init__(self, current):
        self.current = current
        super().__init__(
            _("%(record)s is intussen door iemand anders gewijzigd (versie %(version)s).")
            % {"record": current, "version": current.version}
        )

    @property
    def changed_by(self):
        return self.current.updated_by


def _require_writer(user, municipality):
    if not can(user, CHANGE, municipality):
        raise PermissionDenied(
            _("U mag de gegevens van %(name)s niet wijzigen.") % {"name": municipality}
        )


def _require_project_leader(user):
    if not is_project_leader(user):
        raise PermissionDenied(_("Alleen de projectleider van de regio mag dit besluiten."))


def _locked(model, *, user, pk):
    """The row, locked until the transaction ends, if `user` may still change it now."""
    row = model.objects.restrict(user, CHANGE).select_for_update().filter(pk=pk).first()
    if row is None:
        raise PermissionDenied(_("U mag dit record niet wijzigen."))
    return row


def _save_versioned(model, *, user, identity, version, values, check=None):
    """Create or update the record with this identity, refusing a save over a moved version.

    `version` is the version the user loaded: None when the user saw no record yet.
    `check(row)` may raise ValidationError for rules on the existing record (its status).
    """
    _require_writer(user, identity["municipality"])
    try:
        with transaction.atomic():
            existing = model.objects.select_for_update().filter(**identity).first()
            if existing is not None:
                # Re-check on the locked row: the identity fixes the municipality, so a
                # writer of another municipality can never reach it.
                row = _locked(model, user=user, pk=existing.pk)
                if version != row.version:
                    raise StaleEdit(row)
                if check:
                    check(row)
                before = snapshot(row)
                for name, value in values.items():
                    setattr(row, name, value)
                row.version += 1
                action = ObjectChange.Action.UPDATE
            else:
                if version is not None:
                    raise ValidationError(_("Dit record bestaat niet meer."))
                row = model(**identity, **values)
                before = None
                action = ObjectChange.Action.CREATE
            row.updated_by = user
            # Uniqueness is the database's to enforce: a lost race surfaces as IntegrityError.
            row.full_clean(validate_unique=False, validate_constraints=False)
            row.save()
            record_change(user=user, obj=row, action=action, before=before)
            return row
    except IntegrityError:
        # Two people created the same record at once: the other one won; show theirs.
        raise StaleEdit(model.objects.get(**identity)) from None


class GridRejected(Exception):
    """Cells of a grid that could not be saved, by key, each with its reason; nothing of the
    grid was saved. `stale` holds, per key, the record someone else saved meanwhile."""

    def __init__(self, errors, stale):
        self.errors = errors
        self.stale = stale
        super().__init__(
            _("%(count)s cellen konden niet worden opgeslagen.") % {"count": len(errors)}
        )


def grid_save(*, saves) -> list:
    """Save a grid's changed cells all together or not at all.

    `saves` are `(key, save)` pairs, `save()` calling one record's service (each with its own
    optimistic lock). Every cell is tried, so the user hears of every problem at once; any
    problem undoes the whole grid and raises GridRejected naming the cells.
    """
    errors, stale, saved = {}, {}, []
    with transaction.atomic():
        for key, save in saves:
            try:
                saved.append(save())
            except StaleEdit as exc:
                stale[key] = exc.current
                errors[key] = _(
                    "Intussen gewijzigd door %(who)s (versie %(version)s). Uw invoer staat er "
                    "nog; sla opnieuw op om die te bewaren."
                ) % {
                    "who": exc.current.updated_by or _("iemand anders"),
                    "version": exc.current.version,
                }
            except ValidationError as exc:
                errors[key] = " ".join(exc.messages)
            except PermissionDenied as exc:
                errors[key] = str(exc)
        if errors:
            raise GridRejected(errors, stale)
    return saved


def local_agreement_save(
    *,
    user,
    municipality: Municipality,
    target_group: TargetGroup,
    year: int,
    agreed_number: int,
    care_support: str = "",
    corporation_partners: str = "",
    care_partners: str = "",
    notes: str = "",
    version: int | None,
) -> LocalAgreement:
    """Create or change a local agreement while it is a draft or returned by the region."""

    def still_editable(row):
        if not row.is_editable:
            raise ValidationError(
                _("Een afspraak met status '%(status)s' kan niet meer gewijzigd worden.")
                % {"status": row.get_status_display()}
            )

    return _save_versioned(
        LocalAgreement,
        user=user,
        identity={"municipality": municipality, "target_group": target_group, "year": year},
        version=version,
        values={
            "agreed_number": agreed_number,
            "care_support": care_support,
            "corporation_partners": corporation_partners,
            "care_partners": care_partners,
            "notes": notes,
        },
        check=still_editable,
    )


# Which status each step may start from, and who may take it.
_AGREEMENT_EVENTS = {
    "submit": "agreement_submitted",
    "approve": "agreement_approved",
    "return": "agreement_returned",
}
_AGREEMENT_STEPS = {
    "submit": (LocalAgreement.EDITABLE_STATUSES, AgreementStatus.SUBMITTED, False),
    "approve": ((AgreementStatus.SUBMITTED,), AgreementStatus.APPROVED, True),
    "return": (
        (AgreementStatus.SUBMITTED, AgreementStatus.APPROVED),
        AgreementStatus.RETURNED,
        True,
    ),
}


_STEP_VERBS = {
    "submit": gettext_lazy("ingediend"),
    "approve": gettext_lazy("goedgekeurd"),
    "return": gettext_lazy("teruggestuurd"),
}


def local_agreement_transition(
    *, user, agreement: LocalAgreement, step: str, version: int, comment: str = ""
) -> LocalAgreement:
    """Submit (the municipality), approve or return with a comment (the region)."""
    sources, target, region_only = _AGREEMENT_STEPS[step]
    if region_only:
        _require_project_leader(user)
    else:
        _require_writer(user, agreement.municipality)
    if step == "return" and not comment.strip():
        raise ValidationError({"comment": _("Geef aan waarom de afspraak wordt teruggestuurd.")})
    with transaction.atomic():
        row = _locked(LocalAgreement, user=user, pk=agreement.pk)
        if row.version != version:
            raise StaleEdit(row)
        if row.status not in sources:
            raise ValidationError(
                _("Een afspraak met status '%(status)s' kan niet %(step)s worden.")
                % {"status": row.get_status_display(), "step": _STEP_VERBS[step]}
            )
        before = snapshot(row)
        row.status = target
        if region_only:
            row.review_comment = comment
        row.version += 1
        row.updated_by = user
        row.full_clean()
        row.save()
        record_change(
            user=user,
            obj=row,
            action=ObjectChange.Action.TRANSITION,
            before=before,
            comment=comment,
        )
        notify(_AGREEMENT_EVENTS[step], row)
        return row


def realisation_save(
    *,
    user,
    municipality: Municipality,
    target_group: TargetGroup,
    year: int,
    quarter: int,
    placements: int,
    notes: str = "",
    version: int | None,
    neighbourhood: Neighbourhood | None = None,
) -> Realisation:
    """Record or correct the placements of one group in one quarter (in one neighbourhood,
    or without one)."""
    return _save_versioned(
        Realisation,
        user=user,
        identity={
            "municipality": municipality,
            "target_group": target_group,
            "year": year,
            "quarter": quarter,
            "neighbourhood": neighbourhood,
        },
        version=version,
        values={"placements": placements, "notes": notes},
    )


def realisation_import(*, user, rows, progress=None) -> int:
    """Write imported realisation rows all together or not at all; returns how many.

    `rows` are parsed rows (`monitoring.importers.RealisationRow`) that passed validation. An
    import states the numbers anew, so it overwrites what is there (each change recorded).
    Raises ValidationError naming each row of a municipality `user` may not change.
    `progress(done, total)` is called now and then while the rows are written.
    """
    _require_writer_of_rows(user, rows)
    with transaction.atomic():
        # What is there now, read once: the import keeps its notes and saves over its version.
        existing = {
            (r.municipality_id, r.target_group_id, r.year, r.quarter, r.neighbourhood_id): r
            for r in Realisation.objects.filter(
                municipality__in={row.municipality for row in rows},
                year__in={row.year for row in rows},
            )
        }
        for done, row in enumerate(rows):
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, len(rows))
            neighbourhood_id = row.neighbourhood.pk if row.neighbourhood else None
            current = existing.get(
                (row.municipality.pk, row.target_group.pk, row.year, row.quarter, neighbourhood_id)
            )
            realisation_save(
                user=user,
                municipality=row.municipality,
                target_group=row.target_group,
                year=row.year,
                quarter=row.quarter,
                placements=row.placements,
                neighbourhood=row.neighbourhood,
                notes=current.notes if current else "",
                version=current.version if current else None,
            )
    return len(rows)


# How often (in rows) a long import reports its progress.
PROGRESS_EVERY = 200


def may_import_realisation(user) -> bool:
    """The realisation import is for the project leader and civil servants."""
    return can(user, IMPORT_REALISATION)


def import_job_progress_key(job_id: int) -> str:
    # The rows are written in one transaction, invisible to other connections until it commits;
    # the progress on the way goes through the cache, which every process shares.
    return f"monitoring:import-job:{job_id}:progress"


def import_job_start(
    *, user, kind, task, filename: str, content: bytes, row_count: int, options=None
):
    """Record a large import as a job and hand it to `task` once the record is committed."""
    member = membership_of(user)
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            region_id=member.region_id if member is not None else None,
            started_by=user,
            filename=filename[:255],
            content=content,
            row_count=row_count,
            options=options or {},
        )
        transaction.on_commit(lambda: _queue_import_job(task, job))
    return job


def realisation_import_job_start(*, user, filename: str, content: bytes, row_count: int):
    """Queue a large realisation import as a Celery job; returns the job (status queued)."""
    if not may_import_realisation(user):
        raise PermissionDenied(_("U mag geen realisatie importeren."))
    from monitoring.tasks import run_realisation_import

    return import_job_start(
        user=user,
        kind=ImportJob.Kind.REALISATION,
        task=run_realisation_import,
        filename=filename,
        content=content,
        row_count=row_count,
    )


def _queue_import_job(task, job) -> None:
    """Hand the job to the broker; with the broker down the job fails at once, saying so."""
    from kombu.exceptions import OperationalError as BrokerError

    try:
        task.delay(job.pk)
    except BrokerError:
        logger.warning("Import job %s not queued: the broker is unreachable", job.pk)
        import_job_fail(
            job_id=job.pk,
            errors=[
                _(
                    "De achtergrondverwerking is nu niet bereikbaar; er is niets ingelezen. "
                    "Probeer het over een paar minuten opnieuw."
                )
            ],
        )
        job.refresh_from_db()


def import_job_finish(job_id, **values):
    """Record how the job ended; its file is dropped, the outcome kept."""
    ImportJob.objects.filter(pk=job_id).update(content=b"", finished_at=timezone.now(), **values)


def import_job_begin(job_id: int):
    """Mark the job running; returns it, or None when a redelivered task finds it finished."""
    job = ImportJob.objects.select_related("started_by").get(pk=job_id)
    if job.is_finished:
        return None  # a redelivered task: the first delivery decided
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJobStatus.RUNNING, started_at=timezone.now(), progress=1
    )
    return job


def import_job_progress_reporter(job_id: int):
    """A `progress(done, total)` callback: reading is the first tenth, writing the rest."""
    from django.core.cache import cache

    key = import_job_progress_key(job_id)

    def progress(done, total):
        cache.set(key, 10 + 89 * done // max(total, 1), timeout=24 * 3600)

    return progress


def import_job_succeed(job_id: int, *, written: int) -> None:
    from django.core.cache import cache

    import_job_finish(
        job_id, status=ImportJobStatus.SUCCEEDED, progress=100, written=written, errors=[]
    )
    cache.delete(import_job_progress_key(job_id))


def import_job_fail(*, job_id: int, errors: list[str]) -> None:
    """Mark a job failed with its messages; nothing of its file was written."""
    from django.core.cache import cache

    import_job_finish(job_id, status=ImportJobStatus.FAILED, errors=[str(e) for e in errors])
    cache.delete(import_job_progress_key(job_id))


def realisation_import_job_execute(*, job_id: int) -> ImportJob:
    """Read and write the job's file, all or nothing, recording the outcome on the job."""
    from django.core.files.base import ContentFile

    from monitoring.importers import ImportRejected, parse_realisation

    job = import_job_begin(job_id)
    if job is None:
        return ImportJob.objects.get(pk=job_id)
    progress = import_job_progress_reporter(job_id)
    try:
        upload = ContentFile(bytes(job.content), name=job.filename)
        rows = parse_realisation(upload, user=job.started_by)
        progress(0, len(rows))
        written = realisation_import(user=job.started_by, rows=rows, progress=progress)
    except ImportRejected as exc:
        import_job_fail(job_id=job_id, errors=exc.errors)
    except ValidationError as exc:
        import_job_fail(job_id=job_id, errors=exc.messages)
    except (PermissionDenied, StaleEdit) as exc:
        messages = [str(exc)]
        if isinstance(exc, StaleEdit):
            messages.append(_("Er is niets ingelezen; lees het bestand opnieuw in."))
        import_job_fail(job_id=job_id, errors=messages)
    else:
        import_job_succeed(job_id, written=written)
    return ImportJob.objects.get(pk=job_id)


def _require_writer_of_rows(user, rows) -> None:
    """Refuse the whole import when any row is of a municipality `user` may not change."""
    writable = {}
    errors = []
    for row in rows:
        municipality = row.municipality
        if municipality.pk not in writable:
            writable[municipality.pk] = can(user, CHANGE, municipality)
        if not writable[municipality.pk]:
            errors.append(
                _("Rij %(line)s: u mag de gegevens van %(name)s niet wijzigen.")
                % {"line": row.line, "name": municipality}
            )
    if errors:
        raise ValidationError(errors)


def housing_plan_save(
    *,
    user,
    municipality: Municipality,
    year: int,
    kind: str,
    planned: int,
    forecast: int,
    delivered: int,
    notes: str = "",
    version: int | None,
) -> HousingPlan:
    """Create or change a municipality's plan of new construction or transformation."""
    return _save_versioned(
        HousingPlan,
        user=user,
        identity={"municipality": municipality, "year": year, "kind": kind},
        version=version,
        values={"planned": planned, "forecast": forecast, "delivered": delivered, "notes": notes},
    )


def objection_window_set(*, user, year: int, deadline: date) -> ObjectionWindow:
    """The region sets (or moves) the deadline for objections to a year's fair share."""
    _require_project_leader(user)
    region = membership_of(user).region
    with transaction.atomic():
        window = (
            ObjectionWindow.objects.select_for_update().filter(region=region, year=year).first()
        )
        before = snapshot(window) if window else None
        window = window or ObjectionWindow(region=region, year=year)
        window.deadline = deadline
        window.full_clean()
        window.save()
        record_change(
            user=user,
            obj=window,
            action=ObjectChange.Action.UPDATE if before else ObjectChange.Action.CREATE,
            before=before,
        )
        return window


def objection_lodge(
    *,
    user,
    municipality: Municipality,
    target_group: TargetGroup | None,
    year: int,
    reasoning: str,
    figures: str = "",
    requested_number: int | None = None,
) -> Objection:
    """Lodge an objection to a year's fair share, before the region's deadline."""
    _require_writer(user, municipality)
    window = ObjectionWindow.objects.filter(region_id=municipality.region_id, year=year).first()
    if window is None:
        raise ValidationError(
            _("De regio heeft voor %(year)s geen bezwaartermijn opengesteld.") % {"year": year}
        )
    if timezone.localdate() > window.deadline:
        raise ValidationError(
            _("De bezwaartermijn voor %(year)s is verstreken op %(deadline)s.")
            % {"year": year, "deadline": window.deadline.strftime("%d-%m-%Y")}
        )
    with transaction.atomic():
        objection = Objection(
            municipality=municipality,
            target_group=target_group,
            year=year,
            reasoning=reasoning,
            figures=figures,
            requested_number=requested_number,
            lodged_by=user,
        )
        objection.full_clean()
        objection.save()
        record_change(user=user, obj=objection, action=ObjectChange.Action.CREATE)
        notify("objection_lodged", objection)
        return objection


def objection_decide(*, user, objection: Objection, accepted: bool, reason: str) -> Objection:
    """The project leader accepts or rejects a lodged objection, with the reason."""
    _require_project_leader(user)
    if not reason.strip():
        raise ValidationError({"reason": _("Geef de reden van het besluit.")})
    with transaction.atomic():
        row = _locked(Objection, user=user, pk=objection.pk)
        if row.status != ObjectionStatus.LODGED:
            raise ValidationError(_("Over dit bezwaar is al besloten."))
        before = snapshot(row)
        row.status = ObjectionStatus.ACCEPTED if accepted else ObjectionStatus.REJECTED
        row.decision_reason = reason
        row.decided_by = user
        row.decided_at = timezone.now()
        row.full_clean()
        row.save()
        record_change(
            user=user, obj=row, action=ObjectChange.Action.TRANSITION, before=before, comment=reason
        )
        notify("objection_decided", row)
        return row


def allocation_report_create(
    *,
    user,
    corporation: HousingCorporation,
    municipality: Municipality,
    target_group: TargetGroup,
    date: date,
    count: int,
    reference: str = "",
    idempotency_key: str | None = None,
    neighbourhood: Neighbourhood | None = None,
) -> tuple[AllocationReport, bool]:
    """A corporation reports allocations; the same idempotency key returns the first report.

    Only the corporation itself reports what it let: the report is its own statement, so the
    project leader does not file one on its behalf (the API refuses the same, with a 403).
    """
    if not can(user, REPORT_ALLOCATIONS, corporation):
        raise PermissionDenied(
            _("U mag geen toewijzingen melden namens %(name)s.") % {"name": corporation}
        )
    try:
        validate_date(date)
    except ValidationError as error:
        raise ValidationError({"date": error.messages}) from error
    if idempotency_key:
        earlier = AllocationReport.objects.filter(
            corporation=corporation, idempotency_key=idempotency_key
        ).first()
        if earlier is not None:
            return earlier, False
    if not CorporationStock.objects.filter(
        corporation=corporation, municipality=municipality
    ).exists():
        raise ValidationError(
            {
                "municipality": _("%(corporation)s heeft geen bezit in %(municipality)s.")
                % {"corporation": corporation, "municipality": municipality}
            }
        )
    try:
        with transaction.atomic():
            report = AllocationReport(
                corporation=corporation,
                municipality=municipality,
                target_group=target_group,
                date=date,
                count=count,
                neighbourhood=neighbourhood,
                reference=reference,
                idempotency_key=idempotency_key or None,
                created_by=user,
            )
            report.full_clean(validate_constraints=False)
            report.save()
            record_change(user=user, obj=report, action=ObjectChange.Action.CREATE)
            return report, True
    except IntegrityError:
        # A retry raced the first request with the same key: the first one stands.
        return AllocationReport.objects.get(
            corporation=corporation, idempotency_key=idempotency_key
        ), False
