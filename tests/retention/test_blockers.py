"""What blocks disposal (an open referral, an active disruption tactic, an open Hub action,
an open missing episode, a restriction in force) is shown in the queue and the review,
and the disposal service refuses with a clear message; who may see the queue at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.disruption.models import Tactic, TacticSubject
from cairn.hub.models import Action
from cairn.missing.models import MissingEpisode
from cairn.pole.models import Entity, Person
from cairn.referrals.models import Referral
from cairn.retention import services
from cairn.retention.models import Tombstone
from cairn.retention.selectors import BLOCKER_TEXT
from cairn.rights import services as rights

from .conftest import age

pytestmark = pytest.mark.django_db

LONG_AGO = dt.timedelta(days=8 * 365)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _open_referral(users: dict[str, Any], person: Person) -> None:
    fib = users["fib_officer"]
    Referral.objects.create(
        kind="mash", status="submitted", child=person, sender=fib, sender_agency=fib.agency
    )
    Referral.objects.filter(child=person).update(updated_at=timezone.now() - LONG_AGO)


def _active_tactic(users: dict[str, Any], person: Person) -> None:
    fib = users["fib_officer"]
    tactic = Tactic.objects.create(
        tactic_type="poc_letter",
        title="Warning letter",
        status="in_progress",
        owner=fib,
        owning_agency=fib.agency,
        created_by=fib,
    )
    TacticSubject.objects.create(tactic=tactic, entity=person.entity, role="target")


def _open_action(users: dict[str, Any], person: Person) -> None:
    chair = users["hub_chair"]
    Action.objects.create(
        subject=person.entity,
        description="Check the address",
        owner=chair,
        owner_agency=chair.agency,
        due_on=timezone.localdate(),
        created_by=chair,
    )


def _open_missing(users: dict[str, Any], person: Person) -> None:
    fib = users["fib_officer"]
    MissingEpisode.objects.create(
        child=person,
        reported_at=timezone.now() - LONG_AGO,
        owning_agency=fib.agency,
        recorded_by=fib,
    )
    MissingEpisode.objects.filter(child=person).update(created_at=timezone.now() - LONG_AGO)


def _restricted(users: dict[str, Any], person: Person, ig: Any) -> None:
    rights.restriction_apply(actor=ig, person_id=person.pk, reason="Accuracy contested")
    age(person, timezone.now() - LONG_AGO)


def _open_sar(users: dict[str, Any], person: Person) -> None:
    from cairn.rights.models import SubjectAccessRequest

    sar = SubjectAccessRequest.objects.create(
        requester="A. Requester",
        requester_kind="subject",
        given_name=person.given_name,
        family_name=person.family_name,
        received_on=timezone.localdate(),
        due_on=timezone.localdate() + dt.timedelta(days=30),
        created_by=users["ig_admin"],
    )
    sar.people.add(person)


def _linked_child(users: dict[str, Any], person: Person) -> None:
    """A child's record of the same agency, still held, linked to this (adult) record."""
    from cairn.pole import services as pole
    from cairn.pole.models import Link

    fib = users["fib_officer"]
    child = pole.person_create(
        actor=fib, given_name="Kit", family_name="Stillheld", category="child"
    )
    pole.link_record(
        actor=fib,
        from_entity_id=person.pk,
        to_entity_id=child.pk,
        link_type="associate",
        source_note="Parent with parental responsibility",
    )
    Link.objects.filter(from_entity_id=person.pk).update(updated_at=timezone.now() - LONG_AGO)
    age(person, timezone.now() - LONG_AGO)


