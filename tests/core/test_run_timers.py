"""`manage.py run_timers`: runs the referral clocks, the disruption reminders and the Hub
reminders, in that order; one failing job does not stop the others, and the command then
fails (non-zero exit) naming it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cairn.disruption.models import ReviewReminder
from cairn.disruption.services import markers
from cairn.hub import services as hub
from cairn.hub.models import Action
from cairn.notifications.models import Notification
from cairn.pole.models import Person
from cairn.referrals import services as referrals
from cairn.referrals.models import Referral

from ..referrals.conftest import mash_details

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_work(users: dict[str, Any], make_person: Callable[..., Person]) -> dict[str, Any]:
    """One thing for each job to do: an overdue MASH referral, a marker whose review is
    due in three days, and a Hub action that was due yesterday."""
    child = make_person(
        given_name="Amber", family_name="Testcase", date_of_birth=dt.date(2012, 6, 1)
    )
    referral = referrals.referral_create(
        actor=users["social_worker"], kind="mash", child=child, details=mash_details()
    )
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    marker = markers.marker_add(
        actor=users["ppu_coordinator"],
        entity_id=child.pk,
        marker_type="vulnerable",
        reason="Missing episodes",
        review_on=timezone.localdate() + dt.timedelta(days=3),
    )
    action = hub.action_create(
        actor=users["hub_chair"],
        description="Call the school",
        owner=users["social_worker"],
        due_on=timezone.localdate(),
    )
    Action.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    return {"referral": referral, "marker": marker, "action": action}


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("run_timers", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_runs_every_job_in_order(due_work: dict[str, Any], users: dict[str, Any]) -> None:
    out, err = run()
    assert err == ""
    lines = out.splitlines()
    assert lines == [
        "referrals_escalate: ok: Flagged 1 overdue referral(s); escalated 0 PPU notification(s).",
        "disruption_reminders: ok: Raised 1 review reminder(s).",
        "hub_reminders: ok: Reminders sent: 1",
        "api_keys_purge: ok: Purged 0 expired Idempotency-Key(s).",
        "submit_keys_purge: ok: Purged 0 expired submit key(s).",
        "notifications_retry: ok: Tried 0 message(s); refreshed 0 status(es).",
        lines[6],
        "Timed jobs: 7 of 7 succeeded.",
    ]
    assert lines[6].startswith("audit_checkpoint: ok: Checkpoint ")
    # What each job did.
    referral = due_work["referral"]
    referral.refresh_from_db()
    assert referral.overdue_notified_at is not None
    assert ReviewReminder.objects.filter(tactic_id=due_work["marker"].tactic_id).count() == 1
    assert Notification.objects.filter(kind="hub.action_overdue").count() == 1
    # Idempotent: a second run raises nothing new.
    again, _ = run()
    assert "Flagged 0 overdue" in again and "Raised 0 review" in again
    assert "Reminders sent: 0" in again


def test_a_failing_job_does_not_stop_the_others(
    due_work: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cairn.referrals.management.commands import referrals_escalate

    def broken(**kwargs: Any) -> dict[str, int]:
        raise RuntimeError("clock store unavailable")

    monkeypatch.setattr(referrals_escalate, "referrals_run_timers", broken)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("run_timers", stdout=out, stderr=err)
    assert exc.value.returncode == 1
    assert str(exc.value) == "Timed jobs: 6 of 7 succeeded; failed: referrals_escalate."
    assert "referrals_escalate: FAILED: RuntimeError: clock store unavailable" in err.getvalue()
    # The jobs after it still ran.
    assert "disruption_reminders: ok: Raised 1 review reminder(s)." in out.getvalue()
    assert "hub_reminders: ok: Reminders sent: 1" in out.getvalue()
    assert ReviewReminder.objects.count() == 1
    assert Notification.objects.filter(kind="hub.action_overdue").count() == 1
    referral = due_work["referral"]
    referral.refresh_from_db()
    assert referral.overdue_notified_at is None


def test_exit_status_from_the_command_line(
    due_work: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run as `manage.py run_timers`, a failed job gives a non-zero exit status."""
    from django.core.management import ManagementUtility

    from cairn.hub.management.commands import hub_reminders

    def broken(**kwargs: Any) -> int:
        raise RuntimeError("inbox unavailable")

    monkeypatch.setattr(hub_reminders, "send_overdue_reminders", broken)
    with pytest.raises(SystemExit) as exc:
        ManagementUtility(["manage.py", "run_timers"]).execute()
    assert exc.value.code == 1
    captured = capsys.readouterr()
    assert "referrals_escalate: ok" in captured.out
    assert "failed: hub_reminders" in captured.err
