"""Submission, source protection, grading (incl. legacy 5x5x5), sanitisation, linking,
dissemination, visibility and correlation, through the services and access layer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cairn.audit.models import AuditEvent
from cairn.intelligence import selectors, services
from cairn.intelligence.access import access_submission_by_id, sanitised_visible
from cairn.intelligence.models import SourceRecord, Status, Submission, SubmissionEntity
from cairn.notifications.models import Notification
from cairn.pole import services as pole_services
from cairn.pole.models import Vehicle

from .conftest import intel_data

pytestmark = pytest.mark.django_db


def test_submit_stores_source_apart_and_notifies_fib(
    submit: Callable[..., Submission], partner: Any, users: dict[str, Any]
) -> None:
    submission = submit(partner)
    assert submission.status == Status.NEW
    assert submission.draft_source == {}
    record = SourceRecord.objects.get(submission=submission)
    assert record.name == "Petra Sourceperson" and record.contact == "07700 900999"
    assert "Petra" not in submission.what
    assert Notification.objects.filter(recipient=users["fib_officer"]).count() == 1
    assert AuditEvent.objects.filter(event="intel.submitted", object_id=str(submission.pk)).exists()


def test_crime_disclosure_is_blocked_until_reference_or_reason(
    submit: Callable[..., Submission], partner: Any
) -> None:
    crime = "She told me that the driver hit her when she tried to get out of the car."
    with pytest.raises(ValidationError) as exc:
        submit(partner, what=crime)
    assert services.CRIME_ROUTE in exc.value.message_dict["what"]
    assert not Submission.objects.exclude(status=Status.DRAFT).exists()
    ok = submit(partner, what=crime, crime_reference="TP/12345/26")
    assert ok.crime_reference == "TP/12345/26" and ok.check_result["crime_disclosure"] is True


def test_incomplete_submission_lists_missing_answers(partner: Any) -> None:
    draft = services.submission_start(actor=partner)
    with pytest.raises(ValidationError) as exc:
        services.submission_submit(actor=partner, submission=draft)
    assert exc.value.message_dict == {
        "subject_description": ["Say who this entry is about (one subject per entry)"],
        "what": ["Describe what was seen or heard"],
        "where": ["Say where it was seen or heard"],
        "when_on": ["Enter the date it was seen or heard"],
        "how_known": ["Select how the source knows this"],
    }
    assert list(exc.value.message_dict) == [
        "subject_description",
        "what",
        "where",
        "when_on",
        "how_known",
    ]


def test_a_draft_keeps_the_valid_answers_and_says_what_is_wrong(partner: Any) -> None:
    """The same form as the details page checks a saved draft: a future date is refused
    with the page's message, and what was typed around it is kept."""
    draft = services.submission_start(actor=partner)
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    errors = services.submission_save_draft(
        actor=partner,
        submission=draft,
        data={
            "what": "  Seen at the park  ",
            "when_on": tomorrow.isoformat(),
            "when_time": "15:20:30",
            "anyone_in_danger": "NO",
            "how_known": "first_hand",
        },
    )
    assert errors == {"when_on": ["Date must be today or in the past"]}
    draft.refresh_from_db()
    assert (draft.what, draft.when_on, draft.how_known) == ("Seen at the park", None, "first_hand")
    assert (draft.when_time, draft.anyone_in_danger) == (dt.time(15, 20, 30), "no")
    errors = services.submission_save_draft(
        actor=partner, submission=draft, data={"when_time": "25:99", "where": "x" * 301}
    )
    assert errors == {
        "where": ["Your answer must be 300 characters or fewer (it has 301)"],
        "when_time": ["Time must be a real time, like 15:20"],
    }
    draft.refresh_from_db()
    assert (draft.when_time, draft.where) == (dt.time(15, 20, 30), "")


def test_only_the_author_changes_a_draft(partner: Any, users: dict[str, Any]) -> None:
    draft = services.submission_start(actor=partner)
    with pytest.raises(PermissionDenied):
        services.submission_save_draft(actor=users["fib_officer"], submission=draft, data={})


