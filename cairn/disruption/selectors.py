"""Reads for disruption pages and the API, always through the access layers: lists,
reviews due and overdue, a tactic with its detail, what is recorded against a person,
a place or a vehicle, and repeated sightings of one vehicle near children."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cairn.accounts.models import Agency
from cairn.audit import services as audit
from cairn.core.types import Actor
from cairn.pole.access import (
    access_entity_by_id,
    entity_visibility_q,
    visible_entity_ids,
    visible_link_sources,
    visible_links,
)
from cairn.pole.models import Entity, EntityKind, LinkType, Location, Person, Vehicle

from .access import (
    access_tactic_by_id,
    visible_assessments,
    visible_plans,
    visible_tactics,
    visible_tactics_about,
)
from .eligibility import Eligibility, cawn_eligibility
from .models import (
    DisruptionPlan,
    LocationAssessment,
    MarkerRequest,
    Tactic,
    TacticStatus,
    TacticSubject,
    TacticType,
    VehicleSighting,
)

OPEN = [TacticStatus.PLANNED, TacticStatus.IN_PROGRESS]


def _subjects_prefetch(user: Actor) -> Prefetch[Any]:
    return Prefetch(
        "subjects",
        queryset=TacticSubject.objects.filter(
            entity_visibility_q(user, prefix="entity__")
        ).select_related("entity"),
    )


def tactic_list(
    user: Actor, *, tactic_type: str | None = None, status: str | None = None
) -> QuerySet[Tactic]:
    qs = visible_tactics(user)
    if tactic_type:
        qs = qs.filter(tactic_type=tactic_type)
    if status:
        qs = qs.filter(status=status)
    return (
        qs.select_related("owner", "owning_agency", "marker")
        .prefetch_related(_subjects_prefetch(user))
        .order_by("-created_at", "-pk")
    )


def _reviewable(user: Actor) -> QuerySet[Tactic]:
    return (
        visible_tactics(user)
        .filter(status__in=OPEN, review_on__isnull=False)
        .exclude(marker__removed_at__isnull=False)
    )


def overdue_reviews(user: Actor, today: dt.date | None = None) -> QuerySet[Tactic]:
    today = today or timezone.localdate()
    return (
        _reviewable(user)
        .filter(review_on__lt=today)
        .select_related("owner", "owning_agency")
        .prefetch_related(_subjects_prefetch(user))
        .order_by("review_on", "pk")
    )


def reviews_due_soon(user: Actor, today: dt.date | None = None, days: int = 14) -> QuerySet[Tactic]:
    today = today or timezone.localdate()
    return (
        _reviewable(user)
        .filter(review_on__gte=today, review_on__lte=today + dt.timedelta(days=days))
        .select_related("owner", "owning_agency")
        .prefetch_related(_subjects_prefetch(user))
        .order_by("review_on", "pk")
    )


def is_overdue(tactic: Tactic, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    if not tactic.is_open or tactic.review_on is None:
        return False
    marker = getattr(tactic, "marker", None)
    if marker is not None and not marker.active:
        return False
    return tactic.review_on < today


@dataclass
class TacticView:
    tactic: Tactic
    subjects: list[TacticSubject]
    detail: Any
    breaches: list[Any] = field(default_factory=list)
    shares: list[Any] = field(default_factory=list)
    overdue: bool = False
    # Names of the detail's fields that point at a POLE record the user may not see:
    # pages show "a person you cannot see", the API null.
    hidden: frozenset[str] = frozenset()


POLE_MODELS = (Entity, Person, Vehicle, Location)


def detail_references(detail: Any) -> dict[str, int]:
    """The POLE records a typed detail names: {field name: entity id}."""
    if detail is None:
        return {}
    refs: dict[str, int] = {}
    for f in detail._meta.concrete_fields:
        if f.is_relation and f.name != "tactic" and f.related_model in POLE_MODELS:
            value = getattr(detail, f.attname)
            if value is not None:
                refs[f.name] = value
    return refs


def hidden_references(user: Actor, detail: Any) -> frozenset[str]:
    """Fields of `detail` naming a record `user` may not see. New tactics keep these
    records among their subjects (so the tactic itself is hidden); this guards rows
    recorded before that, and any detail that forgets to."""
    refs = detail_references(detail)
    visible = visible_entity_ids(user, refs.values())
    return frozenset(name for name, pk in refs.items() if pk not in visible)


DETAIL_ATTR = {
    TacticType.CAWN: "cawn",
    TacticType.MARKER: "marker",
    TacticType.DRUGS_WARRANT: "drugs_warrant",
    TacticType.VEHICLE_REPORT: "sighting",
    TacticType.ENFORCEMENT_VISIT: "visit",
    TacticType.IMMIGRATION_CHECK: "immigration",
}


def tactic_detail(user: Actor, tactic: Tactic) -> TacticView:
    """`tactic` must come from access_tactic_by_id."""
    attr = DETAIL_ATTR.get(TacticType(tactic.tactic_type), "order")
    detail = getattr(tactic, attr, None)
    breaches = (
        list(detail.breaches.select_related("recorded_by"))
        if attr == "cawn" and detail is not None
        else []
    )
    subjects = list(
        TacticSubject.objects.filter(tactic=tactic)
        .filter(entity_visibility_q(user, prefix="entity__"))
        .select_related("entity")
        .order_by("role", "pk")
    )
    return TacticView(
        tactic=tactic,
        subjects=subjects,
        detail=detail,
        breaches=breaches,
        shares=list(tactic.shares.select_related("agency", "shared_by")),
        overdue=is_overdue(tactic),
        hidden=hidden_references(user, detail),
    )


def tactics_for_entity(user: Actor, entity_id: int) -> QuerySet[Tactic]:
    return (
        visible_tactics(user)
        .filter(subjects__entity_id=entity_id)
        .distinct()
        .select_related("owner", "owning_agency", "marker")
        .order_by("-created_at", "-pk")
    )


def tactics_for_person(user: Actor, person: Person) -> list[Tactic]:
    """tactics_for_entity for a profile page, read once per request: the profile section
    and the chronology entries share the result (cached on the person object)."""
    cache: dict[int, list[Tactic]] = person.__dict__.setdefault("_disruption_tactics", {})
    if user.pk not in cache:
        cache[user.pk] = visible_tactics_about(
            user,
            person.pk,
            related=("owner", "owning_agency", "marker"),
            order_by=("-created_at", "-pk"),
        )
    return cache[user.pk]


def cawn_check(person: Person, today: dt.date | None = None) -> Eligibility:
    today = today or timezone.localdate()
    return cawn_eligibility(
        age=person.age_on(today),
        looked_after=person.looked_after,
        is_child=person.category == "child",
    )


def linked_people(user: Actor, person: Person, category: str) -> list[Person]:
    """Visible people of `category` linked (either way) to `person` by a visible link."""
    links = visible_links(user).filter(Q(from_entity_id=person.pk) | Q(to_entity_id=person.pk))
    ids = set()
    for from_id, to_id in links.values_list("from_entity_id", "to_entity_id"):
        ids.add(to_id if from_id == person.pk else from_id)
    ids.discard(person.pk)
    return list(
        Person.objects.filter(
            entity_visibility_q(user, prefix="entity__"), pk__in=ids, category=category
        ).order_by("family_name", "given_name")
    )


def plans_for_person(user: Actor, person: Person) -> list[DisruptionPlan]:
    return list(
        visible_plans(user)
        .filter(person_of_concern=person)
        .select_related("owner", "owning_agency")
        .prefetch_related(Prefetch("tactics", queryset=visible_tactics(user)))
        .order_by("-updated_at")
    )


def plan_tactic_choices(user: Actor, person: Person) -> list[Tactic]:
    return list(tactics_for_entity(user, person.pk).filter(status__in=[*OPEN, "done"]))


def intelligence_count(user: Actor, person: Person | Entity) -> int:
    """Intelligence reports that name the person: the distinct sources of visible links
    recorded from an intelligence submission (the intelligence app records its links with
    source_type "intelligence.*"). Only links and sources the user may see are counted."""
    links = visible_links(user).filter(Q(from_entity_id=person.pk) | Q(to_entity_id=person.pk))
    return (
        visible_link_sources(user)
        .filter(link__in=links.values("pk"), source_type__startswith="intelligence.")
        .values("source_type", "source_id")
        .distinct()
        .count()
    )


@dataclass
class SightingGroup:
    vehicle_label: str
    vehicle_id: int
    sightings: list[VehicleSighting]
    children: list[Entity]


def sightings_visible(user: Actor) -> QuerySet[VehicleSighting]:
    return VehicleSighting.objects.filter(tactic__in=visible_tactics(user))


def repeated_sightings_near_children(user: Actor, minimum: int = 2) -> list[SightingGroup]:
    """Vehicles seen at least `minimum` times with a child recorded nearby, each vehicle's
    sightings together (newest first)."""
    child_sightings = TacticSubject.objects.filter(role="protected_child").values("tactic_id")
    near_children = sightings_visible(user).filter(tactic_id__in=child_sightings)
    repeated = (
        near_children.order_by()
        .values("vehicle_id")
        .annotate(n=Count("tactic_id"))
        .filter(n__gte=minimum)
        .values("vehicle_id")
    )
    rows = (
        near_children.filter(vehicle_id__in=repeated)
        .select_related("vehicle")
        .prefetch_related(_subjects_prefetch_for_sighting(user))
        .order_by("vehicle_id", "-seen_at")
    )
    groups: OrderedDict[int, SightingGroup] = OrderedDict()
    for sighting in rows:
        group = groups.setdefault(
            sighting.vehicle_id,
            SightingGroup(sighting.vehicle.registration_key, sighting.vehicle_id, [], []),
        )
        group.sightings.append(sighting)
        for subject in sighting.tactic.subjects.all():
            if subject.role == "protected_child" and subject.entity not in group.children:
                group.children.append(subject.entity)
    return list(groups.values())


def _subjects_prefetch_for_sighting(user: Actor) -> Prefetch[Any]:
    return Prefetch(
        "tactic__subjects",
        queryset=TacticSubject.objects.filter(
            entity_visibility_q(user, prefix="entity__")
        ).select_related("entity"),
    )


def vehicle_sightings(user: Actor, vehicle_entity_id: int) -> list[VehicleSighting]:
    return list(
        sightings_visible(user)
        .filter(vehicle_id=vehicle_entity_id)
        .select_related("location")
        .prefetch_related(_subjects_prefetch_for_sighting(user))
        .order_by("-seen_at")
    )


@dataclass
class LinkedPerson:
    person: Person
    link_types: list[str]


@dataclass
class VehicleProfile:
    entity: Entity
    vehicle: Vehicle
    people: list[LinkedPerson]
    sightings: list[VehicleSighting]
    tactics: list[Tactic]
    marker_requests: list[MarkerRequest]


def vehicle_people(user: Actor, entity: Entity) -> list[LinkedPerson]:
    """People linked to the vehicle by links the user may see. visible_links needs both
    ends visible, so a hidden person is neither named nor counted."""
    links = visible_links(user).filter(Q(from_entity_id=entity.pk) | Q(to_entity_id=entity.pk))
    types: dict[int, list[str]] = {}
    for from_id, to_id, link_type in links.values_list(
        "from_entity_id", "to_entity_id", "link_type"
    ):
        other = to_id if from_id == entity.pk else from_id
        types.setdefault(other, [])
        if link_type not in types[other]:
            types[other].append(link_type)
    people = Person.objects.filter(
        entity_visibility_q(user, prefix="entity__"), pk__in=types.keys()
    ).order_by("family_name", "given_name", "pk")
    return [
        LinkedPerson(p, [LinkType(t).label if t in LinkType.values else t for t in types[p.pk]])
        for p in people
    ]


def vehicle_profile(user: Actor, entity: Entity) -> VehicleProfile:
    """`entity` must come from view_profile(kind="vehicle")."""
    return VehicleProfile(
        entity=entity,
        vehicle=Vehicle.objects.get(pk=entity.pk),
        people=vehicle_people(user, entity),
        sightings=vehicle_sightings(user, entity.pk),
        tactics=list(
            tactics_for_entity(user, entity.pk).exclude(tactic_type=TacticType.VEHICLE_REPORT)
        ),
        # A request is shown with its sighting: only those on sightings the user may see.
        marker_requests=list(
            MarkerRequest.objects.filter(vehicle_id=entity.pk, sighting__in=sightings_visible(user))
            .select_related("requested_by", "sighting")
            .order_by("-requested_at", "-pk")
        ),
    )


@dataclass
class LocationProfile:
    entity: Entity
    tactics: list[Tactic]
    sightings: list[VehicleSighting]
    assessments: list[LocationAssessment]
    people_linked: int
    concern_count: int | None
    intelligence_count: int


def location_profile(user: Actor, entity: Entity) -> LocationProfile:
    """`entity` must come from access_entity_by_id and be a location."""
    sightings = list(
        sightings_visible(user)
        .filter(Q(location_id=entity.pk) | Q(tactic__subjects__entity_id=entity.pk))
        .distinct()
        .select_related("vehicle")
        .order_by("-seen_at")
    )
    assessments = list(
        visible_assessments(user)
        .filter(location_id=entity.pk)
        .select_related("assessed_by", "owning_agency")
        .prefetch_related("actions")
    )
    people = (
        visible_links(user).filter(Q(from_entity_id=entity.pk) | Q(to_entity_id=entity.pk)).count()
    )
    return LocationProfile(
        entity=entity,
        tactics=list(tactics_for_entity(user, entity.pk).exclude(tactic_type="vehicle_report")),
        sightings=sightings,
        assessments=assessments,
        people_linked=people,
        concern_count=_concerns_at(user, entity),
        intelligence_count=intelligence_count(user, entity),
    )


def _concerns_at(user: Actor, entity: Entity) -> int | None:
    """Concerns whose mentions put someone at this place (a link sourced from a concern)."""
    if not user.has_perm("concerns.view_concern"):
        return None
    links = visible_links(user).filter(Q(from_entity_id=entity.pk) | Q(to_entity_id=entity.pk))
    return (
        visible_link_sources(user)
        .filter(link__in=links.values("pk"), source_type="concerns.concern")
        .values("source_id")
        .distinct()
        .count()
    )


def locations_with_activity(user: Actor) -> list[Entity]:
    """Places named in visible tactics (for the hotspots list)."""
    ids = (
        TacticSubject.objects.filter(tactic__in=visible_tactics(user), role="location")
        .values_list("entity_id", flat=True)
        .distinct()
    )
    return list(
        Entity.objects.filter(
            entity_visibility_q(user), pk__in=ids, kind=EntityKind.LOCATION
        ).order_by("label")[:100]
    )


def plan_tactics(user: Actor, plan: DisruptionPlan) -> list[Tactic]:
    return list(
        visible_tactics(user).filter(plans=plan).select_related("owner").order_by("review_on", "pk")
    )


def other_agencies(user: Actor) -> list[Any]:
    """Agencies a tactic can be shared with (every agency but the user's own)."""

    agencies = Agency.objects.all()
    if user.agency_id is not None:
        agencies = agencies.exclude(pk=user.agency_id)
    return list(agencies.order_by("name"))


def consult_locations(user: Actor) -> list[Entity]:
    """The hotspots list, recorded as one consultation naming the places shown."""
    places = locations_with_activity(user)
    audit.record_list(
        actor=user,
        event="location.listed",
        subjects=places,
        justification="Places with disruption activity",
    )
    return places


def tactic_subject_ids(tactics: Any) -> list[int]:
    """The records a page of tactics is about (as prefetched: only those the user may
    see), for the list's consultation row."""
    return [s.entity_id for t in tactics for s in t.subjects.all()]


def _tactics_listed(
    user: Actor, subjects: list[Any], justification: str, details: dict[str, Any] | None = None
) -> None:
    audit.record_list(
        actor=user,
        event="tactic.listed",
        subjects=subjects,
        justification=justification,
        details=details,
    )


def consult_tactics(
    user: Actor, shown: Any, *, justification: str, details: dict[str, Any] | None = None
) -> None:
    """Tactics listed (the tracker's page with its overdue and due-soon panels, or a page
    or the overdue list through the API): one consultation row naming their records."""
    _tactics_listed(user, tactic_subject_ids(shown), justification, details)


def consult_plans(user: Actor, plans: list[DisruptionPlan], *, person_id: int | None) -> None:
    """Disruption plans listed through the API: one row naming each person of concern."""
    _tactics_listed(
        user,
        [p.person_of_concern_id for p in plans],
        "Disruption plans listed through the API",
        {"plans": len(plans), "person": person_id},
    )


def consult_repeated_sightings(user: Actor) -> list[SightingGroup]:
    """Vehicles seen again and again near children: one consultation row naming the
    children and the vehicles."""
    groups = repeated_sightings_near_children(user)
    _tactics_listed(
        user,
        [e.pk for g in groups for e in g.children] + [g.vehicle_id for g in groups],
        "Repeated vehicle sightings near children",
        {"vehicles": len(groups)},
    )
    return groups


def view_cawn_notice(user: Actor, tactic_id: int) -> Tactic:
    """A CAWN's printable notice (HTML or PDF): recorded as tactic.printed, to the person
    of concern it is served on. The notice names both people, so it is missing unless the
    user may see both."""
    tactic = access_tactic_by_id(user, tactic_id)
    if tactic.tactic_type != TacticType.CAWN:
        raise Http404("No CAWN found.")
    if hidden_references(user, tactic.cawn):
        raise Http404("No CAWN found.")
    audit.record(
        actor=user,
        event="tactic.printed",
        obj=tactic,
        subject=tactic.cawn.child_id,
        recipient=tactic.cawn.person_of_concern.full_name,
        justification="CAWN notice printed for service",
    )
    return tactic


def view_profile(
    user: Actor, entity_id: int, *, kind: str, justification: str, source: str | None = None
) -> Entity:
    """A place's or a vehicle's disruption profile opened to read (web or API): recorded
    as a consultation naming the record. Anything else is 404."""
    entity = access_entity_by_id(user, entity_id)
    if entity.kind != kind:
        raise Http404("No location found." if kind == EntityKind.LOCATION else "No vehicle found.")
    audit.record(
        actor=user,
        event=(
            "location.profile_viewed" if kind == EntityKind.LOCATION else "vehicle.profile_viewed"
        ),
        obj=entity,
        subject=entity,
        justification=justification,
        source=source,
    )
    return entity
