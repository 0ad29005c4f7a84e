"""An agency with records in a subject access bundle but no information governance user
(tester report 1, F7): nobody there can approve, so those who could give someone the role
are told instead (its own user administrators, else the Hub's), without a link; the
approvals table, the take-over page, its confirmation and the audit say truthfully who
was told, or that nobody could be."""

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
from cairn.notifications.models import Notification
from cairn.pole.models import Person
from cairn.rights.models import SubjectAccessRequest

pytestmark = pytest.mark.django_db

REASON = "The academy did not answer before the time limit"


@pytest.fixture
def child(
    make_person: Callable[..., Person], users: dict[str, User], agencies: dict[str, Any]
) -> Person:
    person = make_person(
        given_name="Percival", family_name="Noigexample", date_of_birth=dt.date(2013, 3, 3)
    )
    Concern.objects.create(
        child=person,
        status=ConcernStatus.SUBMITTED,
        reporter=users["social_worker"],
        reporter_agency=agencies["school"],
        narrative="Seen with an older boy at the gates",
    )
    return person


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _take_over(users: dict[str, User], sar: SubjectAccessRequest, agency: Any) -> str:
    """The take-over page's promise, then the confirmation shown after taking over."""
    client = _client(users["ig_admin"])
    url = reverse("rights:sar-take-over", args=[sar.pk, agency.pk])
    page = client.get(url).content.decode()
    promise = page.split('data-testid="who-is-told">', 1)[1].split("</li>", 1)[0]
    response = client.post(url, {"reason": REASON}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    return promise + " || " + body.split("You took over", 1)[1].split("</", 1)[0]


def _told(sar: SubjectAccessRequest) -> str:
    return AuditEvent.objects.get(event="rights.sar_part_taken_over").details["told"]


def test_the_hubs_user_administrators_are_told_when_the_agency_has_no_ig(
    users: dict[str, User],
    child: Person,
    agencies: dict[str, Any],
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    admin = users["system_admin"]  # the Trust's: the school has none of its own
    sar = subject_sar(users["ig_admin"], child)
    [asked] = Notification.objects.filter(recipient=admin, object_id=str(sar.pk))
    assert "Testshire Academy has nobody to approve its part" in asked.title
    assert asked.url == ""  # they cannot open the request
    assert "Noigexample" not in asked.title + asked.body
    table = _client(users["ig_admin"]).get(reverse("rights:sar-detail", args=[sar.pk]))
    hint = table.content.decode().split('data-testid="nobody-to-approve">', 1)[1]
    assert hint.startswith("Nobody at Testshire Academy can approve it")
    assert "The Hub&#x27;s user administrators" in hint.split("</span>", 1)[0]

    said = _take_over(users, sar, agencies["school"])
    assert "information governance is told" not in said
    assert said.count("Hub&#x27;s user administrators") == 2  # promised, then confirmed
    assert _told(sar) == "hub_admins"
    [told] = Notification.objects.filter(recipient=admin, title__contains="took over")
    assert told.url == "" and "Testshire Academy has no information governance user" in told.body
    # Nobody at the school hears of it: it has nobody who may open a request.
    assert not Notification.objects.filter(recipient__agency=agencies["school"]).exists()


def test_the_agencys_own_user_administrators_come_first(
    users: dict[str, User],
    child: Person,
    agencies: dict[str, Any],
    make_user: Callable[..., User],
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    own = make_user(Role.SYSTEM_ADMIN, "school", username="school_admin")
    sar = subject_sar(users["ig_admin"], child)
    assert Notification.objects.filter(recipient=own, object_id=str(sar.pk)).count() == 1
    assert not Notification.objects.filter(recipient=users["system_admin"]).exists()
    said = _take_over(users, sar, agencies["school"])
    assert said.count("Testshire Academy&#x27;s user administrators") == 2
    assert _told(sar) == "agency_admins"


def test_nobody_to_tell_is_said_and_nobody_is_told(
    users: dict[str, User],
    child: Person,
    agencies: dict[str, Any],
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    User.objects.filter(role=Role.SYSTEM_ADMIN).update(is_active=False)
    sar = subject_sar(users["ig_admin"], child)
    assert not Notification.objects.filter(object_id=str(sar.pk)).exists()
    said = _take_over(users, sar, agencies["school"])
    assert "nobody can be told" in said and "Nobody could be told" in said
    assert "is told" not in said
    assert _told(sar) == "nobody"
    assert not Notification.objects.filter(object_id=str(sar.pk)).exists()


def test_an_agency_with_ig_is_asked_and_told_as_before(
    users: dict[str, User],
    child: Person,
    agencies: dict[str, Any],
    make_user: Callable[..., User],
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    school_ig = make_user(Role.IG_ADMIN, "school", username="ig_school")
    sar = subject_sar(users["ig_admin"], child)
    assert Notification.objects.filter(recipient=school_ig, url__contains="/access/").exists()
    assert not Notification.objects.filter(recipient=users["system_admin"]).exists()
    said = _take_over(users, sar, agencies["school"])
    assert "Testshire Academy's information governance is told" in said
    assert "Told: Testshire Academy&#x27;s information governance." in said
    assert _told(sar) == "ig"
    # A caseworker may not take a part over (as before): not found.
    url = reverse("rights:sar-take-over", args=[sar.pk, agencies["school"].pk])
    assert _client(users["social_worker"]).get(url).status_code == 404
