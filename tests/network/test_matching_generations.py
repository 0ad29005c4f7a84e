"""Issue 19, item 5: dates of birth far apart. A father and son of the same name at one
address are a generation apart: neither engine pairs them, while a true duplicate with a
date a year out or an estimated age is still matched; trained weights are read back by
label and not used when out of order."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from cairn.network.matching import comparisons
from cairn.network.matching.comparisons import (
    DEFAULT_WEIGHTS,
    DOB_DIFFERENT_LEVEL,
    DOB_FAR_LEVEL,
    GENERATION_REASON,
    LEVELS,
    Record,
)
from cairn.network.matching.online import match_person
from cairn.network.matching.splink_batch import REVIEW_THRESHOLD, PersonRow, run_linkage
from cairn.network.matching.weights import reset_cache, weights_from_settings
from cairn.pole import services as pole
from tests.network.stores import small_store

SON = dt.date(2011, 6, 23)
FATHER = dt.date(1981, 9, 17)  # 30 years earlier, not one keying slip away
HOME = "NX4 7QT"


@pytest.fixture(autouse=True)
def _fresh_counts() -> Iterator[None]:
    """Name counts and weights are cached per process: each test reads its own store."""
    reset_cache()
    yield
    reset_cache()


def _home(actor: Any, person: Any, postcode: str = HOME) -> None:
    flat = pole.location_create(actor=actor, address_line_1="4 Sample Yard", postcode=postcode)
    pole.link_record(
        actor=actor,
        from_entity_id=person.pk,
        to_entity_id=flat.pk,
        link_type="lives_at",
        source_note="Synthetic",
    )


def _typed(dob: dt.date | None = SON, **extra: Any) -> dict[str, Any]:
    fields = {
        "given_name": "Jordan",
        "family_name": "Wojciechowski",
        "postcode": HOME,
        "sex": "male",
        **extra,
    }
    if dob is not None:
        fields["date_of_birth"] = dob
    return fields


def test_the_far_apart_level_and_where_its_line_is() -> None:
    son = Record(dob=SON)
    assert comparisons.compare(son, Record(dob=FATHER))["dob"] == DOB_FAR_LEVEL
    # Ten years between the birth years is still "different", eleven is far apart.
    assert comparisons.compare(son, Record(dob=dt.date(2001, 2, 1)))["dob"] == DOB_DIFFERENT_LEVEL
    assert comparisons.compare(son, Record(dob=dt.date(2000, 2, 1)))["dob"] == DOB_FAR_LEVEL
    # A keying slip in the decade moves the date ten years or more but is a slip.
    assert comparisons.compare(son, Record(dob=dt.date(2001, 6, 23)))["dob"] == 1
    assert (
        comparisons.compare(Record(dob=dt.date(1985, 3, 4)), Record(dob=dt.date(1958, 3, 4)))["dob"]
        == 1
    )
    # A year alone (an estimated age held in the store) is a guess: 15 years out is only
    # "different", past 20 it is far apart.
    assert comparisons.compare(son, Record(birth_year=1996))["dob"] == DOB_DIFFERENT_LEVEL
    assert comparisons.compare(son, Record(birth_year=1990))["dob"] == DOB_FAR_LEVEL
    # An estimated age typed at entry (a range of years) says nothing unless a generation
    # outside the range.
    typed = Record(birth_years=(2009, 2012))
    assert comparisons.compare(typed, Record(dob=dt.date(1995, 1, 1)))["dob"] is None
    assert comparisons.compare(Record(dob=FATHER), typed)["dob"] == DOB_FAR_LEVEL
    levels = LEVELS["dob"]
    assert levels[DOB_FAR_LEVEL].weight < levels[DOB_DIFFERENT_LEVEL].weight - 3
    assert sum(lv.m for lv in levels) == pytest.approx(1.0)
    assert sum(lv.u for lv in levels) == pytest.approx(1.0)


def test_a_rare_family_name_does_not_lift_a_father_and_son() -> None:
    """However rare the name, a father and son of one name at one home score below the
    review threshold: the shared home and the family's name are what they have anyway."""
    son = Record("Jordan", "Wojciechowski", dob=SON, postcode=HOME, sex="male")
    father = Record("Jordan", "Wojciechowski", dob=FATHER, postcode=HOME, sex="male")
    rare = {("family_name", "wojciechowski"): 1e-6, ("given_name", "jordan"): 1e-6}
    weight, reasons = DEFAULT_WEIGHTS.score(son, father, rare)
    assert weight < REVIEW_THRESHOLD
    assert reasons[0] == GENERATION_REASON
    assert "born more than ten years apart" in reasons


