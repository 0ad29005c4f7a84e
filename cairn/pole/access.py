"""The access layer for POLE records: the one place that decides which entities a user
may see. Every read of personal data goes through `visible_entities` or an `access_*`
function. Forbidden and missing look the same (Http404), so existence never leaks.

Who sees what (need to know):
- a role without `pole.view_person` sees nothing (system admin, IG admin);
- police-only records (intelligence-derived) are seen by police agencies only;
- Hub-wide roles (FIB, PPU, MASH, analyst, Hub chair) see the whole Hub caseload;
- everyone else sees their own agency's records, records shared with their agency,
  and records shared with the Hub.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cairn.accounts.roles import HUB_WIDE_ROLES

from .models import Entity, EntityShare, Link, Person


def _can_view(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm("pole.view_person"))


def entity_visibility_q(user: Any, prefix: str = "") -> Q:
    """A Q over Entity fields (optionally through `prefix`, e.g. 'entity__') that is true
    exactly for the entities `user` may see."""
    if not _can_view(user) or user.agency_id is None:
        return Q(pk__in=[])
    q = Q()
    if not user.is_police:
        q &= Q(**{f"{prefix}police_only": False})
    if user.role in HUB_WIDE_ROLES:
        return q
    shared = EntityShare.objects.filter(
        entity_id=OuterRef(f"{prefix}pk" if prefix else "pk"), agency_id=user.agency_id
    )
    return q & (  # type: ignore[return-value]
        Q(**{f"{prefix}owning_agency_id": user.agency_id})
        | Q(**{f"{prefix}hub_shared": True})
        | Exists(shared)
    )


def visible_entities(user: Any) -> QuerySet[Entity]:
    return Entity.objects.filter(entity_visibility_q(user))


def visible_entity_ids(user: Any, ids: Iterable[int]) -> set[int]:
    """The subset of `ids` that `user` may see. For a user who sees every record (a
    Hub-wide police role: the visibility Q is empty) no query is run, which keeps hot
    paths such as matching at entry to one round trip."""
    wanted = set(ids)
    if not wanted:
        return set()
    q = entity_visibility_q(user)
    if not q.children and not q.negated:
        return wanted
    return set(Entity.objects.filter(q, pk__in=wanted).values_list("pk", flat=True))


def visible_people(user: Any) -> QuerySet[Person]:
    return Person.objects.filter(entity_visibility_q(user, prefix="entity__"))


def visible_links(user: Any) -> QuerySet[Link]:
    """Links the user may see: the link itself and both its ends must be visible."""
    if not _can_view(user) or not user.has_perm("pole.view_link"):
        return Link.objects.none()
    q = entity_visibility_q(user, prefix="from_entity__") & entity_visibility_q(
        user, prefix="to_entity__"
    )
    if not user.is_police:
        q &= Q(police_only=False)
    return Link.objects.filter(q)


def access_person_by_id(user: Any, person_id: int) -> Person:
    person = (
        visible_people(user)
        .select_related("entity", "entity__owning_agency")
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        raise Http404("No person found.")
    return person


def access_entity_by_id(user: Any, entity_id: int) -> Entity:
    entity = visible_entities(user).select_related("owning_agency").filter(pk=entity_id).first()
    if entity is None:
        raise Http404("No record found.")
    return entity


def can_change_person(user: Any, person: Person) -> bool:
    """Changing needs the permission and the record to belong to (or be shared with) the
    user's agency; Hub-wide roles may change any visible record."""
    if not user.has_perm("pole.change_person"):
        return False
    if user.role in HUB_WIDE_ROLES:
        return True
    return bool(
        person.entity.owning_agency_id == user.agency_id
        or person.entity.shares.filter(agency_id=user.agency_id).exists()
    )
