"""Issue 19 item 4: twins and brothers and sisters in the batch. Trained on a store with
families, Splink's "first name different" weighs only about -2, so twins (the surname,
date of birth and home the same) reached the review queue: 322 false pairs at 6.0 in
20,000 people (bench/README.md). The batch now applies the online matcher's household
rule to a plainly different first name too, as it did to one that only sounds the same."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cairn.network.matching.comparisons import HOUSEHOLD_WEIGHTS, LEVELS
from cairn.network.matching.splink_batch import (
    REVIEW_THRESHOLD,
    PersonRow,
    household,
    run_linkage,
)
from tests.network.stores import small_store

TWINS_BORN = dt.date(2013, 3, 9)
HOME = "NX4 7QT"


def _explained(given: str, *, dob: int = 0, postcode: int = 0) -> dict[str, Any]:
    """`_explain`'s shape for a pair with the weights trained on the 20,000-person store."""
    return {
        "given_name": {"level": given, "weight": -2.01},
        "family_name": {"level": LEVELS["family_name"][0].label, "weight": 8.8},
        "dob": {"level": LEVELS["dob"][dob].label, "weight": [8.84, 3.04][dob]},
        "postcode": {
            "level": LEVELS["postcode"][postcode].label,
            "weight": [10.59, 0.77][postcode],
        },
        "sex": {"level": LEVELS["sex"][0].label, "weight": 1.0},
    }


def _row(given_l: str, given_r: str) -> dict[str, Any]:
    return {"given_name_l": given_l, "given_name_r": given_r, "mw_tf_adj_family_name": 2.0}


DIFFERENT = LEVELS["given_name"][6].label


def test_what_twins_share_weighs_what_it_does_in_a_family() -> None:
    explanation = _explained(DIFFERENT)
    drop = household(_row("Amara", "Bilal"), explanation)
    # The home counts for nothing, the shared birthday what twins have, the surname's
    # rarity in the store no lift: 2.0 + (8.84 - 4.87) + 10.59.
    assert round(drop, 2) == round(2.0 + (8.84 - HOUSEHOLD_WEIGHTS["dob"]) + 10.59, 2)
    assert explanation["postcode"]["weight"] == 0.0
    assert explanation["dob"]["weight"] == round(HOUSEHOLD_WEIGHTS["dob"], 2)
    assert explanation["family_name"]["weight"] == 6.8
    # Brothers or sisters at one home, born apart: only the home is discounted.
    explanation = _explained(DIFFERENT, dob=1)
    assert round(household(_row("Amara", "Bilal"), explanation), 2) == round(2.0 + 10.59, 2)
    assert explanation["dob"]["weight"] == 3.04


def test_the_rule_leaves_other_pairs_alone() -> None:
    # An initial is not a different name ("A Testley" may be Amara).
    assert household(_row("A", "Amara"), _explained(DIFFERENT)) == 0.0
    # A similar or nickname first name is evidence of one person, not of a family.
    for level in (1, 3, 5):
        assert (
            household(_row("Amara", "Amarah"), _explained(LEVELS["given_name"][level].label)) == 0
        )
    # Nothing a household shares: no correction (a namesake elsewhere is scored as it is).
    assert household(_row("Amara", "Bilal"), _explained(DIFFERENT, dob=1, postcode=1)) == 0
    # Another surname: not one family.
    explanation = _explained(DIFFERENT)
    explanation["family_name"]["level"] = LEVELS["family_name"][1].label
    assert household(_row("Amara", "Bilal"), explanation) == 0


def test_splink_does_not_pair_twins_and_still_pairs_a_duplicate() -> None:
    """On a small store like a Hub's, Splink trained as `link_people` trains it: twins of one
    home and birthday fall below the review threshold; the same child recorded twice with a
    slip in the first name is still paired."""
    rows = small_store(7)
    rows.append(PersonRow(1001, "Jasmine", "Wojciechowska", TWINS_BORN, None, HOME, "female"))
    rows.append(PersonRow(1002, "Natalia", "Wojciechowska", TWINS_BORN, None, HOME, "female"))
    rows.append(PersonRow(1003, "Kacper", "Zielinski", TWINS_BORN, None, "NX9 2AB", "male"))
    rows.append(PersonRow(1004, "Kacpet", "Zielinski", TWINS_BORN, None, "NX9 2AB", "male"))
    result = run_linkage(rows, threshold=-40, backend="duckdb")
    pairs = {(p["person_a"], p["person_b"]): p for p in result.pairs}
    twins = pairs[(1001, 1002)]
    assert twins["explanation"]["given_name"]["level"] == DIFFERENT
    assert twins["match_weight"] < REVIEW_THRESHOLD
    assert twins["explanation"]["postcode"]["weight"] <= 0
    assert pairs[(1003, 1004)]["match_weight"] >= REVIEW_THRESHOLD
