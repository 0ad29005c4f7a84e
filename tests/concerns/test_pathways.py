"""Each pathway rule in 'What can you do?'."""

from __future__ import annotations

from typing import Any

from cairn.concerns.pathways import PathwayFacts, recommend


def facts(**kw: Any) -> PathwayFacts:
    base: dict[str, Any] = {
        "immediate_danger": False,
        "crime_disclosed": False,
        "level": "none",
        "exploitation_types": frozenset(),
        "indicator_codes": frozenset(),
        "mentions": 0,
        "first_responder": True,
    }
    base.update(kw)
    return PathwayFacts(**base)


def codes(f: PathwayFacts) -> list[str]:
    return [r.code for r in recommend(f)]


def test_nothing_recommended_for_a_quiet_concern() -> None:
    assert codes(facts()) == []


def test_emergency_when_in_immediate_danger() -> None:
    recs = recommend(facts(immediate_danger=True))
    assert recs[0].code == "emergency"
    assert "999" in recs[0].reason
    assert "mash" in [r.code for r in recs]


def test_crime_report_when_crime_disclosed_and_never_fib_for_crime() -> None:
    recs = recommend(facts(crime_disclosed=True))
    assert [r.code for r in recs] == ["crime_report", "mash"]
    assert "Never put a crime on a FIB form" in recs[0].reason


def test_fib_when_people_or_objects_mentioned() -> None:
    recs = recommend(facts(mentions=2))
    assert [r.code for r in recs] == ["fib"]
    assert recs[0].reason.startswith("2 people, vehicles")
    one = recommend(facts(mentions=1))
    assert one[0].reason.startswith("1 person, vehicle, phone, account or place was mentioned")


def test_ppu_for_cse_type_or_cse_indicators() -> None:
    assert codes(facts(exploitation_types=frozenset({"cse"}))) == ["ppu"]
    assert codes(facts(indicator_codes=frozenset({"older_boyfriend"}))) == ["ppu"]
    assert codes(facts(exploitation_types=frozenset({"cce"}))) == ["nrm"]


def test_mash_for_moderate_or_significant_level() -> None:
    assert codes(facts(level="moderate")) == ["mash"]
    assert codes(facts(level="significant")) == ["mash"]
    assert codes(facts(level="emerging")) == []


def test_nrm_for_trafficking_indicators_only_available_to_first_responders() -> None:
    rec = recommend(facts(indicator_codes=frozenset({"found_out_of_area"}), first_responder=False))[
        0
    ]
    assert rec.code == "nrm"
    assert rec.available is False
    assert "first-responder" in rec.unavailable_reason
    rec = recommend(facts(exploitation_types=frozenset({"modern_slavery"})))[0]
    assert rec.available is True
