"""Writes of neighbourhood data: CBS Kerncijfers, liveability and district boundaries, each
all or nothing, every problem a Dutch message naming its row."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gmr_thuis.history import record_change
from gmr_thuis.models import ObjectChange
from gmr_thuis.permissions import CHANGE, can
from municipalities.geo import InvalidGeometry
from municipalities.importers import HEADER_ROW, in_row_order, row_error, source_is_estimate
from municipalities.models import (
    Municipality,
    Neighbourhood,
    NeighbourhoodBoundaries,
    NeighbourhoodFigure,
    Region,
    neighbourhood_code_validator,
)
from municipalities.models import NeighbourhoodIndicator as NI
from municipalities.neighbourhood_imports import (
    parse_boundaries,
    parse_kerncijfers,
    parse_liveability,
)
from municipalities.services import ImportSummary, _figures_write, _writable_municipality_ids


def _text(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252")  # a CSV saved by Excel on a Dutch Windows machine


def _code_error(code):
    try:
        neighbourhood_code_validator(code)
    except ValidationError as error:
        return error.messages[0]
    return None


class _Batch:
    """What an import collects before it writes: the neighbourhoods, their figures, the errors."""

    def __init__(self, user, *, region=None):
        municipalities = Municipality.objects.all()
        if region is not None:
            municipalities = municipalities.filter(region=region)
        self.municipalities = {m.cbs_code: m for m in municipalities}
        self.writable = _writable_municipality_ids(user)
        self.errors = []
        self.neighbourhoods = {}
        self.figures = []
        self.seen = {}
        self.outside = 0

    def municipality_for(self, row):
        """The row's municipality if it may be written; None after an error or when outside
        the region (counted, like municipalities outside the GMR in a national file)."""
        problem = _code_error(row.code)
        if problem:
            self.errors.append(row_error(row.row, f"'{row.code}': {problem}"))
            return None
        if row.code in self.seen:
            self.errors.append(
                row_error(
                    row.row,
                    _("%(code)s staat ook in rij %(other)s.")
                    % {"code": row.code, "other": self.seen[row.code]},
                )
            )
            return None
        self.seen[row.code] = row.row
        municipality = self.municipalities.get(Neighbourhood.municipality_code_of(row.code))
        if municipality is None:
            self.outside += 1
            return None
        return self._checked(row, municipality)

    def _checked(self, row, municipality):
        if (
            row.municipality_name
            and row.municipality_name.casefold() != municipality.name.casefold()
        ):
            self.errors.append(
                row_error(
                    row.row,
                    _("%(code)s hoort bij %(municipality)s, niet bij '%(name)s'.")
                    % {
                        "code": row.code,
                        "municipality": municipality,
                        "name": row.municipality_name,
                    },
                )
            )
            return None
        if self.writable is not None and municipality.pk not in self.writable:
            self.errors.append(
                row_error(
                    row.row,
                    _("u mag de gegevens van %(municipality)s niet wijzigen.")
                    % {"municipality": municipality},
                )
            )
            return None
        return municipality

    def add_figures(self, row, neighbourhood, *, year, source, is_estimate=None):
        existing = {}
        if neighbourhood.pk:
            existing = {
                f.indicator: f
                for f in NeighbourhoodFigure.objects.filter(neighbourhood=neighbourhood, year=year)
            }
        for indicator, value in row.figures.items():
            figure = existing.get(indicator) or NeighbourhoodFigure(
                neighbourhood=neighbourhood, year=year, indicator=indicator
            )
            figure.value = value
            figure.source = source(indicator)
            figure.is_estimate = (
                is_estimate(indicator) if is_estimate else source_is_estimate(figure.source)
            )
            try:
                figure.clean_fields(exclude=["neighbourhood"])
                figure.clean()
            except ValidationError as error:
                self.errors.extend(
                    row_error(row.row, f"{NI(indicator).label}: {message}")
                    for message in error.messages
                )
            self.figures.append(figure)

    def raise_errors(self):
        if not self.seen and not self.errors:
            self.errors.append(
                row_error(HEADER_ROW, _("het bestand bevat geen wijken of buurten."))
            )
        if self.errors:
            raise ValidationError(in_row_order(self.errors))

    def write(self, *, user, comment):
        """Save the neighbourhoods, then their figures, each change recorded; one transaction."""
        with transaction.atomic():
            new, changed = _figures_write(
                list(self.neighbourhoods.values()), user=user, comment=comment
            )
            created, updated = _figures_write(self.figures, user=user, comment=comment)
        return ImportSummary(
            created=created + new, updated=updated + changed, skipped_regions=self.outside
        )


def _kerncijfers_neighbourhood(batch, row, municipality):
    neighbourhood = Neighbourhood.objects.filter(code=row.code).first() or Neighbourhood(
        code=row.code
    )
    neighbourhood.kind = row.kind
    neighbourhood.municipality = municipality
    neighbourhood.name = row.name or neighbourhood.name or row.code
    try:
        neighbourhood.full_clean(validate_unique=False)
    except ValidationError as error:
        batch.errors.extend(row_error(row.row, message) for message in error.messages)
    batch.neighbourhoods[row.code] = neighbourhood
    return neighbourhood


def neighbourhood_figures_import(
    *, user, content: bytes, filename: str, year: int, today: date | None = None
) -> ImportSummary:
    """Import a CBS Kerncijfers wijken en buurten CSV of `year`, all or nothing.

    Creates the wijken and buurten it does not know yet; rows of municipalities outside the
    region are passed over (the file covers the whole country).
    """
    parsed = parse_kerncijfers(_text(content))
    batch = _Batch(user)
    batch.errors.extend(parsed.errors)
    label = f"CBS Kerncijfers wijken en buurten {year} ({filename}, {(today or date.today()).isoformat()})"

    def source(indicator):
        if indicator == NI.SOCIAL_RENT:
            return f"{label}: Woningvoorraad × InBezitWoningcorporatie (afgerond percentage), benadering"
        return label

    for row in parsed.rows:
        municipality = batch.municipality_for(row)
        if municipality is not None:
            neighbourhood = _kerncijfers_neighbourhood(batch, row, municipality)
            batch.add_figures(row, neighbourhood, year=year, source=source)
    batch.raise_errors()
    return batch.write(user=user, comment=label)


def liveability_import(
    *, user, content: bytes, filename: str, today: date | None = None
) -> ImportSummary:
    """Import liveability classes (and focus-area flags) of known neighbourhoods, all or nothing."""
    parsed = parse_liveability(_text(content))
    batch = _Batch(user)
    batch.errors.extend(parsed.errors)
    known = {n.code: n for n in Neighbourhood.objects.select_related("municipality")}
    label = f"import {filename} {(today or date.today()).isoformat()}"
    for row in parsed.rows:
        municipality = batch.municipality_for(row)
        neighbourhood = known.get(row.code)
        if municipality is None:
            continue
        if neighbourhood is None:
            batch.errors.append(
                row_error(row.row, _("onbekende wijk of buurt '%(code)s'.") % {"code": row.code})
            )
            continue
        if row.year is not None:
            batch.add_figures(
                row, neighbourhood, year=row.year, source=lambda _i, s=row.source: s or label
            )
    batch.raise_errors()
    return batch.write(user=user, comment=label)


def neighbourhood_boundaries_import(
    *, user, region: Region, content: bytes, filename: str, source: str = ""
) -> NeighbourhoodBoundaries:
    """Replace the region's district boundaries by a GeoJSON or TopoJSON file, all or nothing:
    every ring closed, every code a known wijk or buurt of the region."""
    if user is not None and not can(user, CHANGE, region):
        raise PermissionDenied(_("Alleen de projectleider van de regio importeert wijkgrenzen."))
    try:
        features = parse_boundaries(_text(content))
    except InvalidGeometry as error:
        raise ValidationError(str(error).split("\n")) from error
    known = set(
        Neighbourhood.objects.filter(municipality__region=region).values_list("code", flat=True)
    )
    unknown = sorted({f["id"] for f in features} - known)
    if unknown:
        raise ValidationError(
            _("Onbekende wijk- of buurtcodes in %(region)s: %(codes)s.")
            % {"region": region, "codes": ", ".join(unknown)}
        )
    with transaction.atomic():
        boundaries = NeighbourhoodBoundaries.objects.filter(region=region).first()
        before = _boundaries_summary(boundaries) if boundaries else None
        boundaries = boundaries or NeighbourhoodBoundaries(region=region)
        boundaries.filename = filename
        boundaries.source = source or filename
        boundaries.features = features
        boundaries.imported_by = user
        boundaries.full_clean()
        boundaries.save()
        record_change(
            user=user,
            obj=boundaries,
            action=ObjectChange.Action.UPDATE if before else ObjectChange.Action.CREATE,
            before=before,
            after=_boundaries_summary(boundaries),
            comment=filename,
        )
    return boundaries


def _boundaries_summary(boundaries):
    """What the history keeps of a boundary file: not the geometry, which can be megabytes."""
    return {
        "filename": boundaries.filename,
        "source": boundaries.source,
        "codes": sorted(f["id"] for f in boundaries.features),
    }


def neighbourhood_file_import(
    *, user, kind: str, content: bytes, filename: str, region: Region, year=None, source=""
) -> str:
    """One entry for the admin upload and the command: import a file of `kind`
    ("kerncijfers", "leefbaarheid", "grenzen"); returns a Dutch summary."""
    if kind == "grenzen":
        boundaries = neighbourhood_boundaries_import(
            user=user, region=region, content=content, filename=filename, source=source
        )
        return _("%(count)s wijkgrenzen geïmporteerd.") % {"count": len(boundaries.features)}
    if kind == "kerncijfers":
        summary = neighbourhood_figures_import(
            user=user, content=content, filename=filename, year=year
        )
    else:
        summary = liveability_import(user=user, content=content, filename=filename)
    message = _("%(created)s toegevoegd, %(updated)s bijgewerkt.") % {
        "created": summary.created,
        "updated": summary.updated,
    }
    if summary.skipped_regions:
        message += " " + _("%(count)s rijen buiten de regio overgeslagen.") % {
            "count": summary.skipped_regions
        }
    return message
