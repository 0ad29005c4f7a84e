"""A possible entry is decided seeing the whole entry, and the decision can be changed
while the request is in review (outside tester 9, F5): the page showed one sentence, the
entry itself was 404 to police IG, and "include" was final. Changing undoes what the
first decision did: an entry taken out leaves the bundle with its redactions, and an
agency whose whole part it was has nothing left to approve (ADR 0025, amendment of
2026-12-08)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cairn.accounts.models import User
from cairn.audit.models import AuditEvent
from cairn.core.concurrency import Conflict
from cairn.intelligence import services as intel
from cairn.notifications.models import Notification
from cairn.pole.models import Person
from cairn.rights import services
from cairn.rights.models import PossibleEntry, SubjectAccessRequest

from ..intelligence.conftest import intel_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def kieran(make_person: Callable[..., Person], users: dict[str, User]) -> Person:
    return make_person(
        users["fib_officer"],
        given_name="Kieran",
        family_name="Examplechange",
        category="person_of_concern",
        date_of_birth=dt.date(1996, 4, 2),
    )


@pytest.fixture
def sar(
    users: dict[str, User],
    kieran: Person,
    police_ig: User,
    subject_sar: Callable[..., SubjectAccessRequest],
) -> SubjectAccessRequest:
    # The Trust's entry names him in words only, with the people and details in it.
    intel.submission_create(
        actor=users["practitioner"],
        data=intel_data(
            subject_description="Unknown male",
            when_on="2026-11-20",
            where="Outside the shops on Example Parade",
            what="A man called Kieran Examplechange handed a boy a parcel.",
            further_information="He drove off in a blue van towards the ring road.",
            mentions=[
                {
                    "kind": "person",
                    "given_name": "Shannon",
                    "family_name": "Examplefriend",
                    "date_of_birth": "2011-01-05",
                    "note": "The boy's sister",
                }
            ],
        ),
    )
    return subject_sar(police_ig, kieran)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_police_ig_the_whole_entry_and_records_the_view(
    sar: SubjectAccessRequest, police_ig: User
) -> None:
    entry = sar.possible_entries.get()
    url = reverse("rights:sar-possible", args=[sar.pk, entry.pk])
    page = _client(police_ig).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    for shown in (
        "Unknown male",
        "20 November 2026",
        "Outside the shops on Example Parade",
        "He drove off in a blue van",
        "Shannon Examplefriend, born 2011-01-05: The boy&#x27;s sister",
    ):
        assert shown in body
    assert "Petra Sourceperson" not in body  # the source stays with the FIB
    row = AuditEvent.objects.get(
        event="rights.sar_possible_entries_viewed", object_id=str(entry.pk)
    )
    assert row.details["entries"] == [entry.submission_id]


def test_an_inclusion_is_changed_to_not_them_undoing_the_item_and_the_part(
    sar: SubjectAccessRequest,
    police_ig: User,
    users: dict[str, User],
    agencies: dict[str, Any],
) -> None:
    entry = sar.possible_entries.get()
    services.sar_possible_decide(
        actor=police_ig, sar_id=sar.pk, entry_id=entry.pk, decision="include"
    )
    trust_ig = users["ig_admin"]
    item = sar.items.get(agency=agencies["trust"])
    assert Notification.objects.filter(recipient=trust_ig, read_at__isnull=True).exists()
    services.sar_approve(actor=trust_ig, sar_id=sar.pk, confirmed=True)
    services.sar_redact(
        actor=police_ig,
        sar_id=sar.pk,
        item_id=item.pk,
        phrase="Example Parade",
        exemption="third_party",
        reason="Someone else's address",
    )
    services.sar_approve(actor=trust_ig, sar_id=sar.pk)
    # A second press of "include" is still told it is decided.
    with pytest.raises(Conflict, match="already been decided"):
        services.sar_possible_decide(
            actor=police_ig, sar_id=sar.pk, entry_id=entry.pk, decision="include"
        )
    with pytest.raises(ValidationError):
        services.sar_possible_decide(
            actor=police_ig,
            sar_id=sar.pk,
            entry_id=entry.pk,
            decision="not_them",
            reason="",
            change=True,
        )
    changed = services.sar_possible_decide(
        actor=police_ig,
        sar_id=sar.pk,
        entry_id=entry.pk,
        decision="not_them",
        reason="The FIB says this Kieran is a man in his sixties",
        change=True,
    )
    assert changed.status == "not_them" and changed.item is None
    assert not sar.items.filter(agency=agencies["trust"]).exists()
    # The Trust has no part left: nothing for it to approve, no stale approval either.
    assert not sar.approvals.filter(agency=agencies["trust"]).exists()
    assert not Notification.objects.filter(
        recipient=trust_ig, object_id=str(sar.pk), read_at__isnull=True
    ).exists()
    row = AuditEvent.objects.filter(event="rights.sar_possible_entry_decided").latest("pk")
    assert row.details["changed_from"] == "included"
    assert row.details["item_removed"] == item.pk and row.details["redactions_removed"] == 1
    assert row.details["part_removed"] is True
    # Disclosure now goes without the Trust's part.
    services.sar_disclose(actor=police_ig, sar_id=sar.pk, recipient="Kieran", method="post")


def test_not_them_is_changed_to_included_on_the_web_and_a_disclosed_request_is_final(
    sar: SubjectAccessRequest, police_ig: User, agencies: dict[str, Any]
) -> None:
    entry = sar.possible_entries.get()
    url = reverse("rights:sar-possible", args=[sar.pk, entry.pk])
    client = _client(police_ig)
    client.post(url, {"action": "not_them", "reason": "A different man: older"})
    assert PossibleEntry.objects.get(pk=entry.pk).status == "not_them"
    body = client.get(url).content.decode()
    assert "Change the decision" in body
    short = client.post(url, {"action": "include", "change": "yes", "reason": ""})
    assert short.status_code == 200 and "Enter why the decision changes" in short.content.decode()
    done = client.post(
        url,
        {"action": "include", "change": "yes", "reason": "The FIB confirmed it is him after all"},
    )
    assert done.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "included" and entry.item is not None
    assert entry.item.agency == agencies["trust"]
    services.sar_possible_decide(
        actor=police_ig,
        sar_id=sar.pk,
        entry_id=entry.pk,
        decision="not_them",
        reason="Not him after all: the FIB withdrew it",
        change=True,
    )
    services.sar_disclose(actor=police_ig, sar_id=sar.pk, recipient="Kieran", method="post")
    late = client.post(
        url, {"action": "include", "change": "yes", "reason": "Changed my mind after disclosing"}
    )
    assert late.status_code == 409
    assert "Change the decision" not in client.get(url).content.decode()


def test_a_second_include_press_on_the_web_is_told_not_a_server_error(
    sar: SubjectAccessRequest, police_ig: User
) -> None:
    entry = sar.possible_entries.get()
    url = reverse("rights:sar-possible", args=[sar.pk, entry.pk])
    client = _client(police_ig)
    assert client.post(url, {"action": "include"}).status_code == 302
    again = client.post(url, {"action": "include"})
    assert again.status_code == 409
    assert "has already been decided: about them: included" in again.content.decode()
