"""The access layer for POLE records: the one place that decides which entities a user
may see. Every read of personal data goes through `visible_entities` or an `access_*`
function. Forbidden and missing look the same (Http404), so existence never leaks.

Who sees what (need to know):
- a role without `pole.view_person` sees nothing (system admin, IG admin);
- police-only records (intelligence-derived) are seen by police agencies only;
- Hub-wide roles (FIB, PPU, MASH, analyst, Hub chair) see the whole Hub caseload;
- everyone else sees their own agency's records, records shared with their agency
  (by hand, or because a referral was sent to it), records shared with their team (a
  MASH allocation), and records shared with the Hub;
- a record disposed of under a retention rule (cairn/retention) is seen by nobody;
- a record whose processing is restricted (cairn/rights) is seen by nobody in everyday
  use: search, matching, agendas, networks, exports, links and the API all read through
  `entity_visibility_q`. Only IG and the owning agency open it, by direct link
  (`access_restricted_person`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeGuard

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404

from cairn.accounts.roles import HUB_WIDE_ROLES
from cairn.audit import services as audit
from cairn.core.text import require_id
from cairn.core.types import Actor

from .models import Entity, EntityKind, EntityShare, Link, LinkSource, Person

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def _can_view(user: Actor | AnonymousUser) -> TypeGuard[Actor]:
    return bool(user.is_authenticated and user.has_perm("pole.view_person"))


def _share_reaches_q(user: Actor) -> Q:
    """A Q over EntityShare: the shares that reach `user`: those with their agency, and,
    for a share with one team (a MASH allocation), only that team's members."""
    team = Q(team_id__isnull=True)
    if user.team_id is not None:
        team |= Q(team_id=user.team_id)
    return Q(agency_id=user.agency_id) & team


def entity_visibility_q(user: Actor | AnonymousUser, prefix: str = "") -> Q:
    """A Q over Entity fields (optionally through `prefix`, e.g. 'entity__') that is true
    exactly for the entities `user` may see."""
    if not _can_view(user) or user.agency_id is None:
        return Q(pk__in=[])
    q = Q(**{f"{prefix}restricted_since__isnull": True, f"{prefix}disposed_at__isnull": True})
    if not user.is_police:
        q &= Q(**{f"{prefix}police_only": False})
    if user.role in HUB_WIDE_ROLES:
        return q
    shared = EntityShare.objects.filter(
        _share_reaches_q(user), entity_id=OuterRef(f"{prefix}pk" if prefix else "pk")
    )
    return q & (  # type: ignore[return-value]
        Q(**{f"{prefix}owning_agency_id": user.agency_id})
        | Q(**{f"{prefix}hub_shared": True})
        | Exists(shared)
    )


def _mark_opened(user: Actor | AnonymousUser, person: Person) -> Person:
    """Note on the instance that `user` was just allowed to see this record (it was read
    through `entity_visibility_q`), so reads about it later in the same request need not
    build and run that filter again (`entity_visibility_q_about`)."""
    person.__dict__["_cairn_visible_to"] = user.pk
    return person


def opened_by(user: Actor, person: Person) -> bool:
    """Whether `person` was read through the access layer for `user` (see `_mark_opened`):
    then they may see it. A restriction or disposal made since, on this instance, undoes it."""
    if person.__dict__.get("_cairn_visible_to") != user.pk or user.pk is None:
        return False
    entity = person.entity
    return entity.restricted_since is None and entity.disposed_at is None


def entity_visibility_q_about(user: Actor, person: Person, prefix: str) -> Q:
    """`entity_visibility_q(user, prefix)` for a query already narrowed to rows about
    `person`'s record at `prefix` (e.g. `.filter(child=person)` with 'child__entity__'):
    empty when `person` came from `access_person_by_id` for `user` in this request (the
    answer is already known to be yes), so a profile page builds the filter once, not once
    per section. The caller must narrow the query to `person`."""
    if opened_by(user, person):
        return Q()
    return entity_visibility_q(user, prefix)


def identifiable_for_audit_q(user: Actor, prefix: str = "") -> Q:
    """The records an information governance admin may find by name in the audit viewer
    (to answer "who viewed this child?"): those a practitioner of their agency would see,
    police-only records only for police. Finding a record shows its name and date of birth,
    never its content."""
    if not (user.is_authenticated and user.has_perm("audit.view_auditevent")):
        return Q(pk__in=[])
    if user.agency_id is None:
        return Q(pk__in=[])
    q = Q() if user.is_police else Q(**{f"{prefix}police_only": False})
    shared = EntityShare.objects.filter(
        entity_id=OuterRef(f"{prefix}pk" if prefix else "pk"), agency_id=user.agency_id
    )
    return q & (  # type: ignore[return-value]
        Q(**{f"{prefix}owning_agency_id": user.agency_id})
        | Q(**{f"{prefix}hub_shared": True})
        | Exists(shared)
    )


def visible_entities(user: Actor | AnonymousUser) -> QuerySet[Entity]:
    return Entity.objects.filter(entity_visibility_q(user))


