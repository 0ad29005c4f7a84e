"""Who is told, in their inbox, when a record is restricted or a restriction lifted (UK
GDPR Article 18(3)), and that "please answer by" items stop asking once the request is
answered. One item per person per event, never to whoever acted, with the record's id
and no personal detail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from cairn.audit.models import AuditEvent
from cairn.notifications.models import Notification
from cairn.pole.models import Person
from cairn.rights import services
from cairn.rights.models import RightsRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def police_record(make_person: Callable[..., Person], users: dict[str, Any]) -> Person:
    return make_person(
        actor=users["fib_officer"],
        given_name="Matthias",
        family_name="Toldexample",
        category="person_of_concern",
        hub_shared=True,
    )


def _items(user: Any, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def _unread_asks(user: Any, rr: RightsRequest) -> int:
    return Notification.objects.filter(
        recipient=user, kind="rights_request", object_id=str(rr.pk), read_at__isnull=True
    ).count()


def test_restricting_tells_the_owning_agency_and_the_ig_who_logged_it_once_each(
    users: dict[str, Any],
    police_record: Person,
    police_ig: Any,
    school_ig: Any,
    log_request: Callable[..., RightsRequest],
) -> None:
    trust_ig, fib = users["ig_admin"], users["fib_officer"]
    rr = log_request(police_record, "restriction", grounds="Says the address is wrong")
    assert _unread_asks(fib, rr) == 1 and _unread_asks(police_ig, rr) == 1  # please answer by
    restriction = services.restriction_apply(
        actor=police_ig, person_id=police_record.pk, reason="Accuracy contested", request_id=rr.pk
    )
    # The police's casework (who decide for the record) and the Trust IG (who replies).
    for user in (fib, trust_ig):
        (item,) = _items(user, "rights_restriction")
        assert item.title == f"Processing of record {police_record.pk} is restricted"
        assert "Toldexample" not in item.title + item.body
        assert "Matthias" not in item.title + item.body
        assert item.url == reverse("rights:detail", args=[rr.pk])
        assert item.object_id == str(restriction.pk)
    # Not whoever restricted it, nor anyone of an agency with no part in it; and the
    # "answered" item is not sent as well (one per event).
    assert not _items(police_ig, "rights_restriction")
    assert not Notification.objects.filter(recipient=school_ig).exists()
    assert not Notification.objects.filter(recipient=users["social_worker"]).exists()
    assert not Notification.objects.filter(recipient=trust_ig, kind="rights_request").exists()
    # The police's "please answer by" items are answered now: read, with an audit row.
    assert _unread_asks(fib, rr) == 0 and _unread_asks(police_ig, rr) == 0
    row = AuditEvent.objects.get(event="notification.resolved", object_id=str(rr.pk))
    assert row.subject_id == police_record.pk
    assert fib.pk in row.details["recipients"] and police_ig.pk in row.details["recipients"]


def test_lifting_tells_ig_to_check_the_person_who_asked_was_told(
    users: dict[str, Any],
    police_record: Person,
    police_ig: Any,
    school_ig: Any,
    log_request: Callable[..., RightsRequest],
) -> None:
    trust_ig, fib = users["ig_admin"], users["fib_officer"]
    rr = log_request(police_record, "restriction", grounds="Says the address is wrong")
    services.restriction_apply(
        actor=police_ig, person_id=police_record.pk, reason="Accuracy contested", request_id=rr.pk
    )
    Notification.objects.all().delete()
    services.restriction_lift(
        actor=fib, person_id=police_record.pk, reason="Checked with the custody record"
    )
    for user in (police_ig, trust_ig):  # IG of the owning agency and of the logging one
        (item,) = _items(user, "rights_restriction")
        assert item.title == f"The restriction on record {police_record.pk} is lifted"
        assert "Article 18(3)" in item.body and "must be told" in item.body
        assert "Toldexample" not in item.title + item.body
        assert "custody" not in item.body  # the reason stays in the audit log
        assert item.url == reverse("rights:detail", args=[rr.pk])
    assert not Notification.objects.filter(recipient__in=[fib, school_ig]).exists()


def test_lifting_a_restriction_made_without_a_request_tells_the_owning_ig(
    users: dict[str, Any], make_person: Callable[..., Person], make_user: Callable[..., Any]
) -> None:
    trust_ig, sw = users["ig_admin"], users["social_worker"]
    other_ig = make_user("ig_admin", agency="trust", username="ig_trust_second")
    adult = make_person(given_name="Rowan", family_name="Norequest", category="other")
    services.restriction_apply(actor=trust_ig, person_id=adult.pk, reason="Accuracy contested")
    # Restricted by IG: the caseworkers and the other IG of the agency are told.
    assert len(_items(sw, "rights_restriction")) == 1
    assert len(_items(other_ig, "rights_restriction")) == 1
    assert not _items(trust_ig, "rights_restriction")
    Notification.objects.all().delete()
    services.restriction_lift(actor=sw, person_id=adult.pk, reason="Checked: it is accurate")
    # The IG are reminded to tell the requester (Art. 18(3)); everyone told of the
    # restriction (here the Trust's other deciders) hears it is lifted (ADR 0023).
    assert {trust_ig.pk, other_ig.pk} <= {n.recipient_id for n in Notification.objects.all()}
    assert "Article 18(3)" in _items(trust_ig, "rights_restriction")[0].body
    assert {n.recipient.agency_id for n in Notification.objects.all()} == {sw.agency_id}
    assert not _items(sw, "rights_restriction")
    assert not _items(users["fib_officer"], "rights_restriction")


def test_refusing_or_correcting_answers_the_please_answer_by_items(
    users: dict[str, Any], child: Person, log_request: Callable[..., RightsRequest]
) -> None:
    sw = users["social_worker"]
    refused = log_request(child, "restriction", grounds="Contests the record")
    assert _unread_asks(sw, refused) == 1
    services.request_refuse(actor=sw, request_id=refused.pk, reason="The record is accurate")
    assert _unread_asks(sw, refused) == 0
    # The IG who logged it is told it is answered (a new item, left unread).
    (told,) = Notification.objects.filter(
        recipient=users["ig_admin"], object_id=str(refused.pk)
    )  # not told of its own request when logged; told it is answered, left unread
    assert told.read_at is None and "answered" in told.title
    corrected = log_request(child, "rectification")
    services.request_rectify(
        actor=sw,
        request_id=corrected.pk,
        note="Date of birth corrected",
        given_name=child.given_name,
        family_name="Correctedname",
        sex=child.sex,
        ethnicity=child.ethnicity,
    )
    assert _unread_asks(sw, corrected) == 0
    # Someone else's inbox is not touched by another request being answered.
    other = log_request(child, "restriction", grounds="Contests the record again")
    assert _unread_asks(sw, other) == 1
