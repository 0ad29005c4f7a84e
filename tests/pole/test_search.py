"""Person search: fuzzy names and aliases, exact DOB, scoped by the access layer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.audit.models import AuditEvent
from cairn.pole.models import NameKind, Person
from cairn.pole.search import search_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_person: Callable[..., Person], users: dict[str, Any]) -> dict[str, Person]:
    return {
        "jason": make_person(
            given_name="Jason",
            family_name="Smith",
            date_of_birth=dt.date(2010, 3, 27),
            aliases=[(NameKind.NICKNAME, "Jay", "")],
        ),
        "jade": make_person(
            given_name="Jade", family_name="Smithers", date_of_birth=dt.date(2009, 1, 2)
        ),
        "kofi": make_person(
            given_name="Kofi", family_name="Mensah", date_of_birth=dt.date(2010, 3, 27)
        ),
        "hidden": make_person(
            actor=users["fib_officer"],
            given_name="Jason",
            family_name="Smyth",
            category="person_of_concern",
            police_only=True,
        ),
    }


def _names(matches: list[Any]) -> list[str]:
    return [m.person.full_name for m in matches]


def test_prefix_search_on_last_name(users: dict[str, Any], people: dict[str, Person]) -> None:
    names = _names(search_people(users["social_worker"], query="smi"))
    assert set(names) == {"Jason Smith", "Jade Smithers"}


def test_full_name_ranks_exact_match_first(
    users: dict[str, Any], people: dict[str, Person]
) -> None:
    matches = search_people(users["social_worker"], query="Jason Smith")
    assert matches[0].person == people["jason"]
    assert "exact name" in matches[0].reasons


def test_phonetic_match_finds_spelling_variant(
    users: dict[str, Any], people: dict[str, Person]
) -> None:
    matches = search_people(users["social_worker"], query="Jayson Smyth")
    assert people["jason"] in [m.person for m in matches]


def test_alias_search(users: dict[str, Any], people: dict[str, Person]) -> None:
    matches = search_people(users["social_worker"], query="Jay")
    match = next(m for m in matches if m.person == people["jason"])
    assert match.matched_kind == NameKind.NICKNAME
    assert match.reasons == ["nickname the same: \u201cJay\u201d"]


def test_dob_only_search(users: dict[str, Any], people: dict[str, Person]) -> None:
    matches = search_people(users["social_worker"], date_of_birth=dt.date(2010, 3, 27))
    assert set(_names(matches)) == {"Jason Smith", "Kofi Mensah"}


def test_name_and_dob_together(users: dict[str, Any], people: dict[str, Person]) -> None:
    matches = search_people(
        users["social_worker"], query="smith", date_of_birth=dt.date(2010, 3, 27)
    )
    assert _names(matches) == ["Jason Smith"]


def test_search_is_scoped(users: dict[str, Any], people: dict[str, Person]) -> None:
    assert "Jason Smyth" not in _names(search_people(users["social_worker"], query="smyth"))
    assert "Jason Smyth" in _names(search_people(users["fib_officer"], query="smyth"))
    assert search_people(users["system_admin"], query="smith") == []


def test_empty_search_returns_nothing(users: dict[str, Any], people: dict[str, Person]) -> None:
    assert search_people(users["hub_chair"], query="  ") == []


def test_search_page_lists_results_and_audits(
    client: Client, users: dict[str, Any], people: dict[str, Person]
) -> None:
    client.force_login(users["social_worker"])
    response = client.get(reverse("pole:person-search"), {"q": "smith"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 people found" in html
    assert "Jason Smith" in html and "Jade Smithers" in html
    event = AuditEvent.objects.get(event="person.searched")
    # The name typed is kept beside the chain, about the people found (ADR 0024).
    assert "query" not in event.details
    assert event.personal_values.values["query"] == "smith"
    assert sorted(event.personal_values.subjects.values_list("subject_id", flat=True)) == sorted(
        event.details["subjects"]
    )
    assert event.details["results"] == 2


def test_search_page_dob_inputs(
    client: Client, users: dict[str, Any], people: dict[str, Person]
) -> None:
    client.force_login(users["social_worker"])
    response = client.get(
        reverse("pole:person-search"), {"dob_day": "27", "dob_month": "3", "dob_year": "2010"}
    )
    html = response.content.decode()
    assert "Kofi Mensah" in html and "Jason Smith" in html


def test_search_page_invalid_date_keeps_input(
    client: Client, users: dict[str, Any], people: dict[str, Person]
) -> None:
    client.force_login(users["social_worker"])
    response = client.get(
        reverse("pole:person-search"),
        {"q": "smith", "dob_day": "31", "dob_month": "2", "dob_year": "2010"},
    )
    html = response.content.decode()
    assert "Date of birth must be a real date" in html
    assert 'href="#id_dob_0"' in html
    assert 'value="31"' in html and 'value="smith"' in html


def test_search_page_empty_query_error(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["social_worker"])
    response = client.get(reverse("pole:person-search"), {"q": ""})
    assert "Enter a name, an alias or a date of birth to search" in response.content.decode()


def test_search_page_no_results(
    client: Client, users: dict[str, Any], people: dict[str, Person]
) -> None:
    client.force_login(users["social_worker"])
    response = client.get(reverse("pole:person-search"), {"q": "Zebedee"})
    assert "No people found" in response.content.decode()


def test_search_page_denied_for_admins(client: Client, users: dict[str, Any]) -> None:
    for role in ("system_admin", "ig_admin"):
        client.force_login(users[role])
        assert client.get(reverse("pole:person-search"), {"q": "smith"}).status_code == 403


def test_search_page_query_count(
    client: Client,
    users: dict[str, Any],
    make_person: Callable[..., Person],
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(30):
        make_person(given_name=f"Child{chr(65 + n % 26)}", family_name="Samplefamily")
    client.force_login(users["social_worker"])
    # +1: the two-step verification check; +2: the typed name kept beside the audit row
    # and the people it concerns (ADR 0024)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("pole:person-search"), {"q": "samplefamily"})
    assert "30 people found" in response.content.decode()


def test_a_sound_key_collision_is_not_offered_as_a_nickname(
    users: dict[str, Any], make_person: Any
) -> None:
    """Searching "Deano" offered Stephen Malik, known as "Tiny", with "matched nickname":
    Deano and Tiny share the Metaphone key TN (vowels dropped, D sounds as T) but are
    spelt nothing alike. A name that sounds like it and looks like it ("Dean") stays, and
    says whose name matched."""
    tiny = make_person(
        given_name="Stephen",
        family_name="Testmalik",
        category="person_of_concern",
        aliases=[(NameKind.NICKNAME, "Tiny", "")],
    )
    dean = make_person(
        given_name="Marcus",
        family_name="Testholt",
        category="person_of_concern",
        aliases=[(NameKind.NICKNAME, "Dean", "")],
    )
    matches = {m.person.pk: m for m in search_people(users["social_worker"], query="Deano")}
    assert tiny.pk not in matches
    assert matches[dean.pk].reasons == ["sounds like their nickname \u201cDean\u201d"]
    # The nickname itself is still found by whoever searches it.
    assert tiny.pk in {m.person.pk for m in search_people(users["social_worker"], query="Tiny")}


def test_a_match_on_another_name_says_what_agreed_in_one_statement(
    users: dict[str, Any], make_person: Any
) -> None:
    """Outside tester 3: searching "Deano" said "exact name, matched their nickname" of
    Lily Price (her name is not exact, only the nickname is), and "sounds like the name
    searched, matched their nickname 'Danny Stewart'" of Daniel Stewart."""
    lily = make_person(
        given_name="Lily", family_name="Testprice", aliases=[(NameKind.NICKNAME, "Deano", "")]
    )
    daniel = make_person(
        given_name="Daniel",
        family_name="Stewart",
        aliases=[(NameKind.NICKNAME, "Danny", "Stewart")],
    )
    sw = users["social_worker"]
    found = {m.person.pk: m.reasons for m in search_people(sw, query="Deano")}
    assert found[lily.pk] == ["nickname the same: \u201cDeano\u201d"]
    assert found[daniel.pk] == ["sounds like their nickname \u201cDanny\u201d"]
    found = {m.person.pk: m.reasons for m in search_people(sw, query="Danny Stewart")}
    assert found[daniel.pk] == ["nickname the same: \u201cDanny Stewart\u201d"]
    found = {m.person.pk: m.reasons for m in search_people(sw, query="Danny")}
    assert found[daniel.pk] == [
        "first name the same as in their nickname \u201cDanny Stewart\u201d"
    ]
    # Their own name: which part agreed.
    found = {m.person.pk: m.reasons for m in search_people(sw, query="Lily")}
    assert found[lily.pk] == ["first name the same"]
    found = {m.person.pk: m.reasons for m in search_people(sw, query="Lily Testprice")}
    assert found[lily.pk] == ["exact name"]
