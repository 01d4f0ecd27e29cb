"""Writes on reference data: loading the GMR data set, importing figures, the demo users."""

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from gmr_thuis.history import change_request, record_change, snapshot
from gmr_thuis.models import Membership, ObjectChange, Role
from gmr_thuis.permissions import CHANGE
from gmr_thuis.tabular import read_table, records
from gmr_thuis.years import validate_year
from municipalities.importers import (
    HEADER_ROW,
    FigureRow,
    in_row_order,
    parse_figure_file,
    row_error,
)
from municipalities.models import (
    CareClientCount,
    CorporationStock,
    HousingCorporation,
    Indicator,
    Municipality,
    MunicipalityFigure,
    Neighbourhood,
    NeighbourhoodFigure,
    Region,
    RegionalTask,
    TargetGroup,
)
from municipalities.validation import validate_figure_set

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"

# The one demo password, listed in the README; demo users exist only where someone ran
# `load_demo_users`, which refuses to run with DEBUG off unless forced.
DEMO_PASSWORD = "thuis-demo-2026"
# username, role, CBS code of the municipality, slug of the corporation
DEMO_USERS = [
    ("projectleider", Role.PROJECT_LEADER, None, None),
    ("stuurgroep", Role.STEERING_GROUP, None, None),
    ("westervoort", Role.CIVIL_SERVANT, "GM0293", None),
    ("nijmegen", Role.CIVIL_SERVANT, "GM0268", None),
    ("corporatie", Role.CORPORATION, None, "vivare"),
]


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    skipped_regions: int = 0


def _upsert(model, lookup, values):
    """Create or update the row `lookup` names, validated like a form would."""
    instance = model.objects.filter(**lookup).first() or model(**lookup)
    for field, value in values.items():
        setattr(instance, field, value)
    instance.full_clean()
    instance.save()
    return instance


def _read_csv(path):
    """(row number, record) pairs; the header is row 1, as in the import's messages.

    Read by the reader of every import, so a data set saved by Dutch Excel loads as well.
    """
    try:
        table = read_table(path.read_bytes(), filename=path.name)
    except ValidationError as error:
        raise ValidationError([f"{path.name}: {message}" for message in error.messages]) from None
    yield from records(table)


def _in_file(path, row, error):
    """Put a fixture's file name and row in front of a validation error."""
    return ValidationError([f"{path.name} {row_error(row, message)}" for message in error.messages])


def _figures_check(figure_rows, municipalities):
    """Validate figures one by one and each municipality-year as a whole, in the state the
    write would leave it in. Returns the unsaved figures and the Dutch messages."""
    errors = []
    keys = {(municipalities[r.cbs_code].pk, r.year) for r in figure_rows}
    existing = {
        (f.municipality_id, f.year, f.indicator): f
        for f in MunicipalityFigure.objects.filter(
            municipality__in={m for m, _year in keys}, year__in={y for _m, y in keys}
        )
    }
    final_sets = defaultdict(dict)
    for (municipality_id, year, indicator), figure in existing.items():
        final_sets[(municipality_id, year)][indicator] = _as_entered(figure.value)
    rows_per_set = defaultdict(set)
    seen = {}
    figures = []
    for r in figure_rows:
        municipality = municipalities[r.cbs_code]
        key = (municipality.pk, r.year, r.indicator)
        if key in seen:
            errors.append(
                row_error(
                    r.row,
                    _("%(figure)s van %(municipality)s in %(year)s staat ook in rij %(other)s.")
                    % {
                        "figure": Indicator(r.indicator).label,
                        "municipality": municipality,
                        "year": r.year,
                        "other": seen[key],
                    },
                )
            )
            continue
        seen[key] = r.row
        figure = existing.get(key) or MunicipalityFigure(
            municipality=municipality, year=r.year, indicator=r.indicator
        )
        figure.value, figure.source, figure.is_estimate = r.value, r.source, r.is_estimate
        # A negative value is reported by the set check below, which names the figure.
        try:
            figure.clean_fields(exclude=["value"] if r.value < 0 else None)
        except ValidationError as error:
            errors.extend(row_error(r.row, message) for message in error.messages)
        final_sets[key[:2]][r.indicator] = r.value
        rows_per_set[key[:2]].add(r.row)
        figures.append(figure)
    for set_key, rows in rows_per_set.items():
        label = ", ".join(str(row) for row in sorted(rows))
        errors.extend(
            row_error(label, message) for message in validate_figure_set(final_sets[set_key])
        )
    return figures, errors


