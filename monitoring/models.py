"""Models of local agreements, objections, realisation, housing plans and corporation reports."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gmr_thuis.models import IdempotentRecord
from gmr_thuis.permissions import ScopedQuerySet

# The regional agreements run to 2030; the dashboard measures cumulative progress towards it.
HORIZON_YEAR = 2030
year_validators = [MinValueValidator(2020), MaxValueValidator(2040)]


def neighbourhood_field(related_name):
    """The optional wijk or buurt where placements landed (for the concentration check)."""
    return models.ForeignKey(
        "municipalities.Neighbourhood",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=_("wijk of buurt"),
    )


def check_neighbourhood(record):
    """A placement's neighbourhood lies in the placement's municipality."""
    if record.neighbourhood_id is None or record.municipality_id is None:
        return
    neighbourhood = record.neighbourhood
    if neighbourhood.municipality_id != record.municipality_id:
        raise ValidationError(
            {
                "neighbourhood": _("%(neighbourhood)s ligt niet in %(municipality)s.")
                % {"neighbourhood": neighbourhood, "municipality": record.municipality}
            }
        )


class VersionedRecord(models.Model):
    """A municipality's record that two people may edit at once: each save carries the
    `version` the editor loaded, and a save over a moved version is refused (no lost update)."""

    scope_municipality = "municipality"

    version = models.PositiveIntegerField(_("versie"), default=1, editable=False)
    updated_at = models.DateTimeField(_("laatst gewijzigd"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("laatst gewijzigd door"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("concept")
    SUBMITTED = "submitted", _("ingediend")
    APPROVED = "approved", _("goedgekeurd")
    RETURNED = "returned", _("teruggestuurd")


class LocalAgreement(VersionedRecord):
    """What a municipality agrees to house of one target group in one year, and how."""

    EDITABLE_STATUSES = (AgreementStatus.DRAFT, AgreementStatus.RETURNED)
    # Corporations and the API see an agreement once the region approved it; drafts, submitted
    # and returned agreements (and their notes) stay between the municipality and the region.
    scope_published = models.Q(status=AgreementStatus.APPROVED)

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.CASCADE,
        related_name="local_agreements",
        verbose_name=_("gemeente"),
    )
    target_group = models.ForeignKey(
        "municipalities.TargetGroup",
        on_delete=models.PROTECT,
        related_name="local_agreements",
        verbose_name=_("aandachtsgroep"),
    )
    year = models.PositiveSmallIntegerField(_("jaar"), validators=year_validators)
    agreed_number = models.PositiveIntegerField(_("afgesproken aantal"))
    care_support = models.TextField(_("geregelde zorg en ondersteuning"), blank=True)
    corporation_partners = models.TextField(_("partners: woningcorporaties"), blank=True)
    care_partners = models.TextField(_("partners: zorg- en welzijnspartijen"), blank=True)
    notes = models.TextField(_("toelichting"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    review_comment = models.TextField(_("opmerking van de regio"), blank=True)

    class Meta:
        ordering = ["municipality__name", "year", "target_group__sort_order"]
        verbose_name = _("lokale afspraak")
        verbose_name_plural = _("lokale afspraken")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "target_group", "year"],
                name="unique_agreement_per_group_year",
            ),
        ]

    def __str__(self):
        return f"{self.municipality} {self.year} {self.target_group}: {self.agreed_number}"

    @property
    def is_editable(self):
        return self.status in self.EDITABLE_STATUSES


class ObjectionWindow(models.Model):
    """The deadline the region sets for objections to the fair share of one year."""

    scope_region = "region"

    region = models.ForeignKey(
        "municipalities.Region", on_delete=models.CASCADE, related_name="objection_windows"
    )
    year = models.PositiveSmallIntegerField(_("jaar"), validators=year_validators)
    deadline = models.DateField(_("uiterste datum"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("bezwaartermijn")
        verbose_name_plural = _("bezwaartermijnen")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="unique_window_per_year"),
        ]

    def __str__(self):
        return f"{self.year}: {self.deadline:%d-%m-%Y}"


class ObjectionStatus(models.TextChoices):
    LODGED = "lodged", _("ingediend")
    ACCEPTED = "accepted", _("toegekend")
    REJECTED = "rejected", _("afgewezen")


class Objection(models.Model):
    """A municipality's objection to its fair share (of one group, or all of it) for a year."""

    scope_municipality = "municipality"

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.CASCADE,
        related_name="objections",
        verbose_name=_("gemeente"),
    )
    target_group = models.ForeignKey(
        "municipalities.TargetGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objections",
        verbose_name=_("aandachtsgroep"),
        help_text=_("Leeg: bezwaar tegen de hele fair share van dat jaar."),
    )
    year = models.PositiveSmallIntegerField(_("jaar"), validators=year_validators)
    reasoning = models.TextField(_("onderbouwing"))
    figures = models.TextField(_("cijfers"), blank=True)
    requested_number = models.PositiveIntegerField(_("gevraagd aantal"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ObjectionStatus.choices, default=ObjectionStatus.LODGED
    )
    decision_reason = models.TextField(_("reden van het besluit"), blank=True)
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("ingediend door"),
    )
    lodged_at = models.DateTimeField(_("ingediend op"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("besloten door"),
    )
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-lodged_at", "-pk"]
        verbose_name = _("bezwaar")
        verbose_name_plural = _("bezwaren")

    def __str__(self):
        subject = self.target_group or _("hele fair share")
        return f"{self.municipality} {self.year} {subject}"


class Realisation(VersionedRecord):
    """Placements of one target group in one municipality in one quarter, as the municipality
    reports them."""

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.CASCADE,
        related_name="realisations",
        verbose_name=_("gemeente"),
    )
    target_group = models.ForeignKey(
        "municipalities.TargetGroup",
        on_delete=models.PROTECT,
        related_name="realisations",
        verbose_name=_("aandachtsgroep"),
    )
    year = models.PositiveSmallIntegerField(_("jaar"), validators=year_validators)
    quarter = models.PositiveSmallIntegerField(
        _("kwartaal"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    placements = models.PositiveIntegerField(_("plaatsingen"))
    # Empty: placements whose neighbourhood was not reported. A quarter may have one record
    # without and one per neighbourhood; the municipality's placements are their sum.
    neighbourhood = neighbourhood_field("realisations")
    notes = models.TextField(_("toelichting"), blank=True)

    class Meta:
        ordering = ["municipality__name", "year", "quarter", "target_group__sort_order"]
        verbose_name = _("realisatie")
        verbose_name_plural = _("realisatie")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "target_group", "year", "quarter"],
                condition=models.Q(neighbourhood__isnull=True),
                name="unique_realisation_per_quarter",
            ),
            models.UniqueConstraint(
                fields=["municipality", "target_group", "year", "quarter", "neighbourhood"],
                condition=models.Q(neighbourhood__isnull=False),
                name="unique_realisation_per_quarter_neighbourhood",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="quarter_one_to_four"
            ),
        ]

    def __str__(self):
        where = f" {self.neighbourhood.name}" if self.neighbourhood_id else ""
        return (
            f"{self.municipality}{where} {self.year} K{self.quarter} {self.target_group}: "
            f"{self.placements}"
        )

    def clean(self):
        check_neighbourhood(self)