def test_ig_admin_cannot_submit(users: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.submission_start(actor=users["ig_admin"])


def test_evaluate_requires_conditions_for_c_and_fib_role(
    submit: Callable[..., Submission], partner: Any, users: dict[str, Any]
) -> None:
    submission = submit(partner)
    fib = users["fib_officer"]
    with pytest.raises(ValidationError) as exc:
        services.submission_evaluate(
            actor=fib, submission=submission, source_grade="2", intel_grade="B", handling="C"
        )
    assert "conditions" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.submission_evaluate(
            actor=users["ppu_coordinator"],
            submission=submission,
            source_grade="2",
            intel_grade="B",
            handling="P",
        )
    services.submission_evaluate(
        actor=fib,
        submission=submission,
        source_grade="2",
        intel_grade="B",
        handling="C",
        conditions="Not to be shared with the subject's family.",
    )
    assert submission.grade == "2/B/C" and submission.status == Status.EVALUATED


def test_legacy_5x5x5_is_mapped_and_kept(
    submit: Callable[..., Submission], partner: Any, users: dict[str, Any]
) -> None:
    submission = submit(partner)
    services.submission_evaluate(
        actor=users["fib_officer"], submission=submission, legacy_grade="B24"
    )
    assert submission.legacy_grade == "B24"
    assert submission.grade == "1/A/C"
    assert "Legacy handling code 4" in submission.handling_conditions
    with pytest.raises(ValidationError):
        services.submission_evaluate(
            actor=users["fib_officer"], submission=submission, legacy_grade="Z99"
        )


def test_sanitised_text_must_not_name_the_source(
    submit: Callable[..., Submission], partner: Any, users: dict[str, Any]
) -> None:
    submission = submit(partner)
    suggested = services.suggested_sanitised(submission)
    assert "Petra Sourceperson" not in suggested
    with pytest.raises(ValidationError):
        services.submission_sanitise(
            actor=users["fib_officer"],
            submission=submission,
            text="Petra Sourceperson saw a grey car.",
        )


def test_visibility_by_role(
    graded: Submission, partner: Any, users: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    fib, ppu, analyst = users["fib_officer"], users["ppu_coordinator"], users["analyst"]
    mine = access_submission_by_id(partner, graded.pk)
    assert mine.original and not mine.sanitised and not mine.workflow
    full = access_submission_by_id(fib, graded.pk)
    assert full.original and full.sanitised and full.workflow
    sanitised_only = access_submission_by_id(analyst, graded.pk)
    assert sanitised_only.sanitised and not sanitised_only.original
    # Not yet disseminated: the PPU, a social worker and the IG admin see nothing.
    for user in (ppu, users["social_worker"], users["ig_admin"], users["system_admin"]):
        with pytest.raises(Http404):
            access_submission_by_id(user, graded.pk)
    services.submission_disseminate(
        actor=fib, submission=graded, recipient_kind="ppu", reason="Safeguarding plan"
    )
    ppu_view = access_submission_by_id(ppu, graded.pk)
    assert ppu_view.sanitised and not ppu_view.original and not ppu_view.workflow
    with pytest.raises(Http404):
        access_submission_by_id(users["social_worker"], graded.pk)
    other_school = make_user("practitioner", agency="trust", username="other")
    with pytest.raises(Http404):
        access_submission_by_id(other_school, graded.pk)


def test_dissemination_is_audited_with_recipient_and_notifies(
    graded: Submission, users: dict[str, Any], agencies: dict[str, Any]
) -> None:
    fib = users["fib_officer"]
    services.submission_disseminate(
        actor=fib,
        submission=graded,
        recipient_kind="agency",
        agency=agencies["trust"],
        reason="Child is open to children's social care",
    )
    event = AuditEvent.objects.get(event="intel.disseminated")
    assert event.recipient == agencies["trust"].name and event.action == "disclosure"
    assert Notification.objects.filter(recipient=users["social_worker"]).exists()
    assert access_submission_by_id(users["social_worker"], graded.pk).sanitised


def test_dissemination_needs_grade_sanitised_text_and_c_conditions(
    submit: Callable[..., Submission],
    partner: Any,
    users: dict[str, Any],
    agencies: dict[str, Any],
) -> None:
    fib = users["fib_officer"]
    submission = submit(partner)
    with pytest.raises(ValidationError):
        services.submission_disseminate(
            actor=fib, submission=submission, recipient_kind="ppu", reason="x"
        )
    services.submission_evaluate(
        actor=fib,
        submission=submission,
        source_grade="1",
        intel_grade="A",
        handling="C",
        conditions="Police and children's social care only.",
    )
    services.submission_sanitise(actor=fib, submission=submission, text="A grey car.")
    with pytest.raises(ValidationError) as exc:
        services.submission_disseminate(
            actor=fib,
            submission=submission,
            recipient_kind="agency",
            agency=agencies["school"],
            reason="x",
        )
    assert "conditions_met" in exc.value.message_dict
    services.submission_disseminate(
        actor=fib, submission=submission, recipient_kind="ppu", reason="Police unit"
    )


def test_link_matches_existing_vehicle_and_correlation_counts_only_visible(
    submit: Callable[..., Submission], partner: Any, users: dict[str, Any]
) -> None:
    fib = users["fib_officer"]
    existing = pole_services.vehicle_create(actor=fib, registration="NM12XYZ")
    first = submit(partner)
    second = submit(partner, what="The grey Corsa was outside the park at 20:00 on Friday.")
    rows = selectors.link_rows(fib, first)
    assert rows[0].candidates[0].entity_id == existing.pk
    for submission in (first, second):
        services.mentions_link(
            actor=fib,
            submission=submission,
            answers=[services.LinkAnswer(0, str(existing.pk), belongs_to="none")],
        )
    # A new phone record.
    services.mentions_link(
        actor=fib, submission=first, answers=[services.LinkAnswer(1, "new", belongs_to="none")]
    )
    assert SubmissionEntity.objects.filter(submission=first).count() == 2
    assert Vehicle.objects.count() == 1
    by_label = {c.entity.label: c for c in selectors.correlations(fib, first)}
    assert by_label["NM12XYZ"].count == 1
    assert [o.pk for o in by_label["NM12XYZ"].others] == [second.pk]
    # The analyst sees the sanitised first only once it is graded; the second is not
    # sanitised, so it must not be counted for them.
    services.submission_evaluate(
        actor=fib, submission=first, source_grade="2", intel_grade="B", handling="P"
    )
    services.submission_sanitise(actor=fib, submission=first, text="A grey car.")
    analyst_view = {
        c.entity.label: c.count for c in selectors.correlations(users["analyst"], first)
    }
    assert analyst_view.get("NM12XYZ") == 0
    assert list(sanitised_visible(users["analyst"])) == [first]


def test_source_view_is_fib_only_and_audited(
    submit: Callable[..., Submission], partner: Any, users: dict[str, Any]
) -> None:
    submission = submit(partner)
    record = selectors.source_for(users["fib_officer"], submission)
    assert record.name == "Petra Sourceperson"
    assert AuditEvent.objects.filter(event="intel.source_viewed").count() == 1
    for user in (users["analyst"], users["ppu_coordinator"], partner):
        with pytest.raises(Http404):
            selectors.source_for(user, submission)


def test_start_from_concern_prefills(
    users: dict[str, Any], make_person: Callable[..., Any]
) -> None:
    from cairn.concerns import services as concern_services

    from ..concerns.conftest import complete_payload

    child = make_person()
    sw = users["social_worker"]
    concern = concern_services.concern_create(actor=sw, data=complete_payload(child.pk))
    draft = services.submission_start(actor=sw, concern=concern)
    assert draft.subject == child and draft.what == concern.narrative
    assert {m["kind"] for m in draft.mentions} == {"vehicle", "person"}
    assert intel_data()["how_known"] == "first_hand"


def test_submitter_never_sees_grading_even_when_shared_with_their_agency(
    graded: Submission,
    partner: Any,
    users: dict[str, Any],
    agencies: dict[str, Any],
    make_user: Callable[..., Any],
) -> None:
    services.submission_disseminate(
        actor=users["fib_officer"],
        submission=graded,
        recipient_kind="agency",
        agency=agencies["school"],
        reason="School to safeguard the pupil",
    )
    view = access_submission_by_id(partner, graded.pk)
    assert view.original and not view.sanitised
    assert graded not in sanitised_visible(partner)
    colleague = make_user("practitioner", agency="school", username="school_colleague")
    assert access_submission_by_id(colleague, graded.pk).sanitised


def test_a_mentioned_person_is_matched_with_the_reasons(
    submit: Callable[..., Submission], partner: Any, users: dict[str, Any], make_person: Any
) -> None:
    import datetime as dt

    fib = users["fib_officer"]
    existing = make_person(
        actor=fib, given_name="Jayden", family_name="Smithson", date_of_birth=dt.date(2001, 3, 4)
    )
    make_person(actor=fib, given_name="Jayden", family_name="Otherby")
    known_as = make_person(
        actor=fib, given_name="Marcus", family_name="Testbury", aliases=[("nickname", "Snowy", "")]
    )
    mentions = [
        {
            "kind": "person",
            "given_name": "Jaydon",
            "family_name": "Smithsen",
            "nickname": "",
            "date_of_birth": "2001-03-04",
        },
        {"kind": "person", "given_name": "", "family_name": "", "nickname": "Snowy"},
    ]
    submission = submit(partner, mentions=mentions)
    rows = selectors.link_rows(fib, submission)
    first = rows[0].candidates
    assert first[0].entity_id == existing.pk
    assert first[0].percent is not None and first[0].percent >= 50
    assert "likely the same person" in first[0].hint
    assert "date of birth the same" in first[0].reasons
    # A nickname alone is looked up among recorded aliases and nicknames, and scored by
    # how many people are known by it: the FIB sees a likelihood and the reasons.
    assert rows[1].candidates[0].entity_id == known_as.pk
    assert "likely the same person" in rows[1].candidates[0].hint
    assert "known as \u201cSnowy\u201d (nickname)" in rows[1].candidates[0].hint
