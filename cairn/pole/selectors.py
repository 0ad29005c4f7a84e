"""Reads of POLE data for pages and the API, always through the access layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from .access import visible_links
from .chronology import ChronologyEntry, chronology_for
from .models import Entity, Link, Person, PersonName
from .profile_sections import sections_for


@dataclass
class LinkView:
    link: Link
    other: Entity
    outgoing: bool

    @property
    def description(self) -> str:
        label = self.link.get_link_type_display()
        return label if self.outgoing else f"{label} (reverse)"


def links_for_entity(user: Any, entity_id: int) -> QuerySet[Link]:
    return (
        visible_links(user)
        .filter(Q(from_entity_id=entity_id) | Q(to_entity_id=entity_id))
        .select_related("from_entity", "to_entity", "owning_agency", "created_by")
        .order_by("-started_on", "-created_at")
    )


def link_views_for_entity(user: Any, entity_id: int) -> list[LinkView]:
    return [
        LinkView(
            link=link,
            other=link.to_entity if link.from_entity_id == entity_id else link.from_entity,
            outgoing=link.from_entity_id == entity_id,
        )
        for link in links_for_entity(user, entity_id)
    ]


@dataclass
class PersonProfile:
    person: Person
    names: list[PersonName]
    links: list[LinkView]
    chronology: list[ChronologyEntry]
    sections: list[tuple[str, dict[str, Any]]]


def person_profile(user: Any, person: Person) -> PersonProfile:
    """Everything the profile page shows; `person` must come from access_person_by_id."""
    names = list(person.names.exclude(kind="primary").order_by("kind", "family_name"))
    links = link_views_for_entity(user, person.pk)
    return PersonProfile(
        person=person,
        names=names,
        links=links,
        chronology=chronology_for(user, person, links),
        sections=sections_for(user, person),
    )


def find_visible_object(user: Any, kind: str, fields: dict[str, Any]) -> int | None:
    """The id of a visible vehicle, phone or online account with the same normalised key
    as `fields`, so a mention reuses the record instead of duplicating it."""
    from . import normalise
    from .access import entity_visibility_q
    from .models import OnlineAccount, Phone, Vehicle

    visible = entity_visibility_q(user, prefix="entity__")
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
