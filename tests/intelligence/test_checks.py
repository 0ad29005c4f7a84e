"""The crime-disclosure and danger-now check (ADR 0019): the rules and the semantic model,
each pinned on examples; emergencies always flagged; negation and already-reported cases
not flagged; explanations in words; the quality rules. The measured figures (leave one
writer out, the sealed set, latency) are in bench/README.md, not here: these are pins, and
no test trains the full model except the reproducibility test in test_crime_model.py.

The examples below were written for these tests, not taken from the corpus."""

from __future__ import annotations

import re

import pytest

from cairn.intelligence import checks, crime_rules
from cairn.intelligence.crime_corpus import load_project_examples

# The misses that opened issue 12, rephrased: the semantic model must catch them.
ISSUE_MISSES = [
    "I can hear a child screaming for help in the flat next door right now.",
    "There's a man trying to get a 14 year old girl into his car outside the chip shop at "
    "this moment.",
    "Jaylen (13) told me a man online pays him in game credits to do things on webcam for him "
    "most nights.",
    "He has been sending sexual messages to a 12 year old on Snapchat and has arranged to meet "
    "her at the park tonight.",
    "A 16 year old lad was brought down from the city and is being kept at a cannabis farm on "
    "Mill Lane to water the plants; he says he owes them.",
    "Someone online has a photo of him and says they will send it to all his followers unless "
    "he pays £200 by tonight.",
    "Her aunt is taking her abroad next week to be cut, her cousin told me.",
    "A 15 year old girl has been kept in a flat on Dock Street since Friday and isn't allowed out.",
]
# Happening now: each must give danger_now (and so a crime flag, "Call 999 now" first).
EMERGENCIES = [
    "I can hear a child screaming for help in the flat next door right now.",
    "There's a man trying to get a 14 year old girl into his car outside the chip shop at "
    "this moment.",
    "URGENT: Skye rang me from a flat on Dock Street, the man there is hitting her right now "
    "and won't let her leave.",
    "a lad about 15 is being beaten up by three men behind the shops on Hale Rd as i type this",
    "She's just texted me 'help he's got a knife and won't let me out' from room 12 of the "
    "Station Hotel.",
]
# Crime words, but no new disclosure: denied, already reported, historic, not real.
NOT_DISCLOSURES = [
    "Asked Skye directly whether anyone had hurt her. She said no, nobody has hurt her, the "
    "bruise was from netball.",
    "Further to crime reference 43/12345/26 (assault at the bus station, already reported), "
    "the grey Corsa NM12 XYZ was seen outside the school again on Friday at 15:15.",
    "He is known for dealing cannabis near the park, according to other pupils.",
    pytest.param(
        "Training note: if a child tells you they are being made to carry drugs, they are a "
        "victim first. Write down their words and tell the DSL.",
        marks=pytest.mark.xfail(
            strict=True,
            reason="known limit: the model reads a training note that describes a disclosure "
            "as one (the rules do not); see bench/README.md",
        ),
    ),
    "The older boys were playing drill music about stabbings on the bus. Nothing else of note.",
    "Dean Fictional, aged about 30, collected Skye from the gates at 15:15 on Monday.",
]


def test_rules_pin_their_own_shapes() -> None:
    """The rules (crime_rules.py) still catch the shapes they were written for, and say why."""
    cases = {
        "She told me that the man in the car hit her.": "Someone disclosed or witnessed",
        "He hit me.": "victim's own account",
        "A girl is being held at the flat right now.": "may be happening now",
        "Someone poured lighter fluid on the front door of number 8 last night.": "arson",
        "Mrs D (79) says her lodger opened a credit card in her name and has run up £900.": (
            "fraud or financial abuse"
        ),
    }
    for text, why in cases.items():
        reasons = crime_rules.crime_reasons(text)
        assert reasons and why in reasons[0], (text, reasons)


@pytest.mark.parametrize(
    "text",
    [
        "It is rumoured he was arrested for assault years ago.",
        "She is at risk of being sexually exploited by the group at the flat.",
        "He said he would kill for those trainers.",
        "Mum worries he is going to get jumped by the other group.",
        "Asked Lazlo if he feels safe at home. He said nobody's hurt him.",
        "Ms Lomax states she was assaulted by her ex in 2021; he was convicted.",
        "Tiarnan said 'I'm gonna kill him' about his brother after losing at FIFA, in temper.",
    ],
)
def test_rules_stay_quiet_on_risk_rumour_denial_history_and_jokes(text: str) -> None:
    assert crime_rules.crime_reasons(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Tenant reports her son's bike was stolen in Feb, crime ref 43/19923/24.",
        "Kyle Testbrennan told his tutor Dean Testrourke hit him outside the chippy last "
        "week, crime ref 12/34567/26.",
    ],
)
def test_a_reference_beside_an_offence_does_not_hide_it(text: str) -> None:
    """An offence with a reference in its own sentence is flagged, as it is with the
    reference in "Anything else" (the check page then offers the reference filled in):
    ADR 0016, amended 2026-12-08. It was read as already reported and not flagged."""
    assert crime_rules.crime_reasons(text)
    assert checks.check(text).crime_disclosure