def _as_entered(value):
    """A stored Decimal as a person typed it: 6766, not 6766.00, in messages."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


# How often (in figures) a long import reports its progress.
PROGRESS_EVERY = 200


def _figures_write(figures, *, user=None, comment="", progress=None):
    """Save the figures, each change recorded (before/after per figure) under one request id.

    `progress(done, total)` is called now and then while the figures are written."""
    created = sum(1 for figure in figures if figure.pk is None)
    model = type(figures[0]) if figures else None
    stored = (
        {f.pk: snapshot(f) for f in model.objects.filter(pk__in=[f.pk for f in figures if f.pk])}
        if model is not None
        else {}
    )
    with change_request():
        for done, figure in enumerate(figures, start=1):
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, len(figures))
            before = stored.get(figure.pk)
            if hasattr(figure, "value"):  # as stored (two decimals), so unchanged compares equal
                figure.value = Decimal(figure.value).quantize(Decimal("0.01"))
            figure.save()
            after = snapshot(figure)
            if before != after:
                record_change(
                    user=user,
                    obj=figure,
                    action=ObjectChange.Action.UPDATE if before else ObjectChange.Action.CREATE,
                    before=before,
                    after=after,
                    comment=comment,
                )
    return created, len(figures) - created


def _writable_municipality_ids(user):
    """None means every municipality: the command line, or a superuser in the admin."""
    if user is None or user.is_superuser:
        return None
    return set(Municipality.objects.restrict(user, CHANGE).values_list("pk", flat=True))


def municipality_figures_import(
    *,
    user,
    content: bytes,
    filename: str,
    year: int | None = None,
    statline_columns: dict[str, str] | None = None,
    today: date | None = None,
    progress=None,
) -> ImportSummary:
    """Import yearly figures from a project CSV or a CBS StatLine export, all or nothing.

    `user` is who imports (None: the command line). Raises ValidationError with every problem,
    each message starting with its row number (the header is row 1). `progress(done, total)`
    is called now and then while the figures are written.
    """
    if year is not None:
        validate_year(year)
    # The same reader as every import: size and row limits first, encoding and delimiter sniffed.
    table = read_table(content, filename=filename)
    default_source = f"import {filename} {(today or date.today()).isoformat()}"
    with transaction.atomic():
        parsed = parse_figure_file(
            table, default_source=default_source, year=year, statline_columns=statline_columns
        )
        errors = list(parsed.errors)
        municipalities = {m.cbs_code: m for m in Municipality.objects.all()}
        writable = _writable_municipality_ids(user)
        outside_region_rows = set()
        accepted = []
        for r in parsed.figures:
            municipality = municipalities.get(r.cbs_code)
            if municipality is None and parsed.is_statline:
                outside_region_rows.add(r.row)
            elif municipality is None:
                errors.append(
                    row_error(r.row, _("onbekende CBS-code '%(code)s'.") % {"code": r.cbs_code})
                )
            elif (
                r.municipality_name
                and r.municipality_name.casefold() != municipality.name.casefold()
            ):
                errors.append(
                    row_error(
                        r.row,
                        _("CBS-code %(code)s hoort bij %(municipality)s, niet bij '%(name)s'.")
                        % {
                            "code": r.cbs_code,
                            "municipality": municipality,
                            "name": r.municipality_name,
                        },
                    )
                )
            elif writable is not None and municipality.pk not in writable:
                errors.append(
                    row_error(
                        r.row,
                        _("u mag de cijfers van %(municipality)s niet wijzigen.")
                        % {"municipality": municipality},
                    )
                )
            else:
                accepted.append(r)
        if not accepted and not errors:
            errors.append(
                row_error(HEADER_ROW, _("het bestand bevat geen cijfers om te importeren."))
            )
        figures, figure_errors = _figures_check(accepted, municipalities)
        errors.extend(figure_errors)
        if errors:
            raise ValidationError(in_row_order(errors))
        created, updated = _figures_write(
            figures, user=user, comment=default_source, progress=progress
        )
    return ImportSummary(
        created=created,
        updated=updated,
        skipped_regions=parsed.skipped_regions + len(outside_region_rows),
    )


def figure_import_job_start(*, user, filename: str, content: bytes, row_count: int, year=None):
    """Queue a large figure import as a Celery job; returns the job (status queued).

    The job imports as `user`, so it may write exactly what the upload page could."""
    from monitoring.models import ImportJob
    from monitoring.services import import_job_start
    from municipalities.tasks import run_figure_import

    if year is not None:
        validate_year(year)
    return import_job_start(
        user=user,
        kind=ImportJob.Kind.FIGURES,
        task=run_figure_import,
        filename=filename,
        content=content,
        row_count=row_count,
        options={"year": year},
    )


def figure_import_job_execute(*, job_id: int):
    """Import the job's file of figures, all or nothing, recording the outcome on the job."""
    from monitoring.models import ImportJob
    from monitoring.services import (
        import_job_begin,
        import_job_fail,
        import_job_progress_reporter,
        import_job_succeed,
    )

    job = import_job_begin(job_id)
    if job is None:
        return ImportJob.objects.get(pk=job_id)
    progress = import_job_progress_reporter(job_id)
    try:
        summary = municipality_figures_import(
            user=job.started_by,
            content=bytes(job.content),
            filename=job.filename,
            year=job.options.get("year"),
            today=job.created_at.date(),
            progress=progress,
        )
    except ValidationError as exc:
        import_job_fail(job_id=job_id, errors=exc.messages)
    else:
        import_job_succeed(job_id, written=summary.created + summary.updated)
    return ImportJob.objects.get(pk=job_id)


