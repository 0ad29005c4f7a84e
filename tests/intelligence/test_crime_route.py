"""The crime route: a substantive reason (no "n/a"), the FIB's decision (accept the
reason, refer for crime recording, return to the submitter), the crime recorder's outcome,
the submitter told of every outcome, and the concern and the child's chronology saying
"crime reported, reference ...". Services and access, allowed and denied."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse

from cairn.audit.models import AuditEvent
from cairn.concerns.models import Concern
from cairn.intelligence import services
from cairn.intelligence.access import (
    access_crime_referral_by_id,
    access_returned_own,
    access_submission_by_id,
)
from cairn.intelligence.models import (
    CrimeJudgement,
    CrimeReferral,
    CrimeReferralStatus,
    SourceRecord,
    Status,
    Submission,
)
from cairn.notifications.models import Notification
from cairn.pole.chronology import chronology_for

from .conftest import REASON, start_crime

pytestmark = pytest.mark.django_db


def inbox(user: Any) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


@pytest.mark.parametrize(
    "reason",
    ["n/a", "N/A ", "none", "-", "no", "Intel only", "not a crime", "see above", "just a rumour"],
)
def test_placeholder_or_thin_reasons_are_refused(partner: Any, reason: str) -> None:
    draft = start_crime(partner)
    with pytest.raises(ValidationError) as exc:
        services.submission_submit(actor=partner, submission=draft, intel_only_reason=reason)
    assert "not enough" in exc.value.message_dict["intel_only_reason"][0]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_substantive_reason_goes_through(flagged: Submission) -> None:
    assert flagged.status == Status.NEW and flagged.intel_only_reason == REASON
    assert flagged.crime_flagged


@pytest.mark.parametrize("reference", ["n/a", "none", "-", "abc", "12", "43/123<>"])
def test_bad_crime_references_are_refused(partner: Any, reference: str) -> None:
    draft = start_crime(partner)
    with pytest.raises(ValidationError) as exc:
        services.submission_submit(actor=partner, submission=draft, crime_reference=reference)
    assert "crime_reference" in exc.value.message_dict


def test_crime_reference_given_by_submitter_reaches_the_concern(
    partner: Any, concern: Concern
) -> None:
    draft = start_crime(partner, concern)
    services.submission_submit(actor=partner, submission=draft, crime_reference="43/12345/26")
    concern.refresh_from_db()
    assert concern.crime_reference == "43/12345/26" and concern.crime_disclosed is True


def test_fib_accepts_the_reason(flagged: Submission, partner: Any, users: dict[str, Any]) -> None:
    fib = users["fib_officer"]
    services.submission_accept_reason(actor=fib, submission=flagged, note="Agreed: a rumour.")
    flagged.refresh_from_db()
    assert flagged.crime_judgement == CrimeJudgement.NOT_CRIME
    assert flagged.crime_judged_by == fib and flagged.status == Status.NEW
    event = AuditEvent.objects.get(event="intel.crime_judged")
    assert event.details["reason_accepted"] is True
    assert any("accepted as intelligence" in t for t in inbox(partner))


def test_refer_for_crime_recording(
    flagged: Submission, partner: Any, concern: Concern, child: Any, users: dict[str, Any]
) -> None:
    fib, ppu = users["fib_officer"], users["ppu_coordinator"]
    assert concern.crime_disclosed is False
    with pytest.raises(ValidationError) as exc:
        services.submission_refer_crime(actor=fib, submission=flagged, note="")
    assert "note" in exc.value.message_dict
    referral = services.submission_refer_crime(
        actor=fib, submission=flagged, note="An assault on a child disclosed to a teacher."
    )
    flagged.refresh_from_db()
    assert flagged.status == Status.CRIME_REFERRED
    assert flagged.crime_judgement == CrimeJudgement.CRIME
    assert referral.child == child and referral.concern == concern
    assert referral.status == CrimeReferralStatus.OPEN
    event = AuditEvent.objects.get(event="intel.crime_referred")
    assert event.action == "disclosure" and "crime recording" in event.recipient
    assert event.details["reason_rejected"] is True
    assert any(referral.reference in t for t in inbox(ppu))
    assert any("referred for crime recording" in t for t in inbox(partner))
    # The concern no longer says "crime disclosed: no".
    concern.refresh_from_db()
    assert concern.crime_disclosed is True
    assert AuditEvent.objects.filter(event="concern.crime_recorded").count() == 1


def test_crime_recorder_records_the_reference(
    flagged: Submission, partner: Any, concern: Concern, child: Any, users: dict[str, Any]
) -> None:
    fib, ppu = users["fib_officer"], users["ppu_coordinator"]
    referral = services.submission_refer_crime(
        actor=fib, submission=flagged, note="Assault disclosed to a teacher."
    )
    for bad in ("", "n/a", "none", "---"):
        with pytest.raises(ValidationError):
            services.crime_referral_record(actor=ppu, referral=referral, crime_reference=bad)
    with pytest.raises(PermissionDenied):
        services.crime_referral_record(actor=fib, referral=referral, crime_reference="43/1/26")
    services.crime_referral_record(actor=ppu, referral=referral, crime_reference=" 43/12345/26 ")
    referral.refresh_from_db()
    flagged.refresh_from_db()
    concern.refresh_from_db()
    assert referral.status == CrimeReferralStatus.RECORDED
    assert referral.crime_reference == "43/12345/26" and referral.closed_by == ppu
    assert flagged.crime_reference == "43/12345/26" and flagged.status == Status.TRIAGED
    assert flagged.submitter_outcome == "Crime reported, reference 43/12345/26"
    assert concern.crime_reference == "43/12345/26" and concern.crime_disclosed is True
    assert any("crime reported, reference 43/12345/26" in t for t in inbox(partner))
    assert any("43/12345/26" in t for t in inbox(fib))
    assert AuditEvent.objects.filter(event="intel.crime_recorded").count() == 1
    titles = [e.title for e in chronology_for(users["social_worker"], child, [])]
    assert "Crime reported, reference 43/12345/26" in titles
    # Recorded once: a second recorder acting on the same referral is refused.
    with pytest.raises(ValidationError):
        services.crime_referral_record(actor=ppu, referral=referral, crime_reference="43/9/26")


def test_crime_recorder_returns_it_to_the_fib(flagged: Submission, users: dict[str, Any]) -> None:
    fib, ppu = users["fib_officer"], users["ppu_coordinator"]
    referral = services.submission_refer_crime(
        actor=fib, submission=flagged, note="Assault disclosed to a teacher."
    )
    with pytest.raises(ValidationError):
        services.crime_referral_return(actor=ppu, referral=referral, note="")
    services.crime_referral_return(
        actor=ppu, referral=referral, note="Already recorded under 43/55555/26."
    )
    referral.refresh_from_db()
    flagged.refresh_from_db()
    assert referral.status == CrimeReferralStatus.RETURNED
    assert flagged.status == Status.TRIAGED
    assert any(referral.reference in t for t in inbox(fib))
    # The FIB can decide again (a new referral is allowed once the first is closed).
    services.submission_refer_crime(actor=fib, submission=flagged, note="Refer again, please.")
    assert CrimeReferral.objects.filter(submission=flagged).count() == 2


def test_return_to_submitter_then_resubmit(
    flagged: Submission, partner: Any, users: dict[str, Any]
) -> None:
    fib = users["fib_officer"]
    services.submission_return(
        actor=fib,
        submission=flagged,
        note="This is an assault: report it on 101 and add the reference.",
        is_crime=True,
    )
    flagged.refresh_from_db()
    assert flagged.status == Status.RETURNED and flagged.crime_judgement == CrimeJudgement.CRIME
    assert any("returned to you" in t for t in inbox(partner))
    assert access_returned_own(partner, flagged.pk) == flagged
    with pytest.raises(Http404):
        access_returned_own(users["social_worker"], flagged.pk)
    with pytest.raises(PermissionDenied):
        services.submission_reopen(actor=users["social_worker"], submission=flagged)
    services.submission_reopen(actor=partner, submission=flagged)
    flagged.refresh_from_db()
    assert flagged.status == Status.DRAFT
    assert flagged.draft_source["name"] == "Petra Sourceperson"
    services.submission_submit(actor=partner, submission=flagged, crime_reference="43/777/26")
    flagged.refresh_from_db()
    assert flagged.status == Status.NEW and flagged.crime_judgement == ""
    assert SourceRecord.objects.filter(submission=flagged).count() == 1
    assert AuditEvent.objects.get(event="intel.submitted", details__resubmitted=True)


def test_withdraw_a_returned_entry(
    flagged: Submission, partner: Any, users: dict[str, Any]
) -> None:
    fib = users["fib_officer"]
    with pytest.raises(ValidationError):  # not returned: nothing to withdraw
        services.submission_withdraw(actor=partner, submission=flagged)
    services.submission_return(actor=fib, submission=flagged, note="Please add more detail.")
    with pytest.raises(PermissionDenied):
        services.submission_withdraw(actor=fib, submission=flagged)
    services.submission_withdraw(actor=partner, submission=flagged, reason="Reported on 101.")
    flagged.refresh_from_db()
    assert flagged.status == Status.WITHDRAWN
    assert any("withdrawn" in t for t in inbox(fib))
    assert AuditEvent.objects.filter(event="intel.withdrawn").count() == 1


def test_closing_with_no_further_action_tells_the_submitter(
    flagged: Submission, partner: Any, users: dict[str, Any]
) -> None:
    services.submission_triage(
        actor=users["fib_officer"],
        submission=flagged,
        priority="routine",
        note="Nothing further to do.",
        close=True,
    )
    assert any("closed with no further action" in t for t in inbox(partner))
    flagged.refresh_from_db()
    assert flagged.submitter_outcome == "Closed with no further action"


def test_only_the_fib_decides(flagged: Submission, partner: Any, users: dict[str, Any]) -> None:
    for user in (partner, users["ppu_coordinator"], users["analyst"]):
        with pytest.raises(PermissionDenied):
            services.submission_refer_crime(actor=user, submission=flagged, note="A crime here.")
        with pytest.raises(PermissionDenied):
            services.submission_return(actor=user, submission=flagged, note="Go and report it.")
        with pytest.raises(PermissionDenied):
            services.submission_accept_reason(actor=user, submission=flagged)


def test_two_officers_at_once_do_not_both_win(
    flagged: Submission, users: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    """Each officer holds the entry as it was when they opened it; the second to act is
    refused with a clear error instead of overwriting the first."""
    first = users["fib_officer"]
    second = make_user("fib_officer", username="fib_two")
    stale = Submission.objects.get(pk=flagged.pk)
    services.submission_refer_crime(actor=first, submission=flagged, note="An assault.")
    with pytest.raises(ValidationError) as exc:
        services.submission_return(actor=second, submission=stale, note="Please add detail.")
    assert "Someone else has changed this entry" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.submission_triage(
            actor=second, submission=stale, priority="routine", note="No action.", close=True
        )
    assert Submission.objects.get(pk=flagged.pk).status == Status.CRIME_REFERRED


def test_crime_recorder_sees_the_referred_entry_but_not_the_source(
    flagged: Submission, users: dict[str, Any], submit: Callable[..., Submission], partner: Any
) -> None:
    fib, ppu = users["fib_officer"], users["ppu_coordinator"]
    with pytest.raises(Http404):
        access_submission_by_id(ppu, flagged.pk)
    referral = services.submission_refer_crime(
        actor=fib, submission=flagged, note="Assault disclosed to a teacher."
    )
    view = access_submission_by_id(ppu, flagged.pk)
    assert view.original and view.crime_recording and not view.workflow
    assert not ppu.has_perm("intelligence.view_source")
    assert access_crime_referral_by_id(ppu, referral.pk) == referral
    for user in (fib, partner, users["social_worker"], users["analyst"]):
        with pytest.raises(Http404):
            access_crime_referral_by_id(user, referral.pk)
    with pytest.raises(Http404):
        access_submission_by_id(users["social_worker"], flagged.pk)
    # An entry not referred stays out of the crime recorder's reach.
    other = submit(partner)
    with pytest.raises(Http404):
        access_submission_by_id(ppu, other.pk)


def test_chronology_entry_needs_concern_access(
    flagged: Submission, child: Any, users: dict[str, Any]
) -> None:
    referral = services.submission_refer_crime(
        actor=users["fib_officer"], submission=flagged, note="Assault disclosed to a teacher."
    )
    services.crime_referral_record(
        actor=users["ppu_coordinator"], referral=referral, crime_reference="43/1/26"
    )
    titles = [e.title for e in chronology_for(users["ig_admin"], child, [])]
    assert not any("Crime reported" in t for t in titles)


DANGER = "A man is trying to get a 14 year old into his car right now outside the school."


def test_a_reference_the_submitter_typed_is_not_shown_as_a_reported_crime(
    partner: Any, users: dict[str, Any]
) -> None:
    """Anyone can type a well-formed reference: until police record one through the crime
    route, everyone sees it as the submitter's, unchecked."""
    draft = start_crime(partner)
    entry = services.submission_submit(actor=partner, submission=draft, crime_reference="1111")
    assert not entry.crime_reference_recorded
    assert entry.submitter_outcome == (
        "The submitter gave crime reference 1111 (not yet checked by the FIB)"
    )
    fib = Client()
    fib.force_login(users["fib_officer"])
    queue = fib.get(reverse("intelligence:queue")).content.decode()
    assert "Reference 1111 (given by the submitter, not checked)" in queue
    detail = fib.get(reverse("intelligence:detail", args=[entry.pk])).content.decode()
    assert "Crime reported, reference 1111" not in detail
    assert "given by the submitter, not yet checked by the FIB" in detail


