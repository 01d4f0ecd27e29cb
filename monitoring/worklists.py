"""Reads for each role's first page: a civil servant's "Mijn gemeente" and the project
leader's inbox, with the counts the main menu shows."""

from dataclasses import dataclass, field
from datetime import date

from allocation.selectors import runs_awaiting_approval
from gmr_thuis.permissions import HANDLE_INBOX, can, represented_municipality
from monitoring.models import (
    AgreementStatus,
    LocalAgreement,
    Objection,
    ObjectionStatus,
    ObjectionWindow,
    Realisation,
)
from monitoring.selectors import agreement_rows, approved_fair_shares, objections
from municipalities.models import Municipality


def quarters_due(today: date, year: int) -> list[int]:
    """The quarters of `year` that have ended by `today`: those are due to be reported."""
    if year < today.year:
        return [1, 2, 3, 4]
    if year > today.year:
        return []
    return list(range(1, (today.month - 1) // 3 + 1))


@dataclass
class MunicipalityWork:
    """What a civil servant has to do for their municipality in a year."""

    municipality: Municipality
    year: int
    agreements: list  # agreement_rows: per group its fair share and agreement
    to_fill: list  # rows with a fair share and no agreement, or one still in draft
    returned: list  # rows whose agreement the region sent back, with its comment
    submitted: list  # rows waiting for the region
    missing_quarters: list[tuple]  # (group, quarter) with a fair share and no report
    objections: list
    open_windows: list = field(default_factory=list)

    @property
    def open_tasks(self) -> int:
        return len(self.to_fill) + len(self.returned) + len(self.missing_quarters)


def municipality_work(*, user, year: int, today: date) -> MunicipalityWork | None:
    """The work of the civil servant's own municipality; None for any other role."""
    municipality = represented_municipality(user)
    if municipality is None:
        return None
    rows = [
        row
        for row in agreement_rows(user=user, municipality=municipality, year=year)
        if row["fair_share"] or row["agreement"]
    ]
    status = {
        row["group"].pk: row["agreement"].status if row["agreement"] else None for row in rows
    }
    reported = set(
        Realisation.objects.restrict(user)
        .filter(municipality=municipality, year=year)
        .values_list("target_group_id", "quarter")
    )
    due = quarters_due(today, year)
    return MunicipalityWork(
        municipality=municipality,
        year=year,
        agreements=rows,
        to_fill=[r for r in rows if status[r["group"].pk] in (None, AgreementStatus.DRAFT)],
        returned=[r for r in rows if status[r["group"].pk] == AgreementStatus.RETURNED],
        submitted=[r for r in rows if status[r["group"].pk] == AgreementStatus.SUBMITTED],
        missing_quarters=[
            (row["group"], quarter)
            for row in rows
            if row["fair_share"]
            for quarter in due
            if (row["group"].pk, quarter) not in reported
        ],
        objections=list(objections(user=user, municipality=municipality).order_by("-lodged_at")),
        open_windows=list(
            ObjectionWindow.objects.restrict(user)
            .filter(region_id=municipality.region_id, deadline__gte=today)
            .order_by("deadline")
        ),
    )


@dataclass
class Inbox:
    """What waits for the project leader."""

    agreements: list
    objections: list
    runs: list
    behind: list[tuple]  # (municipality, quarters missing) for this year's fair share

    @property
    def count(self) -> int:
        return len(self.agreements) + len(self.objections) + len(self.runs)


def inbox(*, user, today: date) -> Inbox | None:
    """The project leader's inbox; None for any other role."""
    if not can(user, HANDLE_INBOX):
        return None
    return Inbox(
        agreements=list(
            LocalAgreement.objects.restrict(user)
            .filter(status=AgreementStatus.SUBMITTED)
            .select_related("municipality", "target_group")
            .order_by("year", "municipality__name", "target_group__sort_order")
        ),
        objections=list(
            objections(user=user).filter(status=ObjectionStatus.LODGED).order_by("lodged_at")
        ),
        runs=list(runs_awaiting_approval(user=user)),
        behind=_behind_on_reporting(user, today),
    )


def _behind_on_reporting(user, today: date) -> list[tuple]:
    """Municipalities with a fair share this year that have not reported an ended quarter."""
    due = quarters_due(today, today.year)
    if not due:
        return []
    fair = approved_fair_shares(user=user, years=[today.year])
    if fair.empty:
        return []
    cells = set(
        fair.loc[fair["quota"] > 0, ["municipality_id", "target_group_id"]].itertuples(
            index=False, name=None
        )
    )
    reported = set(
        Realisation.objects.restrict(user)
        .filter(year=today.year, quarter__in=due)
        .values_list("municipality_id", "target_group_id", "quarter")
    )
    missing: dict[int, int] = {}
    for municipality_id, group_id in cells:
        for quarter in due:
            if (municipality_id, group_id, quarter) not in reported:
                missing[municipality_id] = missing.get(municipality_id, 0) + 1
    names = Municipality.objects.restrict(user).in_bulk(list(missing))
    return sorted(
        ((names[pk], count) for pk, count in missing.items() if pk in names),
        key=lambda item: item[0].name,
    )


def inbox_count(user) -> int | None:
    """The main menu's count on "Inbox": items awaiting a decision; None hides the entry."""
    if not can(user, HANDLE_INBOX):
        return None
    return (
        LocalAgreement.objects.restrict(user).filter(status=AgreementStatus.SUBMITTED).count()
        + Objection.objects.restrict(user).filter(status=ObjectionStatus.LODGED).count()
    )


def my_municipality_count(user) -> int | None:
    """The main menu shows "Mijn gemeente" to civil servants only."""
    return 0 if represented_municipality(user) is not None else None