def visible_entity_ids(user: Actor, ids: Iterable[int]) -> set[int]:
    """The subset of `ids` that `user` may see: one query, even for a Hub-wide police role,
    since a restricted record is withheld from everyone."""
    wanted = set(ids)
    if not wanted:
        return set()
    found = Entity.objects.filter(entity_visibility_q(user), pk__in=wanted)
    return set(found.values_list("pk", flat=True))


def not_restricted_q(prefix: str) -> Q:
    """True for a row whose record at `prefix` (e.g. 'child__', a nullable link to a Person
    or Entity) is absent or not restricted: for work items such as a referral or a concern,
    visible to their sender whoever may see the child, which restriction withholds too."""
    entity = prefix if prefix.endswith("entity__") else f"{prefix}entity__"
    field = prefix.removesuffix("__")
    return Q(**{f"{field}__isnull": True}) | Q(
        **{f"{entity}restricted_since__isnull": True, f"{entity}disposed_at__isnull": True}
    )


def restricted_entity_ids(ids: Iterable[int | None]) -> set[int]:
    """The subset of `ids` whose processing is restricted: for work done for the whole Hub
    rather than one user's view (building the agenda), which must withhold them too."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return set()
    found = Entity.objects.filter(
        Q(restricted_since__isnull=False) | Q(disposed_at__isnull=False), pk__in=wanted
    )
    return set(found.values_list("pk", flat=True))


def visible_people(user: Actor | AnonymousUser) -> QuerySet[Person]:
    return Person.objects.filter(entity_visibility_q(user, prefix="entity__"))


def visible_links(user: Actor | AnonymousUser) -> QuerySet[Link]:
    """Links the user may see: the link itself and both its ends must be visible."""
    if not _can_view(user) or not user.has_perm("pole.view_link"):
        return Link.objects.none()
    q = entity_visibility_q(user, prefix="from_entity__") & entity_visibility_q(
        user, prefix="to_entity__"
    )
    if not user.is_police:
        q &= Q(police_only=False)
    return Link.objects.filter(q)


def visible_links_touching(user: Actor, entity_id: int) -> list[Link]:
    """`visible_links(user)` with `entity_id` at either end, newest first, with both ends
    and the sources the user may be shown (`visible_sources`), for a profile page. The
    links are read under the link's own rule and both their ends checked in one read of
    the entities (`visible_entity_ids`), instead of two record filters joined into the
    links' query: the same links for less CPU (bench/README.md)."""
    if not _can_view(user) or not user.has_perm("pole.view_link"):
        return []
    links = Link.objects.filter(Q(from_entity_id=entity_id) | Q(to_entity_id=entity_id))
    if not user.is_police:
        links = links.filter(police_only=False)
    found = list(
        links.select_related("from_entity", "to_entity").order_by("-started_on", "-created_at")
    )
    ends = visible_entity_ids(user, {i for x in found for i in (x.from_entity_id, x.to_entity_id)})
    shown = [x for x in found if x.from_entity_id in ends and x.to_entity_id in ends]
    prefetch_related_objects(
        shown, Prefetch("sources", queryset=visible_link_sources(user), to_attr="visible_sources")
    )
    return shown


def visible_link_sources(user: Actor) -> QuerySet[LinkSource]:
    """The sources of links a user may be shown: police-only sources (intelligence) to
    police only. Use on links from `visible_links`; a visible link always has at least one
    source its viewer may see (a link is police-only while all its sources are)."""
    if not _can_view(user) or not user.has_perm("pole.view_link"):
        return LinkSource.objects.none()
    if user.is_police:
        return LinkSource.objects.all()
    return LinkSource.objects.filter(police_only=False)


def access_person_by_id(user: Actor | AnonymousUser, person_id: int) -> Person:
    person_id = require_id(person_id)
    # By primary key, so no ORDER BY (`.first()` would sort by name): every audited read
    # of a person compiles this query, and the sort is a fifth of its CPU (bench/README.md).
    found = list(
        visible_people(user)
        .select_related("entity", "entity__owning_agency")
        .filter(pk=person_id)
        .order_by()[:1]
    )
    if not found:
        raise Http404("No person found.")
    return _mark_opened(user, found[0])


def view_person(
    user: Actor | AnonymousUser, person_id: int, *, justification: str, source: str | None = None
) -> Person:
    """A person opened to show (their profile, or a page about them such as the start of a
    referral): recorded as a consultation (person.viewed) naming them."""
    if not user.is_authenticated:  # sees no one (as access_person_by_id would say)
        raise Http404("No person found.")
    person = access_person_by_id(user, person_id)
    consult_person(user, person, justification=justification, source=source)
    return person


def consult_person(
    user: Actor, person: Person, *, justification: str, source: str | None = None
) -> None:
    """A person already opened under another app's rule (e.g. cairn/rights) shown on its
    page: recorded as a consultation (person.viewed) naming them."""
    audit.record(
        actor=user,
        event="person.viewed",
        obj=person,
        subject=person,
        justification=justification,
        source=source,
    )


