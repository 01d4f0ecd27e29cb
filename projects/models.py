"""Housing projects of the municipalities: what they add, for whom, and how far along they are."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gmr_thuis.permissions import ScopedQuerySet
from monitoring.models import VersionedRecord
from municipalities.models import SourcedFigure

year_validators = [MinValueValidator(2000), MaxValueValidator(2060)]
# A neighbourhood (buurt, BU + 8 digits) or district (wijk, WK + 6 digits) of CBS.
neighbourhood_validator = RegexValidator(
    r"^(BU\d{8}|WK\d{6})$", _("Een buurtcode is BU gevolgd door 8 cijfers (of WK en 6 cijfers).")
)
NOT_NEGATIVE = _("Het aantal woningen kan niet negatief zijn.")


def homes_field(label):
    """A count of homes; negative counts get a Dutch message instead of a database error."""
    return models.IntegerField(label, default=0, validators=[MinValueValidator(0, NOT_NEGATIVE)])


class ProjectKind(models.TextChoices):
    NEW_CONSTRUCTION = "new_construction", _("nieuwbouw")
    TRANSFORMATION = "transformation", _("transformatie")
    FLEX = "flex", _("flexwoningen")
    CLUSTERED_OLDER = "clustered_older", _("geclusterd wonen voor ouderen")
    NURSING_CARE = "nursing_care", _("verpleegzorgplekken")
    OTHER = "other", _("anders")


class Phase(models.TextChoices):
    """The phases in the order a project goes through them."""

    IDEA = "idea", _("initiatief")
    PLAN = "plan", _("plan")
    PERMIT = "permit", _("vergunning")
    UNDER_CONSTRUCTION = "under_construction", _("in aanbouw")
    DELIVERED = "delivered", _("opgeleverd")


PHASE_ORDER = list(Phase.values)
SEGMENTS = ("social_rent", "mid_rent", "owner_occupied")
SUITABILITIES = ("zero_step", "clustered", "nursing_care")


class Project(VersionedRecord):
    """One housing project that adds or transforms homes in a municipality; versioned like the
    monitoring records, so two editors never overwrite each other unseen."""

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.CASCADE,
        related_name="projects",
        verbose_name=_("gemeente"),
    )
    neighbourhood_code = models.CharField(
        _("buurtcode (CBS)"), max_length=10, blank=True, validators=[neighbourhood_validator]
    )
    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=20, choices=ProjectKind.choices)
    homes_total = homes_field(_("woningen totaal"))
    social_rent = homes_field(_("sociale huur"))
    mid_rent = homes_field(_("middenhuur"))
    owner_occupied = homes_field(_("koop"))
    zero_step = homes_field(_("nultredenwoningen"))
    clustered = homes_field(_("geclusterde woonvormen"))
    nursing_care = homes_field(_("verpleegzorgplekken"))
    phase = models.CharField(_("fase"), max_length=20, choices=Phase.choices, default=Phase.IDEA)
    phase_date = models.DateField(_("datum fase"), null=True, blank=True)
    plan_year = models.PositiveSmallIntegerField(_("planjaar"), validators=year_validators)
    expected_delivery_year = models.PositiveSmallIntegerField(
        _("verwacht jaar van oplevering"), validators=year_validators
    )
    delivered_on = models.DateField(_("opleverdatum"), null=True, blank=True)
    corporation = models.ForeignKey(
        "municipalities.HousingCorporation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("woningcorporatie"),
    )
    developer = models.CharField(_("ontwikkelaar"), max_length=200, blank=True)
    target_groups = models.ManyToManyField(
        "municipalities.TargetGroup",
        through="ProjectTargetGroup",
        related_name="projects",
        verbose_name=_("aandachtsgroepen"),
    )

    class Meta:
        ordering = ["municipality__name", "expected_delivery_year", "name"]
        verbose_name = _("project")
        verbose_name_plural = _("projecten")

    def __str__(self):
        return f"{self.name} ({self.municipality})"

    def clean(self):
        errors = {}
        segments = sum(getattr(self, name) or 0 for name in SEGMENTS)
        if self.homes_total is not None and segments != self.homes_total:
            errors["homes_total"] = _(
                "Sociale huur, middenhuur en koop (samen %(segments)s) tellen niet op tot het "
                "totaal van %(total)s woningen."
            ) % {"segments": segments, "total": self.homes_total}
        suitable = sum(getattr(self, name) or 0 for name in SUITABILITIES)
        if self.homes_total is not None and suitable > self.homes_total:
            errors["zero_step"] = _(
                "Nultreden, geclusterd en verpleegzorg (samen %(suitable)s) zijn meer dan het "
                "totaal van %(total)s woningen."
            ) % {"suitable": suitable, "total": self.homes_total}
        if self.phase == Phase.DELIVERED and self.delivered_on is None:
            errors["delivered_on"] = _("Een opgeleverd project heeft een opleverdatum.")
        if (
            self.plan_year
            and self.expected_delivery_year
            and self.expected_delivery_year < self.plan_year
        ):
            errors["expected_delivery_year"] = _(
                "Het jaar van oplevering (%(delivery)s) ligt voor het planjaar (%(plan)s)."
            ) % {"delivery": self.expected_delivery_year, "plan": self.plan_year}
        if errors:
            raise ValidationError(errors)

    @property
    def phase_index(self) -> int:
        return PHASE_ORDER.index(self.phase)


class ProjectTargetGroup(models.Model):
    """A target group a project serves, with the homes earmarked for it where there are."""

    scope_municipality = "project__municipality"

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="earmarks", verbose_name=_("project")
    )
    target_group = models.ForeignKey(
        "municipalities.TargetGroup", on_delete=models.PROTECT, verbose_name=_("aandachtsgroep")
    )
    earmarked_homes = models.IntegerField(
        _("gereserveerde woningen"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0, NOT_NEGATIVE)],
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("doelgroep van een project")
        verbose_name_plural = _("doelgroepen van projecten")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "target_group"], name="unique_project_target_group"
            )
        ]

    def __str__(self):
        return f"{self.project.name}: {self.target_group}"


class ProjectStep(models.Model):
    """The phase and expected delivery year a project had from a moment on: its phase history
    and the record of every slip of its delivery year."""

    scope_municipality = "project__municipality"

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="steps", verbose_name=_("project")
    )
    phase = models.CharField(_("fase"), max_length=20, choices=Phase.choices)
    phase_date = models.DateField(_("datum fase"), null=True, blank=True)
    expected_delivery_year = models.PositiveSmallIntegerField(_("verwacht jaar van oplevering"))
    recorded_at = models.DateTimeField(_("vastgelegd"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastgelegd door"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "recorded_at", "pk"]
        verbose_name = _("stap van een project")
        verbose_name_plural = _("stappen van projecten")

    def __str__(self):
        return f"{self.project.name}: {self.get_phase_display()} ({self.expected_delivery_year})"


# The kinds of homes and places suitable for older people (national programme 2022).
SUITABILITY_CHOICES = [
    ("zero_step", _("nultredenwoningen")),
    ("clustered", _("geclusterde woonvormen")),
    ("nursing_care", _("verpleegzorgplekken")),
]


class PhaseProbability(models.Model):
    """The region's estimate of how likely a project in a phase delivers in its expected year;
    where the region set none, `DEFAULT_PHASE_PROBABILITIES` (docs/projects.md) apply."""

    scope_region = "region"

    region = models.ForeignKey(
        "municipalities.Region", on_delete=models.CASCADE, verbose_name=_("regio")
    )
    phase = models.CharField(_("fase"), max_length=20, choices=Phase.choices)
    probability = models.DecimalField(
        _("kans op oplevering"),
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    source = models.CharField(_("bron"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("kans per fase")
        verbose_name_plural = _("kansen per fase")
        constraints = [
            models.UniqueConstraint(fields=["region", "phase"], name="unique_phase_probability")
        ]

    def __str__(self):
        return f"{self.region}: {self.get_phase_display()} {self.probability}"


class OlderPeopleNorm(models.Model):
    """The region's norm: homes of a kind per 1,000 additional people aged 75+; where the region
    set none, the defaults derived from the national programme apply (docs/projects.md)."""

    scope_region = "region"

    region = models.ForeignKey(
        "municipalities.Region", on_delete=models.CASCADE, verbose_name=_("regio")
    )
    suitability = models.CharField(_("soort"), max_length=20, choices=SUITABILITY_CHOICES)
    per_thousand = models.DecimalField(
        _("per 1.000 inwoners van 75+"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    source = models.CharField(_("bron"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("norm wonen en zorg voor ouderen")
        verbose_name_plural = _("normen wonen en zorg voor ouderen")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "suitability"], name="unique_older_people_norm"
            )
        ]

    def __str__(self):
        return f"{self.region}: {self.get_suitability_display()} {self.per_thousand}"


class OlderPopulationForecast(SourcedFigure):
    """The official (or the region's own) forecast of a municipality's inhabitants aged 75+ and
    85+ in a year; where there is one it replaces the estimate of projects/older_people.py."""

    scope_municipality = "municipality"

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.CASCADE,
        related_name="older_population_forecasts",
        verbose_name=_("gemeente"),
    )
    year = models.PositiveSmallIntegerField(_("jaar"), validators=year_validators)
    inhabitants = models.PositiveIntegerField(_("inwoners"))
    aged_75_plus = models.PositiveIntegerField(_("inwoners van 75+"))
    aged_85_plus = models.PositiveIntegerField(_("inwoners van 85+"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "year"]
        verbose_name = _("prognose ouderen")
        verbose_name_plural = _("prognoses ouderen")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="unique_older_population_forecast"
            )
        ]

    def __str__(self):
        return f"{self.municipality} {self.year}: 75+ {self.aged_75_plus}"

    def clean(self):
        errors = {}
        if self.aged_75_plus is not None and self.inhabitants is not None:
            if self.aged_75_plus > self.inhabitants:
                errors["aged_75_plus"] = _(
                    "Het aantal 75-plussers (%(older)s) is groter dan het aantal inwoners "
                    "(%(inhabitants)s)."
                ) % {"older": self.aged_75_plus, "inhabitants": self.inhabitants}
        if self.aged_85_plus is not None and self.aged_75_plus is not None:
            if self.aged_85_plus > self.aged_75_plus:
                errors["aged_85_plus"] = _(
                    "Het aantal 85-plussers (%(oldest)s) is groter dan het aantal 75-plussers "
                    "(%(older)s)."
                ) % {"oldest": self.aged_85_plus, "older": self.aged_75_plus}
        if errors:
            raise ValidationError(errors)


# Estimates, not measurements: the share of homes in each phase that is delivered in the year
# expected. Reasoning in docs/projects.md; a region overrides them with PhaseProbability rows.
DEFAULT_PHASE_PROBABILITIES = {
    Phase.IDEA: 0.2,
    Phase.PLAN: 0.5,
    Phase.PERMIT: 0.8,
    Phase.UNDER_CONSTRUCTION: 0.95,
    Phase.DELIVERED: 1.0,
}


class OlderPeopleStock(SourcedFigure):
    """How many homes or places of a kind suitable for older people a municipality has, counted
    in a year; where there is none, projects/older_people.py estimates the stock (docs)."""

    scope_municipality = "municipality"

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.CASCADE,
        related_name="older_people_stock",
        verbose_name=_("gemeente"),
    )
    suitability = models.CharField(_("soort"), max_length=20, choices=SUITABILITY_CHOICES)
    year = models.PositiveSmallIntegerField(_("peiljaar"), validators=year_validators)
    count = models.PositiveIntegerField(_("aantal"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "suitability", "year"]
        verbose_name = _("voorraad voor ouderen")
        verbose_name_plural = _("voorraad voor ouderen")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "suitability", "year"], name="unique_older_people_stock"
            )
        ]

    def __str__(self):
        return f"{self.municipality} {self.year}: {self.get_suitability_display()} {self.count}"
