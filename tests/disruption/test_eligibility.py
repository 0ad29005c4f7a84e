"""CAWN eligibility: every branch of the pure function (age and care status)."""

from __future__ import annotations

import pytest

from cairn.disruption.eligibility import LETTER_ALTERNATIVE, cawn_eligibility


@pytest.mark.parametrize("age", [0, 9, 15])
@pytest.mark.parametrize("status", ["no", "s20", "care_order", "unknown"])
def test_under_16_is_eligible_whatever_the_care_status(age: int, status: str) -> None:
    result = cawn_eligibility(age=age, looked_after=status)
    assert result.eligible
    assert result.basis == "under_16"
    assert "s2 Child Abduction Act 1984" in result.explanation
    assert result.alternative == ""


@pytest.mark.parametrize(
    ("status", "basis", "words"),
    [
        ("care_order", "care_order", "in care (care order)"),
        ("interim_care_order", "care_order", "interim care order"),
        ("epo", "epo", "emergency protection order"),
        ("police_protection", "police_protection", "police protection"),
    ],
)
@pytest.mark.parametrize("age", [16, 17])
def test_16_or_17_in_care_epo_or_police_protection_is_eligible(
    age: int, status: str, basis: str, words: str
) -> None:
    result = cawn_eligibility(age=age, looked_after=status)
    assert result.eligible
    assert result.basis == basis
    assert words in result.explanation
    assert "s49 Children Act 1989" in result.explanation


@pytest.mark.parametrize("status", ["no", "remanded"])
def test_16_or_17_at_home_is_not_eligible_and_offers_the_letter(status: str) -> None:
    result = cawn_eligibility(age=16, looked_after=status)
    assert not result.eligible
    assert result.basis == ""
    assert "Not eligible: the child is 16" in result.explanation
    assert "not on a care order" in result.explanation
    assert result.alternative == LETTER_ALTERNATIVE


def test_section_20_accommodation_is_not_a_care_order() -> None:
    result = cawn_eligibility(age=17, looked_after="s20")
    assert not result.eligible
    assert "accommodated by agreement (s20" in result.explanation
    assert result.alternative == LETTER_ALTERNATIVE


def test_unknown_care_status_says_to_check_with_social_care() -> None:
    result = cawn_eligibility(age=17, looked_after="unknown")
    assert not result.eligible
    assert "check it with children's social care" in result.explanation


@pytest.mark.parametrize("age", [18, 25])
def test_adults_are_not_eligible_even_in_care(age: int) -> None:
    result = cawn_eligibility(age=age, looked_after="care_order")
    assert not result.eligible
    assert "under 18" in result.explanation
    assert result.alternative == LETTER_ALTERNATIVE


def test_unknown_age_is_not_eligible_until_recorded() -> None:
    result = cawn_eligibility(age=None, looked_after="care_order")
    assert not result.eligible
    assert "age is not known" in result.explanation


def test_a_record_not_recorded_as_a_child_is_not_eligible() -> None:
    result = cawn_eligibility(age=12, looked_after="no", is_child=False)
    assert not result.eligible
    assert "not recorded as a child" in result.explanation