def access_entity_by_id(user: Actor | AnonymousUser, entity_id: int) -> Entity:
    entity_id = require_id(entity_id)
    entity = visible_entities(user).select_related("owning_agency").filter(pk=entity_id).first()
    if entity is None:
        raise Http404("No record found.")
    return entity


def view_entity(
    user: Actor | AnonymousUser, entity_id: int, *, justification: str, source: str | None = None
) -> Entity:
    """Any POLE record opened to show (a form about it names it): recorded as a
    consultation naming it (person.viewed for a person, entity.viewed otherwise)."""
    if not user.is_authenticated:  # sees nothing (as access_entity_by_id would say)
        raise Http404("No record found.")
    entity = access_entity_by_id(user, entity_id)
    audit.record(
        actor=user,
        event="person.viewed" if entity.kind == EntityKind.PERSON else "entity.viewed",
        obj=entity,
        subject=entity,
        justification=justification,
        source=source,
    )
    return entity


def view_object(user: Actor, entity_id: int, *, justification: str) -> Entity:
    """A vehicle, phone, online account or location opened to read: recorded as a
    consultation (entity.viewed) of its detail record. People are not objects here (they
    have view_person and their own events), so a person's id is missing."""
    entity = access_entity_by_id(user, entity_id)
    if entity.kind == EntityKind.PERSON:
        raise Http404("No object or location found: people are at /people/{id}.")
    audit.record(
        actor=user,
        event="entity.viewed",
        obj=getattr(entity, entity.kind),
        justification=justification,
        details={"kind": entity.kind},
    )
    return entity


def can_mark_police_only(user: Actor) -> bool:
    """Only police may mark a record or a link police-only."""
    return user.is_police


def can_change_person(user: Actor, person: Person) -> bool:
    """Changing needs the permission and the record to belong to (or be shared with) the
    user's agency; Hub-wide roles may change any visible record."""
    if not user.has_perm("pole.change_person"):
        return False
    if person.entity.restricted_since is not None:
        return False  # restricted: kept, not changed, until lifted (cairn/rights)
    if user.role in HUB_WIDE_ROLES:
        return True
    return bool(
        person.entity.owning_agency_id == user.agency_id
        or person.entity.shares.filter(_share_reaches_q(user)).exists()
    )


def can_share_person(user: Actor, person: Person) -> bool:
    """Sharing a record by hand (and revoking such a share) is the owning agency's
    decision, taken by a role that may share; shares that follow a referral or an
    allocation are made by those services."""
    if not user.has_perm("pole.share_entity"):
        return False
    if person.entity.restricted_since is not None:
        return False
    return bool(user.agency_id is not None and person.entity.owning_agency_id == user.agency_id)


def access_person_to_share(user: Actor, person_id: int) -> Person:
    """The person, for someone of the owning agency who may share it (or revoke a share);
    404 otherwise, so a user who may see the record but not share it learns nothing new."""
    person = access_person_by_id(user, person_id)
    if not can_share_person(user, person):
        raise Http404("No person found.")
    return person


def view_person_to_share(user: Actor, person_id: int, *, justification: str) -> Person:
    """The share and revoke pages name the person: recorded as a consultation, and only
    once access is settled (a refused request shows nothing, so records nothing)."""
    person = access_person_to_share(user, person_id)
    consult_person(user, person, justification=justification)
    return person


def view_person_shares(user: Actor, person_id: int, *, source: str | None = None) -> Person:
    """Who a person's record is shared with, read (the API's share list): a consultation
    naming the person."""
    person = access_person_by_id(user, person_id)
    audit.record(
        actor=user,
        event="entity.shares_viewed",
        obj=person,
        subject=person,
        justification="Viewed who the record is shared with via the API",
        source=source,
    )
    return person


def _restricted_reaches_q(user: Actor) -> Q:
    """The restricted records `user` may open by direct link: IG (those they may identify
    in the audit viewer) and the owning agency's casework roles; nobody else."""
    if not user.is_authenticated or user.agency_id is None:
        return Q(pk__in=[])
    if user.has_perm("rights.view_restricted"):
        return identifiable_for_audit_q(user, prefix="entity__")
    if _can_view(user):
        return Q(entity__owning_agency_id=user.agency_id)
    return Q(pk__in=[])


def access_restricted_person(user: Actor, person_id: int) -> Person:
    """A person whose processing is restricted, for IG or the owning agency; 404 for
    everyone else and for a record that is not restricted (that one is read through
    `access_person_by_id`)."""
    person_id = require_id(person_id)
    person = (
        Person.objects.filter(
            _restricted_reaches_q(user),
            entity__restricted_since__isnull=False,
            entity__disposed_at__isnull=True,
            pk=person_id,
        )
        .select_related("entity", "entity__owning_agency")
        .first()
    )
    if person is None:
        raise Http404("No person found.")
    return person


def view_restricted_person(
    user: Actor, person_id: int, *, justification: str, source: str | None = None
) -> Person:
    """A restricted record opened by direct link (web or API): a consultation like any
    other view."""
    person = access_restricted_person(user, person_id)
    consult_person(user, person, justification=justification, source=source)
    return person
