"""Reads for the Hub: meetings, agendas, actions, the Philomena profile and problem
profiles, always through the access layers (cairn/hub/access.py and
cairn/pole/access.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString

from cairn.accounts.models import Agency, User
from cairn.accounts.roles import Role
from cairn.accounts.rules import roles_for
from cairn.audit import services as audit
from cairn.core.types import Actor
from cairn.missing.models import MissingEpisode
from cairn.missing.selectors import episodes_for_list
from cairn.pole import normalise
from cairn.pole.access import access_person_by_id, visible_entities, visible_links
from cairn.pole.models import Entity, EntityKind, Link, LinkType, Person, PersonName
from cairn.pole.selectors import link_view, with_visible_sources

from . import dashboard
from .access import (
    access_meeting_by_id,
    visible_actions,
    visible_items,
    visible_meetings,
    with_reach,
)
from .models import (
    Action,
    ActionStatus,
    AgendaItem,
    Attendance,
    HubMember,
    HubSetup,
    Meeting,
    MeetingStatus,
)


def hub_setup() -> HubSetup:
    row = HubSetup.objects.select_related("chair").filter(pk=1).first()
    return row or HubSetup(pk=1)


def hub_members() -> list[HubMember]:
    return list(HubMember.objects.select_related("agency", "representative", "deputy"))


def member_agencies() -> QuerySet[Any]:

    return Agency.objects.filter(hub_member__isnull=False).order_by("name")


def agencies_to_add() -> QuerySet[Any]:
    """Agencies that could join the Hub: those that are not members yet."""

    return Agency.objects.filter(hub_member__isnull=True).order_by("name")


def representative_choices(agency_id: int | None = None) -> QuerySet[Any]:
    """People who can represent an agency at the Hub: active users in a role that uses the
    Hub (the service checks they belong to the member agency)."""

    qs = User.objects.filter(
        is_active=True, agency__isnull=False, role__in=roles_for("hub.view_meeting")
    )
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    return qs.select_related("agency").order_by("agency__name", "last_name", "first_name")


def chair_choices() -> QuerySet[Any]:

    return User.objects.filter(is_active=True, role=Role.HUB_CHAIR).order_by(
        "last_name", "first_name", "username"
    )


def distribution(meeting: Meeting) -> list[Any]:
    return list(meeting.distribution.select_related("agency", "recipient", "sent_by"))


def item_actions(item: AgendaItem) -> list[Action]:
    return list(item.actions.select_related("owner", "owner_agency").order_by("due_on", "pk"))


def upcoming_meetings(user: Actor) -> QuerySet[Meeting]:
    return (
        visible_meetings(user)
        .exclude(status=MeetingStatus.FINALISED)
        .select_related("chair")
        .order_by("starts_at")
    )


def past_meetings(user: Actor) -> QuerySet[Meeting]:
    return (
        visible_meetings(user)
        .filter(status=MeetingStatus.FINALISED)
        .select_related("chair")
        .order_by("-starts_at")
    )


@dataclass
class MeetingView:
    meeting: Meeting
    attendance: list[Attendance]
    # Only the items the user may see: how many others exist is not said (even a count
    # tells a partner that police hold something about this meeting's area).
    items: list[AgendaItem]
    loose_actions: list[Action] = field(default_factory=list)

    @property
    def attended(self) -> list[Attendance]:
        return [a for a in self.attendance if a.status == "attended"]

    @property
    def apologies(self) -> list[Attendance]:
        return [a for a in self.attendance if a.status == "apologies"]

    @property
    def invited(self) -> list[Attendance]:
        return [a for a in self.attendance if a.status == "invited"]


def meeting_view(user: Actor, meeting: Meeting) -> MeetingView:
    """A meeting with its attendance, the agenda items the user may see (each with its
    actions) and the actions not tied to an item."""
    actions = with_reach(user, Action.objects.select_related("owner", "owner_agency"))
    items = list(
        visible_items(user, meeting)
        .select_related("subject", "risk_decision", "recorded_by", "action")
        .prefetch_related(Prefetch("actions", queryset=actions.order_by("due_on", "pk")))
        .order_by("position", "pk")
    )
    return MeetingView(
        meeting=meeting,
        attendance=list(meeting.attendance.select_related("agency", "user")),
        items=items,
        loose_actions=list(actions.filter(meeting=meeting, item__isnull=True)),
    )


def consult_meeting(
    user: Actor,
    meeting_id: int,
    *,
    justification: str,
    event: str = "hub.meeting_viewed",
    details: dict[str, Any] | None = None,
    source: str | None = None,
) -> MeetingView:
    """A meeting opened to read (the meeting page, its minutes on screen or as PDF, or
    through the API): one consultation row naming the records its visible items and
    actions are about. `justification` may name the meeting as {reference}."""
    meeting = access_meeting_by_id(user, meeting_id)
    view = meeting_view(user, meeting)
    subjects = [i.subject_id for i in view.items]
    subjects += [a.subject_id for i in view.items for a in i.actions.all()]
    subjects += [a.subject_id for a in view.loose_actions]
    audit.record_list(
        actor=user,
        event=event,
        obj=meeting,
        subjects=subjects,
        justification=justification.format(reference=meeting.reference),
        details=details,
        source=source,
    )
    return view


def my_actions(user: Actor) -> QuerySet[Action]:
    return (
        with_reach(user, visible_actions(user))
        .filter(owner=user)
        .select_related("owner", "owner_agency", "meeting", "subject", "item")
        .order_by("status", "due_on", "pk")
    )


def agency_actions(user: Actor) -> QuerySet[Action]:
    return (
        with_reach(user, visible_actions(user))
        .filter(owner_agency_id=user.agency_id)
        .select_related("owner", "owner_agency", "meeting", "subject", "item")
        .order_by("status", "due_on", "pk")
    )


def filter_actions(qs: QuerySet[Action], state: str, today: dt.date) -> QuerySet[Action]:
    if state == "overdue":
        return qs.filter(status=ActionStatus.OPEN, due_on__lt=today)
    if state == "due":
        return qs.filter(status=ActionStatus.OPEN, due_on__gte=today)
    if state == "complete":
        return qs.filter(status=ActionStatus.COMPLETE)
    return qs


def owner_choices(agency_id: int | None = None) -> QuerySet[Any]:
    """People an action can be given to: active users whose role works on Hub actions."""

    qs = User.objects.filter(is_active=True, role__in=roles_for("hub.view_action"))
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    return qs.select_related("agency").order_by("agency__name", "last_name", "first_name")


# The Philomena profile --------------------------------------------------------------------

PLACE_LINKS = {
    LinkType.LIVES_AT,
    LinkType.STAYS_AT,
    LinkType.FREQUENTS,
    LinkType.SEEN_AT,
    LinkType.WORKS_AT,
}


@dataclass
class Linked:
    entity: Entity
    link_type: str
    note: str
    since: dt.date | None


@dataclass
class PhilomenaProfile:
    child: Person
    names: list[PersonName]
    associates: list[Linked]
    places: list[Linked]
    phones: list[Linked]
    accounts: list[Linked]
    vehicles: list[Linked]
    episodes: list[MissingEpisode]
    generated_at: dt.datetime


def philomena_profile(user: Actor, child: Person) -> PhilomenaProfile:
    """What police need when a child goes missing, drawn from the POLE links the user may
    see (current links only); `child` must come from access_person_by_id."""
    links = with_visible_sources(
        user,
        visible_links(user)
        .filter(Q(from_entity_id=child.pk) | Q(to_entity_id=child.pk), ended_on__isnull=True)
        .select_related(
            "from_entity__person",
            "to_entity__person",
            "from_entity__location",
            "to_entity__location",
            "from_entity__phone",
            "to_entity__phone",
            "from_entity__online_account",
            "to_entity__online_account",
            "from_entity__vehicle",
            "to_entity__vehicle",
        )
        .order_by("-started_on", "-created_at"),
    )
    groups: dict[str, list[Linked]] = defaultdict(list)
    for link in links:
        view = link_view(link, child.pk)
        other = view.other
        item = Linked(other, link.get_link_type_display(), view.source_note, view.started_on)
        if other.kind == EntityKind.PERSON:
            groups["associates"].append(item)
        elif other.kind == EntityKind.LOCATION:
            groups["places"].append(item)
        elif other.kind == EntityKind.PHONE:
            groups["phones"].append(item)
        elif other.kind == EntityKind.ONLINE_ACCOUNT:
            groups["accounts"].append(item)
        else:
            groups["vehicles"].append(item)
    return PhilomenaProfile(
        child=child,
        names=list(child.names.exclude(kind="primary").order_by("kind", "family_name")),
        associates=groups["associates"],
        places=groups["places"],
        phones=groups["phones"],
        accounts=groups["accounts"],
        vehicles=groups["vehicles"],
        episodes=list(episodes_for_list(user, child=child)[:10]),
        generated_at=timezone.now(),
    )


# Problem profiles -------------------------------------------------------------------------

MAX_PROFILE_ENTITIES = 500


@dataclass
class ProblemProfile:
    title: str
    children: list[Entity]
    persons_of_concern: list[Entity]
    other_people: list[Entity]
    locations: list[Entity]
    vehicles: list[Entity]
    phones: list[Entity]
    accounts: list[Entity]
    links: list[Link]
    truncated: bool

    @property
    def counts(self) -> list[tuple[str, int]]:
        return [
            ("Children", len(self.children)),
            ("Persons of concern", len(self.persons_of_concern)),
            ("Other people", len(self.other_people)),
            ("Locations", len(self.locations)),
            ("Vehicles", len(self.vehicles)),
            ("Phones", len(self.phones)),
            ("Online accounts", len(self.accounts)),
            ("Links", len(self.links)),
        ]


def _expand(user: Actor, start: set[int], hops: int) -> tuple[set[int], bool]:
    seen = set(start)
    frontier = set(start)
    live = visible_links(user).filter(ended_on__isnull=True)
    for _ in range(hops):
        if not frontier:
            break
        pairs = live.filter(
            Q(from_entity_id__in=frontier) | Q(to_entity_id__in=frontier)
        ).values_list("from_entity_id", "to_entity_id")
        found = {e for pair in pairs for e in pair} - seen
        seen |= found
        frontier = found
        if len(seen) > MAX_PROFILE_ENTITIES:
            return set(sorted(seen)[:MAX_PROFILE_ENTITIES]), True
    return seen, False


def _postcode_prefix(text: str) -> str:
    """An area, district or sector as stored ('TS1 4'); a whole postcode typed without its
    space ('ts14aa') in its stored form ('TS1 4AA')."""
    prefix = " ".join(text.upper().split())
    return normalise.postcode(prefix) if normalise.is_postcode(prefix) else prefix


def problem_profile(
    user: Actor, *, postcode: str = "", entity: Entity | None = None, hops: int = 2
) -> ProblemProfile:
    """Children, persons of concern, locations, vehicles, phones and accounts connected to
    an area (locations whose postcode starts with `postcode`) or to one record (a network),
    within `hops` links, through records and links the user may see."""
    if entity is not None:
        start = {entity.pk}
        title = f"Network around {entity.label}"
    else:
        prefix = _postcode_prefix(postcode)
        start = set(
            visible_entities(user)
            .filter(kind=EntityKind.LOCATION, location__postcode__istartswith=prefix)
            .values_list("pk", flat=True)
        )
        title = f"Area {prefix}"
    ids, truncated = _expand(user, start, hops) if start else (set(), False)
    entities = list(
        visible_entities(user)
        .filter(pk__in=ids)
        .select_related("person", "location", "vehicle", "phone", "online_account")
        .order_by("label")
    )
    links = list(
        visible_links(user)
        .filter(from_entity_id__in=ids, to_entity_id__in=ids, ended_on__isnull=True)
        .select_related("from_entity", "to_entity")
        .order_by("from_entity__label", "to_entity__label")
    )

    def people(category: str) -> list[Entity]:
        return [
            e
            for e in entities
            if e.kind == EntityKind.PERSON
            and (
                e.person.category == category
                if category != "other"
                else e.person.category not in ("child", "person_of_concern")
            )
        ]

    def of(kind: str) -> list[Entity]:
        return [e for e in entities if e.kind == kind]

    return ProblemProfile(
        title=title,
        children=people("child"),
        persons_of_concern=people("person_of_concern"),
        other_people=people("other"),
        locations=of(EntityKind.LOCATION),
        vehicles=of(EntityKind.VEHICLE),
        phones=of(EntityKind.PHONE),
        accounts=of(EntityKind.ONLINE_ACCOUNT),
        links=links,
        truncated=truncated,
    )


def consult_problem_profile(
    user: Actor, *, postcode: str = "", entity: Entity | None = None, pdf: bool = False
) -> ProblemProfile:
    """A problem profile compiled and shown (on screen or as PDF): the compilation is
    recorded as a combination, and the showing as one consultation naming every person
    in it (the network's start record as the subject)."""
    profile = problem_profile(user, postcode=postcode, entity=entity)
    audit.record(
        actor=user,
        event="hub.problem_profile_viewed",
        obj=entity,
        justification=f"Problem profile: {profile.title}",
        details=dict(profile.counts),
    )
    people = profile.children + profile.persons_of_concern + profile.other_people
    audit.record(
        actor=user,
        event="hub.problem_profile_consulted",
        obj=entity,
        subject=entity.pk if entity is not None else None,
        justification=f"Problem profile: {profile.title}" + (" (PDF)" if pdf else ""),
        details={"subjects": sorted(e.pk for e in people)},
    )
    return profile


# Consultation rows for reads shown on both channels ---------------------------------------


def consult_actions(
    user: Actor, shown: Iterable[Action], *, justification: str, details: dict[str, Any]
) -> None:
    """A page of actions shown (web or API): one consultation row naming their subjects."""
    audit.record_list(
        actor=user,
        event="hub.actions_listed",
        subjects=[a.subject_id for a in shown],
        justification=justification,
        details=details,
    )


def view_philomena(user: Actor, person_id: int) -> Person:
    """A child's Philomena profile opened: recorded as a consultation of the child."""
    child = access_person_by_id(user, person_id)
    audit.record(
        actor=user,
        event="hub.philomena_viewed",
        obj=child,
        subject=child,
        justification="Philomena profile opened (to hand to police if the child goes missing)",
    )
    return child


def consult_dashboard(user: Actor, *, recount: bool = False) -> dashboard.Counted:
    """The Hub dashboard shown (counted at most a minute ago, or now on `recount`):
    recorded as hub.dashboard_viewed on every view."""
    audit.record(actor=user, event="hub.dashboard_viewed", justification="Hub dashboard")
    return dashboard.panels_for_page(user, recount=recount)


def dashboard_panels_html(counted: dashboard.Counted) -> SafeString:
    """The counted panels as HTML (rendered once per count; cairn/hub/dashboard.py)."""
    return dashboard.panels_html(counted)