class HousingPlanKind(models.TextChoices):
    NEW_CONSTRUCTION = "new_construction", _("nieuwbouw")
    TRANSFORMATION = "transformation", _("transformatie bestaande voorraad")


class HousingPlan(VersionedRecord):
    """Homes for target groups a municipality plans in one year, by new construction or by
    transforming existing stock: planned, the current forecast, and what was delivered."""

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.CASCADE,
        related_name="housing_plans",
        verbose_name=_("gemeente"),
    )
    year = models.PositiveSmallIntegerField(_("jaar"), validators=year_validators)
    kind = models.CharField(_("soort"), max_length=20, choices=HousingPlanKind.choices)
    planned = models.PositiveIntegerField(_("gepland"))
    forecast = models.PositiveIntegerField(_("prognose"))
    delivered = models.PositiveIntegerField(_("opgeleverd"), default=0)
    notes = models.TextField(_("toelichting"), blank=True)

    class Meta:
        ordering = ["municipality__name", "year", "kind"]
        verbose_name = _("woningbouwplan")
        verbose_name_plural = _("woningbouwplannen")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "kind"], name="unique_housing_plan_per_kind"
            ),
        ]

    def __str__(self):
        return f"{self.municipality} {self.year} {self.get_kind_display()}"


class AllocationReport(IdempotentRecord):
    """A corporation's report of homes allocated (toewijzingen) to a target group."""

    scope_municipality = "municipality"
    scope_corporation = "corporation"

    corporation = models.ForeignKey(
        "municipalities.HousingCorporation",
        on_delete=models.PROTECT,
        related_name="allocation_reports",
        verbose_name=_("woningcorporatie"),
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.CASCADE,
        related_name="allocation_reports",
        verbose_name=_("gemeente"),
    )
    target_group = models.ForeignKey(
        "municipalities.TargetGroup",
        on_delete=models.PROTECT,
        related_name="allocation_reports",
        verbose_name=_("aandachtsgroep"),
    )
    date = models.DateField(_("datum toewijzing"))
    count = models.PositiveIntegerField(_("aantal"), validators=[MinValueValidator(1)])
    neighbourhood = neighbourhood_field("allocation_reports")
    reference = models.CharField(_("kenmerk"), max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("toewijzing corporatie")
        verbose_name_plural = _("toewijzingen corporaties")
        constraints = [
            models.UniqueConstraint(
                fields=["corporation", "idempotency_key"], name="unique_report_idempotency_key"
            ),
        ]

    def __str__(self):
        return f"{self.corporation} {self.municipality} {self.date}: {self.count}"

    @property
    def quarter(self):
        return (self.date.month - 1) // 3 + 1

    def clean(self):
        check_neighbourhood(self)


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("in de wachtrij")
    RUNNING = "running", _("bezig")
    SUCCEEDED = "succeeded", _("klaar")
    FAILED = "failed", _("mislukt")


class ImportJob(models.Model):
    """A large import that runs as a Celery job: who started it, how far it is, how it ended.

    The file waits in `content` until the job has read it, then is cleared: the job keeps its
    outcome, not the data. Only the user who started it sees the job (see `selectors`).
    """

    scope_region = "region"

    class Kind(models.TextChoices):
        REALISATION = "realisation", _("Realisatie")
        FIGURES = "figures", _("Gemeentecijfers")

    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    # Empty for the platform administrator, who belongs to no region.
    region = models.ForeignKey(
        "municipalities.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_jobs",
        verbose_name=_("regio"),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name=_("gestart door"),
    )
    filename = models.CharField(_("bestandsnaam"), max_length=255)
    content = models.BinaryField(_("bestand"), default=bytes)
    row_count = models.PositiveIntegerField(_("aantal rijen"), default=0)
    # What the import needs besides the file, e.g. the figure import's default year.
    options = models.JSONField(_("opties"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    written = models.PositiveIntegerField(_("ingelezen regels"), default=0)
    errors = models.JSONField(_("fouten"), default=list, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    started_at = models.DateTimeField(_("gestart"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("importtaak")
        verbose_name_plural = _("importtaken")

    def __str__(self):
        return f"{self.get_kind_display()} {self.filename} ({self.get_status_display()})"

    @property
    def is_finished(self):
        return self.status in (ImportJobStatus.SUCCEEDED, ImportJobStatus.FAILED)
