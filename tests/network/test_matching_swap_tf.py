"""Issue 19: first and last names the other way round (a comparison level shared with
Splink, a blocking rule in both engines) and term-frequency adjustment of exact names
(a rare surname counts for more than a common one), without pairing brothers and sisters."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import pytest

from cairn.network.matching import comparisons
from cairn.network.matching import weights as weights_module
from cairn.network.matching.comparisons import DEFAULT_WEIGHTS, SWAPPED_REASON, Record
from cairn.network.matching.online import match_person
from cairn.network.matching.splink_batch import PersonRow, run_linkage
from cairn.network.matching.weights import name_counts, reset_cache, term_frequencies, tf_keys
from cairn.pole import services as pole

DOB = dt.date(2011, 6, 23)
SLIP = dt.date(2012, 6, 23)  # the year one digit out


@pytest.fixture(autouse=True)
def _fresh_counts() -> Iterator[None]:
    """Name counts are cached per process: each test counts its own store."""
    reset_cache()
    yield
    reset_cache()


def _home(actor: Any, person: Any, postcode: str) -> None:
    flat = pole.location_create(actor=actor, address_line_1="9 Sample Row", postcode=postcode)
    pole.link_record(
        actor=actor,
        from_entity_id=person.pk,
        to_entity_id=flat.pk,
        link_type="lives_at",
        source_note="Synthetic",
    )


def test_names_the_other_way_round_have_their_own_levels() -> None:
    a = Record(given_name="Tuan", family_name="Nguyen", dob=DOB, sex="male")
    b = Record(given_name="NGUYEN", family_name="tuan", dob=DOB, sex="male")
    levels = comparisons.compare(a, b)
    assert levels["given_name"] == comparisons.SWAPPED_GIVEN_LEVEL
    assert levels["family_name"] == comparisons.SWAPPED_FAMILY_LEVEL
    weight, reasons = DEFAULT_WEIGHTS.score(a, b)
    assert weight >= 6.0
    assert reasons[0] == SWAPPED_REASON
    # Only an exact swap of both names: one name the other's is not a swap.
    half = comparisons.compare(a, Record(given_name="Nguyen", family_name="Minh", dob=DOB))
    assert half["given_name"] == comparisons.DIFFERENT_GIVEN_LEVEL
    # Nor a name that is both first name and surname ("Thomas Thomas").
    same = Record(given_name="Thomas", family_name="Thomas")
    assert not comparisons.names_swapped(same, same)


def test_the_levels_stay_in_weight_order() -> None:
    from cairn.network.matching.weights import in_order

    for levels in comparisons.LEVELS.values():
        assert in_order(levels)


@pytest.mark.django_db
def test_a_swapped_record_is_found_online_and_a_sibling_is_not(
    users: dict[str, Any], make_person: Any
) -> None:
    """The record typed surname first, with the birth year one digit out: only the
    crosswise blocking rule retrieves it (no name key matches straight) and the swap
    levels score it. A brother at the same address is not offered."""
    sw = users["social_worker"]
    tuan = make_person(given_name="Tuan", family_name="Nguyen", date_of_birth=DOB, sex="male")
    brother = make_person(
        given_name="Minh", family_name="Nguyen", date_of_birth=dt.date(2014, 2, 3), sex="male"
    )
    for person in (tuan, brother):
        _home(sw, person, "NX4 7QT")
    typed = {
        "given_name": "Nguyen",
        "family_name": "Tuan",
        "date_of_birth": SLIP,
        "postcode": "NX4 7QT",
        "sex": "male",
    }
    found = match_person(sw, typed)
    assert [m.person.pk for m in found] == [tuan.pk]
    assert found[0].weight >= 6.0
    assert found[0].reasons[0] == SWAPPED_REASON
    # Typed the right way round, the brother is far below the review threshold.
    straight = {**typed, "given_name": "Tuan", "family_name": "Nguyen", "date_of_birth": DOB}
    weights = {m.person.pk: m.weight for m in match_person(sw, straight, threshold=-100)}
    assert weights[tuan.pk] >= 6.0
    assert weights[brother.pk] < 0


@pytest.mark.django_db
def test_a_rare_surname_with_a_slip_scores_higher_than_a_common_one(
    users: dict[str, Any], make_person: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same evidence (first name and surname the same, the birth year one digit out,
    moved house) is stronger for a surname few people have."""
    sw = users["social_worker"]
    for i in range(40):
        make_person(
            given_name=f"Other{chr(97 + i % 26)}{chr(97 + i // 26)}",
            family_name="Smith",
            date_of_birth=dt.date(1990 + i % 20, 1, 1 + i % 28),
        )
    common = make_person(given_name="Olivia", family_name="Smith", date_of_birth=DOB)
    rare = make_person(given_name="Olivia", family_name="Wojciechowski", date_of_birth=DOB)
    for person in (common, rare):
        _home(sw, person, "NX4 7QT")
    typed = {"given_name": "Olivia", "date_of_birth": SLIP, "postcode": "NX9 2AB"}

    def weight(family: str, person: Any) -> tuple[float, list[str]]:
        found = match_person(sw, {**typed, "family_name": family}, threshold=-100)
        (match,) = [m for m in found if m.person.pk == person.pk]
        return match.weight, match.reasons

    rare_weight, rare_reasons = weight("Wojciechowski", rare)
    common_weight, common_reasons = weight("Smith", common)
    assert rare_weight > common_weight + 2
    assert "last name the same (a common name)" in common_reasons
    # A store this small is counted as if hub-sized, so every name in it would look rare
    # (tester 3: Danny, Matt and Murphy were "a rare name" in the demo): not said here.
    assert "last name the same" in rare_reasons
    # In a store of a hub's size the share means something, and it is said.
    monkeypatch.setattr(weights_module, "TF_RARITY_MIN_NAMES", 40)
    assert "last name the same (a rare name)" in weight("Wojciechowski", rare)[1]
    # The share of Smiths is their count over a hub-sized store; Olivia is floored.
    shares = term_frequencies(
        name_counts(tf_keys(Record(given_name="Olivia", family_name="Smith")))
    )
    assert shares[("family_name", "smith")] == 41 / 20_000
    assert shares[("given_name", "olivia")] == comparisons.TF_MIN_COUNT / 20_000


