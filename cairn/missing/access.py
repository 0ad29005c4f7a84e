"""Who may see which missing episodes, and which signs of going missing. Forbidden and
missing both give 404.

- Missing episodes: anyone with `hub.view_missing` who may see the child (the POLE access
  layer decides).
- Signs of going missing in a concern (to record as episodes): signs in submitted concerns
  the user may see, for users with `hub.add_missing`.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from cairn.audit import services as audit
from cairn.concerns.access import visible_concerns
from cairn.concerns.models import ConcernStatus, IndicatorObservation
from cairn.core.text import require_id
from cairn.core.types import Actor
from cairn.pole.access import entity_visibility_q, entity_visibility_q_about
from cairn.pole.models import Person

from .models import MissingEpisode


def visible_episodes(user: Actor) -> QuerySet[MissingEpisode]:
    if not user.is_authenticated or not user.has_perm("hub.view_missing"):
        return MissingEpisode.objects.none()
    return MissingEpisode.objects.filter(entity_visibility_q(user, prefix="child__entity__"))


def visible_episodes_about(user: Actor, child: Person) -> QuerySet[MissingEpisode]:
    """`visible_episodes(user).filter(child=child)`, without building the child's record
    filter again when the page has just opened that record (a profile page)."""
    if not user.is_authenticated or not user.has_perm("hub.view_missing"):
        return MissingEpisode.objects.none()
    return MissingEpisode.objects.filter(
        entity_visibility_q_about(user, child, "child__entity__"), child=child
    )


# Indicator codes (cairn/concerns/catalogue.py) that say the child went missing.
MISSING_SIGN_CODES = ("missing_overnight", "frequent_missing")


def missing_signs(user: Actor) -> QuerySet[IndicatorObservation]:
    """Signs of going missing recorded in submitted concerns the user may see, when the
    user may record missing episodes. (Signs that missing episodes added themselves have
    no concern, so they are never offered back.)"""
    if not user.is_authenticated or not user.has_perm("hub.add_missing"):
        return IndicatorObservation.objects.none()
    concerns = visible_concerns(user).exclude(status=ConcernStatus.DRAFT)
    return IndicatorObservation.objects.filter(
        indicator__code__in=MISSING_SIGN_CODES,
        concern__in=concerns.values("pk"),
    ).filter(entity_visibility_q(user, prefix="child__entity__"))


def missing_signs_about(user: Actor, child: Person) -> QuerySet[IndicatorObservation]:
    """`missing_signs(user).filter(child=child)`, the same rule, with the child's record
    filter built once per page (see `visible_episodes_about`)."""
    if not user.is_authenticated or not user.has_perm("hub.add_missing"):
        return IndicatorObservation.objects.none()
    concerns = visible_concerns(user).exclude(status=ConcernStatus.DRAFT)
    return IndicatorObservation.objects.filter(
        entity_visibility_q_about(user, child, "child__entity__"),
        indicator__code__in=MISSING_SIGN_CODES,
        concern__in=concerns.values("pk"),
        child=child,
    )


def access_missing_sign(user: Actor, observation_id: int) -> IndicatorObservation:
    sign = (
        missing_signs(user)
        .select_related("indicator", "concern", "child", "child__entity")
        .filter(pk=observation_id)
        .first()
    )
    if sign is None:
        raise Http404("No sign of going missing found.")
    return sign


def access_episode_by_id(user: Actor, episode_id: int) -> MissingEpisode:
    episode_id = require_id(episode_id)
    episode = (
        visible_episodes(user)
        .select_related("child", "child__entity", "owning_agency", "recorded_by", "rhi_by")
        .filter(pk=episode_id)
        .first()
    )
    if episode is None:
        raise Http404("No missing episode found.")
    return episode


def view_episode(
    user: Actor, episode_id: int, *, justification: str = "", source: str | None = None
) -> MissingEpisode:
    """A missing episode opened to read (web or API): recorded as a consultation of the
    child's data."""
    episode = access_episode_by_id(user, episode_id)
    audit.record(
        actor=user,
        event="missing.viewed",
        obj=episode,
        subject=episode.child_id,
        justification=justification or f"Opened {episode.reference}",
        source=source,
    )
    return episode