def reference_data_load(*, data_dir: Path = FIXTURES_DIR) -> dict[str, int]:
    """Create or update the GMR data set from `data_dir` (see fixtures/README.md), all or nothing.

    Safe to run again: rows are matched on their natural keys and updated in place.
    """
    with transaction.atomic():
        region_data = json.loads((data_dir / "region.json").read_text(encoding="utf-8"))
        region = _upsert(Region, {"slug": region_data["slug"]}, {"name": region_data["name"]})
        municipalities = _municipalities_load(data_dir / "municipalities.csv", region)
        _figures_load(data_dir / "municipality_figures.csv", municipalities)
        _care_clients_load(data_dir / "care_clients.csv", municipalities)
        groups = _target_groups_load(data_dir / "target_groups.json")
        _regional_tasks_load(data_dir / "regional_tasks.csv", region, groups)
        _corporation_stock_load(data_dir / "corporation_stock.csv", municipalities)
        _corporation_stock_check(municipalities.values())
        neighbourhoods = _neighbourhoods_load(data_dir / "neighbourhoods.csv", municipalities)
        _neighbourhood_figures_load(data_dir / "neighbourhood_figures.csv", neighbourhoods)
    return {
        "municipalities": Municipality.objects.filter(region=region).count(),
        "figures": MunicipalityFigure.objects.filter(municipality__region=region).count(),
        "care_clients": CareClientCount.objects.filter(municipality__region=region).count(),
        "target_groups": TargetGroup.objects.count(),
        "regional_tasks": RegionalTask.objects.filter(region=region).count(),
        "corporation_stock": CorporationStock.objects.filter(municipality__region=region).count(),
        "neighbourhoods": Neighbourhood.objects.filter(municipality__region=region).count(),
        "neighbourhood_figures": NeighbourhoodFigure.objects.filter(
            neighbourhood__municipality__region=region
        ).count(),
    }


def _as_bool(text):
    return text.strip().lower() == "true"


def _municipalities_load(path, region):
    municipalities = {}
    for row, record in _read_csv(path):
        try:
            municipalities[record["cbs_code"]] = _upsert(
                Municipality,
                {"cbs_code": record["cbs_code"]},
                {
                    "name": record["name"],
                    "slug": slugify(record["name"]),
                    "region": region,
                    "main_town": record["main_town"],
                    "latitude": record["latitude"],
                    "longitude": record["longitude"],
                    "centroid_source": record["centroid_source"],
                },
            )
        except ValidationError as error:
            raise _in_file(path, row, error) from error
    return municipalities


def _figures_load(path, municipalities):
    figure_rows = [
        FigureRow(
            row=row,
            cbs_code=record["cbs_code"],
            year=int(record["year"]),
            indicator=record["indicator"],
            value=Decimal(record["value"]),
            source=record["source"],
            is_estimate=_as_bool(record["is_estimate"]),
        )
        for row, record in _read_csv(path)
    ]
    figures, errors = _figures_check(figure_rows, municipalities)
    if errors:
        raise ValidationError([f"{path.name} {message}" for message in errors])
    _figures_write(figures, comment=f"reference_data_load {path.name}")


def _care_clients_load(path, municipalities):
    for row, record in _read_csv(path):
        try:
            _upsert(
                CareClientCount,
                {
                    "municipality": municipalities[record["cbs_code"]],
                    "year": int(record["year"]),
                    "care_type": record["care_type"],
                },
                {
                    "count": int(record["count"]),
                    "source": record["source"],
                    "is_estimate": _as_bool(record["is_estimate"]),
                },
            )
        except ValidationError as error:
            raise _in_file(path, row, error) from error