@pytest.mark.parametrize(
    "text",
    [
        "Her uncle assaulted her and nothing has been reported to police.",
        "Her uncle assaulted her and none of it has been reported to police.",
        "Her uncle assaulted her, which should have been reported to police.",
        "Her uncle assaulted her; mum doesn't think it was reported to police.",
        "Her uncle assaulted her and I don't know if it was reported to police.",
        "Her uncle assaulted her and it is not clear whether it has been reported to police.",
        "Her uncle assaulted her and nothing was reported at the time.",
        "He was assaulted last week and his mum will speak with police tomorrow.",
        "He was assaulted last week and I'm not sure police are aware.",
    ],
)
def test_a_report_denied_doubted_or_still_to_come_is_not_already_reported(text: str) -> None:
    """Outside tester: "reported to police" beside the offence was read as already reported
    though the sentence denies it, doubts it or puts it in the future (each of these went
    unflagged). Only a report said to have been made counts."""
    assert crime_rules.crime_reasons(text), text
    assert not crime_rules.reported_already(text)
    assert checks.check(text).crime_disclosure


@pytest.mark.parametrize(
    "text",
    [
        # The outside tester's own two (flagged, by the model for the first).
        "She has not been reported to police for the assault by her uncle.",
        "He was assaulted last week and his mum said it will be reported to police tomorrow.",
        "He was assaulted last week and his mum has not reported it to police.",
    ],
)
def test_not_reported_yet_is_flagged(text: str) -> None:
    assert not crime_rules.reported_already(text)
    assert checks.check(text).crime_disclosure


@pytest.mark.parametrize(
    "text",
    [
        "He was assaulted last week and this was reported to police on 3 May, ref 12/34567/26.",
        "He was assaulted last week and it was reported to police.",
        "He was not badly hurt, but it was reported to police.",
        "He was not hurt and it was reported to police.",
        "In May he was assaulted and it was reported to police.",
        "Her uncle assaulted her and police are already aware.",
    ],
)
def test_a_report_said_to_have_been_made_still_counts(text: str) -> None:
    assert crime_rules.crime_reasons(text) == [], text
    assert crime_rules.reported_already(text)


def test_an_offence_again_keeps_a_sentence_that_says_nothing_was_reported() -> None:
    """What the model re-reads as the new offence (`without_earlier_reports`) drops a
    sentence about an earlier report, not one that says none was made."""
    kept = "He was hit again last night and nothing has been reported to police."
    assert crime_rules.without_earlier_reports(kept) == kept
    dropped = "He was hit again last night. The first assault was reported to police."
    assert crime_rules.without_earlier_reports(dropped) == "He was hit again last night."


@pytest.mark.parametrize(
    "text",
    [
        "They made Jayden Testcroft take the package to the flat on Ash Grove.",
        "They made Jayden take the package to the flat on Ash Grove.",
        "Older lads forced Mia to hold drugs for them.",
        "A man pays Kai O'Neill to deliver parcels to Leeds.",
        "They made McKenzie Smith-Jones sell weed at the park.",
    ],
)
def test_coercion_of_a_named_person_is_coercion(text: str) -> None:
    """Outside tester: the coercion rule took "him" or "a boy" but not a name, which the
    case-folded rules cannot tell; one or two capitalised words now count as a person."""
    reasons = crime_rules.crime_reasons(text)
    assert reasons and "coercion into crime" in reasons[0], (text, reasons)
    assert crime_rules.rule_families(text) == ["trafficking_cce"]
    # Not one of the model's building blocks: its features are the ones it was trained on.
    assert crime_rules.building_blocks(text)["group:trafficking_cce"] is False


@pytest.mark.parametrize(
    "text",
    [
        "They made Jayden Testcroft laugh all lesson.",
        "He made Everyone take a leaflet home.",
        "Nobody made Jayden take the package; he says he found it.",
        "They made X take it.",
    ],
)
def test_a_capitalised_word_is_not_coercion_on_its_own(text: str) -> None:
    assert crime_rules.crime_reasons(text) == [], text


