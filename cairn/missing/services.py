"""Every write for missing episodes: recording an episode (also from a concern's sign of
going missing), the child's return (which starts the 72-hour return home interview clock)
and the return home interview, with the frequent-missing and missing-overnight indicators
added automatically. Keyword-only, actor first, atomic, validated, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.accounts.models import User
from cairn.audit import services as audit
from cairn.concerns.models import Indicator, IndicatorObservation
from cairn.core.concurrency import Conflict, lock
from cairn.core.http import require
from cairn.core.types import Actor
from cairn.hub.services import setup as hub_setup
from cairn.pole.access import access_person_by_id
from cairn.pole.models import Person

from .access import access_missing_sign
from .models import RHI_HOURS, MissingEpisode, PoliceRiskGrading


def _who(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "someone else"


def _episode_errors(
    *, reported_at: dt.datetime, found_at: dt.datetime | None, grading: str
) -> dict[str, list[str]]:
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if timezone.is_naive(reported_at):
        errors["reported_at"] = ["The time needs a time zone"]
    elif reported_at > now:
        errors["reported_at"] = ["The time reported missing must be in the past"]
    if found_at is not None:
        if timezone.is_naive(found_at):
            errors["found_at"] = ["The time needs a time zone"]
        elif found_at > now:
            errors["found_at"] = ["The time found must be in the past"]
        elif "reported_at" not in errors and found_at < reported_at:
            errors["found_at"] = ["The time found must be after the time reported missing"]
    if grading not in PoliceRiskGrading.values:
        errors["police_risk_grading"] = ["Choose the police risk grading"]
    return errors


# How far back a new episode may be reported: the Hub records current episodes (they
# start the return home interview clock and count towards frequent missing).
EPISODE_MAX_AGE = dt.timedelta(days=365)


def _reported_at_plausible(reported_at: dt.datetime, child: Person) -> dict[str, list[str]]:
    """A new episode's time reported missing: not before the child was born, and within
    the last 12 months (a mistyped year such as 1900 is refused, not recorded)."""
    day = timezone.localtime(reported_at).date()
    if child.date_of_birth is not None and day < child.date_of_birth:
        born = child.date_of_birth
        return {
            "reported_at": [
                f"The time reported missing cannot be before the child was born "
                f"({born.day} {born:%B %Y})"
            ]
        }
    if reported_at < timezone.now() - EPISODE_MAX_AGE:
        return {
            "reported_at": [
                "The time reported missing must be within the last 12 months: check the "
                "year. The Hub records current episodes; an older one belongs in the "
                "child's history (a concern or the police report)"
            ]
        }
    return {}


@transaction.atomic
def episode_record(
    *,
    actor: Actor,
    child: Person,
    reported_at: dt.datetime,
    reported_by: str = "",
    police_reference: str = "",
    police_risk_grading: str = PoliceRiskGrading.NOT_GRADED,
    circumstances: str = "",
    found_at: dt.datetime | None = None,
    where_found: str = "",
    out_of_area: bool = False,
    source_observation: IndicatorObservation | None = None,
) -> MissingEpisode:
    require(actor, "hub.add_missing")
    child = access_person_by_id(actor, child.pk)
    # The episode belongs to the recorder's agency; an account with none sees no child.
    agency = actor.agency
    assert agency is not None
    errors = _episode_errors(
        reported_at=reported_at, found_at=found_at, grading=police_risk_grading
    )
    if child.category != "child":
        errors["child"] = ["Missing episodes are recorded for children"]
    if "reported_at" not in errors:
        errors.update(_reported_at_plausible(reported_at, child))
    if errors:
        raise ValidationError(errors)
    episode = MissingEpisode.objects.create(
        child=child,
        reported_at=reported_at,
        reported_by=reported_by.strip(),
        police_reference=police_reference.strip(),
        police_risk_grading=police_risk_grading,
        circumstances=circumstances.strip(),
        found_at=found_at,
        where_found=where_found.strip(),
        out_of_area=out_of_area,
        rhi_due_at=found_at + dt.timedelta(hours=RHI_HOURS) if found_at else None,
        owning_agency=agency,
        recorded_by=actor,
        source_observation=source_observation,
        concern_id=source_observation.concern_id if source_observation else None,
    )
    details: dict[str, Any] = {"returned": found_at is not None}
    if source_observation is not None:
        details |= {"concern": source_observation.concern_id, "sign": source_observation.pk}
    audit.record(
        actor=actor,
        event="missing.recorded",
        obj=episode,
        subject=child,
        justification=(
            "Missing episode recorded from a sign in a concern"
            if source_observation is not None
            else "Missing episode recorded"
        ),
        details=details,
    )
    _missing_indicators(actor=actor, episode=episode)
    return episode


@transaction.atomic
def episode_record_from_sign(
    *,
    actor: Actor,
    sign_id: int,
    reported_at: dt.datetime,
    found_at: dt.datetime | None = None,
    where_found: str = "",
    circumstances: str = "",
    reported_by: str = "",
    police_reference: str = "",
    police_risk_grading: str = PoliceRiskGrading.NOT_GRADED,
    out_of_area: bool = False,
) -> tuple[MissingEpisode, bool]:
    """Record a sign of going missing from a concern as a missing episode (the RHI clock
    starts from `found_at`), linked back to the sign and its concern. Idempotent: the
    sign's row is locked, so a second submit (even at the same moment) returns the
    episode already recorded. Returns (episode, created)."""
    require(actor, "hub.add_missing")
    sign = access_missing_sign(actor, sign_id)
    # Serialise submits for this sign: the second waits here, then finds the episode.
    IndicatorObservation.objects.select_for_update().filter(pk=sign.pk).first()
    existing = MissingEpisode.objects.filter(source_observation_id=sign.pk).first()
    if existing is not None:
        return existing, False
    child = sign.child
    assert child is not None
    episode = episode_record(
        actor=actor,
        child=child,
        reported_at=reported_at,
        reported_by=reported_by,
        police_reference=police_reference,
        police_risk_grading=police_risk_grading,
        circumstances=circumstances,
        found_at=found_at,
        where_found=where_found,
        out_of_area=out_of_area,
        source_observation=sign,
    )
    return episode, True


@transaction.atomic
def episode_return(
    *,
    actor: Actor,
    episode: MissingEpisode,
    found_at: dt.datetime,
    where_found: str = "",
    out_of_area: bool = False,
) -> MissingEpisode:
    """Record the child's return: starts the 72-hour return home interview clock."""
    require(actor, "hub.add_missing")
    lock(episode)
    if episode.found_at is not None:
        raise Conflict(
            f"The child's return was already recorded by someone else "
            f"(found {timezone.localtime(episode.found_at):%-d %b %Y %H:%M}). "
            "Nothing has been changed."
        )
    errors = _episode_errors(
        reported_at=episode.reported_at, found_at=found_at, grading=episode.police_risk_grading
    )
    if errors:
        raise ValidationError(errors)
    episode.found_at = found_at
    episode.where_found = where_found.strip()
    episode.out_of_area = out_of_area
    episode.rhi_due_at = found_at + dt.timedelta(hours=RHI_HOURS)
    episode.save(update_fields=["found_at", "where_found", "out_of_area", "rhi_due_at"])
    audit.record(
        actor=actor,
        event="missing.returned",
        obj=episode,
        subject=episode.child_id,
        justification="Return from a missing episode recorded",
    )
    _missing_indicators(actor=actor, episode=episode)
    return episode