@pytest.mark.django_db
def test_a_father_and_son_of_the_same_name_are_not_offered_at_entry(
    users: dict[str, Any], make_person: Any
) -> None:
    sw = users["social_worker"]
    father = make_person(
        given_name="Jordan",
        family_name="Wojciechowski",
        date_of_birth=FATHER,
        sex="male",
        category="other",
    )
    _home(sw, father)
    assert match_person(sw, _typed()) == []
    (weak,) = match_person(sw, _typed(), threshold=-100)
    assert weak.person.pk == father.pk
    assert weak.weight < REVIEW_THRESHOLD
    assert weak.reasons[0] == GENERATION_REASON
    # Nor when the son is typed with an estimated age only.
    assert match_person(sw, _typed(dob=None, estimated_age=14)) == []


@pytest.mark.django_db
def test_a_true_duplicate_a_year_out_or_with_an_estimated_age_is_still_matched(
    users: dict[str, Any], make_person: Any
) -> None:
    sw = users["social_worker"]
    son = make_person(
        given_name="Jordan", family_name="Wojciechowski", date_of_birth=SON, sex="male"
    )
    _home(sw, son)
    # The year one digit out (a keying slip) and a plainly different date a year out.
    for dob in (dt.date(2012, 6, 23), dt.date(2012, 2, 11)):
        found = match_person(sw, _typed(dob=dob))
        assert [m.person.pk for m in found] == [son.pk], dob
        assert found[0].weight >= REVIEW_THRESHOLD
    # An estimated age typed at entry.
    found = match_person(sw, _typed(dob=None, estimated_age=15))
    assert [m.person.pk for m in found] == [son.pk]
    assert found[0].weight >= REVIEW_THRESHOLD
    # A record held with only an estimated age (assessed three years older than he is),
    # found by his full date of birth.
    assessed = make_person(
        given_name="Kacper",
        family_name="Zielinski-Okafor",
        estimated_age=dt.date.today().year - 2008,
        sex="male",
    )
    _home(sw, assessed, "NX9 2AB")
    found = match_person(
        sw,
        {
            "given_name": "Kacper",
            "family_name": "Zielinski-Okafor",
            "date_of_birth": SON,
            "postcode": "NX9 2AB",
            "sex": "male",
        },
    )
    assert [m.person.pk for m in found] == [assessed.pk]
    assert found[0].weight >= REVIEW_THRESHOLD
    assert "date of birth different" in found[0].reasons


def test_splink_does_not_pair_a_father_and_son() -> None:
    """The batch model has the same level and rule: a father and son of one name at one
    address, 30 years apart, are compared (the name blocking rule) and fall below the
    review threshold, while a duplicate with the year one digit out is paired."""
    rows = small_store(5, adults=True, sex_missing=True, year_out=True)
    rows.append(PersonRow(1001, "Jordan", "Wojciechowski", FATHER, None, HOME, "male"))
    rows.append(PersonRow(1002, "Jordan", "Wojciechowski", SON, None, HOME, "male"))
    rows.append(PersonRow(1003, "Kacper", "Zielinski", SON, None, "NX9 2AB", "male"))
    rows.append(PersonRow(1004, "Kacper", "Zielinski", dt.date(2012, 6, 23), None, "", "male"))
    result = run_linkage(rows, threshold=-40, backend="duckdb")
    pairs = {(p["person_a"], p["person_b"]): p for p in result.pairs}
    father_son = pairs[(1001, 1002)]
    assert father_son["explanation"]["dob"]["level"] == "born more than ten years apart"
    assert father_son["match_weight"] < REVIEW_THRESHOLD
    # Whatever EM made of this small store, the shared home counts for nothing and the
    # rare name gets no lift (the online matcher's parent-and-child rule).
    assert father_son["explanation"]["postcode"]["weight"] <= 0
    assert pairs[(1003, 1004)]["match_weight"] >= REVIEW_THRESHOLD
    # The trained model has the new level, read back by label.
    dob = next(c for c in result.model_json["comparisons"] if c["output_column_name"] == "dob")
    labels = [lv.get("label_for_charts") for lv in dob["comparison_levels"][1:]]
    assert labels == [lv.label for lv in LEVELS["dob"]]