@pytest.mark.django_db
def test_name_counts_are_counted_in_the_store(make_person: Any) -> None:
    for given in ("Ada", "Bea", "Cy"):
        make_person(given_name=given, family_name="Countwell")
    make_person(given_name="Ada", family_name="Elsewhere")
    counts = name_counts([("family_name", "countwell"), ("given_name", "ada")])
    assert counts == {("family_name", "countwell"): 3, ("given_name", "ada"): 2}
    # A name held by few weighs as if held by TF_MIN_COUNT, in a hub-sized store at least.
    shares = term_frequencies(
        name_counts(tf_keys(Record(given_name="Ada", family_name="Countwell")))
    )
    assert shares[("family_name", "countwell")] == comparisons.TF_MIN_COUNT / 20_000


def test_a_rare_surname_does_not_lift_a_brother_or_sister() -> None:
    """Siblings (same surname, plainly different first name, same home): however rare
    the surname, they score no higher than with the fixed weight."""
    child = Record(given_name="Leah", family_name="Wojciechowski", dob=DOB, postcode="NX4 7QT")
    twin = Record(given_name="Tia", family_name="Wojciechowski", dob=DOB, postcode="NX4 7QT")
    rare = {("family_name", "wojciechowski"): 1e-6, ("given_name", "tia"): 1e-6}
    fixed, _ = DEFAULT_WEIGHTS.score(twin, child)
    adjusted, reasons = DEFAULT_WEIGHTS.score(twin, child, rare)
    assert adjusted == fixed < 0
    assert reasons[0] == comparisons.HOUSEHOLD_REASON
    # The same rare surname on a true duplicate (a misspelt first name) does count.
    dup = Record(given_name="Lea", family_name="Wojciechowski", dob=SLIP)
    plain, _ = DEFAULT_WEIGHTS.score(dup, child)
    boosted, _ = DEFAULT_WEIGHTS.score(dup, child, rare)
    assert boosted > plain + 5


def test_splink_links_names_the_other_way_round() -> None:
    """The batch model has the swap level and a crosswise blocking rule: a record typed
    surname first, with no other field shared exactly by a blocking rule, is compared
    (before, it never was) and both name comparisons count the swap for it. (The match
    weight of a store this small is not asserted: EM has too little to train on.)"""
    rng = random.Random(3)
    given = ["Amara", "Bilal", "Cerys", "Dylan", "Esme", "Finn", "Gracie", "Harvey"]
    family = ["Testley", "Sampleton", "Examplewick", "Fictionby", "Mockridge"]
    rows = [
        PersonRow(
            i + 1,
            rng.choice(given),
            rng.choice(family),
            dt.date(2008, 1, 1) + dt.timedelta(days=rng.randint(0, 3000)),
            None,
            "",
            "female",
        )
        for i in range(150)
    ]
    rows.append(PersonRow(1001, "Tuan", "Nguyen", DOB, None, "NX4 7QT", "male"))
    rows.append(PersonRow(1002, "Nguyen", "Tuan", SLIP, None, "NX4 7QT", "male"))
    result = run_linkage(rows, threshold=-30, backend="duckdb")
    pair = [p for p in result.pairs if (p["person_a"], p["person_b"]) == (1001, 1002)]
    assert pair, "the swapped pair was not predicted"
    explanation = pair[0]["explanation"]
    assert explanation["given_name"]["level"] == "first name is the other's last name"
    assert explanation["family_name"]["level"] == "last name is the other's first name"
    assert explanation["given_name"]["weight"] > 3 and explanation["family_name"]["weight"] > 3
