"""The negotiation table: sessions, the board, rounds, bottlenecks, exchanges, building blocks,
consent, the moves log and the adopted regional agreement."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gmr_thuis.permissions import ScopedQuerySet


class Level(models.TextChoices):
    CIVIL = "ambtelijk", _("ambtelijk")
    ADMINISTRATIVE = "bestuurlijk", _("bestuurlijk")


class SessionStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("afgesloten")
    ADOPTED = "adopted", _("vastgesteld")


class RoundKind(models.TextChoices):
    INSIGHT = "inzicht", _("Inzicht")
    SOLVE = "oplossen", _("Oplossen")
    AGREE = "afspraken", _("Afspraken")


ROUND_ORDER = [RoundKind.INSIGHT, RoundKind.SOLVE, RoundKind.AGREE]


class Session(models.Model):
    """An Onderhandelsessie: a period's fair share from one run, negotiated by delegations."""

    scope_region = "region"
    # Read by its facilitator, observers, practice players and the participating municipalities'
    # members (and the region's project leader); the rest of the region gets 404.
    scope_audience = {
        "users": ["facilitator", "observers", "delegations__player", "delegations__alderman"],
        "municipalities": ["delegations__municipality"],
    }

    name = models.CharField(_("naam"), max_length=150)
    region = models.ForeignKey(
        "municipalities.Region", on_delete=models.PROTECT, related_name="negotiation_sessions"
    )
    run = models.ForeignKey(
        "allocation.AllocationRun",
        on_delete=models.PROTECT,
        related_name="negotiation_sessions",
        verbose_name=_("verdeelrun"),
    )
    first_year = models.PositiveSmallIntegerField(_("eerste jaar"))
    last_year = models.PositiveSmallIntegerField(_("laatste jaar"))
    level = models.CharField(_("niveau"), max_length=12, choices=Level.choices)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="facilitated_sessions",
        verbose_name=_("gespreksleider"),
    )
    observers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="observed_sessions",
        verbose_name=_("waarnemers"),
    )
    is_practice = models.BooleanField(
        _("oefensessie"),
        default=False,
        help_text=_("Op een kopie van de cijfers; één persoon mag meerdere gemeenten spelen."),
    )
    fairness_band = models.DecimalField(
        _("bandbreedte rond de fair share"),
        max_digits=3,
        decimal_places=2,
        default=0.25,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    board_version = models.PositiveIntegerField(_("versie van het bord"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("onderhandelsessie")
        verbose_name_plural = _("onderhandelsessies")

    def __str__(self):
        return self.name

    @property
    def years(self):
        return list(range(self.first_year, self.last_year + 1))

    def current_round(self):
        return self.rounds.filter(opened_at__isnull=False, closed_at__isnull=True).first()


class Delegation(models.Model):
    """A participating municipality; in a practice session `player` plays it."""

    scope_municipality = "municipality"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="delegations")
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, verbose_name=_("gemeente")
    )
    player = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("speler (oefensessie)"),
    )
    alderman = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wethouder"),
        help_text=_(
            "Op bestuurlijk niveau spreekt alleen dit account namens de gemeente; "
            "leeg: de ambtenaren van de gemeente."
        ),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "municipality"], name="one_delegation_per_municipality"
            )
        ]

    def __str__(self):
        return f"{self.session}: {self.municipality}"


class BoardCell(models.Model):
    """One pawn stack: a municipality's number of one group in one year, from its fair share."""

    scope_municipality = "municipality"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="cells")
    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.PROTECT)
    target_group = models.ForeignKey("municipalities.TargetGroup", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("jaar"))
    fair_share = models.PositiveIntegerField(_("fair share"))
    number = models.PositiveIntegerField(_("onderhandeld aantal"))
    capped = models.BooleanField(_("begrensd"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["year", "municipality__name", "target_group__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "municipality", "target_group", "year"],
                name="one_board_cell",
            ),
            models.CheckConstraint(condition=models.Q(number__gte=0), name="board_not_negative"),
        ]

    def __str__(self):
        return f"{self.municipality} {self.target_group} {self.year}: {self.number}"


class Room(models.Model):
    """A municipality's room in a year: turnover under the cap + new construction + options."""

    scope_municipality = "municipality"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="rooms")
    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("jaar"))
    turnover_under_cap = models.PositiveIntegerField(_("mutaties onder het plafond"), default=0)
    new_construction = models.PositiveIntegerField(_("nieuwbouw"), default=0)
    existing_stock_options = models.PositiveIntegerField(_("bestaande voorraad"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "municipality", "year"], name="one_room_per_year"
            )
        ]

    def __str__(self):
        return f"{self.municipality} {self.year}: {self.total}"

    @property
    def total(self):
        return self.turnover_under_cap + self.new_construction + self.existing_stock_options


class Round(models.Model):
    scope_region = "session__region"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="rounds")
    kind = models.CharField(_("ronde"), max_length=12, choices=RoundKind.choices)
    opened_at = models.DateTimeField(_("geopend"), null=True, blank=True)
    closed_at = models.DateTimeField(_("gesloten"), null=True, blank=True)
    ends_at = models.DateTimeField(_("eindigt (timer)"), null=True, blank=True)
    fairness = models.JSONField(
        _("eerlijkheid bij het sluiten"),
        null=True,
        blank=True,
        help_text=_("De eerlijkheidscijfers van het bord zoals de ronde het achterliet."),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "kind"], name="one_round_per_kind")
        ]

    def __str__(self):
        return self.get_kind_display()

    @property
    def is_open(self):
        return self.opened_at is not None and self.closed_at is None


