"""Person search reads a first name as people give it (issue 19 item 4): "Dan Stuart"
finds Daniel Stewart and "Jay Smith" finds Jason Smith, through the table of short forms
and nicknames the identity matcher uses (normalise.given_name_variants). An outside
tester found the matcher offered Daniel Stewart at entry while the search did not: a
practitioner who searches first and finds no one creates a duplicate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.audit.models import AuditEvent
from cairn.pole import search
from cairn.pole.models import NameKind, Person
from cairn.pole.search import search_people

pytestmark = pytest.mark.django_db

Q = "\u201c{}\u201d".format


@pytest.fixture
def daniel(make_person: Callable[..., Person]) -> Person:
    return make_person(
        given_name="Daniel", family_name="Stewart", date_of_birth=dt.date(1984, 5, 2)
    )


@pytest.fixture
def jason(make_person: Callable[..., Person]) -> Person:
    return make_person(given_name="Jason", family_name="Smith", date_of_birth=dt.date(2010, 3, 1))


def _reasons(user: Any, query: str) -> dict[int, list[str]]:
    return {m.person.pk: m.reasons for m in search_people(user, query=query)}


def test_short_forms_and_nicknames_find_the_full_first_name(
    users: dict[str, Any], daniel: Person, jason: Person
) -> None:
    sw = users["social_worker"]
    # The surname heard and respelt: Stuart and Stewart sound the same.
    assert _reasons(sw, "Dan Stuart")[daniel.pk] == [
        f"{Q('Dan')} is another form of {Q('Daniel')}; last name sounds like the one searched"
    ]
    assert _reasons(sw, "Danny Stewart")[daniel.pk] == [
        f"{Q('Danny')} is another form of {Q('Daniel')}; last name the same"
    ]
    assert _reasons(sw, "Jay Smith")[jason.pk] == [
        f"{Q('Jay')} is another form of {Q('Jason')}; last name the same"
    ]
    # Surname first, and a surname begun.
    assert _reasons(sw, "Smith Jay")[jason.pk] == [
        f"{Q('Jay')} is another form of {Q('Jason')}; last name the same"
    ]
    assert _reasons(sw, "Jay Smi")[jason.pk] == [
        f"{Q('Jay')} is another form of {Q('Jason')}; last name starts with {Q('Smi')}"
    ]
    # The full name typed finds a record held under the short form.
    assert daniel.pk in _reasons(sw, "Daniel Stuart")


def test_two_forms_of_a_third_name_say_which(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    jim = make_person(given_name="Jim", family_name="Testwright")
    assert _reasons(users["social_worker"], "Jay Testwright")[jim.pk] == [
        f"{Q('Jay')} and {Q('Jim')} are both forms of {Q('James')}; last name the same"
    ]


def test_a_last_name_that_only_begins_alike_is_not_offered(
    users: dict[str, Any], daniel: Person
) -> None:
    """The second query reads surnames by their first two letters; Stone is not Stewart."""
    assert daniel.pk not in _reasons(users["social_worker"], "Dan Stone")
    assert daniel.pk not in _reasons(users["social_worker"], "Danny Stone")


def test_an_unknown_first_name_is_not_read_as_a_form(users: dict[str, Any], jason: Person) -> None:
    assert jason.pk not in _reasons(users["social_worker"], "Kofi Smith")


def test_exact_name_first_then_a_form_with_the_same_surname_then_prefix_hits(
    users: dict[str, Any], make_person: Callable[..., Person], jason: Person
) -> None:
    exact = make_person(given_name="Jay", family_name="Smith")
    longer_surname = make_person(given_name="Jay", family_name="Smithson")
    both_longer = make_person(given_name="Jaydon", family_name="Smithers")
    order = [m.person.pk for m in search_people(users["social_worker"], query="Jay Smith")]
    assert order[:2] == [exact.pk, jason.pk]
    assert {longer_surname.pk, both_longer.pk} <= set(order[2:])


def test_one_word_is_not_widened_to_other_forms(
    users: dict[str, Any], make_person: Callable[..., Person], daniel: Person, jason: Person
) -> None:
    """One word matches first or last names by how they start or sound, as before: "Jay"
    alone would otherwise bring every James, Jason and Jayden held."""
    jayden = make_person(given_name="Jayden", family_name="Testholt")
    found = _reasons(users["social_worker"], "Jay")
    assert jayden.pk in found and jason.pk not in found
    assert daniel.pk in _reasons(users["social_worker"], "Dan")  # begins "Dan"
    assert daniel.pk not in _reasons(users["social_worker"], "Danny")


def test_a_recorded_alias_is_read_with_other_forms_too(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    marcus = make_person(
        given_name="Marcus",
        family_name="Testholt",
        aliases=[(NameKind.ALIAS, "Danny", "Stewart")],
    )
    found = _reasons(users["social_worker"], "Dan Stewart")
    assert found[marcus.pk] == [
        f"{Q('Dan')} and {Q('Danny')} are both forms of {Q('Daniel')} in their alias "
        f"{Q('Danny Stewart')}; last name the same"
    ]
    # The alias itself, typed, is still an exact match on it.
    assert _reasons(users["social_worker"], "Danny Stewart")[marcus.pk] == [
        f"alias the same: {Q('Danny Stewart')}"
    ]


def test_a_form_search_never_shows_a_record_the_user_may_not_see(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    hidden = make_person(
        actor=users["fib_officer"],
        given_name="Jason",
        family_name="Testsmyth",
        category="person_of_concern",
        police_only=True,
    )
    assert hidden.pk not in _reasons(users["social_worker"], "Jay Testsmyth")
    assert hidden.pk not in _reasons(users["social_worker"], "Jase Testsmith")
    assert hidden.pk in _reasons(users["fib_officer"], "Jay Testsmyth")


def test_other_forms_only_fill_what_the_names_found_as_before_leave(
    users: dict[str, Any],
    make_person: Callable[..., Person],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At 1M, "James Smith" has hundreds of namesakes: a Jim Smith must not push one out
    of the candidates; a form is read only when there is room."""
    namesakes = {make_person(given_name="James", family_name="Testsmith").pk for _ in range(2)}
    jim = make_person(given_name="Jim", family_name="Testsmith")
    monkeypatch.setattr(search, "MAX_CANDIDATES", 2)
    found = _reasons(users["social_worker"], "James Testsmith")
    assert set(found) == namesakes
    monkeypatch.setattr(search, "MAX_CANDIDATES", 3)
    assert jim.pk in _reasons(users["social_worker"], "James Testsmith")


