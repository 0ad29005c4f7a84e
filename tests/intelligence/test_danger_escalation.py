"""Danger now, sent anyway (outside tester 9, finding 8): an entry the check reads as
someone in danger right now that the partner sent after the warning, or where the partner
answered "yes, someone is in danger", goes to every FIB officer at once as urgent, sits
at the top of the FIB queue until one of them records what they did, and that record ends
it. Nobody outside the FIB sees the urgent state or the notice (ADR 0016, amendment of
2026-12-08)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cairn.audit.models import AuditEvent
from cairn.core.concurrency import Conflict
from cairn.intelligence import services
from cairn.intelligence.models import DangerState, Submission
from cairn.notifications.models import Notification

from ..api.conftest import ApiClient
from .conftest import REASON, start_crime

pytestmark = pytest.mark.django_db
Api = Callable[[Any], ApiClient]

# Fictional: the tester's abduction in progress, reworded.
ABDUCTION = (
    "Demi Exampleton (13) has just messaged her friend from a dark blue van behind the "
    "leisure centre. She says the man won't let her out and is driving her to his flat. "
    "Her friend showed me the messages 5 minutes ago."
)
OVERRIDE_REASON = "Her friend may be exaggerating, she has made things up before at school."
ACTION = "Passed to the control room at 14:02, log 123; a unit is on its way."


def overridden(partner: Any) -> Submission:
    """Read as danger now, sent anyway with a reason and the box ticked."""
    return services.submission_submit(
        actor=partner,
        submission=start_crime(partner, what=ABDUCTION),
        intel_only_reason=OVERRIDE_REASON,
        no_danger_now=True,
    )


@pytest.fixture
def fib_two(make_user: Callable[..., Any]) -> Any:
    return make_user("fib_officer", username="fib_two")


def test_an_override_goes_to_every_fib_officer_as_urgent_and_to_nobody_else(
    partner: Any, users: dict[str, Any], fib_two: Any
) -> None:
    entry = overridden(partner)
    assert entry.danger_state == DangerState.OPEN and entry.no_danger_confirmed
    urgent = Notification.objects.filter(kind=services.DANGER_KIND, object_id=str(entry.pk))
    told = {n.recipient_id for n in urgent}
    assert told == {users["fib_officer"].pk, fib_two.pk}
    assert all(n.title.startswith("URGENT: Danger now: sent after the warning") for n in urgent)
    # In place of the ordinary "new entry" notice, not beside it; nobody else is told.
    assert not Notification.objects.filter(kind="intel.submitted", object_id=str(entry.pk))
    assert not Notification.objects.filter(object_id=str(entry.pk)).exclude(recipient_id__in=told)
    event = AuditEvent.objects.get(event="intel.danger_escalated", object_id=str(entry.pk))
    assert event.details["told_users"] == sorted(told) and event.details["overridden"] is True


def test_yes_to_the_danger_question_escalates_even_with_a_reference(
    partner: Any, users: dict[str, Any]
) -> None:
    draft = start_crime(partner, anyone_in_danger="yes")
    entry = services.submission_submit(
        actor=partner, submission=draft, crime_reference="NM/26/999123"
    )
    assert entry.danger_state == DangerState.OPEN and not entry.no_danger_confirmed
    assert services.danger_why(entry) == "Danger now: the submitter said someone is in danger"
    assert Notification.objects.filter(
        kind=services.DANGER_KIND, recipient=users["fib_officer"]
    ).exists()


def test_no_escalation_without_an_override_or_a_yes(partner: Any) -> None:
    # Danger now read in the text, but sent with the 999 log number: no override.
    referenced = services.submission_submit(
        actor=partner,
        submission=start_crime(partner, what=ABDUCTION),
        crime_reference="NM/26/999124",
    )
    plain = services.submission_submit(
        actor=partner, submission=start_crime(partner), intel_only_reason=REASON
    )
    assert referenced.danger_flagged
    assert referenced.danger_state == "" and plain.danger_state == ""
    assert not Notification.objects.filter(kind=services.DANGER_KIND).exists()
    assert not AuditEvent.objects.filter(event="intel.danger_escalated").exists()


def test_it_heads_every_queue_page_until_someone_records_what_they_did(
    partner: Any, users: dict[str, Any]
) -> None:
    fib = users["fib_officer"]
    entry = overridden(partner)
    # Triaged (out of the "new" tab) without anyone recording action: still on top.
    services.submission_triage(actor=fib, submission=entry, priority="urgent")
    newer = services.submission_submit(
        actor=partner,
        submission=start_crime(partner, what=ABDUCTION),
        crime_reference="NM/26/999125",
    )
    client = Client()
    client.force_login(fib)
    page = client.get(reverse("intelligence:queue")).content.decode()
    banner = page[page.index('data-testid="danger-waiting"') : page.index('aria-label="Queue"')]
    assert entry.reference in banner and newer.reference not in banner
    assert "Danger now: sent after the warning" in banner
    # In its own tab, before a newer entry also read as danger now.
    triaged = client.get(reverse("intelligence:queue") + "?tab=triaged").content.decode()
    assert 'data-testid="queue-danger-open"' in triaged
    services.submission_danger_action(
        actor=fib, submission=entry, outcome=DangerState.PASSED, note=ACTION
    )
    after = client.get(reverse("intelligence:queue")).content.decode()
    assert 'data-testid="danger-waiting"' not in after


def test_an_open_entry_sorts_before_newer_danger_in_its_tab(
    partner: Any, users: dict[str, Any]
) -> None:
    entry = overridden(partner)
    newer = services.submission_submit(
        actor=partner,
        submission=start_crime(partner, what=ABDUCTION),
        crime_reference="NM/26/999126",
    )
    client = Client()
    client.force_login(users["fib_officer"])
    rows = client.get(reverse("intelligence:queue")).content.decode()
    table = rows[rows.index('data-testid="queue"') :]
    assert table.index(entry.reference) < table.index(newer.reference)


def test_recording_what_was_done_ends_it_and_clears_every_officers_notice(
    partner: Any, users: dict[str, Any], fib_two: Any
) -> None:
    entry = overridden(partner)
    fib = users["fib_officer"]
    with pytest.raises(ValidationError) as thin:
        services.submission_danger_action(
            actor=fib, submission=entry, outcome=DangerState.PASSED, note="log 1"
        )
    assert "note" in thin.value.message_dict
    with pytest.raises(ValidationError):
        services.submission_danger_action(actor=fib, submission=entry, outcome="open", note=ACTION)
    services.submission_danger_action(
        actor=fib, submission=entry, outcome=DangerState.PASSED, note=ACTION
    )
    entry.refresh_from_db()
    assert entry.danger_state == DangerState.PASSED and entry.danger_note == ACTION
    assert entry.danger_actioned_by == fib and entry.danger_actioned_at is not None
    assert not Notification.objects.filter(kind=services.DANGER_KIND, read_at__isnull=True)
    event = AuditEvent.objects.get(event="intel.danger_actioned", object_id=str(entry.pk))
    assert event.details == {"outcome": "passed"}
    # The second officer, acting on the page they had open: told what was recorded.
    with pytest.raises(Conflict) as late:
        services.submission_danger_action(
            actor=fib_two,
            submission=Submission.objects.get(pk=entry.pk),
            outcome=DangerState.NOT_DANGER,
            note="Not danger: the messages are from last year.",
        )
    assert ACTION in str(late.value) and "Nothing has been changed" in str(late.value)
    # Even with a note too short to save: what was recorded comes first.
    with pytest.raises(Conflict):
        services.submission_danger_action(
            actor=fib_two, submission=entry, outcome=DangerState.PASSED, note="ok"
        )
    entry.refresh_from_db()
    assert entry.danger_state == DangerState.PASSED and entry.danger_actioned_by == fib


def test_an_entry_not_escalated_has_nothing_to_record(partner: Any, users: dict[str, Any]) -> None:
    plain = services.submission_submit(
        actor=partner, submission=start_crime(partner), intel_only_reason=REASON
    )
    with pytest.raises(ValidationError) as refused:
        services.submission_danger_action(
            actor=users["fib_officer"],
            submission=plain,
            outcome=DangerState.NOT_DANGER,
            note="Nothing happening now at all.",
        )
    assert "not escalated" in " ".join(refused.value.messages)


def test_the_page_allowed_for_the_fib_and_404_for_everyone_else(
    partner: Any, users: dict[str, Any], fib_two: Any
) -> None:
    entry = overridden(partner)
    url = reverse("intelligence:danger", args=[entry.pk])
    for user in (partner, users["ppu_coordinator"], users["analyst"], users["social_worker"]):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"outcome": "passed", "note": ACTION}).status_code == 404
    entry.refresh_from_db()
    assert entry.danger_state == DangerState.OPEN
    fib = Client()
    fib.force_login(users["fib_officer"])
    detail = fib.get(reverse("intelligence:detail", args=[entry.pk])).content.decode()
    assert 'data-testid="danger-open"' in detail and url in detail
    form = fib.get(url)
    assert form.status_code == 200 and "Danger now: sent after the warning" in form.content.decode()
    assert AuditEvent.objects.filter(
        event="intel.viewed", object_id=str(entry.pk), justification="FIB danger now"
    ).exists()
    # Bad input: a clear error, what was typed kept, nothing saved.
    bad = fib.post(url, {"outcome": "passed", "note": "log 1"}).content.decode()
    assert "govuk-error-summary" in bad and "log 1" in bad
    done = fib.post(url, {"outcome": "passed", "note": ACTION})
    assert done.status_code == 302
    shown = fib.get(reverse("intelligence:detail", args=[entry.pk])).content.decode()
    assert 'data-testid="danger-open"' not in shown and ACTION in shown
    # The second officer posting after the first: what was recorded, nothing changed.
    late = Client()
    late.force_login(fib_two)
    page = late.post(url, {"outcome": "not_danger", "note": "Not danger: old messages."})
    assert page.status_code == 200
    text = page.content.decode()
    assert "govuk-error-summary" in text and ACTION in text


def test_the_submitter_is_told_to_call_999_and_never_sees_the_urgent_state(
    partner: Any, users: dict[str, Any]
) -> None:
    client = Client()
    client.force_login(partner)
    draft = start_crime(partner, what=ABDUCTION)
    sent = client.post(
        reverse("intelligence:check", args=[draft.pk]),
        {"intel_only_reason": OVERRIDE_REASON, "no_danger_now": "on"},
        follow=True,
    )
    page = sent.content.decode()
    assert 'data-testid="submitter-danger"' in page
    assert "If anyone may be in danger now, call 999 now" in page
    assert "The FIB has been told urgently" in page
    assert "Waiting for the FIB" not in page and 'data-testid="danger-open"' not in page
    assert not Notification.objects.filter(recipient=partner, kind=services.DANGER_KIND)
    # An ordinary entry's page says nothing of it.
    plain = services.submission_submit(
        actor=partner, submission=start_crime(partner), intel_only_reason=REASON
    )
    other = client.get(reverse("intelligence:detail", args=[plain.pk])).content.decode()
    assert 'data-testid="submitter-danger"' not in other


def test_api_parity_allowed_denied_and_409_for_the_second_officer(
    api_as: Api, partner: Any, users: dict[str, Any], fib_two: Any
) -> None:
    entry = overridden(partner)
    path = f"/intelligence/submissions/{entry.pk}/danger-action"
    good = {"outcome": "passed", "note": ACTION}
    for user in (partner, users["ppu_coordinator"], users["analyst"], users["social_worker"]):
        assert api_as(user).post(path, good).status_code == 403
    # The submitter's own read of the entry says nothing of the urgent state.
    own = api_as(partner).get(f"/intelligence/submissions/{entry.pk}").json()
    assert own.get("danger_state") is None
    fib = api_as(users["fib_officer"])
    assert fib.get(f"/intelligence/submissions/{entry.pk}").json()["danger_state"] == "open"
    assert fib.post("/intelligence/submissions/999999/danger-action", good).status_code == 404
    assert fib.post(path, {"outcome": "maybe", "note": ACTION}).status_code == 422
    assert fib.post(path, {"outcome": "passed", "note": "short"}).status_code == 422
    done = fib.post(path, good)
    assert done.status_code == 200
    assert done.json()["danger_state"] == "passed" and done.json()["danger_note"] == ACTION
    assert AuditEvent.objects.get(event="intel.danger_actioned").source == "api"
    late = api_as(fib_two).post(path, {"outcome": "not_danger", "note": "Old messages only."})
    assert late.status_code == 409 and ACTION in late.json()["detail"]
    assert Submission.objects.get(pk=entry.pk).danger_state == DangerState.PASSED
