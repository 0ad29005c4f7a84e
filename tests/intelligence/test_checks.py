"""The crime-disclosure check against the labelled set (cairn/intelligence/data/), and the
quality rules. Recall of crime disclosures must stay >= 0.95 (the issue's acceptance)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cairn.intelligence import checks

DATA = Path(checks.__file__).parent / "data" / "crime_check_examples.jsonl"


def load() -> list[dict[str, str]]:
    return [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]


def scores(rows: list[dict[str, str]]) -> tuple[float, float, list[str], list[str]]:
    tp = fp = fn = 0
    missed, wrong = [], []
    for row in rows:
        predicted = checks.check(row["text"]).crime_disclosure
        if row["label"] == "crime" and predicted:
            tp += 1
        elif row["label"] == "crime":
            fn += 1
            missed.append(row["text"])
        elif predicted:
            fp += 1
            wrong.append(row["text"])
    return tp / (tp + fn), tp / (tp + fp), missed, wrong


def test_labelled_set_is_big_enough_and_balanced() -> None:
    rows = load()
    crime = [r for r in rows if r["label"] == "crime"]
    intel = [r for r in rows if r["label"] == "intel"]
    assert len(rows) >= 80
    assert abs(len(crime) - len(intel)) <= 2
    kinds = {r["kind"] for r in intel}
    assert {"hard_rumour", "hard_hearsay_no_offence", "hard_police_words"} <= kinds
    assert "third_party_hearsay" in {r["kind"] for r in crime}


def test_recall_of_crime_disclosures_at_least_095() -> None:
    recall, precision, missed, wrong = scores(load())
    assert recall >= 0.95, f"missed: {missed}"
    # Reported in bench/README.md; guard against a regression that flags most intel.
    assert precision >= 0.9, f"wrongly flagged: {wrong}"


def test_holdout_split_is_scored_separately() -> None:
    holdout = [r for r in load() if r.get("split") == "holdout"]
    assert len(holdout) >= 20
    recall, precision, _, _ = scores(holdout)
    assert recall >= 0.8 and precision >= 0.8


@pytest.mark.parametrize(
    "text",
    [
        "She told me that the man in the car hit her.",
        "He hit me.",
        "A girl is being held at the flat right now.",
    ],
)
def test_disclosures_explain_why(text: str) -> None:
    result = checks.check(text, how_known="first_hand")
    assert result.crime_disclosure is True
    assert result.reasons and text[:20] in result.reasons[0]


def test_rumour_and_police_words_are_intelligence() -> None:
    for text in (
        "It is rumoured he was arrested for assault years ago.",
        "Police attended the address last year; the grey car was there again on Friday.",
    ):
        assert checks.check(text).crime_disclosure is False


def test_quality_issues() -> None:
    result = checks.check(
        "JS was seen recently with another girl from Year 8.",
        how_known=None,
        mentions=[{"kind": "person", "given_name": "Dean"}],
    )
    codes = {q.code for q in result.quality_issues}
    assert codes == {
        "initials",
        "person_without_age",
        "no_source",
        "several_subjects",
        "vague_time",
    }
    long = checks.check("word " * 301, how_known="told")
    assert [q.code for q in long.quality_issues] == ["too_long"]


def test_good_entry_has_no_quality_issues() -> None:
    result = checks.check(
        "Dean Fictional, aged about 30, collected Skye from the gates at 15:15 on Monday.",
        how_known="first_hand",
        mentions=[{"kind": "person", "given_name": "Dean", "age": 30}],
    )
    assert result.quality_issues == [] and not result.crime_disclosure