def test_project_examples_still_score_as_labelled() -> None:
    """The project's 270 examples (trained on, so a training-set figure, not a measure)."""
    rows = load_project_examples()
    tp = fp = fn = 0
    for row in rows:
        flagged = checks.check(row.text).crime_disclosure
        tp += flagged and row.crime
        fp += flagged and not row.crime
        fn += row.crime and not flagged
    assert tp / (tp + fn) >= 0.95, (tp, fn)
    assert tp / (tp + fp) >= 0.85, (tp, fp)


@pytest.mark.parametrize("text", ISSUE_MISSES)
def test_model_catches_what_the_old_check_missed(text: str) -> None:
    result = checks.check(text)
    assert result.crime_disclosure, text
    assert result.offence_families, text


def test_model_catches_some_the_rules_cannot() -> None:
    """Most of the issue's misses are beyond the rules: the model is what catches them."""
    rules_only = [t for t in ISSUE_MISSES if crime_rules.crime_reasons(t)]
    assert len(rules_only) < len(ISSUE_MISSES) / 2
    assert all(checks.text_check(t).model_flagged for t in ISSUE_MISSES if t not in rules_only)


@pytest.mark.parametrize("text", EMERGENCIES)
def test_emergencies_are_always_danger_now(text: str) -> None:
    result = checks.check(text)
    assert result.danger_now and result.crime_disclosure, (text, result.reasons)
    assert result.reasons[0].startswith("Someone may be in danger now:")
    assert result.as_dict()["danger_now"] is True


@pytest.mark.parametrize("text", NOT_DISCLOSURES)
def test_negation_already_reported_and_plain_intelligence_are_not_flagged(text: str) -> None:
    result = checks.check(text)
    assert not result.crime_disclosure, (text, result.reasons)
    assert not result.danger_now and result.offence_families == []


def test_a_yes_to_either_question_is_a_flag_of_its_own() -> None:
    plain = NOT_DISCLOSURES[-1]
    danger = checks.check(plain, said_danger=True)
    assert danger.crime_disclosure and danger.danger_now
    assert danger.reasons[0] == "You said someone is in danger right now."
    crime = checks.check(plain, said_crime=True)
    assert crime.crime_disclosure and not crime.danger_now
    assert crime.reasons[0].startswith("You said someone has described something")


def test_explanations_quote_the_sentence_and_the_nearest_examples_never_a_score() -> None:
    text = (
        "Met Jaylen at the drop-in at 16:00, he was chatty about football. Later he told me a "
        "man online pays him in game credits to do things on webcam for him most nights."
    )
    result = checks.check(text)
    assert result.crime_disclosure
    joined = " ".join(result.reasons)
    # The sentence that reads most like an offence is quoted, not the small talk.
    assert "pays him in game credits" in joined
    reads_like = [
        r for r in result.reasons if r.startswith("Reads like this made-up example: \u201c")
    ]
    assert len(reads_like) == checks.NEIGHBOURS
    assert all(re.search(r"\(crime: [a-z ,-]+\)$", r) for r in reads_like), reads_like
    # Words, never a bare number: no probabilities or percentages.
    assert not re.search(r"\b0\.\d|\d+ ?%", joined), joined


def test_offence_families_name_the_kind_of_offence() -> None:
    result = checks.check("Her aunt is taking her abroad next week to be cut, her cousin told me.")
    assert result.offence_families[0] == "fgm"
    assert "female genital mutilation" in result.family_labels


def test_empty_text_is_not_a_crime() -> None:
    for text in ("", "   ", "\n"):
        result = checks.text_check(text)
        assert not result.crime and not result.danger_now and result.reasons == []


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
    # A crime reference's letters are not initials (outside tester).
    referenced = checks.check(
        "Already reported as crime CR/2023/88812; the same grey car was back on Friday.",
        how_known="told",
    )
    assert "initials" not in {q.code for q in referenced.quality_issues}
    long = checks.check("word " * 301, how_known="told")
    assert [q.code for q in long.quality_issues] == ["too_long"]


@pytest.mark.parametrize(
    ("text", "letters"),
    [
        ("Met with T and his mate at the shops at 16:00 on Monday.", {"T"}),
        ("A girl (A) was seen getting into the car.", {"A"}),
        ("T said he owes money to older lads.", {"T"}),
        ("Collected from T's flat on Mill Road.", {"T"}),
        ("A said she was scared to go home.", {"A"}),
        ("Dean Fictional was seen with J.", {"J"}),
        ("Child A and Child B were seen at the park.", {"A", "B"}),
    ],
)
def test_single_letter_names_are_initials(text: str, letters: set[str]) -> None:
    """A lone capital where a name goes is an initial (outside tester: "T", "(A)")."""
    assert set(checks.single_initials(text)) == letters
    result = checks.check(text, how_known="told")
    assert "initials" in {q.code for q in result.quality_issues}


