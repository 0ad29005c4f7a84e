"""Validation of a concern's content, shared by the step-by-step pages (which keep a
server-side draft), the API and the live preview. Input is plain JSON-like data; output is
cleaned values or field errors with GOV.UK-style messages. Nothing here touches the
database except to look up indicator codes and the child."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cairn.core.text import parse_date
from cairn.pole.mentions import clean_mentions

from .models import BoyfriendStage, ExploitationModel, ExploitationType, Indicator

MAX_NARRATIVE = 10_000


@dataclass
class CleanIndicator:
    indicator: Indicator
    observed_on: dt.date
    evidence: str


@dataclass
class CleanConcern:
    child_id: int | None = None
    reporter_role: str = ""
    observed_on: dt.date | None = None
    observed_time: dt.time | None = None
    observed_where: str = ""
    narrative: str = ""
    exploitation_types: list[str] = field(default_factory=list)
    exploitation_model: str = ExploitationModel.NOT_KNOWN
    boyfriend_stage: int | None = None
    indicators: list[CleanIndicator] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    immediate_danger: bool | None = None
    crime_disclosed: bool | None = None
    crime_reference: str = ""


Errors = dict[str, list[str]]


def _add(errors: Errors, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def parse_yes_no(value: Any) -> bool | None:
    if value in (True, "yes", "true", "True", 1):
        return True
    if value in (False, "no", "false", "False", 0):
        return False
    return None


def _clean_indicators(raw: Any, today: dt.date, errors: Errors) -> list[CleanIndicator]:
    items = raw or []
    if not isinstance(items, list):
        _add(errors, "indicators", "Indicators must be a list")
        return []
    codes = {str(i.get("code", "")) for i in items if isinstance(i, dict)}
    known = {i.code: i for i in Indicator.objects.filter(code__in=codes, active=True)}
    cleaned: list[CleanIndicator] = []
    for n, item in enumerate(items):
        key = f"indicators.{n}"
        if not isinstance(item, dict):
            _add(errors, key, "Each indicator must have a code and a date observed")
            continue
        code = str(item.get("code", ""))
        indicator = known.get(code)
        if indicator is None:
            _add(errors, f"{key}.code", f"Unknown indicator code '{code}'")
            continue
        try:
            observed_on = parse_date(item.get("observed_on"))
        except ValueError:
            _add(
                errors,
                f"{key}.observed_on",
                f"Date '{indicator.label}' was observed must be a real date",
            )
            continue
        if observed_on is None:
            _add(errors, f"{key}.observed_on", f"Enter the date '{indicator.label}' was observed")
            continue
        if observed_on > today:
            _add(
                errors,
                f"{key}.observed_on",
                f"Date '{indicator.label}' was observed must be today or in the past",
            )
            continue
        evidence = str(item.get("evidence", "")).strip()
        if len(evidence) > 2000:
            _add(errors, f"{key}.evidence", "Evidence must be 2,000 characters or fewer")
            continue
        cleaned.append(CleanIndicator(indicator, observed_on, evidence))
    return cleaned


def clean(
    data: dict[str, Any], *, today: dt.date, require_complete: bool
) -> tuple[CleanConcern, Errors]:
    """Validate a concern. With require_complete=False (drafts, preview) missing answers
    are allowed, but anything given must be valid."""
    errors: Errors = {}
    out = CleanConcern()
    child_id = data.get("child_id")
    if child_id in (None, ""):
        if require_complete:
            _add(errors, "child_id", "Choose or add the child this concern is about")
    else:
        try:
            out.child_id = int(child_id)
        except (TypeError, ValueError):
            _add(errors, "child_id", "Choose or add the child this concern is about")
    out.reporter_role = str(data.get("reporter_role") or "").strip()[:200]
    try:
        out.observed_on = parse_date(data.get("observed_on"))
    except ValueError:
        _add(errors, "observed_on", "Date observed must be a real date")
    if out.observed_on and out.observed_on > today:
        _add(errors, "observed_on", "Date observed must be today or in the past")
    if require_complete and out.observed_on is None and "observed_on" not in errors:
        _add(errors, "observed_on", "Enter the date you observed this")
    time_raw = data.get("observed_time")
    if time_raw:
        try:
            out.observed_time = dt.time.fromisoformat(str(time_raw))
        except ValueError:
            _add(errors, "observed_time", "Time must be a real time, like 14:30")
    out.observed_where = str(data.get("observed_where") or "").strip()[:300]
    out.narrative = str(data.get("narrative") or "").strip()
    if require_complete and not out.narrative:
        _add(errors, "narrative", "Describe what you saw or were told")
    if len(out.narrative) > MAX_NARRATIVE:
        _add(errors, "narrative", f"Description must be {MAX_NARRATIVE:,} characters or fewer")
    types = data.get("exploitation_types") or []
    valid_types = set(ExploitationType.values)
    if not isinstance(types, list) or any(t not in valid_types for t in types):
        _add(errors, "exploitation_types", "Choose exploitation types from the list")
    else:
        out.exploitation_types = sorted(set(types))
    model = data.get("exploitation_model") or ExploitationModel.NOT_KNOWN
    if model not in ExploitationModel.values:
        _add(errors, "exploitation_model", "Choose an exploitation model from the list")
    else:
        out.exploitation_model = model
    stage = data.get("boyfriend_stage")
    if stage not in (None, ""):
        try:
            out.boyfriend_stage = int(stage)
        except (TypeError, ValueError):
            out.boyfriend_stage = -1
        if out.boyfriend_stage not in BoyfriendStage.values:
            _add(errors, "boyfriend_stage", "Boyfriend-model stage must be 1, 2, 3 or 4")
        elif out.exploitation_model != ExploitationModel.BOYFRIEND:
            _add(errors, "boyfriend_stage", "Only give a stage for the boyfriend model")
    out.indicators = _clean_indicators(data.get("indicators"), today, errors)
    out.mentions, mention_errors = clean_mentions(data.get("mentions"))
    for key, messages in mention_errors.items():
        for message in messages:
            _add(errors, key, message)
    out.immediate_danger = parse_yes_no(data.get("immediate_danger"))
    out.crime_disclosed = parse_yes_no(data.get("crime_disclosed"))
    if require_complete and out.immediate_danger is None:
        _add(errors, "immediate_danger", "Select yes if the child is in immediate danger")
    if require_complete and out.crime_disclosed is None:
        _add(errors, "crime_disclosed", "Select yes if the child or anyone else disclosed a crime")
    out.crime_reference = str(data.get("crime_reference") or "").strip()[:60]
    return out, errors
