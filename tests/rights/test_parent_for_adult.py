""" "A parent or carer, for a child" is refused for someone 18 or over on the date the
request was received (known date of birth, or estimated age), with a message naming the
other choices, for a rectification or restriction request and a subject access request;
nothing typed is lost. Through the services and the pages (the API: tests/api)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.audit.models import AuditEvent
from cairn.pole.models import Person
from cairn.rights import services
from cairn.rights.models import RightsRequest, SubjectAccessRequest


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _date_fields(name: str, when: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(when.day),
        f"{name}_month": str(when.month),
        f"{name}_year": str(when.year),
    }


@pytest.fixture
def adult(make_person: Callable[..., Person]) -> Person:
    return make_person(
        given_name="Neville", family_name="Grownupcase", date_of_birth=dt.date(1976, 4, 2)
    )


def test_a_rights_request_by_a_parent_for_an_adult_is_refused_on_the_page(
    users: dict[str, Any], adult: Person
) -> None:
    form = {
        "person": str(adult.pk),
        "kind": "rectification",
        "requester": "Mrs Q. Exampleparent",
        "requester_kind": "parent",
        "authority_checked": "on",
        "grounds": "His address is wrong",
        **_date_fields("received_on", timezone.localdate()),
    }
    response = _client(users["ig_admin"]).post(reverse("rights:new"), form)
    body = response.content.decode()
    assert response.status_code == 200
    assert "a parent or carer cannot ask for them" in body
    assert "The data subject" in body and "Their representative" in body
    assert "His address is wrong" in body and "Mrs Q. Exampleparent" in body
    assert not RightsRequest.objects.exists()


def test_an_estimated_age_counts_and_a_child_is_still_allowed(
    users: dict[str, Any], make_person: Callable[..., Person], child: Person
) -> None:
    ig, today = users["ig_admin"], timezone.localdate()
    estimated = make_person(
        given_name="Unknown", family_name="Estimatedcase", estimated_age=30, estimated_age_on=today
    )
    common = {
        "kind": "restriction",
        "requester": "Mr P. Exampleparent",
        "requester_kind": "parent",
        "authority_checked": True,
        "grounds": "Contests the record",
        "received_on": today,
    }
    with pytest.raises(ValidationError) as exc:
        services.request_log(actor=ig, person_id=estimated.pk, **common)
    assert "requester_kind" in exc.value.message_dict
    assert services.request_log(actor=ig, person_id=child.pk, **common).requester_kind == "parent"


def test_a_sar_by_a_parent_for_an_adult_is_refused_and_turning_18_counts(
    users: dict[str, Any],
) -> None:
    ig, today = users["ig_admin"], timezone.localdate()
    form = {
        "requester": "Mrs Q. Exampleparent",
        "requester_kind": "parent",
        "authority_checked": "on",
        "given_name": "Neville",
        "family_name": "Grownupcase",
        **_date_fields("date_of_birth", dt.date(1976, 4, 2)),
        **_date_fields("received_on", today),
    }
    response = _client(ig).post(reverse("rights:sar-new"), form)
    body = response.content.decode()
    assert response.status_code == 200
    assert "a parent or carer cannot ask for them" in body and "Their representative" in body
    assert "Grownupcase" in body
    assert not SubjectAccessRequest.objects.exists()
    common = {
        "requester": "Mr P. Exampleparent",
        "requester_kind": "parent",
        "authority_checked": True,
        "family_name": "Birthdaycase",
        "other_names": "",
        "received_on": today,
    }
    eighteen_today = (
        today.replace(year=today.year - 18)
        if (today.month, today.day) != (2, 29)
        else today.replace(year=today.year - 18, day=28)
    )
    with pytest.raises(ValidationError, match="cannot ask for them"):
        services.sar_log(actor=ig, given_name="Ada", date_of_birth=eighteen_today, **common)
    a_day_short = eighteen_today + dt.timedelta(days=1)
    sar = services.sar_log(actor=ig, given_name="Bea", date_of_birth=a_day_short, **common)
    assert sar.requester_kind == "parent"


def test_a_parents_sar_is_checked_again_on_the_records_confirmed(
    users: dict[str, Any], adult: Person, make_person: Callable[..., Person], make_user: Any
) -> None:
    """Logged with no date of birth (or a wrong one), the check runs on the records IG
    confirms as the requester's: an adult's refuses, clearly and on the page; a child's
    goes on; the data subject themselves is never refused for being an adult."""
    ig, today = users["ig_admin"], timezone.localdate()
    common = {
        "requester": "Mrs Q. Exampleparent",
        "requester_kind": "parent",
        "authority_checked": True,
        "given_name": "Neville",
        "family_name": "Grownupcase",
        "date_of_birth": None,
        "other_names": "",
        "received_on": today,
    }
    sar = services.sar_log(actor=ig, **common)
    url = reverse("rights:sar-detail", args=[sar.pk])
    response = _client(ig).post(url, {"action": "confirm", "people": [str(adult.pk)]})
    body = response.content.decode()
    assert response.status_code == 200
    assert "an adult: a parent or carer cannot ask for them" in body
    assert "withdraw or close this request" in body
    sar.refresh_from_db()
    assert sar.status == "matching" and not sar.items.exists() and not sar.people.exists()
    assert not AuditEvent.objects.filter(event="rights.sar_records_confirmed").exists()
    # Another IG of another agency cannot confirm at all (not found), adult or not.
    school_ig = make_user("ig_admin", agency="school", username="ig_school_parent")
    with pytest.raises(Http404):
        services.sar_confirm(actor=school_ig, sar_id=sar.pk, person_ids=[adult.pk])
    # A child's record: the parent's request goes on.
    child = make_person(
        given_name="Nevin", family_name="Childcase", date_of_birth=dt.date(today.year - 9, 1, 2)
    )
    for_child = services.sar_log(
        actor=ig, **{**common, "given_name": "Nevin", "family_name": "Childcase"}
    )
    services.sar_confirm(actor=ig, sar_id=for_child.pk, person_ids=[child.pk])
    assert for_child.people.get() == child
    # The adult asking for himself: no age check.
    own = services.sar_log(
        actor=ig,
        **{**common, "requester": "Neville Grownupcase", "requester_kind": "subject"},
        confirm_duplicate=True,  # the parent's request is still open
    )
    services.sar_confirm(actor=ig, sar_id=own.pk, person_ids=[adult.pk])
    assert AuditEvent.objects.filter(event="rights.sar_records_confirmed").count() == 2