@pytest.mark.parametrize(
    "text",
    [
        "I saw him outside the shop at 16:00 on Monday.",
        "A man was seen at the gates at 15:15 on Monday.",
        "Dean Fictional is in Year 9 set B and was seen at the gates on Monday.",
        "Plan A is to speak to mum on Monday.",
        "Grey Ford Focus, registration ending in K, VRM LK19 ABC, postcode M1 1AA.",
        "plate starting with T seen at 15:15 on Monday",
        "Already reported as crime CR/2023/88812; the same grey car was back on Friday.",
        "Dean Fictional was seen with Class A drugs on Monday.",
        "Skye Fictional was taken to A and E on Monday, then to A&E again on Tuesday.",
        "Dean Fictional wore a white T-shirt; his friend Mr O'Brien drove.",
        "Skye Fictional lives at Flat B, 12 Mill Road.",
        "Skye Fictional had her Hep B jab and Vitamin D on Monday.",
        "Skye Fictional got an A in maths and is taking A levels.",
        "A 14 year old girl was seen at the gates at 15:15 on Monday.",
        "14yo F seen in clinic on Monday; bruise L forearm, abscess R thigh, T 38.2.",
        "CCTV requested for stairwell B, Horsley Court, on Monday at 22:10.",
    ],
)
def test_single_capitals_that_are_not_names_are_not_initials(text: str) -> None:
    assert checks.single_initials(text) == []
    result = checks.check(text, how_known="told")
    assert "initials" not in {q.code for q in result.quality_issues}


def test_good_entry_has_no_quality_issues() -> None:
    result = checks.check(
        "Dean Fictional, aged about 30, collected Skye from the gates at 15:15 on Monday.",
        how_known="first_hand",
        mentions=[{"kind": "person", "given_name": "Dean", "estimated_age": 30}],
    )
    assert result.quality_issues == [] and not result.crime_disclosure


@pytest.mark.parametrize(
    "text",
    [
        "Amira Testdobson said Reece shared one of her nude pictures in a Snapchat group "
        "yesterday.",
        "Reece Testriley posted her nudes on Snapchat last night.",
        "Amira says Reece has now posted one of her images on a group chat. He had threatened "
        "to if she did not send more.",
    ],
)
def test_a_childs_intimate_image_shared_is_a_crime(text: str) -> None:
    """Outside tester 8: sharing done (not threatened) passed unflagged."""
    assert checks.text_check(text).crime


@pytest.mark.parametrize(
    "text",
    [
        "Dad shared his photos of the match on Instagram.",
        "She posted her pictures of the school trip online.",
    ],
)
def test_ordinary_photos_shared_are_not(text: str) -> None:
    assert not checks.text_check(text).crime


def test_a_sighting_tonight_is_not_danger_now_on_the_danger_heads_word_alone() -> None:
    """Outside tester 8: a car parked with its engine running "tonight at 19:30" read as
    danger now (the danger head alone, the crime model sure there was no offence), put a
    999 banner on a sighting and a red "Danger now" tag at the top of the FIB queue."""
    found = checks.text_check(
        "Devon Testgolf's silver Golf on Kings Road tonight at 19:30, parked 20 min, engine "
        "running.\nNothing else."
    )
    assert not found.danger_now and not found.crime
    # The head alone still flags where the crime model does not rule an offence out.
    assert checks.text_check(
        "21:05 just saw 2 men drag a lad (14ish, red puffer) into a dark blue van outside the "
        "chippy on Testfield Road"
    ).danger_now


def test_a_one_word_answer_is_not_quoted_as_the_offence() -> None:
    """Outside tester 8: "n/a" in "Anything else" was quoted as the sentence that reads
    most like an offence; in the corpus (this entry), "She's 16." was quoted likewise."""
    found = checks.text_check(
        "Saoirse got a voice note this morning from unknown number 07700 900655 - "
        "man's voice saying he'll 'throw acid in her face' if she keeps talking to Lorcan's "
        "ex. She played it to me. She's 16."
    )
    assert found.crime
    assert found.sentence.startswith("Saoirse got a voice note")
    assert not any("\u201cShe's 16.\u201d" in r for r in found.reasons)


def test_a_long_sentence_is_quoted_whole_with_the_words_that_flag_it() -> None:
    """Outside tester 12: the quote stopped at 160 characters, before the offence."""
    sentence = (
        "Olivia Testpenny (14) told me in the pastoral office this morning that a man she "
        "knows only as Kyle, about 25, messaged her on Snapchat last weekend and again on "
        "Tuesday evening and asked her to send him a naked picture of herself."
    )
    assert len(sentence) > 200
    result = checks.check(sentence)
    assert result.crime_disclosure
    assert any("asked her to send him a naked picture" in r for r in result.reasons)
