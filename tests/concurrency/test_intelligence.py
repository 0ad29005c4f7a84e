"""Intelligence under racing requests: a draft sent twice at once reaches the FIB once;
an entry closed by one officer while another grades it is not also graded."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cairn.intelligence import services
from cairn.intelligence.models import SourceRecord, Status, Submission
from cairn.notifications.models import Notification

from ..intelligence.conftest import intel_data
from .conftest import ROUNDS, poster, race

pytestmark = pytest.mark.django_db(transaction=True)


def _draft(actor: Any) -> Submission:
    submission = services.submission_start(actor=actor)
    # The two plain questions are answered, as the form asks before the check.
    data = intel_data(anyone_in_danger="no", crime_described="no")
    services.submission_save_draft(actor=actor, submission=submission, data=data)
    return submission


def test_fib_form_sent_twice_at_once_is_sent_once(users: dict[str, Any], make_user: Any) -> None:
    partner = make_user("practitioner", agency="school", username="school_dsl")
    for _ in range(ROUNDS):
        submission = _draft(partner)
        url = reverse("intelligence:check", args=[submission.pk])

        outcomes = race(poster(partner, url), poster(partner, url))

        detail = reverse("intelligence:detail", args=[submission.pk])
        for outcome in outcomes:
            assert outcome.ok, outcome.error
            assert outcome.value.status_code == 302
            assert outcome.value["Location"] == detail
        assert SourceRecord.objects.filter(submission=submission).count() == 1
        assert (
            Notification.objects.filter(
                kind="intel.submitted", object_id=str(submission.pk)
            ).count()
            == 1
        )


def test_close_racing_grading_keeps_one(users: dict[str, Any], make_user: Any) -> None:
    fib = users["fib_officer"]
    other_fib = make_user("fib_officer", username="fib_two")
    partner = make_user("practitioner", agency="school", username="school_dsl")
    for _ in range(ROUNDS):
        submission = services.submission_create(actor=partner, data=intel_data())
        closing = Submission.objects.get(pk=submission.pk)
        grading = Submission.objects.get(pk=submission.pk)

        outcomes = race(
            lambda s=closing: services.submission_triage(
                actor=fib, submission=s, priority="routine", note="No role for us", close=True
            ),
            lambda s=grading: services.submission_evaluate(
                actor=other_fib, submission=s, source_grade="2", intel_grade="B", handling="P"
            ),
        )

        submission.refresh_from_db()
        if outcomes[0].ok and outcomes[1].ok:
            # Graded first, then closed after seeing the grade: a legitimate order.
            assert submission.status == Status.CLOSED and submission.grade
        else:
            # Closed first: grading it afterwards is refused, not silently stored.
            assert outcomes[0].ok, outcomes[0].error
            assert "already been closed" in str(outcomes[1].error)
            assert submission.status == Status.CLOSED and not submission.source_grade
