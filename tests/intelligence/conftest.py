from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from cairn.concerns import services as concern_services
from cairn.concerns.models import Concern
from cairn.intelligence import services
from cairn.intelligence.models import Submission

from ..concerns.conftest import complete_payload


@pytest.fixture
def partner(make_user: Callable[..., Any]) -> Any:
    """A school designated safeguarding lead (a partner agency's casework user)."""
    return make_user("practitioner", agency="school", username="school_dsl")


def intel_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "subject_description": "Skye Examplewood, born 14 February 2012, Year 9",
        "what": (
            "A grey Vauxhall Corsa collected Skye from the school gates at 15:15 on three days "
            "this week. The driver is a man aged about 25 who she calls her boyfriend."
        ),
        "where": "Testshire Academy, Example Road",
        "when_on": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
        "when_time": "15:15",
        "how_known": "first_hand",
        "mentions": [
            {"kind": "vehicle", "registration": "NM12 XYZ", "make": "Vauxhall", "colour": "Grey"},
            {"kind": "phone", "number": "07700 900123"},
        ],
        "source_is_submitter": False,
        "name": "Petra Sourceperson",
        "contact": "07700 900999",
        "relationship": "Parent of a classmate",
    }
    data.update(overrides)
    return data


@pytest.fixture
def submit() -> Callable[..., Submission]:
    def make(actor: Any, **overrides: Any) -> Submission:
        return services.submission_create(actor=actor, data=intel_data(**overrides))

    return make


@pytest.fixture
def graded(submit: Callable[..., Submission], partner: Any, users: dict[str, Any]) -> Submission:
    """A partner's submission graded 2/B/P and sanitised by the FIB."""
    fib = users["fib_officer"]
    submission = submit(partner)
    services.submission_evaluate(
        actor=fib, submission=submission, source_grade="2", intel_grade="B", handling="P"
    )
    services.submission_sanitise(
        actor=fib,
        submission=submission,
        text="A grey Vauxhall Corsa NM12 XYZ has collected a Year 9 pupil from a school.",
    )
    return submission


# The crime route: a partner's entry, made from their concern, that the crime check flags.
CRIME = "She told me that the driver hit her in the car on Monday after school."
REASON = (
    "She was repeating what she had read in a group chat; she says nobody hit her and she "
    "does not know who it was about."
)


@pytest.fixture
def child(make_person: Callable[..., Any], partner: Any) -> Any:
    # Aged 14 and about two months, whatever today is.
    born = dt.date.today() - dt.timedelta(days=14 * 365 + 60)
    return make_person(
        actor=partner, given_name="Skye", family_name="Examplewood", date_of_birth=born
    )


@pytest.fixture
def concern(partner: Any, child: Any) -> Concern:
    return concern_services.concern_create(actor=partner, data=complete_payload(child.pk))


def start_crime(partner: Any, concern: Concern | None = None, **overrides: Any) -> Submission:
    draft = services.submission_start(actor=partner, concern=concern)
    data = {"what": CRIME, "anyone_in_danger": "no", "crime_described": "no", **overrides}
    services.submission_save_draft(
        actor=partner, submission=draft, data=intel_data(mentions=[], **data)
    )
    return draft


@pytest.fixture
def flagged(partner: Any, concern: Concern) -> Submission:
    """A partner's entry from their concern, flagged as a crime, with a substantive reason."""
    draft = start_crime(partner, concern)
    return services.submission_submit(actor=partner, submission=draft, intel_only_reason=REASON)
