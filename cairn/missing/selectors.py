"""Reads for missing episodes: the list and the interviews outstanding, the signs of going
missing in concerns offered as episodes (with the form's starting values), and the
consultation row for a list shown. Always through cairn/missing/access.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from cairn.audit import services as audit
from cairn.core.types import Actor
from cairn.pole.models import Person

from .access import (
    missing_signs,
    missing_signs_about,
    missing_signs_shown_about,
    visible_episodes,
)
from .models import MissingEpisode


def episodes_for_list(user: Actor, *, child: Person | None = None) -> QuerySet[MissingEpisode]:
    qs = visible_episodes(user).select_related("child", "owning_agency")
    if child is not None:
        qs = qs.filter(child=child)
    return qs.order_by("-reported_at", "-pk")


def episodes_rhi_outstanding(user: Actor) -> QuerySet[MissingEpisode]:
    return (
        visible_episodes(user)
        .filter(rhi_due_at__isnull=False, rhi_completed_at__isnull=True)
        .exclude(rhi_accepted=False)
        .select_related("child")
        .order_by("rhi_due_at")
    )


# Signs of going missing in concerns, offered as missing episodes --------------------------


@dataclass
class MissingSignOffer:
    sign: Any  # an IndicatorObservation from access.missing_signs
    episode: MissingEpisode | None  # the episode recorded from it, if any


def missing_sign_offers(
    user: Actor, *, concern_id: int | None = None, child: Person | None = None
) -> list[MissingSignOffer]:
    """The signs of going missing in one concern (or about one child) the user could
    record as missing episodes, each with the episode already recorded from it."""
    if child is not None and concern_id is None:
        shown = missing_signs_shown_about(user, child)[:50]
    else:
        signs = missing_signs(user) if child is None else missing_signs_about(user, child)
        signs = signs.select_related("indicator", "concern", "missing_episode")
        if concern_id is not None:
            signs = signs.filter(concern_id=concern_id)
        shown = list(signs.order_by("observed_on", "pk")[:50])
    return [MissingSignOffer(sign, getattr(sign, "missing_episode", None)) for sign in shown]


def sign_initial(sign: Any) -> dict[str, Any]:
    """What the episode form starts with: the sign's date as the date reported missing
    (with the concern's time when it is the same day), the next morning's date as the
    return for "missing overnight", and the sign's evidence as the circumstances."""
    concern = sign.concern
    initial: dict[str, Any] = {
        "reported_on": sign.observed_on,
        "circumstances": f"From concern {concern.reference}: {sign.evidence}".strip(),
    }
    if concern.observed_on == sign.observed_on and concern.observed_time:
        initial["reported_time"] = concern.observed_time
    if sign.indicator.code == "missing_overnight":
        initial["found_on"] = sign.observed_on + dt.timedelta(days=1)
    return initial


# Consultation rows for reads shown on both channels ---------------------------------------


def consult_missing_episodes(
    user: Actor, child_ids: Iterable[int], *, justification: str, subject: Person | None = None
) -> None:
    """Missing episodes shown (the web's page with its outstanding interviews, or a page
    through the API): one consultation row naming the children."""
    audit.record_list(
        actor=user,
        event="missing.listed",
        subjects=child_ids,
        subject=subject,
        justification=justification,
    )
