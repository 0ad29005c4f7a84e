"""Reads about information rights, scoped through cairn/rights/access.py."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.core.paginator import Page
from django.db.models import Case, Model, QuerySet, When
from django.http import Http404
from django.utils import timezone

from cairn.accounts.models import Agency, User
from cairn.accounts.rules import roles_for
from cairn.audit import services as audit
from cairn.audit.models import AuditEvent
from cairn.core.text import require_id
from cairn.core.types import Actor
from cairn.intelligence.linking import describe as describe_mention
from cairn.network.matching.online import HOME_LINKS, CandidateFields, Match, match_person
from cairn.pole.access import access_restricted_person
from cairn.pole.models import Link, Person
from cairn.pole.selectors import other_names

from .access import (
    access_duplicate_alert,
    can_know_item,
    can_review_possible_entries,
    can_see_item,
    can_see_sar_match,
    can_take_over,
    is_police_agency,
    known_items_q,
    readable_agencies,
    visible_duplicate_alerts,
    visible_requests,
    visible_sars,
)
from .bundle import Segment, segments
from .cover import sar_cover
from .models import (
    NEITHER_CONFIRM_NOR_DENY,
    BundleItem,
    DuplicateAlert,
    Exemption,
    PossibleEntry,
    PossibleEntryStatus,
    Redaction,
    RequestStatus,
    Restriction,
    RightsRequest,
    SarStatus,
    SubjectAccessRequest,
)


def requests_list(user: Actor, *, status: str) -> QuerySet[RightsRequest]:
    qs = visible_requests(user).select_related("person__entity__owning_agency")
    if status == RequestStatus.CLOSED:
        return qs.filter(status=RequestStatus.CLOSED).order_by("-closed_at", "-pk")
    return qs.filter(status=RequestStatus.OPEN).order_by("due_on", "pk")


def overdue_count(user: Actor) -> int:
    return (
        visible_requests(user)
        .filter(status=RequestStatus.OPEN, due_on__lt=timezone.localdate())
        .count()
    )


def restriction_in_force(person: Person) -> Restriction | None:
    return (
        Restriction.objects.filter(person=person, lifted_at__isnull=True)
        .select_related("applied_by__agency", "extends", "request")
        .first()
    )


@dataclass(frozen=True)
class RestrictionShown:
    """A restriction as one viewer may be told of it (tester report 10, F10)."""

    restriction: Restriction
    reason: str
    restricted_by: str
    extends_record: int | None  # the record it was extended from, if the viewer may open it
    extended: bool  # restricted as the same person as another record: lifted only with it


# What the holding agency of a duplicate is told when it may not open the original: that
# its record is restricted as the same person as another, and nothing of that record.
EXTENDED_UNSEEN_REASON = (
    "Information governance judged this record to be the same person as another record "
    "whose processing is restricted, and restricted it too"
)


def restriction_shown(restriction: Restriction, viewer: Actor) -> RestrictionShown:
    """The restriction with what `viewer` may know of it. A restriction extended to a
    duplicate names the original record, its restricting officer and their agency only
    to someone who may open the original (its IG and owning agency): to the duplicate's
    holding agency that would say which agency holds a restricted record on the person,
    which the restriction withholds (ADR 0023: told "by record number only", its own)."""
    by = restriction.applied_by
    original = restriction.extends
    if original is not None and not _may_open_restricted(viewer, original.person_id):
        return RestrictionShown(
            restriction, EXTENDED_UNSEEN_REASON, "Information governance", None, True
        )
    agency = by.agency.name if by.agency is not None else ""
    return RestrictionShown(
        restriction,
        restriction.reason,
        (by.get_full_name() or by.get_username())
        + (f" ({agency} information governance)" if original is not None and agency else ""),
        original.person_id if original is not None else None,
        original is not None,
    )


def _may_open_restricted(viewer: Actor, person_id: int) -> bool:
    try:
        access_restricted_person(viewer, person_id)
    except Http404:
        return False
    return True


def lifted_restriction_of(rr: RightsRequest) -> Restriction | None:
    """The restriction this request led to, once lifted (None while in force or never)."""
    return (
        # The request's own restriction, not one extended from it to a duplicate.
        Restriction.objects.filter(request=rr, lifted_at__isnull=False, extends__isnull=True)
        .select_related("lifted_by")
        .order_by("-lifted_at")
        .first()
    )


def restrictions_for(person: Person) -> list[Restriction]:
    return list(Restriction.objects.filter(person=person).select_related("applied_by", "lifted_by"))


# A new record that may duplicate a restricted one (ADR 0023, amendments).


@dataclass(frozen=True)
class AlertSide:
    """One record of an alert's pair, by its identifying details only: nothing of what
    is recorded about the person."""

    person: Person
    other_names: list[str]
    postcode: str
    agency: str
    created_by: str
    created_at: Any


def _side(person: Person) -> AlertSide:
    entity = person.entity
    postcode = (
        Link.objects.filter(
            from_entity_id=person.pk, link_type__in=HOME_LINKS, ended_on__isnull=True
        )
        .exclude(to_entity__location__postcode="")
        .order_by("-pk")
        .values_list("to_entity__location__postcode", flat=True)
        .first()
    )
    creator = entity.created_by
    return AlertSide(
        person=person,
        other_names=[n.full_name for n in other_names(person)],
        postcode=postcode or "",
        agency=entity.owning_agency.name,
        created_by=(
            f"{creator.get_full_name() or creator.get_username()}"
            + (f", {creator.agency.name}" if creator.agency is not None else "")
            if creator is not None
            else "Not recorded"
        ),
        created_at=entity.created_at,
    )


def view_duplicate_alert(user: Actor, alert_id: int) -> tuple[DuplicateAlert, AlertSide, AlertSide]:
    """An alert opened by the IG holding the restriction: the two records side by side,
    recorded as one consultation naming both."""
    alert = access_duplicate_alert(user, alert_id)
    audit.record_list(
        actor=user,
        event="rights.restricted_duplicate_viewed",
        obj=alert,
        subjects=[alert.restriction.person_id, alert.person_id],
        justification=f"Compared new record {alert.person_id} with restricted record "
        f"{alert.restriction.person_id}",
        details={"status": alert.status},
    )
    return alert, _side(alert.restriction.person), _side(alert.person)


def duplicate_alerts_of(rr: RightsRequest) -> list[DuplicateAlert]:
    """The alerts about the restriction a request led to, for its history: record ids,
    the decision and who made it (nothing personal)."""
    return list(
        DuplicateAlert.objects.filter(restriction__request=rr, restriction__extends__isnull=True)
        .select_related("decided_by", "restriction")
        .order_by("created_at", "pk")
    )


def duplicate_alerts_list(user: Actor) -> QuerySet[DuplicateAlert]:
    """The alerts `user` may open, waiting ones first (the API's list)."""
    return (
        visible_duplicate_alerts(user)
        .select_related("restriction", "decided_by")
        .order_by("-created_at", "-pk")
    )


def consult_duplicate_alerts(user: Actor, shown: Page[DuplicateAlert]) -> None:
    """A page of alerts listed (record ids and decisions): one consultation row naming
    both records of each."""
    audit.record_list(
        actor=user,
        event="rights.restricted_duplicates_listed",
        subjects=[i for a in shown for i in (a.restriction.person_id, a.person_id)],
        justification="Listed possible duplicates of restricted records",
        details={"page": shown.number},
    )


# Subject access requests (ADR 0025).


# The list's tabs: open requests, disclosed ones, and those closed without disclosure.
SAR_LIST_TABS = ("open", "disclosed", "closed")


def sars_list(user: Actor, *, status: str) -> QuerySet[SubjectAccessRequest]:
    qs = visible_sars(user).select_related("possible_duplicate_of")
    if status == SarStatus.DISCLOSED:
        return qs.filter(status=SarStatus.DISCLOSED).order_by("-disclosed_at", "-pk")
    if status == "closed":
        return qs.filter(status__in=(SarStatus.WITHDRAWN, SarStatus.CLOSED)).order_by(
            "-closed_at", "-pk"
        )
    return qs.exclude(status__in=SarStatus.finished()).order_by("due_on", "pk")


def sar_name_variants(sar: SubjectAccessRequest) -> list[CandidateFields]:
    """The requester's name, then each other name they gave ("Tam", "Jade Oldsurname"):
    a one-word name is searched as a nickname with the family name, and alone."""
    variants = [
        CandidateFields(
            given_name=sar.given_name,
            family_name=sar.family_name,
            date_of_birth=sar.date_of_birth,
        )
    ]
    for raw in sar.other_names.replace(";", ",").split(","):
        words = raw.split()
        if not words:
            continue
        if len(words) == 1:
            variants.append(
                CandidateFields(
                    given_name=sar.given_name,
                    family_name=sar.family_name,
                    date_of_birth=sar.date_of_birth,
                    nickname=words[0],
                )
            )
            variants.append(CandidateFields(given_name=words[0], date_of_birth=sar.date_of_birth))
        else:
            variants.append(
                CandidateFields(
                    given_name=" ".join(words[:-1]),
                    family_name=words[-1],
                    date_of_birth=sar.date_of_birth,
                )
            )
    return variants


def _every_agency(ids: set[int]) -> set[int]:
    # A subject access search covers every agency's records, restricted ones too: the
    # Hub must answer for all it holds (ADR 0025). Only name and date of birth are shown
    # until IG confirms a record is the requester's.
    return ids


@dataclass(frozen=True)
class SarCandidate:
    """A record that may be the requester's; `dob_differs` when it was found on the names
    alone and its date of birth is not the one given (or it has none)."""

    match: Match
    dob_differs: bool = False

    @property
    def person(self) -> Person:
        return self.match.person

    @property
    def percent(self) -> int:
        return self.match.percent

    @property
    def weight(self) -> float:
        return self.match.weight


def _best(user: Actor, variants: list[CandidateFields]) -> dict[int, Match]:
    best: dict[int, Match] = {}
    for fields in variants:
        for match in match_person(user, fields, limit=25, scope=_every_agency):
            current = best.get(match.person.pk)
            if current is None or match.weight > current.weight:
                best[match.person.pk] = match
    return best


def sar_candidates(user: Actor, sar: SubjectAccessRequest) -> list[SarCandidate]:
    """People who may be the requester, best first, merged over the name variants. A
    wrong or mistyped date of birth would find nothing: when the search with it finds no
    one, the names are searched alone and each record found is flagged
    "date of birth differs", for IG to decide with the requester's evidence."""
    best = _best(user, sar_name_variants(sar))
    if not best and sar.date_of_birth is not None:
        best = _best(user, [replace(v, date_of_birth=None) for v in sar_name_variants(sar)])
    return [
        SarCandidate(
            m,
            dob_differs=sar.date_of_birth is not None
            and m.person.date_of_birth != sar.date_of_birth,
        )
        for m in sorted(best.values(), key=lambda m: -m.weight)
        if can_see_sar_match(user, m.person)
    ]


def sar_items(
    sar: SubjectAccessRequest, agency_id: int | None = None, *, viewer: Actor | None = None
) -> list[BundleItem]:
    """The bundle's items (one agency's part, or all), each marked `shown` if `viewer`
    may read its content."""
    qs = sar.items.select_related("agency", "disclosed_as", "withheld_by__agency").prefetch_related(
        "redactions"
    )
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    if viewer is not None:
        qs = qs.filter(known_items_q(viewer))
    items = list(qs)
    if viewer is not None:
        approved = readable_agencies(viewer, sar)
        for item in items:
            item.shown = can_see_item(viewer, item, approved)
    return items


def item_segments(item: BundleItem) -> list[Segment]:
    return segments(
        item.text,
        [(r.start, r.end, Exemption.disclosed_label(r.exemption)) for r in item.redactions.all()],
    )


def whom_to_ask(viewer: Actor, person_ids: Iterable[int]) -> dict[int, str]:
    """For each restricted record, whom `viewer` is told to ask about it ("ask your
    information governance"), by role and agency only: their own agency's IG; where it
    has no IG user in Cairn, the IG of the agency that restricted the record (else that
    agency), so the reporter is never sent to nobody (tester report 1, F6)."""
    wanted = set(person_ids)
    if not wanted:
        return {}
    restricting = {
        r.person_id: r.applied_by.agency
        for r in Restriction.objects.filter(person_id__in=wanted, lifted_at__isnull=True)
        .select_related("applied_by__agency")
        .order_by("applied_at")
    }
    agencies = {a.pk for a in restricting.values() if a is not None} | {viewer.agency_id or 0}
    with_ig = set(
        User.objects.filter(
            agency_id__in=agencies, role__in=roles_for("rights.manage_request"), is_active=True
        ).values_list("agency_id", flat=True)
    )
    found: dict[int, str] = {}
    for pk in wanted:
        agency = restricting.get(pk)
        if viewer.agency_id in with_ig or agency is None:
            found[pk] = "your information governance"
        elif agency.pk in with_ig:
            found[pk] = f"{agency.name}'s information governance"
        else:
            found[pk] = agency.name
    return found


@dataclass(frozen=True)
class PartContacts:
    """Who at Cairn hears of an agency's part of a request (ADR 0025, amendment, F7): its
    information governance; else, where it has none (so nobody there can approve), those
    who could give someone that role: its own user administrators, else the Hub's; else
    nobody. `said` is how pages name them, truthfully, in a sentence."""

    agency: str
    users: tuple[User, ...]
    kind: str  # "ig", "agency_admins", "hub_admins" or "nobody"

    @property
    def said(self) -> str:
        return {
            "ig": f"{self.agency}'s information governance",
            "agency_admins": f"{self.agency}'s user administrators (it has no information "
            "governance user in Cairn)",
            "hub_admins": f"the Hub's user administrators ({self.agency} has no information "
            "governance user or user administrator in Cairn)",
        }.get(self.kind, "")

    @property
    def nobody(self) -> bool:
        return not self.users


def part_contacts(agency_ids: Iterable[int]) -> dict[int, PartContacts]:
    """`PartContacts` for each agency, in three queries."""
    wanted = set(agency_ids)
    names = dict(Agency.objects.filter(pk__in=wanted).values_list("pk", "name"))
    ig_users = list(
        User.objects.filter(
            agency_id__in=wanted, role__in=roles_for("rights.manage_request"), is_active=True
        ).order_by("pk")
    )
    hub_admins = tuple(
        User.objects.filter(role__in=roles_for("accounts.manage_users"), is_active=True).order_by(
            "pk"
        )
    )
    found: dict[int, PartContacts] = {}
    for pk in wanted:
        ig = tuple(u for u in ig_users if u.agency_id == pk)
        own = tuple(u for u in hub_admins if u.agency_id == pk)
        name = names.get(pk, "")
        if ig:
            found[pk] = PartContacts(name, ig, "ig")
        elif own:
            found[pk] = PartContacts(name, own, "agency_admins")
        elif hub_admins:
            found[pk] = PartContacts(name, hub_admins, "hub_admins")
        else:
            found[pk] = PartContacts(name, (), "nobody")
    return found


def sar_parts(sar: SubjectAccessRequest, *, viewer: Actor) -> list[dict[str, Any]]:
    """Each owning agency's part: its name, item count, approval and takeover (or None),
    whether it is a police agency's, and whether `viewer` may take it over; counting only
    the items `viewer` may know of."""
    approvals = {a.agency_id: a for a in sar.approvals.select_related("approved_by")}
    takeovers = {t.agency_id: t for t in sar.takeovers.select_related("taken_by")}
    parts: dict[int, dict[str, Any]] = {}
    items = sar.items.filter(known_items_q(viewer)).select_related("agency")
    for item in items.order_by("agency__name"):
        part = parts.setdefault(
            item.agency_id,
            {
                "agency": item.agency,
                "items": 0,
                "approval": approvals.get(item.agency_id),
                "takeover": takeovers.get(item.agency_id),
                "police": is_police_agency(item.agency),
                "can_take_over": item.agency_id not in approvals
                and item.agency_id not in takeovers
                and can_take_over(viewer, sar, item.agency_id),
            },
        )
        part["items"] += 1
    # Who is asked to approve each part, or was told of its takeover (F7).
    contacts = part_contacts(parts)
    for agency_id, part in parts.items():
        part["contacts"] = contacts[agency_id]
        # A part taken over waits for the approval of whoever took it over (F4).
        takeover = part["takeover"]
        part["approve_taken_over"] = (
            takeover is not None and part["approval"] is None and takeover.taken_by_id == viewer.pk
        )
        part["unreviewed"] = (
            len(unreviewed_items(sar, agency_id, viewer)) if part["approve_taken_over"] else 0
        )
    return list(parts.values())


def bundle_version(sar: SubjectAccessRequest) -> str:
    """A short digest of what decides a disclosure: the items (withheld or not), the
    redactions, the approvals and takeovers. The disclose form carries it, so a change
    made after the page was drawn refuses the disclosure (services.sar_disclose)."""
    state = (
        list(sar.items.order_by("pk").values_list("pk", "withheld_exemption")),
        list(Redaction.objects.filter(item__sar=sar).order_by("pk").values_list("pk", flat=True)),
        list(sar.approvals.order_by("pk").values_list("pk", flat=True)),
        list(sar.takeovers.order_by("pk").values_list("pk", flat=True)),
    )
    return hashlib.sha256(repr(state).encode()).hexdigest()[:16]


def unreviewed_items(sar: SubjectAccessRequest, agency_id: int, user: Actor) -> list[BundleItem]:
    """The records of a part still going out (not withheld) that `user` has not opened on
    their page: each opening is a consultation row (`consult_sar` with the item), so
    the audit log itself says what was read before a taken-over part is approved."""
    items = list(sar.items.filter(agency_id=agency_id, withheld_exemption="").order_by("position"))
    opened = set(
        AuditEvent.objects.filter(
            event="rights.sar_viewed",
            actor=user,
            object_type=BundleItem._meta.label_lower,
            object_id__in=[str(i.pk) for i in items],
        ).values_list("object_id", flat=True)
    )
    return [i for i in items if str(i.pk) not in opened]


def disclosure_context(sar: SubjectAccessRequest) -> dict[str, Any]:
    """What the disclosure PDF (rights/sar_pdf.html) shows: redacted spans appear as their
    exemption only, so the words they replace are never put in it. A withheld record gives
    nothing of itself (no title, date, type or place among the records: its title alone
    can say what the exemption hides): it is one line in a list of its own, "a record held
    by <agency> was withheld: <exemption>", sorted so its position says nothing either;
    under an exemption that may neither confirm nor deny, not even that (ADR 0025)."""
    bundle_items = sar_items(sar)
    items = [
        {"item": item, "segments": item_segments(item)}
        for item in bundle_items
        if not item.withheld
    ]
    withheld = sorted(
        (item.holder.name, Exemption.disclosed_label(item.withheld_exemption))
        for item in bundle_items
        if item.withheld and item.withheld_exemption not in NEITHER_CONFIRM_NOR_DENY
    )
    return {
        "sar": sar,
        "items": items,
        "withheld": [{"agency": a, "exemption": e} for a, e in withheld],
        "cover": sar_cover(sar, bundle_items),
        "generated_at": timezone.now(),
    }


def sar_item(sar: SubjectAccessRequest, item_id: int, *, viewer: Actor) -> BundleItem:
    item = (
        sar.items.select_related("agency", "disclosed_as", "withheld_by__agency")
        .prefetch_related("redactions")
        .filter(pk=require_id(item_id))
        .first()
    )
    if item is None or not can_know_item(viewer, item):
        raise Http404("No item found.")
    item.shown = can_see_item(viewer, item, readable_agencies(viewer, sar))
    return item


def possible_entries(user: Actor, sar: SubjectAccessRequest) -> QuerySet[PossibleEntry]:
    """Entries naming the requester in words only (ADR 0025, amendment), waiting ones
    first: for the handling IG of a bundle that may hold intelligence, else none."""
    if not can_review_possible_entries(user, sar):
        return PossibleEntry.objects.none()
    return (
        PossibleEntry.objects.filter(sar=sar)
        .select_related("agency", "decided_by", "submission")
        .annotate(waiting=Case(When(status=PossibleEntryStatus.OPEN, then=0), default=1))
        .order_by("waiting", "submitted_at", "pk")
    )


def access_possible_entry(user: Actor, sar: SubjectAccessRequest, entry_id: int) -> PossibleEntry:
    found = possible_entries(user, sar).filter(pk=require_id(entry_id)).first()
    if found is None:
        raise Http404("No entry found.")
    return found


def possible_entry_details(entry: PossibleEntry) -> list[tuple[str, str]]:
    """The whole entry as the police IG decides it (tester 9, F5: decided blind on one
    sentence): what, where, when, anything else and everything it names, each detail
    with any connection the submitter gave. Never the source (kept apart, FIB only) nor
    the FIB's grading. Shown only where `access_possible_entry` let the viewer in."""
    s = entry.submission
    details = [
        ("Who it is about, as typed", s.subject_description),
        ("When", f"{s.when_on:%-d %B %Y}" if s.when_on else ""),
        ("Time", f"{s.when_time:%H:%M}" if s.when_time else ""),
        ("Where", s.where),
        ("What was seen or heard", s.what),
        ("Anything else", s.further_information),
    ]
    for mention in s.mentions if isinstance(s.mentions, list) else []:
        if not isinstance(mention, dict):
            continue
        line = describe_mention(mention)
        born = str(mention.get("date_of_birth") or "")
        if born:
            line += f", born {born}"
        if mention.get("note"):
            line += f": {mention['note']}"
        label = "A person named" if mention.get("kind") == "person" else "Also named"
        details.append((label, line[:1].upper() + line[1:]))
    return [(k, v) for k, v in details if v]


def consult_possible_entries(
    user: Actor, sar: SubjectAccessRequest, shown: Iterable[PossibleEntry]
) -> None:
    """Entries naming the requester shown (quotes and subject text are personal data, of
    the requester or of whoever else the entry is about): one row naming the request's
    people and each entry's recorded subject, with the entries shown."""
    entries = list(shown)
    if not entries:
        return
    audit.record_list(
        actor=user,
        event="rights.sar_possible_entries_viewed",
        obj=sar if len(entries) > 1 else entries[0],
        subjects=[*sar_subjects(sar), *(e.submission.subject_id for e in entries)],
        justification=f"{sar.reference}: entries that may be about the requester, not "
        "linked to their record",
        details={"entries": sorted(e.submission_id for e in entries)},
    )


# Consultation rows for reads shown on both channels ---------------------------------------


def sar_subjects(sar: SubjectAccessRequest) -> list[int]:
    """The people a subject access request has confirmed as the requester's records."""
    return [p.pk for p in sar.people.all()]


def consult_requests(user: Actor, shown: Page[RightsRequest], *, status: str) -> None:
    """A page of information rights requests shown: one consultation row naming the
    people they are about."""
    audit.record_list(
        actor=user,
        event="rights.requests_listed",
        subjects=[rr.person_id for rr in shown],
        justification="Viewed information rights requests",
        details={"status": status, "page": shown.number},
    )


def consult_request(user: Actor, rr: RightsRequest) -> None:
    """An information rights request opened: a consultation naming its person."""
    audit.record(
        actor=user,
        event="rights.request_viewed",
        obj=rr,
        subject=rr.person,
        justification="Opened an information rights request",
    )


def consult_sars(
    user: Actor, shown: Page[SubjectAccessRequest], *, status: str, justification: str
) -> None:
    """A page of subject access requests shown (web or API): one consultation row naming
    the people of each."""
    audit.record_list(
        actor=user,
        event="rights.sars_listed",
        subjects=[pid for sar in shown for pid in sar_subjects(sar)],
        justification=justification,
        details={"status": status, "page": shown.number},
    )


def consult_sar(
    user: Actor, sar: SubjectAccessRequest, *, justification: str, obj: Model | None = None
) -> None:
    """A subject access request (or one record of its bundle, `obj`) opened, on the web
    or through the API: one consultation row naming its people."""
    audit.record_list(
        actor=user,
        event="rights.sar_viewed",
        obj=obj if obj is not None else sar,
        subjects=sar_subjects(sar),
        justification=justification,
    )


def consult_sar_matches(user: Actor, sar: SubjectAccessRequest, matches: list[Any]) -> None:
    """Records that may be the requester's, shown on the request's page: one row."""
    audit.record_list(
        actor=user,
        event="rights.sar_searched",
        obj=sar,
        subjects=[m.person.pk for m in matches],
        justification=f"{sar.reference}: records that may be the requester's",
    )


def consult_sar_pdf(user: Actor, sar: SubjectAccessRequest) -> None:
    """The disclosure PDF downloaded: one row for each person it is about, with its
    recipient."""
    for person_id in sar_subjects(sar):
        audit.record(
            actor=user,
            event="rights.sar_pdf_downloaded",
            obj=sar,
            subject=person_id,
            recipient=sar.recipient,
            justification=f"Downloaded the disclosure {sar.reference}",
        )
