"""Who may see a tactic, a plan or a location assessment (and change a tactic or an
assessment's actions). Forbidden and missing both 404.

A tactic is visible when both sides allow it (MISP-style, ADR 0009):
- the tactic itself: police-only tactics are seen by police, and by an agency it has been
  shared with; other tactics by the owning agency, Hub-wide roles and shared agencies;
- every POLE record it is linked to (children, persons of concern, places, vehicles) is
  visible to the user (cairn.pole.access.entity_visibility_q), so a tactic never leaks a
  record the user may not see.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cairn.accounts.roles import HUB_WIDE_ROLES
from cairn.audit import services as audit
from cairn.core.text import require_id
from cairn.core.types import Actor
from cairn.pole.access import entity_visibility_q, visible_entity_ids
from cairn.pole.models import EntityKind

from .models import (
    POLICE_TYPES,
    DisruptionPlan,
    LocationAction,
    LocationAssessment,
    Tactic,
    TacticShare,
    TacticSubject,
)


def can_view(user: Actor) -> bool:
    return bool(user.is_authenticated and user.has_perm("disruption.view_tactic"))


def is_police_user(user: Actor) -> bool:
    """Whether the user works for a police force. Police work (CAWNs, markers, vehicle
    sightings, police-only tactic types) is theirs, and what they record is police-only
    unless they say otherwise."""
    return bool(getattr(user, "is_police", False))


def can_record_tactic_type(user: Actor, tactic_type: str) -> bool:
    """Police-only types of tactic (POLICE_TYPES) are recorded by police users only."""
    return tactic_type not in POLICE_TYPES or is_police_user(user)


def can_record_sighting(user: Actor) -> bool:
    """A vehicle sighting is police work (a vehicle report tactic, police-only, that may
    request a marker): police users who may record tactics."""
    return bool(
        user.is_authenticated
        and user.has_perm("disruption.add_tactic")
        and user.agency_id is not None
        and is_police_user(user)
    )


def _record_q(user: Actor, shared: Q | Exists) -> Q:
    """Ownership/police-only rule for a record with owning_agency and police_only.
    (Q() | X is X in Django, so "everything" is spelt as a condition that always holds.)"""
    everything = Q(pk__isnull=False)
    mine = everything if user.role in HUB_WIDE_ROLES else Q(owning_agency_id=user.agency_id)
    # (mine OR shared) AND (not police-only OR shared), written with `shared` once: the
    # columns are NOT NULL, so it is the same rule, and the EXISTS is built and planned
    # once, not twice.
    if not is_police_user(user):
        mine &= Q(police_only=False)
    # A non-empty Q combined with a condition is a Q (the stubs allow any Combinable).
    return cast(Q, mine | shared)


def tactic_visibility_q(user: Actor) -> Q:
    if not can_view(user) or user.agency_id is None:
        return Q(pk__in=[])
    shared = Exists(TacticShare.objects.filter(tactic_id=OuterRef("pk"), agency_id=user.agency_id))
    subjects_visible = entity_visibility_q(user, prefix="entity__")
    if not subjects_visible:  # an empty Q: the user may see every POLE record
        return _record_q(user, shared)
    hidden_subject = TacticSubject.objects.filter(tactic_id=OuterRef("pk")).exclude(
        subjects_visible
    )
    return _record_q(user, shared) & Q(~Exists(hidden_subject))


def visible_tactics(user: Actor) -> QuerySet[Tactic]:
    return Tactic.objects.filter(tactic_visibility_q(user))


def visible_tactics_about(
    user: Actor, entity_id: int, *, related: Sequence[str] = (), order_by: Sequence[str] = ()
) -> list[Tactic]:
    """`visible_tactics(user)` with `entity_id` among their subjects (each once), as a list:
    for a profile page. The subjects of every tactic about the record come first, in one
    plain statement (almost no record has a tactic, and then that is all); then the tactics
    under the tactic's own rule (`_record_q`) and every subject's record checked in one
    read (`visible_entity_ids`), instead of the hidden-subject filter built into the
    tactics' query: the same tactics for less CPU (bench/README.md)."""
    if not can_view(user) or user.agency_id is None:
        return []
    subjects = _subjects_of_tactics_about(entity_id)
    if not subjects:
        return []
    shared = Exists(TacticShare.objects.filter(tactic_id=OuterRef("pk"), agency_id=user.agency_id))
    found = list(
        Tactic.objects.filter(_record_q(user, shared), pk__in={t for t, _ in subjects})
        .select_related(*related)
        .order_by(*order_by)
    )
    if not found:
        return []
    seen = visible_entity_ids(user, {entity for _, entity in subjects})
    hidden = {tactic for tactic, entity in subjects if entity not in seen}
    return [t for t in found if t.pk not in hidden]


