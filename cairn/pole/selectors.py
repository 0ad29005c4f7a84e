"""Reads of POLE data for pages and the API, always through the access layer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse

from cairn.accounts.models import Agency
from cairn.accounts.roles import AgencyKind
from cairn.audit import services as audit
from cairn.core.types import Actor
from cairn.referrals.access import visible_referrals

from . import normalise
from .access import (
    entity_visibility_q,
    visible_link_sources,
    visible_links,
    visible_links_touching,
    visible_people,
)
from .chronology import ChronologyEntry, chronology_for
from .models import (
    Entity,
    EntityKind,
    EntityShare,
    Link,
    LinkSource,
    NameKind,
    OnlineAccount,
    Person,
    Phone,
    Vehicle,
)
from .profile_sections import sections_for


def sources_span(sources: list[LinkSource]) -> tuple[dt.date | None, dt.date | None]:
    """When a link holds, as these sources assert it: from the earliest start, to the
    latest end (open while any source is)."""
    starts = [s.started_on for s in sources if s.started_on]
    ends = [s.ended_on for s in sources]
    end = None if not ends or None in ends else max(e for e in ends if e is not None)
    return (min(starts) if starts else None, end)


def sources_note(sources: list[LinkSource]) -> str:
    return "; ".join(s.label for s in sources)


@dataclass
class LinkView:
    """A link as one viewer sees it: through the sources they may see (police-only
    sources to police only), so its dates, agency and notes never reveal a source the
    viewer may not read."""

    link: Link
    other: Entity
    outgoing: bool
    sources: list[LinkSource] = field(default_factory=list)

    @property
    def description(self) -> str:
        label = self.link.get_link_type_display()
        return label if self.outgoing else f"{label} (reverse)"

    @property
    def started_on(self) -> dt.date | None:
        return sources_span(self.sources)[0]

    @property
    def ended_on(self) -> dt.date | None:
        return sources_span(self.sources)[1]

    @property
    def source_note(self) -> str:
        return sources_note(self.sources)

    @property
    def first_source(self) -> LinkSource | None:
        return self.sources[0] if self.sources else None


def with_visible_sources(user: Actor, links: QuerySet[Link]) -> QuerySet[Link]:
    """Links with `visible_sources` prefetched: the sources the user may be shown."""
    return links.prefetch_related(
        Prefetch(
            "sources",
            queryset=visible_link_sources(user).select_related("owning_agency"),
            to_attr="visible_sources",
        )
    )


def links_for_entity(user: Actor, entity_id: int) -> QuerySet[Link]:
    return with_visible_sources(
        user,
        visible_links(user)
        .filter(Q(from_entity_id=entity_id) | Q(to_entity_id=entity_id))
        .select_related("from_entity", "to_entity", "owning_agency", "created_by")
        .order_by("-started_on", "-created_at"),
    )


def link_view(link: Link, entity_id: int) -> LinkView:
    """The view of a link from `links_for_entity` (or `with_visible_sources`) seen from
    one of its ends."""
    return LinkView(
        link=link,
        other=link.to_entity if link.from_entity_id == entity_id else link.from_entity,
        outgoing=link.from_entity_id == entity_id,
        sources=list(getattr(link, "visible_sources", [])),
    )


def link_views_for_entity(user: Actor, entity_id: int) -> list[LinkView]:
    return [link_view(link, entity_id) for link in links_for_entity(user, entity_id)]


def profile_link_views(user: Actor, entity_id: int) -> list[LinkView]:
    """`link_views_for_entity` as the profile page shows it (without the link's owner and
    author or the sources' agencies, which it does not show): the same links, in the same
    order (`visible_links_touching`)."""
    return [link_view(link, entity_id) for link in visible_links_touching(user, entity_id)]


def consult_person_links(user: Actor, person: Person, *, justification: str) -> list[LinkView]:
    """A person's links shown (all of them, before paging): one consultation naming the
    person (links.viewed)."""
    views = link_views_for_entity(user, person.pk)
    audit.record(
        actor=user,
        event="links.viewed",
        obj=person,
        subject=person,
        justification=justification,
        details={"links": len(views)},
    )
    return views


@dataclass
class PersonProfile:
    person: Person
    names: list[OtherName]
    links: list[LinkView]
    chronology: list[ChronologyEntry]
    sections: list[tuple[str, dict[str, Any]]]
    shares: list[ShareView]


def person_profile(user: Actor, person: Person) -> PersonProfile:
    """Everything the profile page shows; `person` must come from access_person_by_id."""
    links = profile_link_views(user, person.pk)
    return PersonProfile(
        person=person,
        names=other_names(person),
        links=links,
        chronology=chronology_for(user, person, links),
        sections=sections_for(user, person),
        shares=share_views_for_person(user, person),
    )


@dataclass(frozen=True, slots=True)
class OtherName:
    kind: str
    given_name: str
    family_name: str

    @property
    def full_name(self) -> str:  # as PersonName.full_name
        return f"{self.given_name} {self.family_name}".strip()

    def get_kind_display(self) -> str:  # as PersonName.get_kind_display
        return str(_NAME_KINDS.get(self.kind, self.kind))


_NAME_KINDS = dict(NameKind.choices)


# The columns of PersonName (a rename fails the API's tests, which read through this).
_OTHER_NAMES_SQL = (
    "SELECT kind, given_name, family_name FROM pole_personname "
    "WHERE person_id = %s AND kind <> %s ORDER BY kind, family_name"
)


def other_names(person: Person) -> list[OtherName]:
    """A person's names other than their primary one, by kind then family name (the
    ordering of `person_profile`'s). `person` must come from the access layer. One plain
    statement, not an ORM query: the API's audited person read runs it on every call, and
    compiling the ORM query took five times the CPU of running it (bench/README.md)."""
    with connection.cursor() as cursor:
        cursor.execute(_OTHER_NAMES_SQL, [person.pk, NameKind.PRIMARY.value])
        return [OtherName(*row) for row in cursor.fetchall()]


def find_visible_object(
    user: Actor, kind: str, fields: dict[str, Any], *, police_only: bool | None = None
) -> int | None:
    """The id of a visible vehicle, phone or online account with the same normalised key
    as `fields`, so a mention reuses the record instead of duplicating it; with
    `police_only`, only one marked (or not marked) police-only, as asked."""

    visible = entity_visibility_q(user, prefix="entity__")
    if police_only is not None:
        visible &= Q(entity__police_only=police_only)
    found: Vehicle | Phone | OnlineAccount | None
    if kind == "vehicle":
        key = normalise.registration(str(fields.get("registration") or ""))
        found = Vehicle.objects.filter(visible, registration_key=key).first() if key else None
    elif kind == "phone":
        try:
            e164 = normalise.phone_e164(str(fields.get("number") or ""))
        except normalise.InvalidPhoneNumber:
            return None
        found = Phone.objects.filter(visible, number_e164=e164).first()
    elif kind == "online_account":
        handle = normalise.handle(str(fields.get("handle") or ""))
        found = (
            OnlineAccount.objects.filter(
                visible, platform=fields.get("platform") or "other", handle_key=handle
            ).first()
            if handle
            else None
        )
    else:
        return None
    return found.pk if found is not None else None


def shares_for_person(person: Person) -> list[EntityShare]:
    """Who a person's record is shared with, oldest first; `person` must come from
    access_person_by_id (anyone who may see the record may see who else does)."""
    return list(
        EntityShare.objects.filter(entity_id=person.pk)
        .select_related("agency", "team", "shared_by", "disclosure")
        .order_by("created_at", "pk")
    )


@dataclass
class ShareView:
    share: EntityShare
    # The referral the share follows, only if the viewer may see that referral.
    referral_reference: str = ""
    referral_url: str = ""


def share_views_for_person(user: Actor, person: Person) -> list[ShareView]:

    shares = shares_for_person(person)
    ids = {int(s.source_id) for s in shares if s.basis != "manual" and s.source_id.isdigit()}
    seen = {r.pk: r for r in visible_referrals(user).filter(pk__in=ids)} if ids else {}
    views = []
    for share in shares:
        referral = seen.get(int(share.source_id)) if share.source_id.isdigit() else None
        views.append(
            ShareView(
                share=share,
                referral_reference=referral.reference if referral else "",
                referral_url=reverse("referrals:detail", args=[referral.pk]) if referral else "",
            )
        )
    return views


def share_agencies(person: Person) -> list[tuple[int, str]]:
    """Agencies a person's record may be shared with by hand: every Hub member agency
    except the owner (police only, for a police-only record)."""
    agencies = Agency.objects.filter(is_hub_member=True).exclude(pk=person.entity.owning_agency_id)
    if person.entity.police_only:
        agencies = agencies.filter(kind=AgencyKind.POLICE)
    return list(agencies.order_by("name").values_list("pk", "name"))


def share_refusal(person: Person) -> str:
    """Why an agency cannot be chosen, in the words the page and the API both use."""
    if person.entity.police_only:
        return (
            "A police-only record can be shared only with another police force in the Hub. "
            "To tell a partner agency, the FIB disseminates a sanitised intelligence entry."
        )
    return "Choose a Hub agency other than the one that owns the record"


def share_agency(person: Person, agency_id: int) -> Agency | None:
    if agency_id not in {pk for pk, _ in share_agencies(person)}:
        return None
    return Agency.objects.get(pk=agency_id)


def consult_people_found(
    user: Actor, shown: Iterable[Any], *, results: int, justification: str, values: dict[str, Any]
) -> None:
    """People found by a search and shown (the person search, web or API, and the child
    search while recording a concern): one consultation row naming those shown. What was
    typed is personal data, so it goes in `values`, beside the chain (ADR 0024)."""
    audit.record_list(
        actor=user,
        event="person.searched",
        subjects=shown,
        justification=justification,
        details={"results": results},
        values=values,
    )


def consult_objects_found(
    user: Actor,
    shown: Iterable[Any],
    *,
    results: int,
    query: str,
    also_shown: Iterable[Any] = (),
) -> None:
    """Objects and locations found by a search and shown (web or API): one consultation
    row naming those shown (and `also_shown`: the people the page names beside them); the
    query beside the chain (ADR 0024)."""
    audit.record_list(
        actor=user,
        event="entity.searched",
        subjects=[*shown, *also_shown],
        justification="Object and location search",
        details={"results": results},
        values={"query": query[:100]},
    )


def people_linked_to(user: Actor, entity_ids: Iterable[int]) -> dict[int, list[Person]]:
    """For each object found, the people linked to it that the user may see (through a
    link they may see), by name: a phone or an account has no page of its own, so this is
    the way from a found number to the records to open and link (the FIB's hidden-record
    alert lands on the search)."""
    ids = set(entity_ids)
    if not ids:
        return {}
    links = (
        visible_links(user)
        .filter(Q(from_entity_id__in=ids) | Q(to_entity_id__in=ids))
        .filter(Q(from_entity__kind=EntityKind.PERSON) | Q(to_entity__kind=EntityKind.PERSON))
        .values_list("from_entity_id", "to_entity_id")
    )
    wanted: dict[int, set[int]] = {}
    for a, b in links:
        if a in ids and b not in ids:
            wanted.setdefault(a, set()).add(b)
        if b in ids and a not in ids:
            wanted.setdefault(b, set()).add(a)
    people = {
        p.pk: p
        for p in visible_people(user).filter(pk__in={pk for got in wanted.values() for pk in got})
    }
    return {
        entity_id: sorted(
            (people[pk] for pk in got if pk in people), key=lambda p: (p.family_name, p.given_name)
        )
        for entity_id, got in wanted.items()
    }
