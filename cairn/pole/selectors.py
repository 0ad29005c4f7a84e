"""Reads of POLE data for pages and the API, always through the access layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from .access import visible_links
from .chronology import ChronologyEntry, chronology_for
from .models import Entity, Link, Person, PersonName


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


def person_profile(user: Any, person: Person) -> PersonProfile:
    """Everything the profile page shows; `person` must come from access_person_by_id."""
    names = list(person.names.exclude(kind="primary").order_by("kind", "family_name"))
    links = link_views_for_entity(user, person.pk)
    return PersonProfile(
        person=person,
        names=names,
        links=links,
        chronology=chronology_for(user, person, links),
    )