def test_search_page_shows_the_reason(
    client: Client, users: dict[str, Any], daniel: Person
) -> None:
    client.force_login(users["social_worker"])
    response = client.get(reverse("pole:person-search"), {"q": "Dan Stuart"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Daniel Stewart" in html
    assert f"{Q('Dan')} is another form of {Q('Daniel')}" in html
    event = AuditEvent.objects.get(event="person.searched")
    assert daniel.pk in event.details["subjects"]


def test_search_api_gives_the_reason(users: dict[str, Any], daniel: Person) -> None:
    client = Client()
    client.force_login(users["social_worker"])
    response = client.get("/api/v1/people", {"q": "Danny Stewart"})
    assert response.status_code == 200
    (match,) = response.json()["results"]
    assert match["person"]["id"] == daniel.pk
    assert match["reasons"] == [
        f"{Q('Danny')} is another form of {Q('Daniel')}; last name the same"
    ]
    assert match["score"] == 97.0


def test_a_form_with_the_last_name_begun_or_sounding_alike_is_read_before_a_wider_one(
    users: dict[str, Any],
    make_person: Callable[..., Person],
    jason: Person,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The two-letter lookup (for Stuart and Stewart) is read last, so at scale the many
    Jason Smarts and Smalleys it brings never take the place of Jason Smith."""
    for family in ("Smart", "Smalley", "Smedley"):
        make_person(given_name="Jason", family_name=family)
    monkeypatch.setattr(search, "MAX_CANDIDATES", 1)
    assert list(_reasons(users["social_worker"], "Jay Smith")) == [jason.pk]


def test_a_nickname_recorded_without_a_last_name_is_read_with_their_own(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    """Outside tester 9: "Liv Brown" found nothing, though Olivia Brown is recorded as
    "Liv" (a nickname held with no last name), and a duplicate child was then made."""
    olivia = make_person(
        given_name="Olivia",
        family_name="Brown",
        date_of_birth=dt.date(2011, 2, 14),
        aliases=[(NameKind.NICKNAME, "Liv", "")],
    )
    make_person(given_name="Liv", family_name="Testbury")  # the nickname, another surname
    lucy = make_person(
        given_name="Lucy", family_name="Brown", aliases=[(NameKind.NICKNAME, "Lu", "")]
    )
    sw = users["social_worker"]
    for query, surname in (("Liv Brown", "last name the same"), ("Liv Broun", "sounds like")):
        found = _reasons(sw, query)
        assert olivia.pk in found, query
        assert found[olivia.pk][0].startswith(f"known as {Q('Liv')} (a recorded nickname); ")
        assert surname in found[olivia.pk][0]
        assert lucy.pk not in found
    # Someone who may not see her record does not find her this way either.
    hidden = make_person(
        actor=users["fib_officer"],
        given_name="Olivia",
        family_name="Brownlow",
        police_only=True,
        aliases=[(NameKind.NICKNAME, "Liv", "")],
    )
    assert hidden.pk not in _reasons(sw, "Liv Brownlow")
    assert hidden.pk in _reasons(users["fib_officer"], "Liv Brownlow")


def test_a_surname_said_alike_is_found_on_its_own(
    users: dict[str, Any], make_person: Callable[..., Person], daniel: Person
) -> None:
    """Outside tester: "Stuart" alone found no Stewart, and the advice on the empty page
    was to try the last name alone. Metaphone kept the W of Stewart (STWRT, Stuart STRT)."""
    others = {
        make_person(given_name="Amy", family_name=family).pk
        for family in ("Street", "Stott", "Strout")
    }
    stuart = make_person(given_name="Amy", family_name="Stuart")
    for query, other in (("Stuart", stuart), ("Stewart", stuart), ("stuart", stuart)):
        found = _reasons(users["social_worker"], query)
        assert {daniel.pk, other.pk} <= set(found), query
        assert not others & set(found), query
    assert _reasons(users["social_worker"], "Stuart")[daniel.pk] == [
        "sounds like the name searched"
    ]


def test_search_page_and_api_find_stewart_for_stuart(
    client: Client, users: dict[str, Any], make_person: Callable[..., Person], daniel: Person
) -> None:
    street = make_person(given_name="Daniel", family_name="Street")
    client.force_login(users["social_worker"])
    response = client.get(reverse("pole:person-search"), {"q": "Stuart"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Daniel Stewart" in html and "Daniel Street" not in html
    api = Client()
    api.force_login(users["social_worker"])
    response = api.get("/api/v1/people", {"q": "Stuart"})
    assert response.status_code == 200
    ids = [m["person"]["id"] for m in response.json()["results"]]
    assert ids == [daniel.pk]
    assert street.pk not in ids


def test_livvy_is_a_form_of_olivia(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    """Outside testers 12 and 13: "Livvy Pennyworth" found nothing; only "Liv" was a form."""
    olivia = make_person(given_name="Olivia", family_name="Testpennyworth")
    found = _reasons(users["social_worker"], "Livvy Testpennyworth")
    assert olivia.pk in found
    assert found[olivia.pk][0].startswith(f"{Q('Livvy')} is another form of {Q('Olivia')}")
