"""The information governance dashboard: reviews due and overdue, subject access requests
by their clock, rectification and restriction requests and restrictions in force,
disclosures by lawful basis, and records held by category and agency.

Every figure is a count; no person is named, so the page is safe to show to a DPIA panel
or quote to the ICO. Retention figures are the viewer's own agency's (the data controller
decides its retention); the rest are Hub-wide, as the registers they summarise are. The
retention schedule is worked out on read (ADR 0024), so its panel costs what the review
queue costs; the others are one aggregate query each."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Model, Q
from django.utils import timezone

from cairn.accounts.models import Agency
from cairn.audit import services as audit
from cairn.concerns.models import Concern
from cairn.core.types import Actor
from cairn.disruption.models import Tactic
from cairn.hub.dashboard import Bar, Panel
from cairn.hub.models import Action
from cairn.intelligence.models import Submission
from cairn.missing.models import MissingEpisode
from cairn.pole.models import Entity, EntityKind
from cairn.referrals.models import Referral
from cairn.retention import selectors as retention
from cairn.retention.models import Tombstone
from cairn.rights.access import visible_requests, visible_sars
from cairn.rights.models import RequestStatus, Restriction, SarStatus
from cairn.sharing import selectors as sharing
from cairn.sharing.models import REVIEW_SOON_DAYS

from .access import can_view

YEAR = dt.timedelta(days=365)
SOON_DAYS = 7


@dataclass
class HeldRow:
    agency: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class Overview:
    today: dt.date
    panels: list[Panel]
    categories: list[str]
    held: list[HeldRow]

    @property
    def held_totals(self) -> list[int]:
        return [sum(row.counts[i] for row in self.held) for i in range(len(self.categories))]

    @property
    def held_total(self) -> int:
        return sum(row.total for row in self.held)

    def figures(self) -> list[tuple[str, str, str, int | str]]:
        """Every figure on the page as (section, label, agency, value): the CSV and the
        API carry exactly what the page shows."""
        out: list[tuple[str, str, str, int | str]] = []
        for panel in self.panels:
            for bar in panel.rows:
                out.append((panel.title, bar.label, "", bar.value))
            for label, value in panel.figures:
                out.append((panel.title, label, "", value))
        for row in self.held:
            for category, count in zip(self.categories, row.counts, strict=True):
                out.append((HELD_TITLE, category, row.agency, count))
            out.append((HELD_TITLE, "Total", row.agency, row.total))
        for category, total in zip(self.categories, self.held_totals, strict=True):
            out.append((HELD_TITLE, category, "All agencies", total))
        out.append((HELD_TITLE, "Total", "All agencies", self.held_total))
        return out


HELD_TITLE = "Records held, by category and agency"


def _reviews(user: Actor, today: dt.date) -> Panel:
    entries = retention.schedule(user)
    buckets: Counter[str] = Counter()
    due_now = []
    for entry in entries:
        on = entry.due.on
        if on is None:
            buckets["none"] += 1
        elif on < today:
            buckets["overdue"] += 1
            due_now.append(entry)
        elif on == today:
            buckets["today"] += 1
            due_now.append(entry)
        elif on <= today + dt.timedelta(days=30):
            buckets["30"] += 1
        elif on <= today + dt.timedelta(days=90):
            buckets["90"] += 1
        else:
            buckets["later"] += 1
    retention.annotate_blockers(due_now)
    blocked = sum(1 for e in due_now if e.blockers)
    disposed = (
        0  # an account without an agency has disposed of nothing
        if user.agency_id is None
        else Tombstone.objects.filter(
            agency_id=user.agency_id, disposed_at__gte=timezone.now() - YEAR
        ).count()
    )
    return Panel(
        key="reviews",
        link_url_name="retention:queue",
        link_text="Open the retention review queue",
        title="Retention reviews of your agency's records",
        value_header="Records",
        rows=[
            Bar("Overdue (due date passed)", buckets["overdue"]),
            Bar("Due today", buckets["today"]),
            Bar("Due in the next 30 days", buckets["30"]),
            Bar("Due in 31 to 90 days", buckets["90"]),
            Bar("Due later", buckets["later"]),
            Bar("No retention rule applies", buckets["none"]),
        ],
        figures=[
            ("In the review queue now", len(due_now)),
            ("Of those, blocked from disposal", blocked),
            ("Disposed of in the last 12 months", disposed),
        ],
    )


def _sars(user: Actor, today: dt.date) -> Panel:
    soon = today + dt.timedelta(days=SOON_DAYS)
    open_q = ~Q(status__in=SarStatus.finished())
    year_ago = timezone.now() - YEAR
    counts = visible_sars(user).aggregate(
        overdue=Count("pk", filter=open_q & Q(due_on__lt=today)),
        soon=Count("pk", filter=open_q & Q(due_on__gte=today, due_on__lte=soon)),
        later=Count("pk", filter=open_q & Q(due_on__gt=soon)),
        extended=Count("pk", filter=open_q & Q(extension_months__gt=0)),
        disclosed=Count("pk", filter=Q(status=SarStatus.DISCLOSED, disclosed_at__gte=year_ago)),
        ended=Count(
            "pk",
            filter=Q(status__in=(SarStatus.WITHDRAWN, SarStatus.CLOSED), closed_at__gte=year_ago),
        ),
    )
    late = sum(
        1
        for disclosed_at, due_on in visible_sars(user)
        .filter(status=SarStatus.DISCLOSED, disclosed_at__gte=year_ago)
        .values_list("disclosed_at", "due_on")
        if timezone.localdate(disclosed_at) > due_on
    )
    return Panel(
        key="sars",
        link_url_name="rights:sar-list",
        link_text="Open the subject access requests",
        title="Open subject access requests by their clock",
        value_header="Requests",
        rows=[
            Bar("Overdue", counts["overdue"]),
            Bar(f"Due within {SOON_DAYS} days", counts["soon"]),
            Bar(f"Due in more than {SOON_DAYS} days", counts["later"]),
        ],
        figures=[
            ("Open requests", counts["overdue"] + counts["soon"] + counts["later"]),
            ("Open with an extension", counts["extended"]),
            ("Disclosed in the last 12 months", counts["disclosed"]),
            ("Of those, disclosed after their due date", late),
            ("Withdrawn or closed without disclosure in the last 12 months", counts["ended"]),
        ],
    )


def _restrictions(user: Actor, today: dt.date) -> Panel:
    in_force = (
        Restriction.objects.filter(lifted_at__isnull=True)
        .order_by()
        .values("person__entity__owning_agency__name")
        .annotate(n=Count("pk"))
    )
    rows = sorted(
        (Bar(r["person__entity__owning_agency__name"], r["n"]) for r in in_force),
        key=lambda b: (-b.value, b.label),
    )
    requests = visible_requests(user).aggregate(
        open=Count("pk", filter=Q(status=RequestStatus.OPEN)),
        overdue=Count("pk", filter=Q(status=RequestStatus.OPEN, due_on__lt=today)),
    )
    return Panel(
        key="restrictions",
        link_url_name="rights:list",
        link_text="Open the rectification and restriction requests",
        title="Restrictions of processing in force, by the agency holding the record",
        value_header="Records restricted",
        rows=rows,
        figures=[
            ("Restrictions in force", sum(b.value for b in rows)),
            ("Open rectification and restriction requests", requests["open"]),
            ("Of those, overdue", requests["overdue"]),
        ],
    )


def _shares(today: dt.date) -> Panel:
    filters = sharing.DisclosureFilters(date_from=today - YEAR, date_to=today)
    by_basis = sharing.counts_by_basis(filters)
    return Panel(
        key="shares",
        link_url_name="sharing:disclosures",
        link_text="Open the disclosures by lawful basis",
        title="Disclosures in the last 12 months, by lawful basis",
        value_header="Disclosures",
        rows=[Bar(r["label"], r["total"]) for r in by_basis],
        figures=[
            ("Disclosures", sum(r["total"] for r in by_basis)),
            (
                "Of those, exceptional (no agreement covered them)",
                sum(r["exceptional"] for r in by_basis),
            ),
            (
                f"Agreements due for review within {REVIEW_SOON_DAYS} days or overdue",
                sharing.due_for_review_count(today),
            ),
        ],
    )


# What each category counts and the field naming the agency that holds it. Disposed of
# person records are gone (a tombstone is not personal data); objects and locations too.
CATEGORIES: list[tuple[str, type[Model], str, Q]] = [
    (
        "People",
        Entity,
        "owning_agency",
        Q(kind=EntityKind.PERSON, disposed_at__isnull=True),
    ),
    (
        "Objects and places",
        Entity,
        "owning_agency",
        ~Q(kind=EntityKind.PERSON) & Q(disposed_at__isnull=True),
    ),
    ("Concerns", Concern, "reporter_agency", Q(disposed_at__isnull=True)),
    ("Intelligence submissions", Submission, "submitter_agency", Q(disposed_at__isnull=True)),
    ("Referrals", Referral, "sender_agency", Q()),
    ("Disruption tactics", Tactic, "owning_agency", Q()),
    ("Hub actions", Action, "owner_agency", Q()),
    ("Missing episodes", MissingEpisode, "owning_agency", Q()),
]


def _held() -> tuple[list[str], list[HeldRow]]:
    names = dict(Agency.objects.values_list("pk", "name"))
    table: dict[int, list[int]] = {}
    for i, (_label, model, agency_field, where) in enumerate(CATEGORIES):
        rows = (
            model._default_manager.filter(where)
            .order_by()
            .values(agency_field)
            .annotate(n=Count("pk"))
            .values_list(agency_field, "n")
        )
        for agency_id, n in rows:
            table.setdefault(agency_id, [0] * len(CATEGORIES))[i] = n
    held = sorted(
        (
            HeldRow(names.get(agency_id, "Unknown agency"), counts)
            for agency_id, counts in table.items()
        ),
        key=lambda r: r.agency,
    )
    return [c[0] for c in CATEGORIES], held


def overview(user: Actor, *, today: dt.date | None = None) -> Overview | None:
    """The dashboard for `user`, or None when they may not see it."""
    if not can_view(user):
        return None
    today = today or timezone.localdate()
    categories, held = _held()
    held_panel = Panel(
        key="held",
        title="Records held, by category",
        value_header="Records",
        rows=[Bar(label, sum(row.counts[i] for row in held)) for i, label in enumerate(categories)],
    )
    panels = [
        _reviews(user, today),
        _sars(user, today),
        _restrictions(user, today),
        _shares(today),
        held_panel,
    ]
    return Overview(
        today=today,
        panels=[p.layout() for p in panels],
        categories=categories,
        held=held,
    )


def consult_overview(user: Actor) -> Overview | None:
    """The dashboard shown (web or API): recorded as governance.dashboard_viewed. None
    (and no row) when the user may not see it."""
    found = overview(user)
    if found is not None:
        audit.record(
            actor=user,
            event="governance.dashboard_viewed",
            justification="Information governance dashboard",
        )
    return found


def export_overview(user: Actor) -> Overview | None:
    """The dashboard's figures exported as CSV: recorded as
    governance.dashboard_exported. None (and no row) when the user may not see it."""
    found = overview(user)
    if found is not None:
        audit.record(
            actor=user,
            event="governance.dashboard_exported",
            justification="Information governance dashboard exported as CSV",
            details={"figures": len(found.figures())},
        )
    return found
