"""Who may do what: the one scoping mechanism every queryset and every write goes through.

Deny by default. A user's role comes from their Membership. Models say how they relate to a
municipality (`scope_municipality`, a lookup path to a Municipality, "" for the municipality
itself, absent for region-wide reference data), to a region where that differs
(`scope_region`) and, where a corporation owns them, to a corporation (`scope_corporation`).
Every member sees their own region's records only. A record with a closed audience (a
negotiation session) names the people who read it (`scope_audience`: lookup paths to users and
to municipalities whose members sit at it); besides them only the project leader does. A model whose records are worked out inside
the municipality and region before anyone else may read them says which are published
(`scope_published`, a Q): a corporation sees only those, as the API shows only those.

| role            | view                                     | change                         | approve |
|-----------------|------------------------------------------|--------------------------------|---------|
| project leader  | everything                               | everything                     | yes     |
| steering group  | everything                               | nothing                        | no      |
| civil servant   | everything in the region                 | own municipality's records     | no      |
| corporation     | reference data; records of municipalities | own corporation's records      | no      |
|                 | where it owns stock                      |                                |         |
| anyone else     | nothing                                  | nothing                        | no      |

Besides viewing and changing records, a few tasks belong to a role rather than to a record
(`ABILITIES`): importing realisation, reporting allocations, speaking for a municipality at the
negotiation table. `can(user, action, obj)` answers both kinds; no role is named outside this
module.
"""

from django.db import models
from django.http import Http404

from gmr_thuis.models import Role

VIEW = "view"
CHANGE = "change"
APPROVE = "approve"


class _System:
    """The region's own computations (an engine run reading earlier approvals), never a person."""

    is_authenticated = False
    username = "systeem"

    def __repr__(self):
        return "SYSTEM"


SYSTEM = _System()


