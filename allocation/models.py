"""Models of fair-share methodologies, scenarios, runs and results."""

import math
from datetime import timedelta
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allocation.engine import DEFAULT_CAP_SHARE, exact_cap_share
from gmr_thuis.permissions import ScopedQuerySet
from municipalities.models import CareType, Indicator


def key_indicator_choices():
    """The columns a key may weigh: the profile figures, care clients per type and 75-plus."""
    return [
        *Indicator.choices,
        ("inhabitants_75_plus", _("Inwoners 75-plus")),
        *[
            (f"care_{code}", _("Cliënten %(type)s") % {"type": label})
            for code, label in CareType.choices
        ],
    ]


def validate_key_weights(value):
    """A key: indicator code -> non-negative weight, at least one weight above zero."""
    known = {code for code, _label in key_indicator_choices()}
    if not isinstance(value, dict) or not value:
        raise ValidationError(_("Een verdeelsleutel heeft ten minste één indicator met gewicht."))
    unknown = sorted(set(value) - known)
    if unknown:
        raise ValidationError(
            _("Onbekende indicator in de sleutel: %(names)s.") % {"names": ", ".join(unknown)}
        )
    weights = list(value.values())
    # nan and inf are floats too, and the JSON column refuses them: a 500 instead of a message.
    if any(
        not isinstance(w, int | float) or isinstance(w, bool) or not math.isfinite(w) or w < 0
        for w in weights
    ):
        raise ValidationError(_("Gewichten zijn getallen van 0 of meer."))
    if sum(weights) <= 0:
        raise ValidationError(_("Ten minste één gewicht moet groter zijn dan 0."))


class RoundingMethod(models.TextChoices):
    HAMILTON = "hamilton", _("Grootste overschot (Hamilton)")
    JEFFERSON = "jefferson", _("D'Hondt (Jefferson)")
    WEBSTER = "webster", _("Sainte-Laguë (Webster)")
    HUNTINGTON_HILL = "huntington_hill", _("Huntington-Hill")
    ADAMS = "adams", _("Adams")


class TieBreak(models.TextChoices):
    STABLE = "stable", _("Vaste volgorde (CBS-code)")
    LOT = "lot", _("Loting met vaste seed")


