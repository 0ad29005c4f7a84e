"""What missing episodes add to a child's profile page (missing episodes and return home
interviews, links to record an episode and to the Philomena profile) and to the child's
chronology (each episode). Both read the episodes once per page (cached on the person),
so the profile's query count stays bounded."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from cairn.core.types import Actor
from cairn.pole import chronology, profile_sections
from cairn.pole.models import Person

from .access import visible_episodes_about
from .models import MissingEpisode
from .selectors import missing_sign_offers


def _episodes(user: Actor, person: Person) -> list[MissingEpisode]:
    cache: dict[int, list[MissingEpisode]] = person.__dict__.setdefault("_missing_episodes", {})
    if user.pk not in cache:
        cache[user.pk] = list(visible_episodes_about(user, person).order_by("-reported_at", "-pk"))
    return cache[user.pk]


@profile_sections.register
def missing_section(user: Actor, person: Person) -> profile_sections.Section | None:
    if person.category != "child" or not user.has_perm("hub.view_missing"):
        return None
    episodes = _episodes(user, person)[:5]
    return "missing/_child_section.html", {
        "child": person,
        "episodes": episodes,
        "can_add": user.has_perm("hub.add_missing"),
        "offers": missing_sign_offers(user, child=person),
    }


@chronology.register
def episode_entries(user: Actor, person: Person) -> list[chronology.ChronologyEntry]:
    entries = []
    if user.has_perm("hub.view_missing"):
        for episode in _episodes(user, person):
            found = (
                f" Found {timezone.localtime(episode.found_at):%d %b %Y %H:%M}"
                + (f" at {episode.where_found}" if episode.where_found else "")
                + "."
                if episode.found_at
                else " Not yet found."
            )
            entries.append(
                chronology.ChronologyEntry(
                    when=episode.reported_at,
                    title=f"Reported missing ({episode.reference})",
                    detail=f"Police risk grading: {episode.get_police_risk_grading_display()}."
                    + found
                    + f" Return home interview: {episode.rhi_state_label}.",
                    source="Missing episodes",
                    url=reverse("missing:detail", args=[episode.pk]),
                )
            )
    return entries