def membership_of(user):
    """The user's Membership, or None for anonymous, inactive or organisation-less users."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        return user.membership
    except Exception:  # RelatedObjectDoesNotExist: no organisation, no rights
        return None


def _municipality_filter(model, municipality_ids):
    path = getattr(model, "scope_municipality", None)
    if path is None:
        return None
    lookup = "pk__in" if path == "" else f"{path}__in"
    return models.Q(**{lookup: municipality_ids})


def _region_filter(model, region_id):
    """Members see their own region only: `scope_region`, else derived from the municipality."""
    path = getattr(model, "scope_region", None)
    if path is None:
        municipality_path = getattr(model, "scope_municipality", None)
        if municipality_path is None:
            return None  # region-wide reference data: target groups, methodologies
        path = "region" if municipality_path == "" else f"{municipality_path}__region"
    return models.Q(**{path: region_id})


def _corporation_filter(model, corporation_id):
    path = getattr(model, "scope_corporation", None)
    if path is None:
        return None
    return models.Q(**{path: corporation_id})


def restrict(queryset, user, action=VIEW):
    """The part of `queryset` that `user` may perform `action` on; empty when in doubt."""
    if user is SYSTEM:
        return queryset
    member = membership_of(user)
    if member is None:
        return queryset.none()
    model = queryset.model
    region_condition = _region_filter(model, member.region_id)
    if region_condition is not None:
        queryset = queryset.filter(region_condition)
    queryset = _audience_filter(queryset, model, member)
    if _is_table_record(model):
        return _table_rule(queryset, model, member, action)
    rule = _ROLE_RULES.get(member.role)
    return rule(queryset, model, member, action) if rule is not None else queryset.none()


def _audience_filter(queryset, model, member):
    """Records with a closed audience: only the users and municipalities they name (and the
    region's project leader) reach them; everyone else of the region is an outsider."""
    audience = getattr(model, "scope_audience", None)
    if audience is None or member.role == Role.PROJECT_LEADER:
        return queryset
    condition = models.Q(pk__in=[])
    for path in audience.get("users", ()):
        condition |= models.Q(**{path: member.user_id})
    if member.municipality_id is not None:
        for path in audience.get("municipalities", ()):
            condition |= models.Q(**{path: member.municipality_id})
    return queryset.filter(pk__in=model._default_manager.filter(condition).values("pk"))


# --- The mediation table: cases are confidential to the table's members. --------------------
#
# A record of a case (`scope_table_case`, a lookup prefix to the Case, "" for the case itself)
# is read by the project leader, the sending municipality's civil servants, and the
# municipalities and corporations invited to a meeting with the case on its agenda; only the
# sending municipality and the project leader change it. A meeting (`scope_table_meeting`) is
# read by the project leader and those it invites. The steering group sees the table's figures,
# never a case.


def _is_table_record(model):
    return (
        getattr(model, "scope_table_case", None) is not None
        or getattr(model, "scope_table_meeting", None) is not None
    )


def _table_condition(model, member, action):
    case = getattr(model, "scope_table_case", None)
    if case is not None:
        if member.role == Role.CIVIL_SERVANT:
            own = models.Q(**{f"{case}municipality": member.municipality_id})
            if action == CHANGE:
                return own
            if action == VIEW:
                invited = {f"{case}meetings__invited_municipalities": member.municipality_id}
                return own | models.Q(**invited)
        if member.role == Role.CORPORATION and action == VIEW:
            return models.Q(**{f"{case}meetings__invited_corporations": member.corporation_id})
        return None
    meeting = model.scope_table_meeting
    if action == VIEW and member.role == Role.CIVIL_SERVANT:
        return models.Q(**{f"{meeting}invited_municipalities": member.municipality_id})
    if action == VIEW and member.role == Role.CORPORATION:
        return models.Q(**{f"{meeting}invited_corporations": member.corporation_id})
    return None


def _table_rule(queryset, model, member, action):
    if member.role == Role.PROJECT_LEADER:
        return queryset
    condition = _table_condition(model, member, action)
    if condition is None:
        return queryset.none()
    # Through the meetings a record may match more than once; a subquery keeps it one row.
    return queryset.filter(pk__in=model._default_manager.filter(condition).values("pk"))


def _project_leader_rule(queryset, model, member, action):
    return queryset


def _steering_group_rule(queryset, model, member, action):
    return queryset if action == VIEW else queryset.none()


def _civil_servant_rule(queryset, model, member, action):
    if action == VIEW:
        return queryset
    if action == CHANGE:
        condition = _municipality_filter(model, [member.municipality_id])
        return queryset.filter(condition) if condition is not None else queryset.none()
    return queryset.none()


def published(model):
    """The condition for the records of `model` that are published outside the municipality and
    the region (for example agreements the region approved; drafts and their notes are not), or
    None when every record is."""
    return getattr(model, "scope_published", None)


def _corporation_rule(queryset, model, member, action):
    if action == VIEW:
        if published(model) is not None:
            queryset = queryset.filter(published(model))
        corporation_condition = _corporation_filter(model, member.corporation_id)
        if corporation_condition is not None:
            return queryset.filter(corporation_condition)
        condition = _municipality_filter(model, corporation_municipality_ids(member))
        return queryset.filter(condition) if condition is not None else queryset
    if action == CHANGE:
        condition = _corporation_filter(model, member.corporation_id)
        return queryset.filter(condition) if condition is not None else queryset.none()
    return queryset.none()


# The table of the module docstring, one rule per role.
_ROLE_RULES = {
    Role.PROJECT_LEADER: _project_leader_rule,
    Role.STEERING_GROUP: _steering_group_rule,
    Role.CIVIL_SERVANT: _civil_servant_rule,
    Role.CORPORATION: _corporation_rule,
}

IMPORT_REALISATION = "import_realisation"
REPORT_ALLOCATIONS = "report_allocations"
SPEAK_FOR = "speak_for"
SPEAK_AT_TABLE = "speak_at_table"
HANDLE_INBOX = "handle_inbox"
READ_UNPUBLISHED = "read_unpublished"

REGISTER_CASE = "register_case"
OFFER_HOMES = "offer_homes"
RUN_TABLE = "run_table"
CONFIRM_RECEIVING = "confirm_receiving"
CONFIRM_OFFERING = "confirm_offering"
READ_ACCESS_LOG = "read_access_log"
SEE_TABLE = "see_table"
WITHDRAW_OFFER = "withdraw_offer"

# Tasks of a role, each a rule of (membership, object or None).
ABILITIES = {
    # The mediation table: a municipality's civil servant brings its own case (the project
    # leader one on behalf of a care party); a corporation offers its own homes; the project
    # leader schedules meetings and records decisions; the receiving municipality and the
    # corporation each confirm a placement for themselves; the project leader reads who looked
    # at a case. Whoever takes part in the table sees its pages (the steering group its figures).
    REGISTER_CASE: lambda member, municipality: (
        member.role == Role.PROJECT_LEADER
        or (
            member.role == Role.CIVIL_SERVANT
            and (municipality is None or member.municipality_id == municipality.pk)
        )
    ),
    OFFER_HOMES: lambda member, corporation: (
        member.role == Role.CORPORATION
        and (corporation is None or member.corporation_id == corporation.pk)
    ),
    RUN_TABLE: lambda member, _obj: member.role == Role.PROJECT_LEADER,
    CONFIRM_RECEIVING: lambda member, placement: (
        member.role == Role.CIVIL_SERVANT
        and placement is not None
        and member.municipality_id == placement.municipality_id
    ),
    CONFIRM_OFFERING: lambda member, placement: (
        member.role == Role.CORPORATION
        and placement is not None
        and member.corporation_id == placement.corporation_id
    ),
    # An offer is withdrawn by the corporation that made it, or by the project leader of its
    # region; never by the municipality where the home is.
    WITHDRAW_OFFER: lambda member, offer: (
        offer is not None
        and (
            (member.role == Role.CORPORATION and member.corporation_id == offer.corporation_id)
            or (
                member.role == Role.PROJECT_LEADER
                and member.region_id == offer.municipality.region_id
            )
        )
    ),
    READ_ACCESS_LOG: lambda member, _obj: member.role == Role.PROJECT_LEADER,
    SEE_TABLE: lambda member, _obj: member.role != Role.STEERING_GROUP,
    # Submitted agreements, objections and runs wait for the region's decision.
    HANDLE_INBOX: lambda member, _obj: member.role == Role.PROJECT_LEADER,
    # Drafts, and the history of a published record (its drafts' values and notes), stay within
    # the municipalities and the region.
    READ_UNPUBLISHED: lambda member, _obj: member.role != Role.CORPORATION,
    # The region and the municipalities count their own placements; corporations report theirs
    # through the API, one allocation at a time.
    IMPORT_REALISATION: lambda member, _obj: (
        member.role in (Role.PROJECT_LEADER, Role.CIVIL_SERVANT)
    ),
    # A report is the corporation's own statement: only its staff file one, never on its behalf.
    REPORT_ALLOCATIONS: lambda member, corporation: (
        member.role == Role.CORPORATION
        and (corporation is None or member.corporation_id == corporation.pk)
    ),
    # At the negotiation table a municipality is represented by its own civil servants only.
    SPEAK_FOR: lambda member, municipality: (
        member.role == Role.CIVIL_SERVANT
        and member.municipality_id == municipality.pk
        and member.region_id == municipality.region_id
    ),
    # At a session's table: the municipality's civil servants; at administrative level
    # (bestuurlijk) only its alderman's account, when the session names one.
    SPEAK_AT_TABLE: lambda member, delegation: (
        ABILITIES[SPEAK_FOR](member, delegation.municipality)
        and (
            delegation.session.level != "bestuurlijk"
            or delegation.alderman_id is None
            or delegation.alderman_id == member.user_id
        )
    ),
}
# Who may watch a negotiation without a seat at the table.
OBSERVING_ROLES = (Role.STEERING_GROUP, Role.CORPORATION)


def corporation_municipality_ids(member):
    from municipalities.models import CorporationStock

    return CorporationStock.objects.filter(corporation_id=member.corporation_id).values(
        "municipality_id"
    )


def can(user, action, obj=None):
    """Whether `user` may perform `action`: a task of `ABILITIES` (on `obj`, if it takes one),
    else view, change or approve the saved object `obj`."""
    ability = ABILITIES.get(action)
    if ability is not None:
        member = membership_of(user)
        return member is not None and bool(ability(member, obj))
    if obj is None:
        return False
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()


def is_project_leader(user):
    member = membership_of(user)
    return member is not None and member.role == Role.PROJECT_LEADER


def represented_municipality(user):
    """The municipality a civil servant works for; None for every other role."""
    member = membership_of(user)
    return member.municipality if member is not None and member.role == Role.CIVIL_SERVANT else None


def represented_corporation(user):
    """The corporation a corporation's staff member works for; None for every other role."""
    member = membership_of(user)
    return member.corporation if member is not None and member.role == Role.CORPORATION else None


def members_who_can(action, obj, *, region_id):
    """The active users of a region who have the task `action` of `ABILITIES` on `obj`: whom
    to tell when something waits for them."""
    from gmr_thuis.models import Membership

    rule = ABILITIES[action]
    memberships = Membership.objects.filter(region_id=region_id, user__is_active=True)
    return [member.user for member in memberships.select_related("user") if rule(member, obj)]


def possible_observers(user):
    """The users of `user`'s region who may watch a negotiation: steering group and
    corporations."""
    from django.contrib.auth import get_user_model

    member = membership_of(user)
    users = get_user_model()._default_manager.all()
    if member is None:
        return users.none()
    return users.filter(
        membership__region_id=member.region_id, membership__role__in=OBSERVING_ROLES
    )


def possible_aldermen(user):
    """The users of `user`'s region who may speak for a municipality at the table (its
    accounts), so one can be named its alderman's account for an administrative session."""
    from django.contrib.auth import get_user_model

    member = membership_of(user)
    users = get_user_model()._default_manager.all()
    if member is None:
        return users.none()
    return users.filter(
        membership__region_id=member.region_id, membership__role=Role.CIVIL_SERVANT
    ).select_related("membership__municipality")


def possible_players(user):
    """The users of `user`'s region who may play municipalities in a practice session (a
    workshop): every active member of the region."""
    from django.contrib.auth import get_user_model

    member = membership_of(user)
    users = get_user_model()._default_manager.filter(is_active=True)
    if member is None:
        return users.none()
    return users.filter(membership__region_id=member.region_id).order_by("username")


def can_administer(user):
    """Superusers run the site; the region's project leader hands out roles and API keys."""
    return bool(getattr(user, "is_superuser", False)) or is_project_leader(user)


def may_set_up_second_factor(user):
    """Staff accounts (they reach the admin) may protect their login with a second factor."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "is_staff", False)
    )


def get_object_for(user, queryset, action=VIEW, **lookup):
    """The object `user` may act on, else 404: an outsider learns nothing of its existence."""
    try:
        return restrict(queryset, user, action).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


class ScopedQuerySet(models.QuerySet):
    """A queryset that can narrow itself to what a user may do: `.restrict(user, action)`."""

    def restrict(self, user, action=VIEW):
        return restrict(self, user, action)


# --- The admin: the same walls, plus what only the platform administrator may do. -------------
#
# The Django admin is one more way in, so it goes through `restrict` like every screen. A
# superuser is the platform administrator and sees every region; everyone else is staff of one
# region and sees and changes only what `restrict` gives them there. Shared catalogues (models
# that belong to no region: target groups, corporations, methodologies, users) are read-only for
# region staff, because a change would reach every region.


def is_platform_admin(user):
    """The superuser who runs the whole platform, across regions."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "is_superuser", False)
    )


def is_shared_catalogue(model):
    """Whether records of `model` belong to no region (shared by every region)."""
    return (
        _region_filter(model, 0) is None
        and _corporation_filter(model, 0) is None
        and getattr(model, "scope_municipality", None) is None
    )


def admin_restrict(queryset, user, action=VIEW):
    """The part of `queryset` that `user` may perform `action` on in the admin."""
    if is_platform_admin(user):
        return queryset
    if action != VIEW and is_shared_catalogue(queryset.model):
        return queryset.none()
    return restrict(queryset, user, action)


def admin_can(user, action, obj):
    """Whether `user` may perform `action` on the saved object `obj` in the admin."""
    return admin_restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()


def region_users(user):
    """The users `user` may pick in the admin: members of their own region (everyone for the
    platform administrator)."""
    from django.contrib.auth import get_user_model

    users = get_user_model()._default_manager.all()
    if is_platform_admin(user):
        return users
    member = membership_of(user)
    if member is None:
        return users.none()
    return users.filter(membership__region_id=member.region_id)
