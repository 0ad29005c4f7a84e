"""Screening rules: recency weighting, thresholds, reasons and local rules."""

from __future__ import annotations

import datetime as dt

import pytest

from cairn.concerns.screening import Observation, forbidden_levels, screen

TODAY = dt.date(2026, 11, 29)


def obs(
    code: str, category: str, weight: int, days_ago: int, label: str | None = None
) -> Observation:
    return Observation(
        code,
        label or code.replace("_", " ").capitalize(),
        category,
        weight,
        TODAY - dt.timedelta(days=days_ago),
    )


def test_no_indicators_is_none() -> None:
    result = screen([], today=TODAY, age=15)
    assert result.suggested_level == "none"
    assert result.reasons == ["No indicators recorded"]


def test_vulnerabilities_only_is_none_for_older_child() -> None:
    result = screen([obs("family_breakdown", "vulnerability", 1, 10)], today=TODAY, age=15)
    assert result.suggested_level == "none"
    assert "Background vulnerabilities only" in result.reasons[0]


def test_local_rule_under_13_no_none() -> None:
    result = screen([obs("family_breakdown", "vulnerability", 1, 10)], today=TODAY, age=12)
    assert result.suggested_level == "emerging"
    assert result.reasons[0].startswith("Local rule: a child under 13")


def test_local_rule_learning_disability_no_none() -> None:
    result = screen(
        [obs("isolation", "vulnerability", 1, 10)],
        today=TODAY,
        age=16,
        has_learning_disability=True,
    )
    assert result.suggested_level == "emerging"
    assert "learning disability" in result.reasons[0]


def test_local_rules_are_configurable() -> None:
    cfg = {
        **__import__("cairn.concerns.screening", fromlist=["DEFAULTS"]).DEFAULTS,
        "no_none_under_age": 0,
        "no_none_learning_disability": False,
    }
    result = screen(
        [obs("isolation", "vulnerability", 1, 10)],
        today=TODAY,
        age=10,
        has_learning_disability=True,
        cfg=cfg,
    )
    assert result.suggested_level == "none"


def test_one_moderate_sign_is_emerging() -> None:
    result = screen([obs("staying_out_late", "moderate", 2, 20)], today=TODAY, age=15)
    assert result.suggested_level == "emerging"


def test_one_recent_significant_is_moderate() -> None:
    result = screen([obs("missing_overnight", "significant", 4, 30)], today=TODAY, age=15)
    assert result.suggested_level == "moderate"
    assert result.reasons[0] == "A significant indicator in the last 6 months"


def test_two_distinct_recent_significant_is_significant_with_reasons() -> None:
    result = screen(
        [
            obs("missing_overnight", "significant", 4, 30, "Missing overnight"),
            obs("missing_overnight", "significant", 4, 60, "Missing overnight"),
            obs("getting_into_cars", "significant", 4, 5, "Getting into cars"),
        ],
        today=TODAY,
        age=14,
    )
    assert result.suggested_level == "significant"
    assert result.reasons[0] == "2 different significant indicators in the last 6 months"
    assert "Missing overnight twice in the last 6 months: significant indicator" in result.reasons


def test_recency_old_significant_counts_little() -> None:
    old = screen([obs("missing_overnight", "significant", 4, 400)], today=TODAY, age=15)
    recent = screen([obs("missing_overnight", "significant", 4, 10)], today=TODAY, age=15)
    assert old.suggested_level == "emerging"
    assert old.score == pytest.approx(0.4)
    assert recent.suggested_level == "moderate"
    assert "more than 12 months ago" in old.reasons[1]


def test_six_to_twelve_months_counts_half() -> None:
    result = screen([obs("unexplained_items", "significant", 4, 250)], today=TODAY, age=15)
    assert result.score == pytest.approx(2.0)
    # A significant indicator 6-12 months ago does not by itself make the level moderate.
    assert result.suggested_level == "emerging"
    assert "6 to 12 months ago" in result.reasons[1]


def test_score_threshold_reaches_moderate_without_significant() -> None:
    result = screen(
        [
            obs("staying_out_late", "moderate", 2, 5),
            obs("self_harm", "moderate", 2, 5),
            obs("school_absence", "moderate", 2, 5),
        ],
        today=TODAY,
        age=15,
    )
    assert result.score == pytest.approx(6.0)
    assert result.suggested_level == "moderate"
    assert result.reasons[0].startswith("Weighted indicator score 6.0")


def test_repeats_add_with_diminishing_weight_and_cap() -> None:
    five = screen(
        [obs("staying_out_late", "moderate", 2, d) for d in range(1, 6)], today=TODAY, age=15
    )
    three = screen(
        [obs("staying_out_late", "moderate", 2, d) for d in range(1, 4)], today=TODAY, age=15
    )
    assert three.score == pytest.approx(4.0)
    assert five.score == three.score
    assert "Staying out late 5 times in the last 6 months: moderate indicator" in five.reasons


def test_future_observations_are_ignored() -> None:
    result = screen([obs("missing_overnight", "significant", 4, -3)], today=TODAY, age=15)
    assert result.suggested_level == "none"


def test_forbidden_levels() -> None:
    assert forbidden_levels(has_indicators=True, age=12, has_learning_disability=False).keys() == {
        "none"
    }
    assert forbidden_levels(has_indicators=True, age=15, has_learning_disability=True).keys() == {
        "none"
    }
    assert forbidden_levels(has_indicators=True, age=15, has_learning_disability=False) == {}
    assert forbidden_levels(has_indicators=False, age=10, has_learning_disability=True) == {}
