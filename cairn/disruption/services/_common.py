"""Helpers the disruption services share: today's date, dates and people as worded in
messages, and the audit row of a tactic."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from cairn.audit import services as audit
from cairn.core.types import Actor
from cairn.disruption.access import first_person_subject as _first_person_subject
from cairn.disruption.models import Tactic


def _who(user: Actor | None) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "someone else"


def _today() -> dt.date:
    return timezone.localdate()


def _day(day: dt.date | None) -> str:
    return f"{day:%-d %B %Y}" if day else "not set"


def _audit(actor: Actor, event: str, tactic: Tactic, justification: str, **details: Any) -> None:
    audit.record(
        actor=actor,
        event=event,
        obj=tactic,
        subject=_first_person_subject(tactic),
        justification=justification,
        details={"type": tactic.tactic_type, **details},
    )
