"""Membership of an organisation, which gives a user their role."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    PROJECT_LEADER = "project_leader", _("Projectleider regio")
    STEERING_GROUP = "steering_group", _("Lid stuurgroep")
    CIVIL_SERVANT = "civil_servant", _("Beleidsmedewerker gemeente")
    CORPORATION = "corporation", _("Medewerker woningcorporatie")


class Membership(models.Model):
    """A user belongs to one organisation: the region, a municipality or a corporation."""

    scope_region = "region"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name=_("gebruiker"),
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "municipalities.Region",
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("regio"),
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("gemeente"),
    )
    corporation = models.ForeignKey(
        "municipalities.HousingCorporation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("woningcorporatie"),
    )

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        constraints = [
            models.CheckConstraint(
                name="membership_organisation_matches_role",
                condition=(
                    models.Q(
                        role__in=[Role.PROJECT_LEADER, Role.STEERING_GROUP],
                        municipality__isnull=True,
                        corporation__isnull=True,
                    )
                    | models.Q(
                        role=Role.CIVIL_SERVANT,
                        municipality__isnull=False,
                        corporation__isnull=True,
                    )
                    | models.Q(
                        role=Role.CORPORATION, municipality__isnull=True, corporation__isnull=False
                    )
                ),
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} ({self.organisation_name})"

    @property
    def organisation_name(self):
        return str(self.municipality or self.corporation or self.region)

    def clean(self):
        if self.role == Role.CIVIL_SERVANT and not self.municipality_id:
            raise ValidationError(
                {"municipality": _("Een beleidsmedewerker hoort bij een gemeente.")}
            )
        if self.role == Role.CORPORATION and not self.corporation_id:
            raise ValidationError(
                {"corporation": _("Een corporatiemedewerker hoort bij een woningcorporatie.")}
            )
        if self.role in (Role.PROJECT_LEADER, Role.STEERING_GROUP) and (
            self.municipality_id or self.corporation_id
        ):
            raise ValidationError(_("Een regiorol hoort niet bij een gemeente of corporatie."))


class ObjectChange(models.Model):
    """One recorded change to a record: who, when, what it was before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("aangemaakt")
        UPDATE = "update", _("gewijzigd")
        DELETE = "delete", _("verwijderd")
        TRANSITION = "transition", _("status gewijzigd")

    time = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("gebruiker"),
    )
    user_name = models.CharField(_("gebruikersnaam"), max_length=150, blank=True)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(_("object"), max_length=255)
    action = models.CharField(_("actie"), max_length=20, choices=Action.choices)
    comment = models.TextField(_("toelichting"), blank=True)
    before = models.JSONField(pgettext_lazy("change history", "voor"), null=True, blank=True)
    after = models.JSONField(pgettext_lazy("change history", "na"), null=True, blank=True)
    # Ties the changes of one request or one import together (gmr_thuis.history.change_request).
    request_id = models.CharField(_("verzoek"), max_length=36, blank=True, db_index=True)

    class Meta:
        ordering = ["-time", "-pk"]
        verbose_name = _("wijziging")
        verbose_name_plural = _("wijzigingen")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M} {self.user_name} {self.action} {self.object_repr}"

    def changed_fields(self):
        """(field, before, after) for every field whose value differs."""
        before, after = self.before or {}, self.after or {}
        return [
            (name, before.get(name), after.get(name))
            for name in sorted(set(before) | set(after))
            if before.get(name) != after.get(name)
        ]


class IdempotentRecord(models.Model):
    """A record a corporation sends through the API: a repeated request with the same key
    returns the first record instead of creating another (gmr_thuis.api.idempotency). Each
    concrete model adds its own unique constraint on (corporation, idempotency_key)."""

    # NULL, not "": many records carry no key, and NULLs never collide in the unique constraint.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class ApiToken(models.Model):
    """A key for the REST API; only its SHA-256 digest is stored, the key is shown once."""

    scope_region = "user__membership__region"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("gebruiker"),
    )
    name = models.CharField(_("naam"), max_length=100)
    key_digest = models.CharField(_("sleutel-digest"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        _("begin van de sleutel"),
        max_length=12,
        editable=False,
        help_text=_("Om een sleutel te herkennen zonder hem te bewaren."),
    )
    can_write = models.BooleanField(
        _("mag schrijven"),
        default=False,
        help_text=_("Zonder dit recht kan de sleutel alleen lezen."),
    )
    expires_at = models.DateTimeField(_("verloopt op"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issued_api_tokens",
        verbose_name=_("uitgegeven door"),
        editable=False,
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")

    def __str__(self):
        return f"{self.name} ({self.prefix}…, {self.user})"

    def is_valid_at(self, moment):
        """Whether the token may authenticate at `moment`: not revoked, not expired."""
        if self.revoked_at is not None and self.revoked_at <= moment:
            return False
        return self.expires_at is None or moment < self.expires_at
