"""Naming the offence family (issue 12, outside tester): a family a cue or a flagging rule
names comes before the model's guess, and the examples shown agree with it. Synthetic text."""

from __future__ import annotations

import pytest

from cairn.intelligence.checks import text_check
from cairn.intelligence.crime_families import cued_families, name_families

SEXTORTION = (
    "Freya Holt (14) told me someone online has intimate photos of her and says he will send "
    "them to her whole contact list unless she transfers £150 tonight."
)
FGM = (
    "Safa Idris (10) said she is going to Sudan next week with her grandmother for her "
    "cutting, and afterwards she will be a proper woman."
)
COUNTY_LINES = (
    "Ellis Dunn (14) said older boys made him go country, he was made to sell out of a flat "
    "in Margate and holding for them."
)


@pytest.mark.parametrize(
    ("text", "family"),
    [
        (SEXTORTION, "image_based_abuse"),
        ("He is sextorting her on Snapchat.", "image_based_abuse"),
        ("Threatening to post her pics unless she pays £50 a week.", "image_based_abuse"),
        (FGM, "fgm"),
        ("Her aunt says Nadia (7) will be circumcised when they visit family at Easter.", "fgm"),
        ("She says the sunna is nothing, all the girls in her family had it.", "fgm"),
        ("Mum says her daughter will be made clean on the trip back home.", "fgm"),
        ("Amira (11) is being taken abroad in the summer to get cut like her cousins.", "fgm"),
        (COUNTY_LINES, "trafficking_cce"),
        ("Zac (13) went OT again at the weekend and came back with £300.", "trafficking_cce"),
        ("He says he is running a line for a man called Snow.", "trafficking_cce"),
        ("He is holding drugs for an older lad in his bedroom.", "trafficking_cce"),
        ("Tia (15) was made to sell in Hastings by older lads.", "trafficking_cce"),
        ("A man tried to get two girls (9) into his car outside school.", "kidnap_abduction"),
        ("She was dragged into a dark green car by a man.", "kidnap_abduction"),
        ("Dad took Leo from outside school against the court order.", "kidnap_abduction"),
        ("Message: 'if u dont come back tonight we will cut ur face'.", "threats"),
        ("He told Leon (13) 'ur getting wet up' next time.", "threats"),
    ],
)
def test_cues_name_the_family(text: str, family: str) -> None:
    assert cued_families(text)[:1] == [family]


@pytest.mark.parametrize(
    "text",
    [
        # Self-harm, a knife, an accident, a haircut: not FGM.
        "She has been cutting herself again since the family holiday, marks on her arms.",
        "She got cut by glass at the family party.",
        "Her sister got her hair cut for the wedding trip.",
        "mum worried about her cutting again this summer with family coming",
        # Chores, not FGM.
        "Her aunt wants to make her clean the house every weekend.",
        # An occupational therapist, and a weapon held for someone (weapons, not CCE).
        "Her OT came to the house to assess her wheelchair.",
        "She went to OT at the hospital.",
        "He was holding a knife for an older boy.",
        # Photos with no threat or demand.
        "She showed me photos of the family holiday.",
    ],
)
def test_cues_leave_other_text_alone(text: str) -> None:
    found = cued_families(text)
    assert "fgm" not in found
    assert "trafficking_cce" not in found
    assert "image_based_abuse" not in found


def test_a_cue_comes_before_the_models_wrong_guess() -> None:
    # The tester's three: the model named drug supply, forced marriage and robbery.
    assert name_families([SEXTORTION], SEXTORTION, [], [("drug_supply", 0.7)])[0] == (
        "image_based_abuse"
    )
    assert name_families([FGM], FGM, [], [("forced_marriage", 0.6), ("fgm", 0.3)]) == [
        "fgm",
        "forced_marriage",
    ]
    assert name_families([COUNTY_LINES], COUNTY_LINES, ["violence"], [("robbery", 0.5)]) == [
        "trafficking_cce",
        "robbery",
        "violence",
    ]


def test_rule_groups_and_the_threats_cue_name_their_family_after_the_models() -> None:
    # A rule group's family ("made to" is criminal exploitation) and a threat come with many
    # offences: measured on the corpus, put first they were wrong more often than right.
    text = "He held a knife to her."
    assert name_families([text], text, ["weapons"], [("threats", 0.6)]) == ["threats", "weapons"]
    assert name_families([text], text, ["violence"], [("threats", 0.6)]) == [
        "threats",
        "violence",
    ]
    threat = "Her dad said if she doesn't marry him he will kill her."
    assert cued_families(threat) == ["threats"]
    assert name_families([threat], threat, [], [("forced_marriage", 0.7)]) == [
        "forced_marriage",
        "threats",
    ]


def test_the_models_first_family_is_always_named() -> None:
    text = "went OT; if u talk we will cut ur face; threatening to share her nudes unless she pays"
    got = name_families([text], text, ["held_against_will"], [("drug_supply", 0.9)])
    assert len(got) == 3
    assert got[2] == "drug_supply"
    assert got[:2] == ["image_based_abuse", "trafficking_cce"]


def test_without_cues_or_rules_the_model_names_the_families() -> None:
    text = "Something happened."
    assert name_families([text], text, [], [("robbery", 0.6), ("violence", 0.3)]) == [
        "robbery",
        "violence",
    ]
    assert name_families([text], text, [], [("robbery", 0.8), ("violence", 0.1)]) == ["robbery"]


@pytest.mark.parametrize(
    ("text", "family"),
    [(SEXTORTION, "image_based_abuse"), (FGM, "fgm"), (COUNTY_LINES, "trafficking_cce")],
)
def test_the_check_names_the_family_and_shows_examples_of_it(text: str, family: str) -> None:
    found = text_check(text)
    assert found.crime
    assert found.families[0] == family
    examples = [r for r in found.reasons if r.startswith("Reads like this made-up example")]
    assert len(examples) == 2
    from cairn.intelligence.crime_model import family_label

    # The first example is of the family named first; none is of a family not named.
    assert examples[0].endswith(f"(crime: {family_label(family)})")
    labels = {family_label(f) for f in found.families}
    assert all(e.rsplit("(crime: ", 1)[1].rstrip(")") in labels for e in examples)