class BottleneckReason(models.TextChoices):
    NO_DWELLINGS = "no_dwellings", _("geen geschikte woningen")
    NO_CARE = "no_care", _("geen zorgaanbieder")
    LOW_TURNOVER = "low_turnover", _("te weinig mutaties")
    CONCENTRATION = "concentration", _("concentratie in een wijk")
    OTHER = "other", _("anders")


class Bottleneck(models.Model):
    scope_municipality = "municipality"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bottlenecks")
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, verbose_name=_("gemeente")
    )
    target_group = models.ForeignKey(
        "municipalities.TargetGroup", on_delete=models.PROTECT, verbose_name=_("aandachtsgroep")
    )
    reason = models.CharField(_("reden"), max_length=20, choices=BottleneckReason.choices)
    text = models.TextField(_("toelichting"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.municipality} {self.target_group}: {self.get_reason_display()}"


class BlockKind(models.TextChoices):
    NEW_CONSTRUCTION = "new_construction", _("nieuwbouw")
    TRANSFORMATION = "transformation", _("transformatie")
    CARE_CAPACITY = "care_capacity", _("zorgcapaciteit")
    JOINT_ARRANGEMENT = "joint_arrangement", _("gezamenlijke voorziening")


class BlockStatus(models.TextChoices):
    PLEDGED = "pledged", _("toegezegd")
    PLANNED = "planned", _("gepland")
    REALISED = "realised", _("gerealiseerd")
    WITHDRAWN = "withdrawn", _("ingetrokken")


class BuildingBlock(models.Model):
    """A bouwsteen: homes or places a municipality adds ("taart vergroten"); outlives sessions."""

    scope_municipality = "owner"

    title = models.CharField(_("titel"), max_length=200)
    kind = models.CharField(_("soort"), max_length=20, choices=BlockKind.choices)
    owner = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="building_blocks",
        verbose_name=_("eigenaar"),
    )
    municipalities = models.ManyToManyField(
        "municipalities.Municipality", related_name="+", blank=True, verbose_name=_("gemeenten")
    )
    target_groups = models.ManyToManyField(
        "municipalities.TargetGroup", related_name="+", blank=True, verbose_name=_("groepen")
    )
    homes_added = models.PositiveIntegerField(_("woningen of plaatsen erbij"))
    year = models.PositiveSmallIntegerField(_("jaar"))
    status = models.CharField(
        _("status"), max_length=12, choices=BlockStatus.choices, default=BlockStatus.PLEDGED
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="building_blocks",
        verbose_name=_("toegezegd in sessie"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["year", "title"]
        verbose_name = _("bouwsteen")
        verbose_name_plural = _("bouwstenen")

    def __str__(self):
        return self.title


class ExchangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("voorgesteld")
    ACCEPTED = "accepted", _("aanvaard")
    DECLINED = "declined", _("afgewezen")


class Exchange(models.Model):
    """A takes `n` more of group X from B; in return B takes `m` of Y from A, or pledges a
    building block, or nothing."""

    scope_region = "session__region"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="exchanges")
    year = models.PositiveSmallIntegerField(_("jaar"))
    taker = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("gemeente die meer neemt"),
    )
    giver = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tegenpartij"),
    )
    group = models.ForeignKey(
        "municipalities.TargetGroup", on_delete=models.PROTECT, related_name="+"
    )
    amount = models.PositiveIntegerField(_("aantal"))
    return_group = models.ForeignKey(
        "municipalities.TargetGroup",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    return_amount = models.PositiveIntegerField(_("aantal terug"), default=0)
    building_block = models.ForeignKey(
        BuildingBlock, on_delete=models.SET_NULL, null=True, blank=True, related_name="exchanges"
    )
    proposer = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Leeg: voorgesteld door de gespreksleider."),
    )
    motivation = models.TextField(_("motivering"), blank=True)
    status = models.CharField(
        max_length=10, choices=ExchangeStatus.choices, default=ExchangeStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.taker} +{self.amount} {self.group} ← {self.giver}"


class Consent(models.Model):
    scope_municipality = "municipality"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="consents")
    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.PROTECT)
    agrees = models.BooleanField(_("akkoord"))
    reason = models.TextField(_("reden"), blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    given_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "municipality"], name="one_consent")
        ]

    def __str__(self):
        return f"{self.municipality}: {self.agrees}"


class Move(models.Model):
    """Every move at the table: who, when, what, and its outcome; the replay reads these."""

    scope_region = "session__region"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="moves")
    time = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    user_name = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    outcome = models.CharField(max_length=40, blank=True)
    board_version = models.PositiveIntegerField()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["time", "pk"]

    def __str__(self):
        return f"{self.time:%H:%M:%S} {self.user_name} {self.kind} {self.outcome}"


class AdoptedAgreement(models.Model):
    """The outcome of a session adopted as the region's agreed targets (afsprakenkader).

    Monitoring prefers these numbers over the raw fair share of the run for the same years."""

    scope_region = "region"

    session = models.OneToOneField(Session, on_delete=models.PROTECT, related_name="adoption")
    region = models.ForeignKey("municipalities.Region", on_delete=models.PROTECT)
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    adopted_at = models.DateTimeField(auto_now_add=True)
    is_current = models.BooleanField(default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-adopted_at", "-pk"]

    def __str__(self):
        return f"{self.session} ({self.first_year}–{self.last_year})"


class AdoptedTarget(models.Model):
    scope_municipality = "municipality"

    agreement = models.ForeignKey(
        AdoptedAgreement, on_delete=models.CASCADE, related_name="targets"
    )
    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.PROTECT)
    target_group = models.ForeignKey("municipalities.TargetGroup", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()

    objects = ScopedQuerySet.as_manager()

    def __str__(self):
        return f"{self.municipality} {self.target_group} {self.year}: {self.number}"
