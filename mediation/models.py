"""Models of the regional mediation table: cases, offered homes, meetings, decisions,
placements and the log of every look at a case.

A case is pseudonymous: a case number chosen by the sending municipality, never a name,
address, BSN or birth date. Cases and what belongs to them are visible to the table's members
only (`scope_table_case`, see gmr_thuis/permissions.py); a placement holds the counts monitoring
needs and outlives the anonymisation of its case.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gmr_thuis.models import IdempotentRecord
from gmr_thuis.permissions import ScopedQuerySet
from monitoring.models import VersionedRecord


class CaseStatus(models.TextChoices):
    OPEN = "open", _("open")
    PLACED = "placed", _("geplaatst")
    POSTPONED = "postponed", _("aangehouden")
    REFERRED = "referred", _("terugverwezen")
    CLOSED = "closed", _("gesloten")


# Cases the table still works on (an agenda lists them).
ACTIVE_STATUSES = (CaseStatus.OPEN, CaseStatus.POSTPONED)


class CloseReason(models.TextChoices):
    PLACED_ELSEWHERE = "placed_elsewhere", _("buiten de tafel geplaatst")
    NOT_NEEDED = "not_needed", _("niet meer nodig")
    WITHDRAWN = "withdrawn", _("ingetrokken door de zorgpartij")
    OTHER = "other", _("anders")


class CareIntensity(models.TextChoices):
    NONE = "none", _("geen")
    LIGHT = "light", _("licht")
    MEDIUM = "medium", _("middel")
    INTENSIVE = "intensive", _("intensief")


class Case(VersionedRecord):
    """A household a municipality cannot house itself, brought to the regional table."""

    # The sending municipality edits its case; who reads it is the table's rule.
    scope_table_case = ""

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="mediation_cases",
        verbose_name=_("verzendende gemeente"),
    )
    number = models.CharField(
        _("casusnummer"),
        max_length=40,
        help_text=_("Een pseudoniem nummer; nooit een naam, adres, BSN of geboortedatum."),
    )
    target_group = models.ForeignKey(
        "municipalities.TargetGroup",
        on_delete=models.PROTECT,
        related_name="mediation_cases",
        verbose_name=_("aandachtsgroep"),
    )
    # Household and home needed: emptied when the case is anonymised.
    adults = models.PositiveSmallIntegerField(_("volwassenen"), null=True)
    children = models.PositiveSmallIntegerField(_("kinderen"), null=True, default=0)
    rooms_min = models.PositiveSmallIntegerField(_("minimaal aantal kamers"), null=True)
    accessible_needed = models.BooleanField(_("gelijkvloers of toegankelijk nodig"), default=False)
    rent_max = models.DecimalField(
        _("maximale huur (€ per maand)"), max_digits=7, decimal_places=2, null=True
    )
    care_provider = models.CharField(_("zorgaanbieder"), max_length=150, blank=True)
    care_intensity = models.CharField(
        _("intensiteit zorg"),
        max_length=20,
        choices=CareIntensity.choices,
        default=CareIntensity.NONE,
        blank=True,
    )
    ready_from = models.DateField(_("verhuisklaar vanaf"))
    deadline = models.DateField(_("uiterste datum"))
    excluded_municipalities = models.ManyToManyField(
        "municipalities.Municipality",
        blank=True,
        related_name="+",
        verbose_name=_("uitgesloten gemeenten"),
    )
    excluded_neighbourhoods = models.ManyToManyField(
        "municipalities.Neighbourhood",
        blank=True,
        related_name="+",
        verbose_name=_("uitgesloten wijken en buurten"),
    )
    preferred_municipalities = models.ManyToManyField(
        "municipalities.Municipality",
        blank=True,
        related_name="+",
        verbose_name=_("voorkeursgemeenten"),
    )
    preference_weight = models.DecimalField(
        _("gewicht van de voorkeur"),
        max_digits=4,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
        help_text=_("Hoe zwaar banden met werk, school of zorg wegen (0 tot 3)."),
    )
    note = models.TextField(_("toelichting"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("ingebracht door"),
    )
    created_at = models.DateTimeField(_("ingebracht op"), auto_now_add=True)
    closed_at = models.DateTimeField(_("gesloten op"), null=True, blank=True)
    # Why the sending municipality or the project leader took the case off the table.
    close_reason = models.CharField(
        _("reden van sluiten"), max_length=20, choices=CloseReason.choices, blank=True
    )
    close_note = models.CharField(_("toelichting bij sluiten"), max_length=300, blank=True)
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("casus")
        verbose_name_plural = _("casussen")
        constraints = [
            # The number is unique per region; a municipality's numbers are checked in the
            # service against every case of the region.
            models.UniqueConstraint(
                fields=["municipality", "number"], name="unique_case_number_per_municipality"
            ),
        ]

    def __str__(self):
        return _("Casus %(number)s") % {"number": self.number}

    @property
    def household(self):
        return (self.adults or 0) + (self.children or 0)


class OfferStatus(models.TextChoices):
    AVAILABLE = "available", _("beschikbaar")
    PLACED = "placed", _("vergeven via de tafel")
    WITHDRAWN = "withdrawn", _("ingetrokken")


class Offer(IdempotentRecord):
    """A vacant home a corporation offers to the table."""

    scope_municipality = "municipality"
    scope_corporation = "corporation"

    corporation = models.ForeignKey(
        "municipalities.HousingCorporation",
        on_delete=models.PROTECT,
        related_name="mediation_offers",
        verbose_name=_("woningcorporatie"),
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="mediation_offers",
        verbose_name=_("gemeente"),
    )
    neighbourhood = models.ForeignKey(
        "municipalities.Neighbourhood",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediation_offers",
        verbose_name=_("wijk of buurt"),
    )
    rooms = models.SmallIntegerField(_("kamers"))
    accessible = models.BooleanField(_("toegankelijk"), default=False)
    ground_floor = models.BooleanField(_("gelijkvloers"), default=False)
    rent = models.DecimalField(_("huur (€ per maand)"), max_digits=7, decimal_places=2)
    available_from = models.DateField(_("beschikbaar vanaf"))
    valid_until = models.DateField(_("aanbod geldig tot"))
    reference = models.CharField(_("kenmerk"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=OfferStatus.choices, default=OfferStatus.AVAILABLE
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["available_from", "pk"]
        verbose_name = _("aangeboden woning")
        verbose_name_plural = _("aangeboden woningen")
        constraints = [
            models.UniqueConstraint(
                fields=["corporation", "idempotency_key"], name="unique_offer_idempotency_key"
            ),
        ]

    def __str__(self):
        return _("%(rooms)s kamers in %(municipality)s (%(corporation)s)") % {
            "rooms": self.rooms,
            "municipality": self.municipality,
            "corporation": self.corporation,
        }

    @property
    def is_accessible(self):
        return self.accessible or self.ground_floor


class Meeting(models.Model):
    """A meeting of the table; who is invited follows from the cases and offers on its agenda."""

    scope_region = "region"
    scope_table_meeting = ""

    region = models.ForeignKey(
        "municipalities.Region",
        on_delete=models.CASCADE,
        related_name="mediation_meetings",
        verbose_name=_("regio"),
    )
    date = models.DateField(_("datum"))
    cases = models.ManyToManyField(
        Case, blank=True, related_name="meetings", verbose_name=_("casussen op de agenda")
    )
    offers = models.ManyToManyField(
        Offer, blank=True, related_name="meetings", verbose_name=_("woningen op de agenda")
    )
    invited_municipalities = models.ManyToManyField(
        "municipalities.Municipality",
        blank=True,
        related_name="mediation_meetings",
        verbose_name=_("uitgenodigde gemeenten"),
    )
    invited_corporations = models.ManyToManyField(
        "municipalities.HousingCorporation",
        blank=True,
        related_name="mediation_meetings",
        verbose_name=_("uitgenodigde corporaties"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("tafeloverleg")
        verbose_name_plural = _("tafeloverleggen")

    def __str__(self):
        return _("Bemiddelingstafel %(date)s") % {"date": self.date.strftime("%d-%m-%Y")}


class Outcome(models.TextChoices):
    PLACED = "placed", _("geplaatst")
    POSTPONED = "postponed", _("aangehouden")
    REFERRED = "referred", _("terugverwezen")


class Decision(models.Model):
    """What the table decided on one case at one meeting."""

    scope_region = "meeting__region"
    scope_table_case = "case__"

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("overleg")
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("casus")
    )
    outcome = models.CharField(_("besluit"), max_length=20, choices=Outcome.choices)
    offer = models.ForeignKey(
        Offer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("woning"),
    )
    reason = models.TextField(_("reden"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="one_decision_per_case"),
        ]

    def __str__(self):
        return f"{self.case} {self.get_outcome_display()}"


class Placement(models.Model):
    """A placement the table decided: counted as the receiving municipality's realisation once
    both the receiving municipality and the corporation confirmed it. It holds only what
    monitoring counts (who sent, who received, which group, when)."""

    scope_municipality = "municipality"
    scope_corporation = "corporation"

    decision = models.OneToOneField(
        Decision, on_delete=models.CASCADE, related_name="placement", verbose_name=_("besluit")
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="placements", verbose_name=_("casus")
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, related_name="placements", verbose_name=_("woning")
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="mediation_received",
        verbose_name=_("ontvangende gemeente"),
    )
    sending_municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="mediation_sent",
        verbose_name=_("verzendende gemeente"),
    )
    corporation = models.ForeignKey(
        "municipalities.HousingCorporation",
        on_delete=models.PROTECT,
        related_name="mediation_placements",
        verbose_name=_("woningcorporatie"),
    )
    target_group = models.ForeignKey(
        "municipalities.TargetGroup",
        on_delete=models.PROTECT,
        related_name="mediation_placements",
        verbose_name=_("aandachtsgroep"),
    )
    ready_from = models.DateField(_("verhuisklaar vanaf"))
    municipality_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    municipality_confirmed_at = models.DateTimeField(null=True, blank=True)
    corporation_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    corporation_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The day the second confirmation came in: the placement's quarter in monitoring.
    placed_on = models.DateField(_("geplaatst op"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("plaatsing via de bemiddelingstafel")
        verbose_name_plural = _("plaatsingen via de bemiddelingstafel")

    def __str__(self):
        return f"{self.case} → {self.municipality}"

    @property
    def is_confirmed(self):
        return self.placed_on is not None


class CaseAccessLog(models.Model):
    """One look at a case: who, when, which screen."""

    scope_region = "case__municipality__region"
    scope_table_case = "case__"

    class What(models.TextChoices):
        DETAIL = "detail", _("casus bekeken")
        AGENDA = "agenda", _("op de agenda bekeken")
        EXPORT = "export", _("gegevens geëxporteerd")
        MINUTES = "minutes", _("in het verslag bekeken")
        EDIT = "edit", _("ter wijziging geopend")
        ADMIN = "admin", _("in het beheer bekeken")
        CLOSE = "close", _("ter sluiting geopend")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("gebruiker"),
    )
    username = models.CharField(_("gebruikersnaam"), max_length=150)
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="access_log", verbose_name=_("casus")
    )
    at = models.DateTimeField(_("moment"), auto_now_add=True)
    what = models.CharField(_("wat"), max_length=20, choices=What.choices)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("inzage casus")
        verbose_name_plural = _("inzage casussen")

    def __str__(self):
        return f"{self.username} {self.case} {self.at:%d-%m-%Y %H:%M}"
