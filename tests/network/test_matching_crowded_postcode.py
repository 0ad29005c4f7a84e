"""Issue 19: the home-postcode blocking rule (5) costs bounded work at a crowded address
(a hostel, a children's home, a hotel): past `online.CROWDED_POSTCODE` home links the name
key must come with a date that could match (or, with no date typed, both name keys), read
from the name indexes. An ordinary postcode keeps the rule as it was."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from cairn.network.matching import online
from cairn.network.matching.online import match_person
from cairn.network.matching.splink_batch import REVIEW_THRESHOLD
from cairn.network.matching.weights import reset_cache
from cairn.pole import services as pole

HOTEL = "NX7 3HT"
FLAT = "NX2 8FL"
DOB = dt.date(2009, 3, 14)


@pytest.fixture(autouse=True)
def _small_crowd(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Four home links make a crowd here, so the test needs a handful of people, not 150.
    monkeypatch.setattr(online, "CROWDED_POSTCODE", 3)
    reset_cache()
    yield
    reset_cache()


def _home(actor: Any, person: Any, postcode: str) -> None:
    place = pole.location_create(actor=actor, address_line_1="1 Sample Row", postcode=postcode)
    pole.link_record(
        actor=actor,
        from_entity_id=person.pk,
        to_entity_id=place.pk,
        link_type="lives_at",
        source_note="Synthetic",
    )


@pytest.fixture
def store(users: dict[str, Any], make_person: Any) -> dict[str, Any]:
    """The same people at a crowded hotel postcode and at an ordinary flat's."""
    sw = users["social_worker"]
    people: dict[str, Any] = {}
    for postcode in (HOTEL, FLAT):
        # The true person: same first name, a surname slip that changes its sound, the
        # year of birth one digit out.
        true = make_person(
            given_name="Awet", family_name="Berhane", date_of_birth=dt.date(2008, 3, 14)
        )
        # A namesake by first name, born a generation earlier.
        namesake = make_person(
            given_name="Awet", family_name="Kidane", date_of_birth=dt.date(1979, 8, 2)
        )
        _home(sw, true, postcode)
        _home(sw, namesake, postcode)
        people[postcode] = {"true": true, "namesake": namesake}
    for i in range(4):  # the hotel's other guests
        guest = make_person(
            given_name=f"Guest{'abcd'[i]}", family_name="Sampleson", date_of_birth=DOB
        )
        _home(sw, guest, HOTEL)
    people["sw"] = sw
    return people


def _typed(postcode: str, **extra: Any) -> dict[str, Any]:
    return {
        "given_name": "Awet",
        "family_name": "Berhame",
        "date_of_birth": DOB,
        "postcode": postcode,
        **extra,
    }


@pytest.mark.django_db
def test_a_true_duplicate_is_found_at_a_crowded_postcode_as_at_an_ordinary_one(
    store: dict[str, Any],
) -> None:
    sw = store["sw"]
    for postcode in (HOTEL, FLAT):
        found = match_person(sw, _typed(postcode))
        # (The same person at the other postcode follows, with no shared address.)
        assert found[0].person.pk == store[postcode]["true"].pk, postcode
        assert found[0].weight >= REVIEW_THRESHOLD


@pytest.mark.django_db
def test_a_name_only_namesake_is_not_read_at_a_crowded_postcode(store: dict[str, Any]) -> None:
    """At the flat the rule still reads the first-name namesake born in 1979 (weighed and
    left below the show threshold); at the hotel it is not read at all."""
    sw = store["sw"]
    flat = {m.person.pk for m in match_person(sw, _typed(FLAT), threshold=-100)}
    assert store[FLAT]["namesake"].pk in flat
    hotel = {m.person.pk for m in match_person(sw, _typed(HOTEL), threshold=-100)}
    assert store[HOTEL]["true"].pk in hotel
    assert store[HOTEL]["namesake"].pk not in hotel
    # An estimated age typed: the birth years it allows play the date's part.
    aged = _typed(HOTEL, date_of_birth=None, estimated_age=dt.date.today().year - 2009)
    hotel = {m.person.pk for m in match_person(sw, aged, threshold=-100)}
    assert store[HOTEL]["true"].pk in hotel
    assert store[HOTEL]["namesake"].pk not in hotel


@pytest.mark.django_db
def test_with_no_date_typed_a_crowded_postcode_needs_both_names(
    users: dict[str, Any], make_person: Any, store: dict[str, Any]
) -> None:
    sw = store["sw"]
    # Surname sounds the same, first name a known short form: found through both keys.
    nick = make_person(given_name="Elizabeth", family_name="Warsame")
    _home(sw, nick, HOTEL)
    typed = {"given_name": "Liz", "family_name": "Warsami", "postcode": HOTEL}
    assert nick.pk in {m.person.pk for m in match_person(sw, typed, threshold=-100)}
    # One name key alone at the crowded postcode is not a block.
    bare = {"given_name": "Awet", "family_name": "Tesfay", "postcode": HOTEL}
    assert match_person(sw, bare, threshold=-100) == []
    assert store[FLAT]["namesake"].pk in {
        m.person.pk for m in match_person(sw, {**bare, "postcode": FLAT}, threshold=-100)
    }
