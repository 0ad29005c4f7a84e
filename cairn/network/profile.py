"""A link from a person's profile to their network (for roles that may see networks)."""

from __future__ import annotations

from cairn.core.types import Actor
from cairn.pole import profile_sections
from cairn.pole.models import Person


@profile_sections.register
def network_section(user: Actor, person: Person) -> profile_sections.Section | None:
    if not user.has_perm("network.view_network"):
        return None
    return "network/_profile_section.html", {"person": person}
