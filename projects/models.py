"""Housing projects (the pipeline), the region's phase probabilities and care norms, and the
older people's figures: forecasts of inhabitants 75+ and 85+ and the current stock."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gmr_thuis.permissions import ScopedQuerySet
from municipalities.models import SourcedFigure


class Kind(models.TextChoices):
    NEW_CONSTRUCTION = "new_construction", _("nieuwbouw")
    TRANSFORMATION = "transformation", _("transformatie")
    FLEX = "flex", _("flexwoningen")
    CLUSTERED_OLDER = "clustered_older", _("geclusterd voor ouderen")
    NURSING_CARE = "nursing_care", _("verpleegzorgplekken")
    OTHER = "other", _("overig")


class Phase(models.TextChoices):
    IDEA = "idea", _("idee")
    PLAN = "plan", _("plan")
    PERMIT = "permit", _("vergunning")
    CONSTRUCTION = "construction", _("in aanbouw")
    DELIVERED = "delivered", _("opgeleverd")


PHASE_ORDER = [p.value for p in Phase]
PHASE_DATE_FIELDS = {
    Phase.IDEA: "idea_date",
    Phase.PLAN: "plan_date",
    Phase.PERMIT: "permit_date",
    Phase.CONSTRUCTION: "construction_date",
    Phase.DELIVERED: "delivered_date",
}
SEGMENT_FIELDS = ("homes_social_rent", "homes_mid_rent", "homes_owner_occupied")
SUITABILITY_FIELDS = ("homes_zero_step", "homes_clustered", "nursing_care_places")


def neighbourhood_code_errors(code: str, municipality_cbs_code: str) -> list[str]:
    """Dutch errors for a CBS district (WKxxxxxx) or neighbourhood (BUxxxxxxxx) code."""
    if not code:
        return []
    if not re.fullmatch(r"WK\d{6}|BU\d{8}", code):
        return [
            _(
                "'%(code)s' is geen CBS-wijk- of buurtcode: WK met zes cijfers of BU met acht "
                "cijfers, bijvoorbeeld WK029300 of BU02930001."
            )
            % {"code": code}
        ]
    digits = municipality_cbs_code[2:]
    if code[2:6] != digits:
        return [
            _(
                "De code %(code)s hoort niet bij gemeente %(gm)s: de eerste vier cijfers moeten %(digits)s zijn."
            )
            % {"code": code, "gm": municipality_cbs_code, "digits": digits}
        ]
    return []


class Project(models.Model):
    """A housing project that adds or transforms homes."""

    scope_municipality = "municipality"

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("gemeente"),
    )
    neighbourhood_code = models.CharField(_("CBS-wijk- of buurtcode"), max_length=10, blank=True)
    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    total_homes = models.PositiveIntegerField(_("totaal woningen"))
    homes_social_rent = models.PositiveIntegerField(_("sociale huur"), default=0)
    homes_mid_rent = models.PositiveIntegerField(_("middenhuur"), default=0)
    homes_owner_occupied = models.PositiveIntegerField(_("koop"), default=0)
    homes_zero_step = models.PositiveIntegerField(_("nultredenwoningen"), default=0)
    homes_clustered = models.PositiveIntegerField(_("geclusterde woningen"), default=0)
    nursing_care_places = models.PositiveIntegerField(_("verpleegzorgplekken"), default=0)
    phase = models.CharField(_("fase"), max_length=20, choices=Phase.choices, default=Phase.IDEA)
    idea_date = models.DateField(_("datum idee"), null=True, blank=True)
    plan_date = models.DateField(_("datum plan"), null=True, blank=True)
    permit_date = models.DateField(_("datum vergunning"), null=True, blank=True)
    construction_date = models.DateField(_("datum start bouw"), null=True, blank=True)
    delivered_date = models.DateField(_("datum oplevering"), null=True, blank=True)
    plan_year = models.PositiveSmallIntegerField(
        _("planjaar"), validators=[MinValueValidator(2000), MaxValueValidator(2060)]
    )
    expected_year = models.PositiveSmallIntegerField(
        _("verwacht opleverjaar"), validators=[MinValueValidator(2000), MaxValueValidator(2060)]
    )
    corporation = models.ForeignKey(
        "municipalities.HousingCorporation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("woningcorporatie"),
    )
    developer = models.CharField(_("ontwikkelaar"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "expected_year", "name"]
        verbose_name = _("project")
        verbose_name_plural = _("projecten")

    def __str__(self):
        return f"{self.name} ({self.municipality})"

    def clean(self):
        errors = {}
        segments = sum(getattr(self, f) or 0 for f in SEGMENT_FIELDS)
        if self.total_homes is not None and segments != self.total_homes:
            errors["total_homes"] = _(
                "Sociale huur, middenhuur en koop tellen op tot %(sum)s, niet tot het totaal van "
                "%(total)s woningen."
            ) % {"sum": segments, "total": self.total_homes}
        for name in SUITABILITY_FIELDS:
            value = getattr(self, name) or 0
            if (
                self.total_homes is not None
                and name != "nursing_care_places"
                and value > self.total_homes
            ):
                errors[name] = _("Meer dan het totaal van %(total)s woningen.") % {
                    "total": self.total_homes
                }
        if self.phase == Phase.DELIVERED and not self.delivered_date:
            errors["delivered_date"] = _("Een opgeleverd project heeft een opleverdatum.")
        if self.plan_year and self.expected_year and self.expected_year < self.plan_year:
            errors["expected_year"] = _(
                "Het verwachte opleverjaar %(expected)s ligt vóór het planjaar %(plan)s."
            ) % {"expected": self.expected_year, "plan": self.plan_year}
        if self.municipality_id and self.neighbourhood_code:
            problems = neighbourhood_code_errors(
                self.neighbourhood_code, self.municipality.cbs_code
            )
            if problems:
                errors["neighbourhood_code"] = problems
        if errors:
            raise ValidationError(errors)


class ProjectTargetGroup(models.Model):
    """Homes of a project earmarked for a target group (aandachtsgroep)."""

    scope_municipality = "project__municipality"

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="target_groups", verbose_name=_("project")
    )
    target_group = models.ForeignKey(
        "municipalities.TargetGroup", on_delete=models.PROTECT, verbose_name=_("aandachtsgroep")
    )
    homes = models.PositiveIntegerField(_("gelabelde woningen"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("doelgroep van project")
        verbose_name_plural = _("doelgroepen van projecten")
        constraints = [
            models.UniqueConstraint(fields=["project", "target_group"], name="unique_project_group")
        ]

    def __str__(self):
        return f"{self.project}: {self.target_group} {self.homes}"


class ExpectedYearChange(models.Model):
    """One change of a project's expected delivery year: the history that shows delays."""

    scope_municipality = "project__municipality"

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="year_changes", verbose_name=_("project")
    )
    previous_year = models.PositiveSmallIntegerField(_("vorig jaar"), null=True, blank=True)
    new_year = models.PositiveSmallIntegerField(_("nieuw jaar"))
    changed_at = models.DateTimeField(_("gewijzigd op"), auto_now_add=True)
    changed_by = models.CharField(_("door"), max_length=150, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("wijziging opleverjaar")
        verbose_name_plural = _("wijzigingen opleverjaar")

    def __str__(self):
        return f"{self.project}: {self.previous_year} -> {self.new_year}"


class PhaseProbability(SourcedFigure):
    """The region's probability that a project in this phase delivers in its expected year."""

    scope_region = "region"

    region = models.ForeignKey("municipalities.Region", on_delete=models.CASCADE, related_name="+")
    phase = models.CharField(_("fase"), max_length=20, choices=Phase.choices)
    probability = models.DecimalField(
        _("kans"),
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("kans per fase")
        verbose_name_plural = _("kansen per fase")
        constraints = [
            models.UniqueConstraint(fields=["region", "phase"], name="unique_phase_probability")
        ]


class CareKind(models.TextChoices):
    ZERO_STEP = "zero_step", _("nultredenwoningen")
    CLUSTERED = "clustered", _("geclusterde woonvormen")
    NURSING = "nursing_care", _("verpleegzorgplekken")


class CareNorm(SourcedFigure):
    """The region's norm: homes or places needed per 1,000 inhabitants aged 75+."""

    scope_region = "region"

    region = models.ForeignKey("municipalities.Region", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("soort"), max_length=20, choices=CareKind.choices)
    per_1000 = models.DecimalField(
        _("per 1.000 inwoners van 75+"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("norm ouderenhuisvesting")
        verbose_name_plural = _("normen ouderenhuisvesting")
        constraints = [models.UniqueConstraint(fields=["region", "kind"], name="unique_care_norm")]


class OlderPeopleForecast(SourcedFigure):
    """Inhabitants, and those aged 75+ and 85+, of a municipality in a year (now or forecast)."""

    scope_municipality = "municipality"

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    population = models.PositiveIntegerField(_("inwoners"))
    aged_75_plus = models.PositiveIntegerField(_("inwoners 75+"))
    aged_85_plus = models.PositiveIntegerField(_("inwoners 85+"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "year"]
        verbose_name = _("prognose ouderen")
        verbose_name_plural = _("prognoses ouderen")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="unique_older_forecast"),
            models.CheckConstraint(
                condition=models.Q(aged_75_plus__lte=models.F("population")),
                name="older_75_within_population",
            ),
            models.CheckConstraint(
                condition=models.Q(aged_85_plus__lte=models.F("aged_75_plus")),
                name="older_85_within_75",
            ),
        ]


class OlderPeopleStock(SourcedFigure):
    """The current stock of zero-step homes, clustered homes or nursing-care places."""

    scope_municipality = "municipality"

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    kind = models.CharField(_("soort"), max_length=20, choices=CareKind.choices)
    count = models.PositiveIntegerField(_("aantal"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("voorraad ouderenhuisvesting")
        verbose_name_plural = _("voorraad ouderenhuisvesting")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "kind"], name="unique_older_stock"
            )
        ]
