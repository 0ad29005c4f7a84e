"""The disruption section of a person's profile: tactics protecting a child or against a
person of concern; for a person of concern, the children they are linked to, the
intelligence count and the disruption plan."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from cairn.core.types import Actor
from cairn.pole import profile_sections
from cairn.pole.models import Person

from . import selectors
from .access import can_view


@profile_sections.register
def disruption_section(user: Actor, person: Person) -> profile_sections.Section | None:
    if not can_view(user):
        return None
    today = timezone.localdate()
    tactics = selectors.tactics_for_person(user, person)
    context: dict[str, Any] = {
        "person": person,
        "tactics": tactics,
        "overdue_ids": {t.pk for t in tactics if selectors.is_overdue(t, today)},
        "is_child": person.category == "child",
        "is_poc": person.category == "person_of_concern",
    }
    if person.category == "child":
        context["cawn"] = selectors.cawn_check(person, today)
    if person.category == "person_of_concern":
        context["children"] = selectors.linked_people(user, person, "child")
        context["plans"] = selectors.plans_for_person(user, person)
        context["intelligence_count"] = selectors.intelligence_count(user, person)
    return "disruption/_profile_section.html", context