@transaction.atomic
def rhi_record(
    *,
    actor: Actor,
    episode: MissingEpisode,
    offered_on: dt.date | None,
    accepted: bool | None,
    completed_at: dt.datetime | None = None,
    notes: str = "",
) -> MissingEpisode:
    """Record the return home interview: offered (date), accepted or declined, completed.
    A completed interview is final: a later edit racing it must not wipe it."""
    require(actor, "hub.add_missing")
    lock(episode)
    if episode.rhi_completed_at is not None:
        raise Conflict(
            f"The return home interview was already recorded as completed by "
            f"{_who(episode.rhi_by)}. Nothing has been changed."
        )
    errors: dict[str, list[str]] = {}
    if episode.found_at is None:
        errors["__all__"] = ["Record the child's return first"]
    today = timezone.localdate()
    if offered_on is not None and offered_on > today:
        errors["offered_on"] = ["The date offered must be today or in the past"]
    if offered_on is None and (accepted is not None or completed_at is not None):
        errors["offered_on"] = ["Enter the date the interview was offered"]
    if completed_at is not None:
        if accepted is False:
            errors["completed_at"] = ["An interview that was declined cannot be completed"]
        elif completed_at > timezone.now():
            errors["completed_at"] = ["The interview time must be in the past"]
        elif episode.found_at is not None and completed_at < episode.found_at:
            errors["completed_at"] = ["The interview must be after the child returned"]
    if errors:
        raise ValidationError(errors)
    episode.rhi_offered_on = offered_on
    episode.rhi_accepted = True if completed_at is not None else accepted
    episode.rhi_completed_at = completed_at
    episode.rhi_notes = notes.strip()
    episode.rhi_by = actor
    episode.save(
        update_fields=[
            "rhi_offered_on",
            "rhi_accepted",
            "rhi_completed_at",
            "rhi_notes",
            "rhi_by",
        ]
    )
    audit.record(
        actor=actor,
        event="missing.rhi_recorded",
        obj=episode,
        subject=episode.child_id,
        justification="Return home interview recorded",
        details={"state": episode.rhi_state},
    )
    return episode


