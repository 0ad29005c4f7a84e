"""Who may see which person: each role's allowed and denied access (404 when denied),
and a consultation audit row for every profile view."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.accounts.roles import Role
from cairn.audit.models import AuditEvent
from cairn.pole import services
from cairn.pole.access import visible_links, visible_people
from cairn.pole.models import LinkType, Person

pytestmark = pytest.mark.django_db

ALL_ROLES = [r.value for r in Role]
# A Children's Trust record that is not shared: its own agency and Hub-wide roles see it.
SEES_TRUST_RECORD = {
    "practitioner",
    "social_worker",
    "mash_screener",
    "fib_officer",
    "ppu_coordinator",
    "analyst",
    "hub_chair",
}
# A police-only record: police roles only (MASH screener sits in the Trust here).
SEES_POLICE_ONLY = {"fib_officer", "ppu_coordinator", "analyst", "hub_chair"}


@pytest.fixture
def trust_child(make_person: Callable[..., Person]) -> Person:
    return make_person(given_name="Amber", family_name="Testcase")


@pytest.fixture
def police_only_adult(make_person: Callable[..., Person], users: dict[str, Any]) -> Person:
    return make_person(
        actor=users["fib_officer"],
        given_name="Victor",
        family_name="Exampleton",
        category="person_of_concern",
        police_only=True,
    )


def _profile(client: Client, user: Any, person: Person) -> int:
    client.force_login(user)
    return client.get(reverse("pole:person-detail", args=[person.pk])).status_code


@pytest.mark.parametrize("role", ALL_ROLES)
def test_trust_record_access_by_role(
    role: str, client: Client, users: dict[str, Any], trust_child: Person
) -> None:
    expected = 200 if role in SEES_TRUST_RECORD else 404
    assert _profile(client, users[role], trust_child) == expected


@pytest.mark.parametrize("role", ALL_ROLES)
def test_police_only_record_access_by_role(
    role: str, client: Client, users: dict[str, Any], police_only_adult: Person
) -> None:
    expected = 200 if role in SEES_POLICE_ONLY else 404
    assert _profile(client, users[role], police_only_adult) == expected


def test_other_agency_practitioner_is_denied_until_shared(
    client: Client,
    users: dict[str, Any],
    make_user: Callable[..., Any],
    trust_child: Person,
    agencies: dict[str, Any],
) -> None:
    teacher = make_user("practitioner", agency="school", username="teacher")
    assert _profile(client, teacher, trust_child) == 404
    services.entity_share(
        actor=users["social_worker"],
        entity_id=trust_child.pk,
        agency=agencies["school"],
        reason="School safeguarding lead needs the record for the strategy meeting",
    )
    assert _profile(client, teacher, trust_child) == 200
    shared = AuditEvent.objects.get(event="entity.shared")
    assert shared.action == "disclosure"
    assert shared.recipient == "Testshire Academy"


def test_hub_shared_record_is_visible_to_member_agencies(
    client: Client, make_user: Callable[..., Any], make_person: Callable[..., Person]
) -> None:
    child = make_person(given_name="Bea", family_name="Hubcase", hub_shared=True)
    teacher = make_user("practitioner", agency="school", username="teacher")
    assert _profile(client, teacher, child) == 200


def test_missing_and_forbidden_look_the_same(
    client: Client, make_user: Callable[..., Any], trust_child: Person
) -> None:
    teacher = make_user("practitioner", agency="school", username="teacher")
    client.force_login(teacher)
    forbidden = client.get(reverse("pole:person-detail", args=[trust_child.pk]))
    missing = client.get(reverse("pole:person-detail", args=[trust_child.pk + 9999]))
    assert forbidden.status_code == missing.status_code == 404
    # Identical pages, apart from the per-request CSP nonce and masked CSRF token.
    nonce = re.compile(rb'(nonce|value)="[^"]*"')
    assert nonce.sub(b"", forbidden.content) == nonce.sub(b"", missing.content)
    assert b"Amber" not in forbidden.content


def test_every_profile_view_writes_a_consultation_row(
    client: Client, users: dict[str, Any], trust_child: Person
) -> None:
    user = users["social_worker"]
    client.force_login(user)
    for _ in range(3):
        client.get(reverse("pole:person-detail", args=[trust_child.pk]) + "?reason=Case+review")
    rows = AuditEvent.objects.filter(event="person.viewed", actor=user, subject_id=trust_child.pk)
    assert rows.count() == 3
    row = rows.first()
    assert row is not None
    assert row.action == "consultation"
    assert row.justification == "Case review"
    assert row.actor_agency == "Testshire Children's Trust"
    assert row.request_id


def test_denied_view_writes_no_consultation_row(
    client: Client, users: dict[str, Any], police_only_adult: Person
) -> None:
    _profile(client, users["social_worker"], police_only_adult)
    assert not AuditEvent.objects.filter(
        event="person.viewed", actor=users["social_worker"]
    ).exists()


def test_profile_shows_marking(client: Client, users: dict[str, Any], trust_child: Person) -> None:
    client.force_login(users["social_worker"])
    html = client.get(reverse("pole:person-detail", args=[trust_child.pk])).content.decode()
    assert "OFFICIAL-SENSITIVE" in html
    assert "Amber Testcase" in html


def test_links_hide_records_the_viewer_cannot_see(
    users: dict[str, Any], trust_child: Person, police_only_adult: Person
) -> None:
    services.link_record(
        actor=users["fib_officer"],
        from_entity_id=police_only_adult.pk,
        to_entity_id=trust_child.pk,
        link_type=LinkType.ASSOCIATE,
        source_note="Seen together at the bus station (intel report)",
    )
    assert visible_links(users["fib_officer"]).count() == 1
    # The social worker sees the child but not the police-only adult, so not the link either.
    assert visible_links(users["social_worker"]).count() == 0
    assert list(visible_people(users["social_worker"])) == [trust_child]


def test_profile_query_count_is_bounded(
    client: Client, users: dict[str, Any], trust_child: Person
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_phone_links(start: int, count: int) -> None:
        for n in range(start, start + count):
            phone = services.phone_create(actor=users["social_worker"], number=f"07700 900{n:03d}")
            services.link_record(
                actor=users["social_worker"],
                from_entity_id=trust_child.pk,
                to_entity_id=phone.pk,
                link_type=LinkType.USES_PHONE,
                source_note="Told by carer",
            )

    def profile_queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("pole:person-detail", args=[trust_child.pk]))
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    client.force_login(users["social_worker"])
    add_phone_links(0, 1)
    few, _ = profile_queries()
    add_phone_links(1, 7)
    many, html = profile_queries()
    # No N+1: eight links cost what one does (every app's profile section included).
    assert many == few
    assert many <= 40
    assert html.count("+447700900") == 8


def test_visible_entity_ids_keeps_only_what_the_user_may_see(
    users: dict[str, Any], make_person: Any, django_assert_num_queries: Any
) -> None:
    from cairn.pole.access import visible_entity_ids

    hidden = make_person(actor=users["fib_officer"], given_name="Ash", police_only=True)
    shared = make_person(actor=users["social_worker"], given_name="Bo", hub_shared=True)
    ids = {hidden.pk, shared.pk}
    # One query even for a Hub-wide police role: restricted records are withheld from all.
    with django_assert_num_queries(1):
        assert visible_entity_ids(users["fib_officer"], ids) == ids
    assert visible_entity_ids(users["social_worker"], ids) == {shared.pk}
    assert visible_entity_ids(users["ig_admin"], ids) == set()
    assert visible_entity_ids(users["social_worker"], []) == set()


def test_every_name_carries_its_persons_date_of_birth(make_person: Any) -> None:
    """PersonName.person_dob is kept by database triggers, whatever writes the rows."""
    import datetime as dt

    from cairn.pole.models import PersonName

    person = make_person(
        given_name="Ada", family_name="Triggerfield", date_of_birth=dt.date(2011, 5, 4)
    )
    PersonName.objects.bulk_create(
        [PersonName(person=person, kind="alias", given_name="Addy", family_name="T")]
    )

    def dobs() -> set[Any]:
        return set(PersonName.objects.filter(person=person).values_list("person_dob", flat=True))

    assert dobs() == {dt.date(2011, 5, 4)}
    Person.objects.filter(pk=person.pk).update(date_of_birth=dt.date(2011, 4, 5))
    assert dobs() == {dt.date(2011, 4, 5)}
    person.refresh_from_db()
    person.date_of_birth = None
    person.save()
    assert dobs() == {None}
    # A stale value written from Python is corrected at once.
    PersonName.objects.filter(person=person).update(person_dob=dt.date(2000, 1, 1))
    assert dobs() == {None}
