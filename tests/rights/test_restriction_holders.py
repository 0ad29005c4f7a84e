"""A restriction reaches every agency holding records about the person (ADR 0023,
amendment): the owning agency, agencies it shared the record with, agencies whose users
reported concerns or submitted intelligence about them, told on applying and lifting, by
record id only. A reporter's own list keeps their concern as "restricted" (reference and
status only). A new record strongly matching a restricted one is flagged to the IG
holding the restriction, not to its creator. And who decides a rectification request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.accounts.models import User
from cairn.accounts.roles import Role
from cairn.audit.models import AuditEvent
from cairn.concerns.models import Concern, ConcernStatus
from cairn.intelligence.models import Status as IntelStatus
from cairn.intelligence.models import Submission
from cairn.notifications.models import Notification
from cairn.pole import services as pole_services
from cairn.pole.models import Person
from cairn.rights.models import DuplicateAlert, Restriction

NOTE = "Seen with an older man outside the leisure centre"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def school(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "ig": make_user(Role.IG_ADMIN, "school", username="ig_school"),
        "teacher": make_user(Role.PRACTITIONER, "school", username="teacher"),
        "other_teacher": make_user(Role.PRACTITIONER, "school", username="teacher_2"),
    }


@pytest.fixture
def reported(
    child: Person,
    users: dict[str, User],
    agencies: dict[str, Any],
    school: dict[str, User],
    police_ig: User,
) -> Concern:
    """The school reported a concern about the Trust's child; the police submitted
    intelligence about her."""
    Submission.objects.create(
        status=IntelStatus.NEW,
        submitter=users["fib_officer"],
        submitter_agency=agencies["police"],
        subject=child,
        what="Intelligence",
    )
    return Concern.objects.create(
        child=child,
        status=ConcernStatus.SUBMITTED,
        reporter=school["teacher"],
        reporter_agency=agencies["school"],
        narrative=NOTE,
    )


def _told(user: User, title_part: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, title__contains=title_part))


def test_every_holding_agency_is_told_of_the_restriction_and_its_lifting(
    child: Person,
    users: dict[str, User],
    school: dict[str, User],
    police_ig: User,
    reported: Concern,
    restrict: Callable[[Person], Restriction],
    lift: Callable[[Person], Restriction],
) -> None:
    restrict(child)
    title = f"Processing of record {child.pk} is restricted"
    for user in (school["ig"], school["teacher"], police_ig, users["fib_officer"]):
        notes = _told(user, title)
        assert len(notes) == 1, user.username
        # The record's id only: no name, nothing of what was reported.
        text = notes[0].title + notes[0].body
        assert child.given_name not in text and child.family_name not in text
        assert NOTE not in text
    # An agency holding nothing about her, and a teacher who reported nothing: not told.
    assert not _told(school["other_teacher"], title)
    lift(child)
    lifted = f"The restriction on record {child.pk} is lifted"
    for user in (school["ig"], school["teacher"], police_ig, users["social_worker"]):
        assert len(_told(user, lifted)) == 1, user.username
    assert not _told(school["other_teacher"], lifted)


def test_a_submitter_who_matched_her_at_entry_is_told_before_the_fib_links_it(
    child: Person,
    agencies: dict[str, Any],
    school: dict[str, User],
    restrict: Callable[[Person], Restriction],
) -> None:
    """Outside tester: intelligence naming her only through a mention matched at entry
    ("Use this record"), not yet linked by the FIB, did not make its submitter or their
    agency a holder, so neither heard of the restriction."""
    Submission.objects.create(
        status=IntelStatus.NEW,
        submitter=school["other_teacher"],
        submitter_agency=agencies["school"],
        what="Seen getting into a grey car after school",
        mentions=[{"kind": "person", "given_name": "Any", "entity_id": str(child.pk)}],
    )
    restrict(child)
    title = f"Processing of record {child.pk} is restricted"
    assert len(_told(school["other_teacher"], title)) == 1
    assert len(_told(school["ig"], title)) == 1
    assert not _told(school["teacher"], title)  # reported nothing about her


def test_a_reporters_list_keeps_a_restricted_concern_as_reference_and_status(
    child: Person,
    school: dict[str, User],
    reported: Concern,
    restrict: Callable[[Person], Restriction],
    lift: Callable[[Person], Restriction],
) -> None:
    client = _client(school["teacher"])
    page = client.get(reverse("concerns:list")).content.decode()
    assert child.full_name in page and 'data-testid="restricted-concern"' not in page
    restrict(child)
    page = client.get(reverse("concerns:list")).content.decode()
    row = page.split('data-testid="restricted-concern"', 1)[1].split("</tr>", 1)[0]
    assert reported.reference in row and "ask your information governance" in row
    assert reported.get_status_display() in row
    assert child.given_name not in page and NOTE not in page
    assert reverse("concerns:detail", args=[reported.pk]) not in page
    # The concern itself stays withheld, as any restricted record's data.
    assert client.get(reverse("concerns:detail", args=[reported.pk])).status_code == 404
    # Another user's list never shows it.
    other = _client(school["other_teacher"]).get(reverse("concerns:list")).content.decode()
    assert reported.reference not in other
    lift(child)
    page = client.get(reverse("concerns:list")).content.decode()
    assert child.full_name in page and 'data-testid="restricted-concern"' not in page


def test_a_new_record_like_a_restricted_one_is_flagged_to_ig_not_its_creator(
    child: Person,
    users: dict[str, User],
    school: dict[str, User],
    restrict: Callable[[Person], Restriction],
) -> None:
    restriction = restrict(child)
    teacher = school["teacher"]
    again = pole_services.person_create(
        actor=teacher,
        given_name=child.given_name,
        family_name=child.family_name,
        date_of_birth=child.date_of_birth,
        category="child",
    )
    title = f"New record {again.pk} may duplicate restricted record {child.pk}"
    notes = _told(users["ig_admin"], title)
    assert len(notes) == 1
    assert child.given_name not in notes[0].title + notes[0].body
    alert = DuplicateAlert.objects.get(person=again)
    assert alert.restriction == restriction
    assert notes[0].object_id == str(alert.pk)
    assert notes[0].url == reverse("rights:duplicate", args=[alert.pk])
    assert not Notification.objects.filter(recipient=teacher, title__contains="duplicate")
    assert not _told(school["ig"], title)  # not the school's restriction
    row = AuditEvent.objects.get(event="rights.restricted_duplicate_flagged")
    assert row.subject_id == child.pk and row.details["new_record"] == again.pk
    # Someone else altogether: nothing.
    pole_services.person_create(
        actor=teacher,
        given_name="Barnaby",
        family_name="Unrelatedexample",
        date_of_birth=dt.date(2001, 1, 1),
        category="child",
    )
    assert Notification.objects.filter(title__contains="may duplicate").count() == 1


def test_rectification_is_decided_by_the_owning_agencys_caseworkers_as_the_page_says(
    child: Person,
    users: dict[str, User],
    school: dict[str, User],
    log_request: Callable[..., Any],
) -> None:
    rr = log_request(child)
    url = reverse("rights:detail", args=[rr.pk])
    # The Trust's social worker decides (ADR 0023): the page says so and offers Refuse.
    page = _client(users["social_worker"]).get(url).content.decode()
    decides = page.split('data-testid="who-decides">', 1)[1].split("</dd>", 1)[0]
    assert "Testshire Children&#x27;s Trust" in decides and "caseworkers" in decides
    assert "You cannot decide" not in decides
    assert 'value="refuse"' in page
    # The IG who logged it sees who decides, and no Refuse button.
    page = _client(users["ig_admin"]).get(url).content.decode()
    assert "You cannot decide this request" in page and 'value="refuse"' not in page
    response = _client(users["ig_admin"]).post(url, {"action": "refuse", "reason": "No way"})
    assert response.status_code == 404
    # Another agency's practitioner: not found at all.
    assert _client(school["teacher"]).get(url).status_code == 404
    response = _client(users["social_worker"]).post(
        url, {"action": "refuse", "reason": "The record is accurate as reported."}
    )
    assert response.status_code == 302
    rr.refresh_from_db()
    assert rr.outcome == "refused" and rr.closed_by == users["social_worker"]