def _target_groups_load(path):
    groups = {}
    for number, card in enumerate(json.loads(path.read_text(encoding="utf-8")), start=1):
        values = {key: value for key, value in card.items() if key != "code"}
        if values.get("legally_urgent_from"):
            values["legally_urgent_from"] = date.fromisoformat(values["legally_urgent_from"])
        try:
            groups[card["code"]] = _upsert(TargetGroup, {"code": card["code"]}, values)
        except ValidationError as error:
            raise _in_file(path, number, error) from error
    return groups


def _regional_tasks_load(path, region, groups):
    for row, record in _read_csv(path):
        try:
            _upsert(
                RegionalTask,
                {
                    "region": region,
                    "target_group": groups[record["target_group"]],
                    "year": int(record["year"]),
                },
                {
                    "amount": int(record["amount"]),
                    "source": record["source"],
                    "is_estimate": _as_bool(record["is_estimate"]),
                },
            )
        except ValidationError as error:
            raise _in_file(path, row, error) from error


def _corporation_stock_load(path, municipalities):
    for row, record in _read_csv(path):
        try:
            corporation = _upsert(
                HousingCorporation,
                {"slug": slugify(record["corporation"])},
                {"name": record["corporation"]},
            )
            _upsert(
                CorporationStock,
                {"corporation": corporation, "municipality": municipalities[record["cbs_code"]]},
                {
                    "dwellings": int(record["dwellings"]),
                    "source": record["source"],
                    "is_estimate": _as_bool(record["is_estimate"]),
                },
            )
        except ValidationError as error:
            raise _in_file(path, row, error) from error


def _neighbourhoods_load(path, municipalities):
    neighbourhoods = {}
    for row, record in _read_csv(path):
        try:
            neighbourhoods[record["code"]] = _upsert(
                Neighbourhood,
                {"code": record["code"]},
                {
                    "kind": record["kind"],
                    "name": record["name"],
                    "municipality": municipalities[record["cbs_code"]],
                },
            )
        except ValidationError as error:
            raise _in_file(path, row, error) from error
    return neighbourhoods


def _neighbourhood_figures_load(path, neighbourhoods):
    for row, record in _read_csv(path):
        try:
            _upsert(
                NeighbourhoodFigure,
                {
                    "neighbourhood": neighbourhoods[record["code"]],
                    "year": int(record["year"]),
                    "indicator": record["indicator"],
                },
                {
                    "value": Decimal(record["value"]),
                    "source": record["source"],
                    "is_estimate": _as_bool(record["is_estimate"]),
                },
            )
        except ValidationError as error:
            raise _in_file(path, row, error) from error


def _corporation_stock_check(municipalities):
    """The corporations together cannot own more dwellings than the social rental stock."""
    errors = []
    for municipality in municipalities:
        social = (
            municipality.figures.filter(indicator=Indicator.SOCIAL_RENT).order_by("-year").first()
        )
        owned = municipality.corporation_stock.aggregate(total=models.Sum("dwellings"))["total"]
        if social is not None and owned is not None and owned > social.value:
            errors.append(
                _(
                    "De corporaties bezitten samen %(owned)s woningen in %(municipality)s, meer "
                    "dan de %(social)s sociale huurwoningen daar."
                )
                % {"owned": owned, "municipality": municipality, "social": int(social.value)}
            )
    if errors:
        raise ValidationError(errors)


def demo_users_load(*, password: str = DEMO_PASSWORD) -> list:
    """Create or reset one demo user per role; needs the GMR data set."""
    user_model = get_user_model()
    with transaction.atomic():
        region = Region.objects.filter(slug="gmr").first()
        if region is None:
            raise ValidationError(_("Laad eerst de GMR-gegevens: python manage.py load_gmr_data."))
        users = []
        for username, role, cbs_code, corporation_slug in DEMO_USERS:
            user = user_model.objects.filter(username=username).first() or user_model(
                username=username
            )
            user.set_password(password)
            # example.org is reserved for examples (RFC 2606): demo mail goes nowhere real.
            user.email = f"{username}@example.org"
            # The project leader maintains the reference data in the admin.
            user.is_staff = role == Role.PROJECT_LEADER
            user.is_active = True
            user.full_clean()
            user.save()
            membership = Membership.objects.filter(user=user).first() or Membership(user=user)
            membership.role = role
            membership.region = region
            membership.municipality = (
                Municipality.objects.get(cbs_code=cbs_code) if cbs_code else None
            )
            membership.corporation = (
                HousingCorporation.objects.get(slug=corporation_slug) if corporation_slug else None
            )
            membership.full_clean()
            membership.save()
            users.append(user)
    return users
