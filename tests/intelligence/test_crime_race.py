"""Two people acting on the same entry or referral at the same moment (PostgreSQL, real
row locks, one thread each): exactly one wins; the other gets a clear error and nothing is
overwritten."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from cairn.intelligence import services
from cairn.intelligence.models import CrimeReferral, CrimeReferralStatus, Status, Submission

from .conftest import REASON, start_crime

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks and threads"
    ),
]


def race(*actions: Callable[[], Any]) -> list[str]:
    """Run the actions at once, each in its own thread and connection; return outcomes."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            action()
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


def test_two_crime_recorders_record_the_same_referral(
    partner: Any, users: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    draft = start_crime(partner)
    entry = services.submission_submit(actor=partner, submission=draft, intel_only_reason=REASON)
    referral = services.submission_refer_crime(
        actor=users["fib_officer"], submission=entry, note="Assault disclosed to a teacher."
    )
    first, second = users["ppu_coordinator"], make_user("ppu_coordinator", username="ppu_two")
    outcomes = race(
        lambda: services.crime_referral_record(
            actor=first,
            referral=CrimeReferral.objects.get(pk=referral.pk),
            crime_reference="43/1/26",
        ),
        lambda: services.crime_referral_record(
            actor=second,
            referral=CrimeReferral.objects.get(pk=referral.pk),
            crime_reference="43/2/26",
        ),
    )
    assert sorted(outcomes)[-1] == "ok" and outcomes.count("ok") == 1, outcomes
    assert any("already been dealt with" in o for o in outcomes)
    referral.refresh_from_db()
    assert referral.status == CrimeReferralStatus.RECORDED
    assert Submission.objects.get(pk=entry.pk).crime_reference == referral.crime_reference


def test_refer_and_return_at_once(
    partner: Any, users: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    draft = start_crime(partner)
    entry = services.submission_submit(actor=partner, submission=draft, intel_only_reason=REASON)
    first, second = users["fib_officer"], make_user("fib_officer", username="fib_two")
    outcomes = race(
        lambda: services.submission_refer_crime(
            actor=first, submission=Submission.objects.get(pk=entry.pk), note="A crime, refer it."
        ),
        lambda: services.submission_return(
            actor=second, submission=Submission.objects.get(pk=entry.pk), note="Add more detail."
        ),
    )
    assert outcomes.count("ok") == 1, outcomes
    assert any("Someone else has changed this entry" in o for o in outcomes)
    status = Submission.objects.get(pk=entry.pk).status
    assert status in (Status.CRIME_REFERRED, Status.RETURNED)
    assert CrimeReferral.objects.count() == (1 if status == Status.CRIME_REFERRED else 0)


def test_two_fib_officers_record_danger_action_at_once(
    partner: Any, users: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    """Danger now sent after the warning: two officers record what they did at the same
    moment; one wins, the other is told what was recorded and changes nothing."""
    draft = start_crime(
        partner,
        what="A man is trying to get a 14 year old into his car right now outside the school.",
    )
    entry = services.submission_submit(
        actor=partner, submission=draft, intel_only_reason=REASON, no_danger_now=True
    )
    assert entry.danger_state == "open"
    first, second = users["fib_officer"], make_user("fib_officer", username="fib_two")
    notes = ("Passed to the control room at 14:02, log 123.", "Not danger: spoke to the school.")
    outcomes = race(
        lambda: services.submission_danger_action(
            actor=first,
            submission=Submission.objects.get(pk=entry.pk),
            outcome="passed",
            note=notes[0],
        ),
        lambda: services.submission_danger_action(
            actor=second,
            submission=Submission.objects.get(pk=entry.pk),
            outcome="not_danger",
            note=notes[1],
        ),
    )
    assert outcomes.count("ok") == 1, outcomes
    loser = next(o for o in outcomes if o != "ok")
    entry.refresh_from_db()
    assert entry.danger_note in notes and entry.danger_note in loser
    assert "already recorded" in loser