def _trained(name: str, mu: list[tuple[float, float]]) -> dict[str, Any]:
    return {
        "output_column_name": name,
        "comparison_levels": [
            {"sql_condition": "x IS NULL", "label_for_charts": "null", "is_null_level": True},
            *(
                {"label_for_charts": level.label, "m_probability": m, "u_probability": u}
                for level, (m, u) in zip(LEVELS[name], mu, strict=True)
            ),
        ],
    }


DOB_IN_ORDER = [(0.9, 0.0002), (0.05, 0.002), (0.03, 0.05), (0.015, 0.35), (0.005, 0.6)]


def test_trained_levels_are_read_back_by_label_not_position() -> None:
    comparison = _trained("dob", DOB_IN_ORDER)
    comparison["comparison_levels"][1:] = reversed(comparison["comparison_levels"][1:])
    weights = weights_from_settings({"comparisons": [comparison]}, "v3")
    assert [lv.label for lv in weights.levels["dob"]] == [lv.label for lv in LEVELS["dob"]]
    assert [lv.m for lv in weights.levels["dob"]] == [m for m, _ in DOB_IN_ORDER]


def test_a_model_trained_before_the_far_apart_level_keeps_the_defaults(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Its "date of birth different" covered every distance: its m/u must not be lent to
    the narrower level of the same name."""
    old_levels = [
        ("date of birth the same", 0.9, 0.0002),
        ("date of birth one keying slip away", 0.05, 0.002),
        ("birth year the same", 0.03, 0.05),
        ("date of birth different", 0.02, 0.95),
    ]
    old = {
        "output_column_name": "dob",
        "comparison_levels": [
            {"is_null_level": True},
            *(
                {"label_for_charts": t, "m_probability": m, "u_probability": u}
                for t, m, u in old_levels
            ),
        ],
    }
    sex = _trained("sex", [(0.9, 0.45), (0.1, 0.55)])
    with caplog.at_level(logging.WARNING, logger="cairn.network.matching.weights"):
        weights = weights_from_settings({"comparisons": [old, sex]}, "v2")
    assert weights.levels["dob"] == LEVELS["dob"]
    assert weights.levels["sex"][0].weight == pytest.approx(1.0)
    assert "Trained dob levels" in caplog.text


@pytest.mark.parametrize(
    ("swap", "why"),
    [
        ((2, 3), '"birth year the same" below "date of birth different"'),
        ((3, 4), '"date of birth different" below "born more than ten years apart"'),
    ],
)
def test_trained_dob_weights_out_of_order_fall_back(
    swap: tuple[int, int], why: str, caplog: pytest.LogCaptureFixture
) -> None:
    mu = list(DOB_IN_ORDER)
    i, j = swap
    mu[i], mu[j] = mu[j], mu[i]
    sex = _trained("sex", [(0.9, 0.45), (0.1, 0.55)])
    with caplog.at_level(logging.WARNING, logger="cairn.network.matching.weights"):
        weights = weights_from_settings({"comparisons": [_trained("dob", mu), sex]}, "v4")
    assert weights.levels["dob"] == LEVELS["dob"], why
    assert "Trained dob weights out of order" in caplog.text
    # Only that comparison: the others trained in order are used.
    assert weights.levels["sex"][0].weight == pytest.approx(1.0)
    in_order = weights_from_settings({"comparisons": [_trained("dob", DOB_IN_ORDER)]}, "v5")
    assert in_order.levels["dob"][DOB_FAR_LEVEL].m == pytest.approx(0.005)
