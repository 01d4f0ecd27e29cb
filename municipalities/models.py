"""Reference data: the region, its municipalities, their yearly figures, care clients,
target groups (the seed's group cards), regional tasks and housing corporations."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gmr_thuis.permissions import ScopedQuerySet

cbs_code_validator = RegexValidator(
    regex=r"^GM\d{4}$",
    message=_("Een CBS-gemeentecode bestaat uit 'GM' en vier cijfers, bijvoorbeeld GM0293."),
)


class Region(models.Model):
    scope_region = "pk"
    name = models.CharField(_("naam"), max_length=120, unique=True)
    slug = models.SlugField(unique=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("regio")
        verbose_name_plural = _("regio's")

    def __str__(self):
        return self.name


class Municipality(models.Model):
    scope_municipality = ""  # the municipality itself

    cbs_code = models.CharField(
        _("CBS-code"), max_length=6, unique=True, validators=[cbs_code_validator]
    )
    name = models.CharField(_("naam"), max_length=120)
    slug = models.SlugField(unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("regio")
    )
    main_town = models.CharField(_("hoofdkern"), max_length=120, blank=True)
    latitude = models.DecimalField(
        _("breedtegraad"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("lengtegraad"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    centroid_source = models.CharField(_("bron coördinaten"), max_length=255, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")

    def __str__(self):
        return self.name


class SourcedFigure(models.Model):
    """A number with where it comes from and whether it is an estimate."""

    source = models.CharField(_("bron"), max_length=500)
    is_estimate = models.BooleanField(_("schatting"), default=False)

    class Meta:
        abstract = True


class Indicator(models.TextChoices):
    """The yearly figures of a municipality profile (gemeenteprofiel)."""

    INHABITANTS = "inhabitants", _("Aantal inwoners")
    DWELLINGS = "dwellings", _("Aantal woningen")
    SOCIAL_RENT = "social_rent", _("Sociale huurwoningen")
    TURNOVER = "social_rent_turnover", _("Mutaties sociale huur")
    SHARE_75_PLUS = "share_75_plus", _("Aandeel 75-plus (%)")
    STUDENTS = "students", _("Aantal studenten")
    LABOUR_MIGRANTS = "labour_migrants", _("Aantal arbeidsmigranten")
    CARAVAN_DWELLERS = "caravan_dwellers", _("Aantal woonwagenbewoners")
    NEW_CONSTRUCTION = "new_construction_capacity", _("Ruimte nieuwbouw (woningen per jaar)")
    EXISTING_STOCK_OPTIONS = "existing_stock_options", _("Mogelijkheden bestaande voorraad")

    @classmethod
    def percentages(cls):
        return {cls.SHARE_75_PLUS}


class MunicipalityFigure(SourcedFigure):
    """One yearly figure of one municipality."""

    scope_municipality = "municipality"

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="figures", verbose_name=_("gemeente")
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    indicator = models.CharField(_("indicator"), max_length=40, choices=Indicator.choices)
    value = models.DecimalField(
        _("waarde"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "year", "indicator"]
        verbose_name = _("cijfer gemeente")
        verbose_name_plural = _("cijfers gemeenten")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "indicator"], name="unique_figure_per_year"
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="figure_not_negative"),
        ]

    def __str__(self):
        return f"{self.municipality} {self.year} {self.get_indicator_display()}: {self.value}"

    def clean(self):
        from municipalities.validation import validate_figure_set

        if self.municipality_id is None or self.year is None or self.value is None:
            return
        siblings = {
            f.indicator: f.value
            for f in MunicipalityFigure.objects.filter(
                municipality_id=self.municipality_id, year=self.year
            ).exclude(pk=self.pk)
        }
        siblings[self.indicator] = self.value
        errors = validate_figure_set(siblings)
        if errors:
            raise ValidationError({"value": errors})


class CareType(models.TextChoices):
    BW_WMO = "bw_wmo", _("Beschermd wonen (Wmo)")
    BW_WLZ = "bw_wlz", _("Beschermd wonen (Wlz)")
    MO = "mo", _("Maatschappelijke opvang")
    VO = "vo", _("Vrouwenopvang")
    YOUTH = "youth_care", _("Jeugdzorg met verblijf")
    VG = "vg", _("Verstandelijke beperking (VG)")
    LG = "lg", _("Lichamelijke beperking (LG)")
    GGZ = "ggz", _("GGZ")


class CareClientCount(SourcedFigure):
    """Clients in care institutions of one care type in one municipality and year."""

    scope_municipality = "municipality"

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="care_clients",
        verbose_name=_("gemeente"),
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    care_type = models.CharField(_("zorgvorm"), max_length=20, choices=CareType.choices)
    count = models.PositiveIntegerField(_("aantal cliënten"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "year", "care_type"]
        verbose_name = _("cliënten in zorginstellingen")
        verbose_name_plural = _("cliënten in zorginstellingen")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "care_type"], name="unique_care_count_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.municipality} {self.year} {self.get_care_type_display()}: {self.count}"


class TargetGroup(models.Model):
    """An aandachtsgroep with one definition for the whole region (a group card)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("naam (NL)"), max_length=150)
    name_en = models.CharField(_("naam (EN)"), max_length=150)
    definition_nl = models.TextField(_("definitie (NL)"))
    definition_en = models.TextField(_("definitie (EN)"))
    care_support_nl = models.TextField(_("benodigde zorg en ondersteuning (NL)"), blank=True)
    care_support_en = models.TextField(_("benodigde zorg en ondersteuning (EN)"), blank=True)
    legally_urgent = models.BooleanField(_("wettelijk urgent"), default=False)
    legally_urgent_from = models.DateField(
        _("wettelijk urgent vanaf"),
        null=True,
        blank=True,
        help_text=_("De datum waarop de wettelijke urgentie ingaat of is gewijzigd."),
    )
    unit = models.CharField(_("eenheid"), max_length=40, default="huishoudens")
    sort_order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("aandachtsgroep")
        verbose_name_plural = _("aandachtsgroepen")

    def __str__(self):
        return self.name_nl

    def name(self, language=None):
        """The name in `language`; by default the language of the page (`{{ group.name }}`)."""
        return getattr(self, self.name_field(language))

    @staticmethod
    def name_field(language=None):
        """The field holding the name in `language` (default: the page's), for `.values()`."""
        return "name_en" if (language or get_language() or "nl").startswith("en") else "name_nl"