class Methodology(models.Model):
    """How the regional task is shared out: a key per group, corrections, cap and rounding."""

    name = models.CharField(_("naam"), max_length=150)
    slug = models.SlugField(unique=True)
    # The cap share as an exact fraction (default exactly one third): cap_share reads it.
    cap_numerator = models.PositiveIntegerField(
        _("plafond: teller"),
        default=DEFAULT_CAP_SHARE.numerator,
        help_text=_(
            "Het deel van de mutaties sociale huur dat urgente groepen ten hoogste krijgen, "
            "als breuk: teller gedeeld door noemer."
        ),
    )
    cap_denominator = models.PositiveIntegerField(
        _("plafond: noemer"),
        default=DEFAULT_CAP_SHARE.denominator,
        validators=[MinValueValidator(1)],
    )
    rounding_method = models.CharField(
        _("afrondingsmethode"),
        max_length=20,
        choices=RoundingMethod.choices,
        default=RoundingMethod.HAMILTON,
    )
    tie_break = models.CharField(
        _("gelijke stand"), max_length=10, choices=TieBreak.choices, default=TieBreak.STABLE
    )
    seed = models.PositiveIntegerField(_("seed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("methodiek")
        verbose_name_plural = _("methodieken")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cap_denominator__gte=1)
                & models.Q(cap_numerator__lte=models.F("cap_denominator")),
                name="cap_share_is_a_fraction_of_one",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def cap_share(self) -> Fraction:
        """The exact maximal share of the turnover for urgent groups."""
        return Fraction(self.cap_numerator, self.cap_denominator or 1)

    @cap_share.setter
    def cap_share(self, value):
        fraction = exact_cap_share(value)
        self.cap_numerator, self.cap_denominator = fraction.numerator, fraction.denominator

    def clean(self):
        if self.tie_break == TieBreak.LOT and self.seed is None:
            raise ValidationError(
                {"seed": _("Loting vraagt een seed, zodat de uitkomst herhaalbaar is.")}
            )
        if self.cap_denominator and self.cap_numerator > self.cap_denominator:
            raise ValidationError(
                {"cap_numerator": _("Het plafond is ten hoogste de hele mutatie: teller ≤ noemer.")}
            )


class MethodologyGroupRule(models.Model):
    """The settings of one target group within a methodology."""

    methodology = models.ForeignKey(Methodology, on_delete=models.CASCADE, related_name="rules")
    target_group = models.ForeignKey(
        "municipalities.TargetGroup", on_delete=models.PROTECT, verbose_name=_("aandachtsgroep")
    )
    key_weights = models.JSONField(
        _("verdeelsleutel"), default=dict, validators=[validate_key_weights]
    )
    local = models.BooleanField(
        _("lokaal"), default=False, help_text=_("Elke gemeente huisvest haar eigen deel.")
    )
    correct_for_carried = models.BooleanField(
        _("corrigeren voor wat al gedragen wordt"), default=False
    )
    capped = models.BooleanField(_("telt mee onder het plafond"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["target_group__sort_order", "target_group__code"]
        verbose_name = _("groepsregel")
        verbose_name_plural = _("groepsregels")
        constraints = [
            models.UniqueConstraint(
                fields=["methodology", "target_group"], name="one_rule_per_group"
            ),
        ]

    def __str__(self):
        return f"{self.methodology}: {self.target_group}"


class Scenario(models.Model):
    """A methodology applied to a period of years with the figures of one data year."""

    scope_region = "region"

    name = models.CharField(_("naam"), max_length=150)
    slug = models.SlugField(unique=True)
    region = models.ForeignKey(
        "municipalities.Region", on_delete=models.PROTECT, related_name="scenarios"
    )
    methodology = models.ForeignKey(
        Methodology, on_delete=models.PROTECT, related_name="scenarios", verbose_name=_("methodiek")
    )
    first_year = models.PositiveSmallIntegerField(_("eerste jaar"))
    last_year = models.PositiveSmallIntegerField(_("laatste jaar"))
    data_year = models.PositiveSmallIntegerField(
        _("peiljaar cijfers"), help_text=_("Het jaar van de gemeentecijfers die de sleutel vullen.")
    )
    notes = models.TextField(_("toelichting"), blank=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-first_year", "name"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenario's")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_year__lte=models.F("last_year")),
                name="scenario_period_in_order",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.first_year and self.last_year and self.first_year > self.last_year:
            raise ValidationError(
                {"last_year": _("Het laatste jaar ligt niet vóór het eerste jaar.")}
            )

    @property
    def years(self):
        return list(range(self.first_year, self.last_year + 1))


class ImmutableWhenApproved(Exception):
    """An approved run, or a result of one, was about to change."""


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("in de wachtrij")
    RUNNING = "running", _("bezig")
    SUCCEEDED = "succeeded", _("klaar")
    FAILED = "failed", _("mislukt")


class RunNotice(models.TextChoices):
    WORKER_LOST = "worker_lost", _("Werker verloren, wordt opnieuw geprobeerd.")
    REQUEUED = "requeued", _("Nog in de wachtrij; opnieuw aangeboden aan de werkers.")


class AllocationRun(models.Model):
    """One computation of a scenario as a job: its status, its inputs' hash and its results."""

    scope_region = "scenario__region"

    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="runs")
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        _("voortgang"), default=0, validators=[MaxValueValidator(100)]
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="allocation_runs",
        verbose_name=_("gestart door"),
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    started_at = models.DateTimeField(_("begonnen"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    first_year = models.PositiveSmallIntegerField(_("eerste jaar"))
    last_year = models.PositiveSmallIntegerField(_("laatste jaar"))
    # The canonical inputs the run computed from, so any two runs can say how they differ.
    inputs = models.JSONField(_("invoer"), null=True, blank=True)
    input_hash = models.CharField(_("hash van de invoer"), max_length=64, blank=True)
    engine_version = models.CharField(_("versie rekenkern"), max_length=40, blank=True)
    error = models.TextField(_("foutmelding"), blank=True)
    # The job's bookkeeping: which Celery task is responsible for the run now (set when it is
    # sent and when a worker takes it), when it was sent, how often a worker took it, and the
    # worker's last sign of life. A run whose heartbeat stops is given to another worker.
    task_id = models.CharField(_("taak"), max_length=64, blank=True)
    dispatched_at = models.DateTimeField(_("aangeboden"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    heartbeat_at = models.DateTimeField(_("laatste teken van leven"), null=True, blank=True)
    # What the user should know about an unfinished run (e.g. it was handed to another worker).
    notice = models.CharField(_("mededeling"), max_length=20, choices=RunNotice.choices, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("verdeelrun")
        verbose_name_plural = _("verdeelruns")

    def __str__(self):
        return _("Berekening %(id)s van %(scenario)s") % {"id": self.pk, "scenario": self.scenario}

    def save(self, *args, **kwargs):
        if self.is_approved:
            raise ImmutableWhenApproved(_("Een goedgekeurde berekening kan niet meer veranderen."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_approved:
            raise ImmutableWhenApproved(
                _("Een goedgekeurde berekening kan niet worden verwijderd.")
            )
        return super().delete(*args, **kwargs)

    @property
    def is_approved(self):
        return self.pk is not None and self.approvals.exists()

    @property
    def is_finished(self):
        return self.status in (RunStatus.SUCCEEDED, RunStatus.FAILED)

    @property
    def worker_seems_lost(self):
        """Running, but its worker gave no sign of life for longer than a beat could take."""
        if self.status != RunStatus.RUNNING:
            return False
        last_sign = self.heartbeat_at or self.started_at
        lost_after = timedelta(seconds=settings.GMR_RUN_LOST_AFTER_SECONDS)
        return last_sign is None or last_sign < timezone.now() - lost_after


class Approval(models.Model):
    """A project leader's approval of a run as the region's fair share for its period.

    Earlier approvals of the same period stay as history; only one is current.
    """

    scope_region = "region"

    run = models.ForeignKey(AllocationRun, on_delete=models.PROTECT, related_name="approvals")
    region = models.ForeignKey("municipalities.Region", on_delete=models.PROTECT)
    first_year = models.PositiveSmallIntegerField(_("eerste jaar"))
    last_year = models.PositiveSmallIntegerField(_("laatste jaar"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="allocation_approvals",
        verbose_name=_("goedgekeurd door"),
    )
    approved_at = models.DateTimeField(_("goedgekeurd op"), auto_now_add=True)
    is_current = models.BooleanField(_("geldend"), default=True)
    superseded_at = models.DateTimeField(_("vervangen op"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-approved_at", "-pk"]
        verbose_name = _("goedkeuring")
        verbose_name_plural = _("goedkeuringen")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "first_year", "last_year"],
                condition=models.Q(is_current=True),
                name="one_current_approval_per_period",
            ),
        ]

    def __str__(self):
        return f"{self.run} ({self.first_year}–{self.last_year})"


class ResultQuerySet(ScopedQuerySet):
    """Results; those of approved runs refuse bulk changes as their run refuses single ones."""

    def _refuse_if_approved(self):
        if self.filter(run__approvals__isnull=False).exists():
            raise ImmutableWhenApproved(
                _("Uitkomsten van een goedgekeurde berekening veranderen niet.")
            )

    def update(self, **kwargs):
        self._refuse_if_approved()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_approved()
        return super().delete()


class AllocationResult(models.Model):
    """One municipality × target group × year cell of a run, with its explanation."""

    scope_municipality = "municipality"

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="results")
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, verbose_name=_("gemeente")
    )
    target_group = models.ForeignKey(
        "municipalities.TargetGroup", on_delete=models.PROTECT, verbose_name=_("aandachtsgroep")
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    key_share = models.FloatField(_("aandeel in de sleutel"))
    ideal = models.FloatField(_("ideaal aandeel"))
    after_correction = models.FloatField(_("na correctie"))
    after_cap = models.FloatField(_("na plafond"))
    quota = models.IntegerField(_("fair share"))
    shortfall = models.FloatField(_("tekort"), default=0)
    key_contribution = models.FloatField(_("bijdrage sleutel"))
    correction_contribution = models.FloatField(_("bijdrage correctie"))
    cap_contribution = models.FloatField(_("bijdrage plafond"))
    rounding_contribution = models.FloatField(_("bijdrage afronding"))
    carry_over_contribution = models.FloatField(_("bijdrage overloop"), default=0)
    capacity = models.FloatField(_("capaciteit"), null=True, blank=True)
    capped = models.BooleanField(_("begrensd"), default=False)
    local = models.BooleanField(_("lokaal"), default=False)

    objects = ResultQuerySet.as_manager()

    class Meta:
        ordering = ["year", "municipality__name", "target_group__sort_order"]
        verbose_name = _("uitkomst")
        verbose_name_plural = _("uitkomsten")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "municipality", "target_group", "year"],
                name="one_result_per_cell",
            ),
        ]

    def __str__(self):
        return f"{self.municipality} {self.target_group} {self.year}: {self.quota}"

    def save(self, *args, **kwargs):
        if self.run.is_approved:
            raise ImmutableWhenApproved(
                _("Uitkomsten van een goedgekeurde berekening veranderen niet.")
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.run.is_approved:
            raise ImmutableWhenApproved(
                _("Uitkomsten van een goedgekeurde berekening veranderen niet.")
            )
        return super().delete(*args, **kwargs)


class SensitivitySweep(models.Model):
    """A sweep of a scenario over ranges of key weights and cap shares, kept as bands."""

    scope_region = "scenario__region"

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="sweeps")
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("voortgang"), default=0)
    weight_factors = models.JSONField(
        _("gewichtsfactoren"), help_text=_("Factoren waarmee elk gewicht van de sleutel varieert.")
    )
    cap_shares = models.JSONField(_("plafonds"))
    methodology_count = models.PositiveIntegerField(_("aantal varianten"), default=0)
    years_done = models.JSONField(_("klare jaren"), default=list)
    # The scenario's canonical inputs, taken once, so every year (and every chunk task) of the
    # sweep computes from the same figures, as a run does.
    inputs = models.JSONField(_("invoer"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    error = models.TextField(_("foutmelding"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("gevoeligheidsanalyse")
        verbose_name_plural = _("gevoeligheidsanalyses")

    def __str__(self):
        return _("Gevoeligheid %(id)s van %(scenario)s") % {
            "id": self.pk,
            "scenario": self.scenario,
        }


class SensitivityBand(models.Model):
    """The spread of one cell's fair share over all variants of a sweep."""

    scope_municipality = "municipality"

    sweep = models.ForeignKey(SensitivitySweep, on_delete=models.CASCADE, related_name="bands")
    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.PROTECT)
    target_group = models.ForeignKey("municipalities.TargetGroup", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("jaar"))
    minimum = models.FloatField(_("minimum"))
    p10 = models.FloatField(_("10e percentiel"))
    median = models.FloatField(_("mediaan"))
    p90 = models.FloatField(_("90e percentiel"))
    maximum = models.FloatField(_("maximum"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["year", "municipality__name", "target_group__sort_order"]
        verbose_name = _("bandbreedte")
        verbose_name_plural = _("bandbreedtes")
        constraints = [
            models.UniqueConstraint(
                fields=["sweep", "municipality", "target_group", "year"], name="one_band_per_cell"
            ),
        ]

    def __str__(self):
        return f"{self.municipality} {self.target_group} {self.year}: {self.median}"