def _subjects_of_tactics_about(entity_id: int) -> list[tuple[int, int]]:
    """(tactic id, subject record id) for every subject of every tactic with `entity_id`
    among its subjects. A plain statement: the ORM took about ten times the CPU to build
    the query the profile page ran for every child, almost always to find nothing."""
    table = connection.ops.quote_name(TacticSubject._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tactic_id, entity_id FROM {table} WHERE tactic_id IN "  # noqa: S608
            f"(SELECT tactic_id FROM {table} WHERE entity_id = %s)",
            [entity_id],
        )
        return [(int(t), int(e)) for t, e in cursor.fetchall()]


def access_tactic_by_id(user: Actor, tactic_id: int) -> Tactic:
    tactic_id = require_id(tactic_id)
    tactic = (
        visible_tactics(user)
        .select_related("owner", "owning_agency", "created_by")
        .filter(pk=tactic_id)
        .first()
    )
    if tactic is None:
        raise Http404("No tactic found.")
    return tactic


def access_tactic_to_change(user: Actor, tactic_id: int) -> Tactic:
    """A tactic the user may see and change. One they may see but not change is refused
    as one they may not see (404), as for a concern they may not screen."""
    tactic = access_tactic_by_id(user, tactic_id)
    if not can_change_tactic(user, tactic):
        raise Http404("No tactic found.")
    return tactic


def first_person_subject(tactic: Tactic) -> int | None:
    """The person a tactic is mainly about (the audit row's data subject)."""
    return (
        TacticSubject.objects.filter(tactic=tactic, entity__kind=EntityKind.PERSON)
        .order_by("role")
        .values_list("entity_id", flat=True)
        .first()
    )


def view_tactic(
    user: Actor, tactic_id: int, *, justification: str, source: str | None = None
) -> Tactic:
    """A tactic opened to read (web or API): recorded as a consultation of the person it
    is about."""
    tactic = access_tactic_by_id(user, tactic_id)
    audit.record(
        actor=user,
        event="tactic.viewed",
        obj=tactic,
        subject=first_person_subject(tactic),
        justification=justification,
        source=source,
    )
    return tactic


def can_change_tactic(user: Actor, tactic: Tactic) -> bool:
    """The owner, anyone in the owning agency with the permission, or a Hub-wide police
    role may change a (visible) tactic."""
    if not user.has_perm("disruption.add_tactic"):
        return False
    return bool(
        tactic.owner_id == user.pk
        or tactic.owning_agency_id == user.agency_id
        or (user.role in HUB_WIDE_ROLES and is_police_user(user))
    )


def visible_plans(user: Actor) -> QuerySet[DisruptionPlan]:
    if not can_view(user) or user.agency_id is None:
        return DisruptionPlan.objects.none()
    q = _record_q(user, Q(pk__in=[])) & entity_visibility_q(
        user, prefix="person_of_concern__entity__"
    )
    return DisruptionPlan.objects.filter(q)


def access_plan_by_id(user: Actor, plan_id: int) -> DisruptionPlan:
    plan_id = require_id(plan_id)
    plan = (
        visible_plans(user)
        .select_related("person_of_concern", "owner", "owning_agency")
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise Http404("No plan found.")
    return plan


def view_plan(
    user: Actor, plan_id: int, *, justification: str, source: str | None = None
) -> DisruptionPlan:
    """A plan opened to read or change (web or API): recorded as a consultation of the
    person of concern's data."""
    plan = access_plan_by_id(user, plan_id)
    audit.record(
        actor=user,
        event="plan.viewed",
        obj=plan,
        subject=plan.person_of_concern_id,
        justification=justification,
        source=source,
    )
    return plan


def visible_assessments(user: Actor) -> QuerySet[LocationAssessment]:
    if not can_view(user) or user.agency_id is None:
        return LocationAssessment.objects.none()
    q = _record_q(user, Q(pk__in=[])) & entity_visibility_q(user, prefix="location__entity__")
    return LocationAssessment.objects.filter(q)


def access_location_action_by_id(user: Actor, action_id: int) -> LocationAction:
    """An action of a location assessment the user may see (404 otherwise)."""
    action_id = require_id(action_id)
    action = (
        LocationAction.objects.filter(
            pk=action_id, assessment__in=visible_assessments(user).values("pk")
        )
        .select_related("assessment")
        .first()
    )
    if action is None:
        raise Http404("No action found.")
    return action


def can_change_assessment(user: Actor, assessment: LocationAssessment) -> bool:
    """Who may mark a (visible) assessment's actions done or reopen them: whoever recorded
    it, anyone in the owning agency with the permission, or a Hub-wide role (police only,
    for a police-only assessment)."""
    if not user.has_perm("disruption.add_tactic"):
        return False
    if assessment.assessed_by_id == user.pk:
        return True
    if assessment.owning_agency_id == user.agency_id:
        return True
    return bool(
        user.role in HUB_WIDE_ROLES and (is_police_user(user) or not assessment.police_only)
    )