class RegionalTask(SourcedFigure):
    """The regional task (opgave) of one target group in one year, in the group's unit."""

    scope_region = "region"

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("regio")
    )
    target_group = models.ForeignKey(
        TargetGroup,
        on_delete=models.CASCADE,
        related_name="tasks",
        verbose_name=_("aandachtsgroep"),
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    amount = models.PositiveIntegerField(_("opgave"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["target_group__sort_order", "year"]
        verbose_name = _("regionale opgave")
        verbose_name_plural = _("regionale opgaven")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "target_group", "year"], name="unique_task_per_group_year"
            ),
        ]

    def __str__(self):
        return f"{self.target_group} {self.year}: {self.amount}"


class HousingCorporation(models.Model):
    name = models.CharField(_("naam"), max_length=150, unique=True)
    slug = models.SlugField(unique=True)
    municipalities = models.ManyToManyField(
        Municipality, through="CorporationStock", related_name="corporations"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("woningcorporatie")
        verbose_name_plural = _("woningcorporaties")

    def __str__(self):
        return self.name


class CorporationStock(SourcedFigure):
    """The dwellings a corporation owns in a municipality."""

    scope_municipality = "municipality"

    corporation = models.ForeignKey(
        HousingCorporation,
        on_delete=models.CASCADE,
        related_name="stock",
        verbose_name=_("woningcorporatie"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="corporation_stock",
        verbose_name=_("gemeente"),
    )
    dwellings = models.PositiveIntegerField(_("aantal woningen"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["corporation__name", "municipality__name"]
        verbose_name = _("bezit woningcorporatie")
        verbose_name_plural = _("bezit woningcorporaties")
        constraints = [
            models.UniqueConstraint(
                fields=["corporation", "municipality"], name="unique_stock_per_municipality"
            ),
        ]

    def __str__(self):
        return f"{self.corporation} in {self.municipality}: {self.dwellings}"


# ---- neighbourhoods (wijken en buurten) ----------------------------------------------------------

neighbourhood_code_validator = RegexValidator(
    regex=r"^(WK\d{6}|BU\d{8})$",
    message=_(
        "Een CBS-wijkcode is 'WK' met zes cijfers (WK020201), een buurtcode 'BU' met acht "
        "cijfers (BU02020101)."
    ),
)


class NeighbourhoodKind(models.TextChoices):
    DISTRICT = "wijk", _("wijk")
    NEIGHBOURHOOD = "buurt", _("buurt")


class Neighbourhood(models.Model):
    """A CBS district (wijk) or neighbourhood (buurt) of one municipality.

    CBS codes carry the municipality: WK0202xx and BU0202xxxx lie in GM0202.
    """

    scope_municipality = "municipality"

    code = models.CharField(
        _("CBS-code"), max_length=10, unique=True, validators=[neighbourhood_code_validator]
    )
    kind = models.CharField(_("soort"), max_length=5, choices=NeighbourhoodKind.choices)
    name = models.CharField(_("naam"), max_length=150)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="neighbourhoods",
        verbose_name=_("gemeente"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "code"]
        verbose_name = _("wijk of buurt")
        verbose_name_plural = _("wijken en buurten")

    def __str__(self):
        return f"{self.name} ({self.code})"

    @staticmethod
    def municipality_code_of(code):
        """The CBS municipality code a wijk/buurt code belongs to: WK020201 -> GM0202."""
        return f"GM{code[2:6]}"

    def clean(self):
        if not self.code or self.municipality_id is None:
            return
        if self.code[:2] != ("WK" if self.kind == NeighbourhoodKind.DISTRICT else "BU"):
            raise ValidationError(
                {"kind": _("De code %(code)s past niet bij de soort.") % {"code": self.code}}
            )
        if self.municipality_code_of(self.code) != self.municipality.cbs_code:
            raise ValidationError(
                {
                    "code": _("%(code)s hoort niet bij de gemeente %(municipality)s.")
                    % {"code": self.code, "municipality": self.municipality}
                }
            )


class NeighbourhoodIndicator(models.TextChoices):
    INHABITANTS = "inhabitants", _("Aantal inwoners")
    DWELLINGS = "dwellings", _("Aantal woningen")
    SOCIAL_RENT = "social_rent_dwellings", _("Sociale huurwoningen")
    LIVEABILITY = "liveability_class", _("Leefbaarheid (Leefbaarometer-klasse 1–9)")
    FOCUS_AREA = "focus_area", _("Focusgebied (1 = ja)")


# Leefbaarometer 3.0's nine classes, from "zeer onvoldoende" (1) to "uitstekend" (9).
LIVEABILITY_CLASSES = range(1, 10)


class NeighbourhoodFigure(SourcedFigure):
    """One yearly figure of one neighbourhood."""

    scope_municipality = "neighbourhood__municipality"

    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.CASCADE,
        related_name="figures",
        verbose_name=_("wijk of buurt"),
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    indicator = models.CharField(
        _("indicator"), max_length=40, choices=NeighbourhoodIndicator.choices
    )
    value = models.DecimalField(
        _("waarde"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["neighbourhood__code", "year", "indicator"]
        verbose_name = _("cijfer wijk of buurt")
        verbose_name_plural = _("cijfers wijken en buurten")
        constraints = [
            models.UniqueConstraint(
                fields=["neighbourhood", "year", "indicator"],
                name="unique_neighbourhood_figure_per_year",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="neighbourhood_figure_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.neighbourhood} {self.year} {self.get_indicator_display()}: {self.value}"

    def clean(self):
        if self.value is None:
            return
        if self.indicator == NeighbourhoodIndicator.LIVEABILITY and (
            self.value != int(self.value) or int(self.value) not in LIVEABILITY_CLASSES
        ):
            raise ValidationError(
                {"value": _("Een Leefbaarometer-klasse is een geheel getal van 1 tot en met 9.")}
            )
        if self.indicator == NeighbourhoodIndicator.FOCUS_AREA and self.value not in (0, 1):
            raise ValidationError({"value": _("Focusgebied is 1 (ja) of 0 (nee).")})


class ConcentrationSettings(models.Model):
    """The region's thresholds of the neighbourhood concentration check (defaults documented in
    docs/neighbourhoods.md)."""

    scope_region = "region"

    region = models.OneToOneField(
        Region,
        on_delete=models.CASCADE,
        related_name="concentration_settings",
        verbose_name=_("regio"),
    )
    municipality_multiple = models.DecimalField(
        _("veelvoud van het gemeentelijk gemiddelde"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.50"),
        validators=[MinValueValidator(Decimal("1"))],
        help_text=_("Een wijk boven dit veelvoud van het gemiddelde van haar gemeente valt op."),
    )
    attention_multiple = models.DecimalField(
        _("veelvoud voor focusgebieden en zwakke wijken"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "Een focusgebied of een wijk met zwakke leefbaarheid valt op boven dit veelvoud van "
            "het gemeentelijk gemiddelde (1,00: bovengemiddeld)."
        ),
    )
    weak_liveability_class = models.PositiveSmallIntegerField(
        _("zwakke leefbaarheid tot en met klasse"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("Leefbaarometer-klasse 4 is 'zwak'; 1–3 zijn onvoldoende."),
    )
    years = models.PositiveSmallIntegerField(
        _("aantal jaren"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Over hoeveel jaren de plaatsingen tellen."),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("drempels concentratie in wijken")
        verbose_name_plural = _("drempels concentratie in wijken")

    def __str__(self):
        return f"{self.region}: {self.municipality_multiple}×"


class NeighbourhoodBoundaries(models.Model):
    """The region's imported district boundaries (GeoJSON features keyed by CBS code)."""

    scope_region = "region"

    region = models.OneToOneField(
        Region,
        on_delete=models.CASCADE,
        related_name="neighbourhood_boundaries",
        verbose_name=_("regio"),
    )
    filename = models.CharField(_("bestand"), max_length=255)
    source = models.CharField(_("bron"), max_length=500)
    features = models.JSONField(_("vlakken"), default=list)
    imported_at = models.DateTimeField(_("geïmporteerd op"), auto_now=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geïmporteerd door"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("wijkgrenzen")
        verbose_name_plural = _("wijkgrenzen")

    def __str__(self):
        return f"{self.region}: {self.filename} ({len(self.features)})"
