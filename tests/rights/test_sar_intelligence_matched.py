"""A subject access request finds intelligence about the person before the FIB links it
(tester report 1, F2): an entry whose named person was matched at entry to their record
("Use this record"), in any state after submission (new, triaged, returned), is in the
police's bundle and counted in the "left out" notice to police IG of a partner's
request; an open request blocks its disposal, so it is supplied as held. Drafts and an
entry naming another record whose id shares the digits are not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from cairn.accounts.models import User
from cairn.intelligence import services as intel
from cairn.intelligence.models import Status, Submission
from cairn.notifications.models import Notification
from cairn.pole.models import Person
from cairn.retention.selectors import submission_blockers
from cairn.rights.models import SubjectAccessRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def simran(make_person: Callable[..., Person]) -> Person:
    return make_person(
        given_name="Simran",
        family_name="Matchedatentry",
        date_of_birth=dt.date(2010, 2, 10),
        hub_shared=True,
    )


@pytest.fixture
def entries(
    users: dict[str, User],
    simran: Person,
    agencies: dict[str, Any],
    matched_entry: Callable[..., Submission],
) -> dict[str, Any]:
    """Submitted through the services with her matched at entry: the mention keeps the
    chosen record's id (cairn.pole.mentions.choose_person); the subject is free text only,
    and the FIB has linked nothing."""
    fib = users["fib_officer"]

    def _entry(what: str) -> Submission:
        return matched_entry(
            fib, simran, subject_description="Simran, born 10 February 2010", what=what
        )

    new = _entry("Seen at the Mill Road flat late on Friday night.")
    triaged = _entry("Seen getting into a silver car outside the park.")
    triaged = intel.submission_triage(actor=fib, submission=triaged, priority="priority")
    returned = _entry("Said to be carrying a second phone at school.")
    returned = intel.submission_return(
        actor=fib, submission=returned, note="Please add the time seen"
    )
    # Not about her: a draft, and an entry naming a record whose id has her id's digits.
    Submission.objects.create(
        submitter=fib,
        submitter_agency=agencies["police"],
        what="Draft: seen with older boys.",
        mentions=[{"kind": "person", "given_name": "Simran", "entity_id": simran.pk}],
    )
    decoy = Submission.objects.create(
        status=Status.NEW,
        submitter=fib,
        submitter_agency=agencies["police"],
        what="About someone else entirely.",
        mentions=[{"kind": "person", "given_name": "Other", "entity_id": int(f"{simran.pk}1")}],
    )
    return {"new": new, "triaged": triaged, "returned": returned, "decoy": decoy}


def test_the_polices_bundle_holds_entries_matched_at_entry_in_any_state(
    simran: Person,
    entries: dict[str, Any],
    police_ig: User,
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    assert entries["triaged"].status == Status.TRIAGED
    assert entries["returned"].status == Status.RETURNED
    assert not entries["new"].entities.exists()  # the FIB linked nothing
    sar = subject_sar(police_ig, simran)
    found = set(sar.items.filter(record_type="intelligence").values_list("record_id", flat=True))
    assert found == {str(entries[k].pk) for k in ("new", "triaged", "returned")}
    texts = " ".join(sar.items.values_list("text", flat=True))
    assert "Mill Road flat" in texts and "silver car" in texts and "second phone" in texts
    assert "older boys" not in texts and "someone else" not in texts


def test_a_partners_bundle_leaves_them_out_and_police_ig_is_told_how_many(
    users: dict[str, User],
    simran: Person,
    entries: dict[str, Any],
    police_ig: User,
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    sar = subject_sar(users["ig_admin"], simran)
    # The Trust's IG (a partner) gets nothing police-only, not even a placeholder.
    assert not sar.items.filter(record_type="intelligence").exists()
    assert not sar.items.filter(police_only=True).exists()
    note = Notification.objects.get(recipient=police_ig, object_id=str(sar.pk))
    assert "3 police-only record(s) were left out" in note.body
    assert not Notification.objects.filter(
        recipient=users["ig_admin"], body__contains="left out"
    ).exists()


def test_an_open_request_blocks_disposal_of_an_entry_matched_at_entry(
    simran: Person,
    entries: dict[str, Any],
    police_ig: User,
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    # Closed by the FIB, so only the request could block it.
    new = entries["new"]
    Submission.objects.filter(pk=new.pk).update(status=Status.CLOSED)
    assert "subject_sar" not in submission_blockers([new.pk]).get(new.pk, [])
    subject_sar(police_ig, simran)
    assert "subject_sar" in submission_blockers([new.pk])[new.pk]
    assert "subject_sar" not in submission_blockers([entries["decoy"].pk]).get(
        entries["decoy"].pk, []
    )
