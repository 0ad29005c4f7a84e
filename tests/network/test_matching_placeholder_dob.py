"""Issue 19: a placeholder date of birth (01/01/1900, 01/01/1901, 1 January of a date marked
as estimated) is no date, in both engines and in blocking: against a real date it neither
agrees nor is "born more than ten years apart", and two people holding the same filler
are not blocked together as "same date of birth". Real dates, 1 January birthdays
included, are compared as before."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from cairn.network.matching import comparisons
from cairn.network.matching.comparisons import (
    DEFAULT_WEIGHTS,
    DOB_FAR_LEVEL,
    Record,
    is_placeholder_dob,
)
from cairn.network.matching.online import CandidateFields, blocking_sql, match_person
from cairn.network.matching.splink_batch import (
    REVIEW_THRESHOLD,
    PersonRow,
    run_linkage,
    to_splink_row,
)
from cairn.network.matching.weights import reset_cache
from cairn.pole import services as pole
from cairn.pole.models import Person
from tests.network.stores import small_store

REAL = dt.date(2009, 4, 17)
HOME = "NX6 2PD"
FAR = "born more than ten years apart"


@pytest.fixture(autouse=True)
def _fresh_counts() -> Iterator[None]:
    reset_cache()
    yield
    reset_cache()


def _held_with_filler(person: Any, filler: dt.date = dt.date(1900, 1, 1)) -> None:
    """Cairn refuses a date over 120 years ago when typed; a filler arrives in data
    brought in from another system (a bulk load), written here the same way, past the
    service (the database triggers still copy it to the name rows)."""
    Person.objects.filter(pk=person.pk).update(date_of_birth=filler)
    person.refresh_from_db()


def _home(actor: Any, person: Any, postcode: str = HOME) -> None:
    flat = pole.location_create(actor=actor, address_line_1="9 Sample Court", postcode=postcode)
    pole.link_record(
        actor=actor,
        from_entity_id=person.pk,
        to_entity_id=flat.pk,
        link_type="lives_at",
        source_note="Synthetic",
    )


def test_the_placeholder_rule() -> None:
    assert is_placeholder_dob(dt.date(1900, 1, 1))
    assert is_placeholder_dob(dt.date(1901, 1, 1))
    assert is_placeholder_dob(dt.date(2010, 1, 1), estimated=True)
    # A real 1 January birthday, and any other date, estimated or not.
    assert not is_placeholder_dob(dt.date(2010, 1, 1))
    assert not is_placeholder_dob(dt.date(1970, 1, 1))
    assert not is_placeholder_dob(dt.date(2010, 1, 2), estimated=True)
    assert not is_placeholder_dob(dt.date(1900, 1, 2))
    assert not is_placeholder_dob(None, estimated=True)


@pytest.mark.parametrize(
    "placeholder",
    [
        Record(dob=dt.date(1900, 1, 1)),
        Record(dob=dt.date(1901, 1, 1)),
        Record(dob=dt.date(2008, 1, 1), dob_estimated=True),
    ],
)
def test_a_placeholder_against_a_real_date_neither_agrees_nor_is_far_apart(
    placeholder: Record,
) -> None:
    for real in (Record(dob=REAL), Record(dob=dt.date(1975, 1, 1)), Record(birth_year=1980)):
        assert comparisons.compare(placeholder, real)["dob"] is None
        assert comparisons.compare(real, placeholder)["dob"] is None
    # Two records holding the same filler do not share a date of birth either.
    assert comparisons.compare(placeholder, placeholder)["dob"] is None


def test_real_dates_are_compared_as_before() -> None:
    # A genuine 1 January birthday (not marked estimated) is a date like any other.
    new_year = Record(dob=dt.date(2010, 1, 1))
    assert comparisons.compare(new_year, Record(dob=dt.date(2010, 1, 1)))["dob"] == 0
    assert comparisons.compare(new_year, Record(dob=dt.date(1975, 6, 3)))["dob"] == DOB_FAR_LEVEL
    assert comparisons.compare(Record(dob=REAL), Record(dob=dt.date(1978, 3, 2)))["dob"] == (
        DOB_FAR_LEVEL
    )
    # 01/01/1970 is not listed as a filler: a person born that day keeps their date.
    epoch = Record(dob=dt.date(1970, 1, 1))
    assert comparisons.compare(epoch, Record(dob=REAL))["dob"] == DOB_FAR_LEVEL
    # An estimated date that is not 1 January is still a date.
    assert comparisons.compare(Record(dob=REAL, dob_estimated=True), Record(dob=REAL))["dob"] == 0


def test_the_placeholder_costs_a_true_duplicate_nothing() -> None:
    """The loss that prompted the rule: same name and home, one record holding 01/01/1900,
    weighed "born more than ten years apart" and fell below review."""
    held = Record("Rahel", "Tesfamariam", dob=dt.date(1900, 1, 1), postcode=HOME, sex="female")
    typed = Record("Rahel", "Tesfamariam", dob=REAL, postcode=HOME, sex="female")
    weight, reasons = DEFAULT_WEIGHTS.score(typed, held)
    assert weight >= REVIEW_THRESHOLD
    assert FAR not in reasons
    assert not any("date of birth" in r for r in reasons)


def test_a_typed_placeholder_is_not_a_date_to_block_on() -> None:
    today = dt.date(2026, 12, 1)
    typed = CandidateFields.from_mapping(
        {"given_name": "Rahel", "family_name": "Tesfamariam", "date_of_birth": "01/01/1900"}
    )
    assert typed.date_of_birth is None and typed.birth_year is None
    assert typed.record(today).dob is None
    sql, _ = blocking_sql(typed, today)
    assert "date_of_birth =" not in sql
    marked = CandidateFields.from_mapping(
        {"given_name": "Rahel", "date_of_birth": "1/1/2008", "date_of_birth_estimated": True}
    )
    assert marked.date_of_birth is None
    genuine = CandidateFields.from_mapping({"given_name": "Rahel", "date_of_birth": "1/1/2008"})
    assert genuine.date_of_birth == dt.date(2008, 1, 1)
    assert "date_of_birth =" in blocking_sql(genuine, today)[0]


@pytest.mark.django_db
def test_online_a_stored_placeholder_is_found_and_not_far_apart(
    users: dict[str, Any], make_person: Any
) -> None:
    """Held with 01/01/1900, typed with the real date at another address: the name block
    must not drop the record for its "date" (it is kept as a record with none would be),
    and the score does not count the date against it."""
    sw = users["social_worker"]
    held = make_person(
        given_name="Rahel",
        family_name="Tesfamariam",
        date_of_birth=REAL,
        sex="female",
    )
    _held_with_filler(held)
    _home(sw, held)
    typed = {
        "given_name": "Rahel",
        "family_name": "Tesfamariam",
        "date_of_birth": REAL,
        "postcode": HOME,
        "sex": "female",
    }
    found = match_person(sw, typed)
    assert [m.person.pk for m in found] == [held.pk]
    assert found[0].weight >= REVIEW_THRESHOLD
    assert FAR not in found[0].reasons
    # The person shown keeps what is recorded.
    assert found[0].person.date_of_birth == dt.date(1900, 1, 1)
    # Elsewhere (no shared home): still retrieved by the name, with no date penalty.
    (elsewhere,) = match_person(sw, {**typed, "postcode": "NX1 1AA"}, threshold=-100)
    assert elsewhere.person.pk == held.pk
    assert FAR not in elsewhere.reasons


@pytest.mark.django_db
def test_online_two_people_with_the_same_filler_are_not_blocked_together(
    users: dict[str, Any], make_person: Any
) -> None:
    """Before, "date of birth + home postcode" (no name needed) retrieved everyone at a
    hotel holding 01/01/1900 and weighed them "date of birth the same"."""
    sw = users["social_worker"]
    other = make_person(
        given_name="Yonas",
        family_name="Haile",
        date_of_birth=REAL,
        sex="male",
    )
    _held_with_filler(other)
    _home(sw, other)
    typed = {
        "given_name": "Dawit",
        "family_name": "Gebremedhin",
        "date_of_birth": "01/01/1900",
        "postcode": HOME,
        "sex": "male",
    }
    assert match_person(sw, typed, threshold=-100) == []
    # A genuine shared birthday at one address is still a block.
    real = make_person(given_name="Samuel", family_name="Okoro", date_of_birth=REAL, sex="male")
    _home(sw, real)
    found = match_person(sw, {**typed, "date_of_birth": REAL}, threshold=-100)
    assert [m.person.pk for m in found] == [real.pk]


def test_batch_rows_hold_no_placeholder_date() -> None:
    row = to_splink_row(PersonRow(1, "Rahel", "Tesfamariam", dt.date(1900, 1, 1), None, HOME, ""))
    assert row["dob"] is None and row["birth_year"] is None
    marked = PersonRow(2, "Rahel", "T", dt.date(2008, 1, 1), None, HOME, "", dob_estimated=True)
    assert to_splink_row(marked)["dob"] is None
    # An estimated age known besides the filler still gives the year.
    aged = to_splink_row(PersonRow(3, "Rahel", "T", dt.date(1901, 1, 1), 2008, HOME, ""))
    assert aged["dob"] is None and aged["birth_year"] == 2008
    genuine = to_splink_row(PersonRow(4, "Rahel", "T", dt.date(2008, 1, 1), None, HOME, ""))
    assert genuine["dob"] == "2008-01-01" and genuine["birth_year"] == 2008


def test_splink_reads_a_placeholder_as_no_date() -> None:
    """The batch model on a small store: a duplicate holding 01/01/1900 is paired with no
    date level (not "born more than ten years apart"), and two strangers holding the filler
    at one hotel are not compared on it."""
    rows = small_store(7, adults=True, sex_missing=True)
    filler = dt.date(1900, 1, 1)
    rows.append(PersonRow(1001, "Rahel", "Tesfamariam", REAL, None, HOME, "female"))
    rows.append(PersonRow(1002, "Rahel", "Tesfamariam", filler, None, HOME, "female"))
    rows.append(PersonRow(1003, "Yonas", "Haile", filler, None, "NX8 4HT", "male"))
    rows.append(PersonRow(1004, "Dawit", "Gebremedhin", filler, None, "NX8 4HT", "male"))
    result = run_linkage(rows, threshold=-40, backend="duckdb")
    pairs = {(p["person_a"], p["person_b"]): p for p in result.pairs}
    duplicate = pairs[(1001, 1002)]
    assert duplicate["explanation"]["dob"]["level"] == "not known"
    assert duplicate["match_weight"] >= REVIEW_THRESHOLD
    # No rule blocks them (no shared name key; the date + postcode rule sees no date).
    assert (1003, 1004) not in pairs