def test_danger_now_entries_head_the_fib_queue_marked_even_when_the_answer_was_no(
    partner: Any, users: dict[str, Any]
) -> None:
    earlier = services.submission_submit(
        actor=partner, submission=start_crime(partner), intel_only_reason=REASON
    )
    urgent = services.submission_submit(
        actor=partner,
        submission=start_crime(partner, what=DANGER),
        intel_only_reason=REASON,
        no_danger_now=True,
    )
    later = services.submission_submit(
        actor=partner, submission=start_crime(partner), intel_only_reason=REASON
    )
    assert urgent.danger_flagged and not earlier.danger_flagged and not later.danger_flagged
    fib = Client()
    fib.force_login(users["fib_officer"])
    queue = fib.get(reverse("intelligence:queue")).content.decode()
    assert queue.index(urgent.reference) < queue.index(later.reference)
    # Sent after the warning: escalated, marked as such (ADR 0016, 2026-12-08).
    assert queue.count('data-testid="queue-danger-open"') == 1
    assert queue.count('data-testid="queue-danger"') == 0
    assert 'The submitter answered no to "Is anyone in danger right now?"' in queue


def test_a_reason_alone_does_not_send_an_entry_read_as_danger_now(
    partner: Any, users: dict[str, Any]
) -> None:
    """An emergency filed as intelligence with a plausible reason (outside tester): the
    submitter must also confirm nobody is in danger now; the FIB is told in the alert's
    title and on the entry; a reference (999 or crime report) is enough on its own."""
    draft = start_crime(partner, what=DANGER)
    with pytest.raises(ValidationError) as refused:
        services.submission_submit(actor=partner, submission=draft, intel_only_reason=REASON)
    assert "tick the box" in refused.value.message_dict["no_danger_now"][0]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    sent = services.submission_submit(
        actor=partner, submission=draft, intel_only_reason=REASON, no_danger_now=True
    )
    assert sent.status == Status.NEW and sent.no_danger_confirmed and sent.danger_flagged
    event = AuditEvent.objects.get(event="intel.submitted", object_id=str(sent.pk))
    assert event.details["danger_now"] is True and event.details["no_danger_confirmed"] is True
    alert = Notification.objects.filter(
        recipient=users["fib_officer"], object_id=str(sent.pk)
    ).get()
    assert alert.title.startswith("URGENT: Danger now: sent after the warning. Intelligence")
    fib = Client()
    fib.force_login(users["fib_officer"])
    detail = fib.get(reverse("intelligence:detail", args=[sent.pk])).content.decode()
    assert 'data-testid="detail-danger"' in detail
    assert "the submitter confirmed they had checked that nobody is" in detail
    # A reference instead: no confirmation needed, none recorded.
    referenced = services.submission_submit(
        actor=partner, submission=start_crime(partner, what=DANGER), crime_reference="43/999/26"
    )
    assert referenced.status == Status.NEW and not referenced.no_danger_confirmed
