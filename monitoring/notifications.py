"""E-mail to whoever has to act next: the project leader when an agreement or objection lands
in the inbox, the municipality's civil servants when the region returns, approves or decides.

Services call `notify(event, obj)` inside their transaction; the mail is queued as a Celery job
once the transaction commits, so a mail server that is down never undoes or delays a decision.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from gmr_thuis.permissions import HANDLE_INBOX, SPEAK_FOR, members_who_can


def _agreement_url(agreement):
    return reverse(
        "monitoring:agreement",
        args=[agreement.municipality.slug, agreement.year, agreement.target_group.code],
    )


def _objection_url(objection):
    return reverse("monitoring:objection", args=[objection.pk])


# event -> (who is told: (task, object of the task), subject, body, url of the page)
EVENTS = {
    "agreement_submitted": (
        lambda a: (HANDLE_INBOX, None),
        lambda a: _("Afspraak ingediend: %(municipality)s, %(group)s %(year)s"),
        lambda a: _(
            "%(municipality)s heeft de lokale afspraak voor %(group)s in %(year)s ingediend. "
            "Die wacht in uw inbox op goedkeuring."
        ),
        _agreement_url,
    ),
    "agreement_approved": (
        lambda a: (SPEAK_FOR, a.municipality),
        lambda a: _("Afspraak goedgekeurd: %(group)s %(year)s"),
        lambda a: _("De regio heeft de lokale afspraak voor %(group)s in %(year)s goedgekeurd."),
        _agreement_url,
    ),
    "agreement_returned": (
        lambda a: (SPEAK_FOR, a.municipality),
        lambda a: _("Afspraak teruggestuurd: %(group)s %(year)s"),
        lambda a: _(
            "De regio heeft de lokale afspraak voor %(group)s in %(year)s teruggestuurd "
            "met deze opmerking: %(comment)s"
        ),
        _agreement_url,
    ),
    "objection_lodged": (
        lambda o: (HANDLE_INBOX, None),
        lambda o: _("Bezwaar ingediend: %(municipality)s, fair share %(year)s"),
        lambda o: _(
            "%(municipality)s heeft bezwaar gemaakt tegen de fair share van %(year)s. "
            "Het wacht in uw inbox op een besluit."
        ),
        _objection_url,
    ),
    "objection_decided": (
        lambda o: (SPEAK_FOR, o.municipality),
        lambda o: _("Besluit over uw bezwaar tegen de fair share %(year)s"),
        lambda o: _("De regio heeft uw bezwaar %(status)s. Reden: %(comment)s"),
        _objection_url,
    ),
}


def notify(event: str, obj) -> None:
    """Queue the mail of `event` about `obj` for when the current transaction commits."""
    from monitoring.tasks import send_notification

    label = obj._meta.label
    transaction.on_commit(lambda: send_notification.delay(event, label, obj.pk))


def message(event: str, obj) -> tuple[list[str], str, str]:
    """(recipients' addresses, subject, body) of `event` about `obj`, in Dutch."""
    audience, subject, body, url = EVENTS[event]
    action, target = audience(obj)
    region_id = obj.municipality.region_id
    recipients = sorted(
        {user.email for user in members_who_can(action, target, region_id=region_id) if user.email}
    )
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "municipality": obj.municipality.name,
            "group": obj.target_group.name() if obj.target_group else _("alle groepen"),
            "year": obj.year,
            "comment": getattr(obj, "review_comment", "") or getattr(obj, "decision_reason", ""),
            "status": obj.get_status_display() if hasattr(obj, "get_status_display") else "",
        }
        text = body(obj) % values + "\n\n" + settings.GMR_BASE_URL.rstrip("/") + url(obj)
        return recipients, subject(obj) % values, text
