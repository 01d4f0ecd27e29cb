"""Membership of an organisation, which gives a user their role."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROJECT_LEADER = "project_leader", _("Projectleider regio")
    STEERING_GROUP = "steering_group", _("Lid stuurgroep")
    CIVIL_SERVANT = "civil_servant", _("Beleidsmedewerker gemeente")
    CORPORATION = "corporation", _("Medewerker woningcorporatie")


class Membership(models.Model):
    """A user belongs to one organisation: the region, a municipality or a corporation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "municipalities.Region", on_delete=models.CASCADE, related_name="members"
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
                        role__in=["project_leader", "steering_group"],
                        municipality__isnull=True,
                        corporation__isnull=True,
                    )
                    | models.Q(
                        role="civil_servant", municipality__isnull=False, corporation__isnull=True
                    )
                    | models.Q(
                        role="corporation", municipality__isnull=True, corporation__isnull=False
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
    before = models.JSONField(_("voor"), null=True, blank=True)
    after = models.JSONField(_("na"), null=True, blank=True)

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
