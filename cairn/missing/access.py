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
from cairn.concerns.selectors import child_concerns_for_profile
from cairn.core.text import require_id
from cairn.core.types import Actor
from cairn.pole.access import entity_visibility_q, entity_visibility_q_about, opened_by
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


def missing_signs_shown_about(user: Actor, child: Person) -> list[IndicatorObservation]:
    """`missing_signs_about(user, child)` with each sign's indicator, concern and episode,
    oldest first (a profile page's offers). When the page has opened the child for `user`,
    a sign in one of the child's own concerns is checked against the child's visible
    submitted concerns the page reads anyway (`child_concerns_for_profile`: the same rule
    for a concern about an opened child), so the signs' query carries no concern rule; a
    sign in a concern about another record (no service makes one) gets the full rule."""
    related = ("indicator", "concern", "missing_episode")
    if not opened_by(user, child):
        full = missing_signs_about(user, child).select_related(*related)
        return list(full.order_by("observed_on", "pk"))
    if not user.has_perm("hub.add_missing"):
        return []
    signs = list(
        IndicatorObservation.objects.filter(
            child=child, indicator__code__in=MISSING_SIGN_CODES, concern__isnull=False
        )
        .select_related(*related)
        .order_by("observed_on", "pk")
    )
    if not signs:
        return []
    shown = {c.pk for c in child_concerns_for_profile(user, child)}
    elsewhere = {s.concern.pk for s in signs if s.concern and s.concern.child_id != child.pk}
    if elsewhere:
        shown |= set(
            visible_concerns(user)
            .exclude(status=ConcernStatus.DRAFT)
            .filter(pk__in=elsewhere)
            .values_list("pk", flat=True)
        )
    return [s for s in signs if s.concern_id in shown]


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