@pytest.mark.parametrize(
    ("code", "make"),
    [
        ("child", _linked_child),
        ("referral", _open_referral),
        ("tactic", _active_tactic),
        ("action", _open_action),
        ("missing", _open_missing),
        ("sar", _open_sar),
        ("restricted", None),
    ],
)
def test_each_blocker_shows_and_refuses_disposal(
    users: dict[str, Any],
    ig_police: Any,
    old_police_person: Person,
    code: str,
    make: Callable[[dict[str, Any], Person], None] | None,
) -> None:
    person = old_police_person
    if make is None:
        _restricted(users, person, ig_police)
    else:
        make(users, person)
    client = _client(ig_police)
    queue = client.get(reverse("retention:queue")).content.decode()
    assert reverse("retention:review", args=["person", person.pk]) in queue
    assert BLOCKER_TEXT[code] in queue
    review = client.get(reverse("retention:review", args=["person", person.pk])).content.decode()
    assert BLOCKER_TEXT[code] in review
    assert 'data-testid="dispose-blocked"' in review
    with pytest.raises(ValidationError) as refused:
        services.person_dispose(actor=ig_police, person_id=person.pk, reason="Due")
    assert BLOCKER_TEXT[code] in " ".join(refused.value.messages)
    # Through the confirmation page: the message, and what was typed kept.
    response = client.post(
        reverse("retention:dispose", args=["person", person.pk]),
        {"reason": "Typed reason", "confirm": "on"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This record cannot be disposed of yet." in html and BLOCKER_TEXT[code] in html
    assert "Typed reason" in html
    assert not Tombstone.objects.exists()
    assert Entity.objects.get(pk=person.pk).disposed_at is None


def test_another_agencys_child_does_not_block_and_its_owner_is_told(
    users: dict[str, Any], ig_police: Any, old_police_person: Person
) -> None:
    from cairn.notifications.models import Notification
    from cairn.pole import services as pole
    from cairn.pole.models import Link

    sw = users["social_worker"]
    child = pole.person_create(
        actor=sw, given_name="Ada", family_name="Trustchild", category="child", hub_shared=True
    )
    pole.link_record(
        actor=users["fib_officer"],
        from_entity_id=old_police_person.pk,
        to_entity_id=child.pk,
        link_type="associate",
        source_note="Seen with the child",
    )
    Link.objects.all().update(updated_at=timezone.now() - LONG_AGO)
    age(old_police_person, timezone.now() - LONG_AGO)
    services.person_dispose(actor=ig_police, person_id=old_police_person.pk, reason="Due")
    told = Notification.objects.get(recipient=sw, kind="retention.linked_disposed")
    assert "Ada Trustchild" in told.body


def test_a_closed_referral_does_not_block(
    users: dict[str, Any], ig_police: Any, old_police_person: Person
) -> None:
    _open_referral(users, old_police_person)
    Referral.objects.filter(child=old_police_person).update(status="accepted")
    tombstone = services.person_dispose(
        actor=ig_police, person_id=old_police_person.pk, reason="No further action"
    )
    assert tombstone.record_id == old_police_person.pk


def test_a_record_not_yet_due_cannot_be_disposed_of(
    users: dict[str, Any], ig_police: Any, old_police_person: Person
) -> None:
    age(old_police_person, timezone.now() - dt.timedelta(days=365))
    with pytest.raises(ValidationError) as refused:
        services.person_dispose(actor=ig_police, person_id=old_police_person.pk, reason="x")
    assert "not due for review" in " ".join(refused.value.messages)


def test_keep_needs_a_reason_and_a_future_review(ig_police: Any, old_police_person: Person) -> None:
    url = reverse("retention:review", args=["person", old_police_person.pk])
    today = timezone.localdate()
    response = _client(ig_police).post(
        url,
        {
            "reason": "",
            "next_review_on_day": str(today.day),
            "next_review_on_month": str(today.month),
            "next_review_on_year": str(today.year),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Say why the record is kept" in html
    response = _client(ig_police).post(
        url,
        {
            "reason": "Still of interest",
            "next_review_on_day": str(today.day),
            "next_review_on_month": str(today.month),
            "next_review_on_year": str(today.year),
        },
    )
    html = response.content.decode()
    assert "The next review must be after today" in html and "Still of interest" in html


@pytest.mark.parametrize(
    "role", ["fib_officer", "ppu_coordinator", "hub_chair", "social_worker", "system_admin"]
)
def test_only_ig_sees_the_queue(
    users: dict[str, Any], role: str, old_police_person: Person
) -> None:
    client = _client(users[role])
    assert client.get(reverse("retention:queue")).status_code == 404
    url = reverse("retention:review", args=["person", old_police_person.pk])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("retention:dispose", args=["person", old_police_person.pk])).status_code
        == 404
    )


def test_ig_of_another_agency_gets_404(users: dict[str, Any], old_police_person: Person) -> None:
    trust_ig = _client(users["ig_admin"])
    assert trust_ig.get(reverse("retention:queue")).status_code == 200
    queue = trust_ig.get(reverse("retention:queue")).content.decode()
    assert reverse("retention:review", args=["person", old_police_person.pk]) not in queue
    url = reverse("retention:review", args=["person", old_police_person.pk])
    assert trust_ig.get(url).status_code == 404
    response = trust_ig.post(
        reverse("retention:dispose", args=["person", old_police_person.pk]),
        {"reason": "x", "confirm": "on"},
    )
    assert response.status_code == 404
    assert not Tombstone.objects.exists()


def test_a_record_not_due_has_no_disposal_form_and_says_until_when(
    users: dict[str, Any], ig_police: Any, old_police_person: Person
) -> None:
    """Not due: no form, and a crafted post is told when it falls due (a 200 with the
    reason kept, not a 409 blaming someone else)."""
    age(old_police_person, timezone.now() - dt.timedelta(days=365))
    url = reverse("retention:dispose", args=["person", old_police_person.pk])
    client = _client(ig_police)
    page = client.get(url).content.decode()
    assert 'data-testid="not-due"' in page and "Dispose of the record</button>" not in page
    response = client.post(url, {"reason": "Typed reason", "confirm": "on"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "This record is not due for review until" in html and "Typed reason" in html
    assert not Tombstone.objects.exists()
