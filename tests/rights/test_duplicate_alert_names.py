"""Duplicates of a restricted record (tester report 10): a name entered only as a nickname
or alias is checked as the primary name is (F5); the alert says what is true of the
record's creator (F8); the duplicate's holding agency is told nothing of a record it
may not open (F10); the API's refusal names what it refuses (F12)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import User
from cairn.accounts.roles import Role
from cairn.api_auth import services as token_services
from cairn.notifications.models import Notification
from cairn.pole import services as pole_services
from cairn.pole.models import Person
from cairn.rights.models import DuplicateAlert, Restriction

from ..api.conftest import ApiClient


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user: User) -> ApiClient:
    return ApiClient(token_services.token_create(actor=user, name="t").secret)


@pytest.fixture
def teacher(make_user: Callable[..., User]) -> User:
    return make_user(Role.PRACTITIONER, "school", username="teacher_alias")


@pytest.mark.parametrize("kind", ["nickname", "alias", "previous"])
def test_a_restricted_name_typed_only_as_another_name_is_flagged(
    kind: str, child: Person, teacher: User, restrict: Callable[[Person], Restriction]
) -> None:
    restrict(child)
    again = pole_services.person_create(
        actor=teacher,
        given_name="Tam",
        family_name="W",
        aliases=[(kind, child.given_name, child.family_name)],
        date_of_birth=child.date_of_birth,
        category="child",
    )
    assert DuplicateAlert.objects.get(person=again).restriction.person_id == child.pk


def test_the_web_form_with_the_name_only_under_nicknames_is_flagged(
    child: Person, teacher: User, restrict: Callable[[Person], Restriction]
) -> None:
    restrict(child)
    born = child.date_of_birth
    response = _client(teacher).post(
        reverse("pole:person-create"),
        {
            "given_name": "",
            "family_name": "",
            "aliases": child.full_name,
            "date_of_birth_0": born.day,
            "date_of_birth_1": born.month,
            "date_of_birth_2": born.year,
            "category": "child",
            "sex": "unknown",
            "ethnicity": "not_known",
            "looked_after": "no",
            "confirm_new": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert DuplicateAlert.objects.get().restriction.person_id == child.pk


def test_the_api_with_the_name_only_as_an_alias_is_flagged(
    child: Person, teacher: User, restrict: Callable[[Person], Restriction]
) -> None:
    restrict(child)
    created = _api(teacher).post(
        "/people",
        {
            "category": "child",
            "given_name": "Tam",
            "family_name": "W",
            "date_of_birth": child.date_of_birth.isoformat(),
            "aliases": [
                {"kind": "previous", "given_name": "Tamsin", "family_name": "Withheldcase"}
            ],
        },
    )
    assert created.status_code == 201, created.json()
    assert DuplicateAlert.objects.get().person_id == created.json()["id"]


def test_an_unrelated_alias_raises_no_alert(
    child: Person, teacher: User, restrict: Callable[[Person], Restriction]
) -> None:
    restrict(child)
    pole_services.person_create(
        actor=teacher,
        given_name="Tam",
        family_name="W",
        aliases=[("alias", "Morwenna", "Kettleborough")],
        date_of_birth=child.date_of_birth,
        category="child",
    )
    assert not DuplicateAlert.objects.exists()


def test_the_alert_says_the_creator_may_open_the_restricted_record_when_they_may(
    child: Person, users: dict[str, User], teacher: User, restrict: Callable[[Person], Restriction]
) -> None:
    """The owning agency's social worker may open its restricted record: the alert no
    longer says she cannot (F8). A school's teacher cannot, and the alert says so."""
    restrict(child)
    ig = users["ig_admin"]
    for creator, said in (
        (users["social_worker"], "may open the restricted record"),
        (teacher, "cannot see the restricted record"),
    ):
        again = pole_services.person_create(
            actor=creator,
            given_name=child.given_name,
            family_name=child.family_name,
            date_of_birth=child.date_of_birth,
            category="child",
        )
        alert = DuplicateAlert.objects.get(person=again)
        note = Notification.objects.get(recipient=ig, object_id=str(alert.pk))
        assert said in note.body
        page = _client(ig).get(reverse("rights:duplicate", args=[alert.pk])).content.decode()
        assert said in page


def test_the_duplicates_holder_is_not_told_who_holds_the_original(
    child: Person, users: dict[str, User], teacher: User, restrict: Callable[[Person], Restriction]
) -> None:
    """F10: the school's restricted duplicate names no other record, agency or officer;
    the Trust, which holds both, still sees the original's number."""
    restrict(child)
    again = pole_services.person_create(
        actor=teacher,
        given_name=child.given_name,
        family_name=child.family_name,
        date_of_birth=child.date_of_birth,
        category="child",
    )
    alert = DuplicateAlert.objects.get(person=again)
    ig = users["ig_admin"]
    done = _client(ig).post(
        reverse("rights:duplicate", args=[alert.pk]),
        {"action": "same", "reason": "Same child, same mother named", "confirmed": "yes"},
    )
    assert done.status_code == 302
    page = _client(teacher).get(reverse("pole:person-detail", args=[again.pk])).content.decode()
    assert 'data-testid="restriction-extended"' in page
    for secret in (f"record {child.pk}", "Children&#x27;s Trust information governance"):
        assert secret not in page
    assert ig.get_full_name() not in page
    person = _api(teacher).get(f"/people/{again.pk}").json()
    shown = person["restriction"]
    assert shown["extended"] is True and shown["extends_record"] is None
    assert shown["restricted_by"] == "Information governance"
    assert str(child.pk) not in shown["reason"]


def test_the_alert_list_refusal_names_alerts_not_subject_access(teacher: User) -> None:
    refused = _api(teacher).get("/rights/duplicate-alerts")
    assert refused.status_code == 403
    assert "Duplicate-record alerts are for information governance" in str(refused.json())


def test_the_api_closes_a_request_as_a_duplicate_as_the_web_does(users: dict[str, User]) -> None:
    ig = users["ig_admin"]
    api = _api(ig)
    logged = api.post(
        "/rights/access-requests",
        {
            "requester": "Ivo Closeexample",
            "requester_kind": "subject",
            "given_name": "Ivo",
            "family_name": "Closeexample",
            "received_on": timezone.localdate().isoformat(),
            "authority_checked": True,
        },
    )
    assert logged.status_code == 201, logged.json()
    closed = api.post(
        f"/rights/access-requests/{logged.json()['id']}/close",
        {
            "reason": "duplicate",
            "note": "Logged twice by mistake on the same day",
            "confirmed": True,
        },
    )
    assert closed.status_code == 200, closed.json()
    assert closed.json()["close_reason"] == "duplicate"