def spans_night(episode: MissingEpisode) -> bool:
    """Missing overnight: the episode runs past midnight (local time); an episode with no
    return yet counts once the night after it was reported has begun."""
    start = timezone.localtime(episode.reported_at).date()
    end = timezone.localtime(episode.found_at or timezone.now()).date()
    return end > start


def _observe(*, actor: Actor, episode: MissingEpisode, code: str, evidence: str) -> bool:
    indicator = Indicator.objects.filter(code=code).first()
    source = f"Missing episode {episode.reference}"
    if (
        indicator is None
        or IndicatorObservation.objects.filter(
            child_id=episode.child_id, indicator=indicator, source=source
        ).exists()
    ):
        return False
    observation = IndicatorObservation.objects.create(
        child_id=episode.child_id,
        indicator=indicator,
        observed_on=timezone.localtime(episode.reported_at).date(),
        evidence=evidence,
        source=source,
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        event="missing.indicator_added",
        obj=observation,
        subject=episode.child_id,
        justification=evidence[:500],
        details={"indicator": code, "episode": episode.pk},
    )
    return True


def _missing_indicators(*, actor: Actor, episode: MissingEpisode) -> None:
    rules = hub_setup()
    start = episode.reported_at - dt.timedelta(days=rules.frequent_missing_days)
    recent = list(
        MissingEpisode.objects.filter(
            child_id=episode.child_id, reported_at__gt=start, reported_at__lte=episode.reported_at
        )
        .order_by("reported_at")
        .values_list("reported_at", flat=True)
    )
    if len(recent) >= rules.frequent_missing_count:
        dates = ", ".join(f"{timezone.localtime(r):%d %b %Y}" for r in recent)
        _observe(
            actor=actor,
            episode=episode,
            code="frequent_missing",
            evidence=(
                f"Added automatically: {len(recent)} missing episodes in "
                f"{rules.frequent_missing_days} days ({dates})"
            ),
        )
    already_signed = (
        episode.source_observation is not None
        and episode.source_observation.indicator.code == "missing_overnight"
    )
    if episode.found_at is not None and spans_night(episode) and not already_signed:
        # (An episode recorded from a concern's "missing overnight" sign has that sign.)
        _observe(
            actor=actor,
            episode=episode,
            code="missing_overnight",
            evidence=(
                "Added automatically: missing from "
                f"{timezone.localtime(episode.reported_at):%d %b %Y %H:%M} to "
                f"{timezone.localtime(episode.found_at):%d %b %Y %H:%M}"
            ),
        )
