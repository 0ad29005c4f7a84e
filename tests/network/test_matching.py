"""Online matching at entry: blocking + Fellegi-Sunter weights, the siblings trap,
nicknames, partial dates, visibility, and trained weights read back from Splink JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cairn.network.matching import comparisons
from cairn.network.matching.online import match_person
from cairn.network.matching.weights import weights_from_settings
from cairn.pole import services as pole

pytestmark = pytest.mark.django_db
DOB = dt.date(2012, 3, 14)


def _home(actor: Any, person: Any, postcode: str = "NM2 3BB") -> None:
    flat = pole.location_create(actor=actor, address_line_1="2 Sample Street", postcode=postcode)
    pole.link_create(
        actor=actor,
        from_entity_id=person.pk,
        to_entity_id=flat.pk,
        link_type="lives_at",
        source_note="Synthetic",
    )


def test_misspelt_name_and_dob_finds_the_child(users: dict[str, Any], make_person: Any) -> None:
    child = make_person(given_name="Jayden", family_name="Smithson", date_of_birth=DOB)
    make_person(given_name="Jayden", family_name="Otherton", date_of_birth=dt.date(2009, 1, 1))
    found = match_person(
        users["social_worker"],
        {"given_name": "Jaydon", "family_name": "Smithsen", "date_of_birth": DOB},
    )
    assert [m.person.pk for m in found] == [child.pk]
    assert found[0].probability > 0.9
    assert "date of birth the same" in found[0].reasons


def test_nickname_and_partial_dob(users: dict[str, Any], make_person: Any) -> None:
    rebecca = make_person(given_name="Rebecca", family_name="Sampleton", date_of_birth=DOB)
    found = match_person(
        users["social_worker"],
        {"given_name": "Bex", "family_name": "Sampleton", "birth_year": 2012},
    )
    assert found and found[0].person.pk == rebecca.pk
    assert "first name a known nickname" in found[0].reasons
    # A partial date typed as text ("2012") is read as a birth year.
    by_text = match_person(
        users["social_worker"],
        {"given_name": "Bex", "family_name": "Sampleton", "date_of_birth": "2012"},
    )
    assert [m.person.pk for m in by_text] == [rebecca.pk]


def test_true_duplicate_outscores_twin_and_sibling(users: dict[str, Any], make_person: Any) -> None:
    sw = users["social_worker"]
    original = make_person(
        given_name="Tia", family_name="Examplefield", date_of_birth=DOB, sex="female"
    )
    twin = make_person(
        given_name="Leah", family_name="Examplefield", date_of_birth=DOB, sex="female"
    )
    sibling = make_person(
        given_name="Nia",
        family_name="Examplefield",
        date_of_birth=dt.date(2014, 9, 2),
        sex="female",
    )
    for person in (original, twin, sibling):
        _home(sw, person)
    found = match_person(
        sw,
        {
            "given_name": "Tiah",
            "family_name": "Examplefield",
            "date_of_birth": DOB,
            "postcode": "nm23bb",
            "sex": "female",
        },
        threshold=-100,
    )
    weights = {m.person.pk: m.weight for m in found}
    assert found[0].person.pk == original.pk
    assert weights[original.pk] > weights[twin.pk] + 10
    # The sibling (different first name and date of birth) is below the display threshold.
    assert weights[sibling.pk] < 0
    assert "same postcode" in found[0].reasons


def test_matches_never_include_records_the_user_cannot_see(
    users: dict[str, Any], make_person: Any
) -> None:
    hidden = make_person(
        actor=users["fib_officer"],
        given_name="Rio",
        family_name="Examplegate",
        date_of_birth=DOB,
        police_only=True,
        category="person_of_concern",
    )
    fields = {"given_name": "Rio", "family_name": "Examplegate", "date_of_birth": DOB}
    assert match_person(users["social_worker"], fields) == []
    assert [m.person.pk for m in match_person(users["fib_officer"], fields)] == [hidden.pk]
    assert match_person(users["ig_admin"], fields) == []


def test_alias_names_are_matched(users: dict[str, Any], make_person: Any) -> None:
    person = make_person(
        given_name="Marcus", family_name="Testbury", aliases=[("nickname", "Snowy", "Testbury")]
    )
    found = match_person(users["social_worker"], {"given_name": "Snowy", "family_name": "Testbury"})
    assert found[0].person.pk == person.pk
    assert "matched nickname" in found[0].reasons


def test_trained_weights_are_read_back_by_level_position() -> None:
    settings = {
        "probability_two_random_records_match": 0.001,
        "comparisons": [
            {
                "output_column_name": "sex",
                "comparison_levels": [
                    {"is_null_level": True},
                    {"m_probability": 0.9, "u_probability": 0.45},
                    {"m_probability": 0.1, "u_probability": 0.55},
                ],
            },
            {"output_column_name": "dob", "comparison_levels": [{"m_probability": 1}]},
        ],
    }
    weights = weights_from_settings(settings, "v7")
    assert weights.version == "v7"
    assert weights.levels["sex"][0].weight == pytest.approx(1.0)
    assert weights.levels["dob"] == comparisons.LEVELS["dob"]  # wrong shape: defaults kept
    assert weights.prior == pytest.approx(-9.965, abs=0.01)
