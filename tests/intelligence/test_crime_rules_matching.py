"""The rules' fast matching (crime_rules.Rule) finds exactly what the plain case-insensitive
pattern finds: on the text's lower case without re.IGNORECASE where that is exact, the
re.IGNORECASE path elsewhere, a text lacking every string a match needs never searched, and
a sentence searched only for what its whole text has (`within`). Checked for every rule
over a fifth of the corpus (texts and sentences) and over awkward characters."""

from __future__ import annotations

import re

import pytest

from cairn.intelligence import crime_rules
from cairn.intelligence.crime_corpus import load_corpus, load_project_examples
from cairn.intelligence.crime_rules import (
    CasedRule,
    Rule,
    alternatives,
    fold,
    is_local,
    needed_strings,
    scan,
)

RULES: list[tuple[str, Rule]] = [
    (name, value) for name, value in vars(crime_rules).items() if isinstance(value, Rule)
] + [(label, rule) for label, rule, _ in crime_rules.COMPILED]

AWKWARD = [
    "He \u017ftole her phone and KICKED HER.",  # a long s: re.IGNORECASE reads it as "s"
    "\u212aicked her in the face",  # the kelvin sign: "k"
    "\u0130 was hit by him",  # capital I with a dot lower-cases to two characters
    "\u00c9LODIE said he hit her. She is 14 y/o.",
    "\u00a3200 was taken from her account and she never agreed to it",
    "He said he\u2019d kill her if she told anyone \u2014 right now",
    "NOBODY HAS HURT HER",
    "",
    "I HEARD A RUMOUR HE STABBED SOMEONE",
    # Sentences whose neighbours a pattern's lookaround or anchor would see in the whole text.
    "She was hit\nby a ball at lunch",
    "He is at risk of being\nsexually exploited. A man had sex with her (14)",
    "Worried about him.\nHe's getting jumped after school",
    "\u0130 saw it.\nHe kicked her and she is 12 y/o",
    # A named person (CasedRule: the name's capitals decide).
    "They MADE Jayden Testcroft TAKE the bag. they made jayden take it",
    "They made \u00c9lodie Testcroft sell it; made \u212aai take it",
    "Made Kai\nsell it. Forced Everyone to carry",
]


def _texts() -> list[str]:
    entries = [*load_corpus()[::5], *load_project_examples()[::5]]
    texts = [e.text for e in entries] + AWKWARD
    return texts + [s for t in texts for s in crime_rules.sentences(t)]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return _texts()


def plain_pattern(rule: Rule) -> re.Pattern[str]:
    """What `rule` must find: its pattern, case-insensitive; a CasedRule's cased pattern,
    as written (its case-folded pattern only says where to look)."""
    if isinstance(rule, CasedRule):
        return re.compile(rule.cased)
    return re.compile(rule.pattern, re.I)


@pytest.mark.parametrize(("name", "rule"), RULES, ids=[n for n, _ in RULES])
def test_rule_finds_what_the_case_insensitive_pattern_finds(
    name: str, rule: Rule, texts: list[str]
) -> None:
    plain = plain_pattern(rule)
    for text in texts:
        folded = fold(text)
        expected = [m.span() for m in plain.finditer(text)]
        assert list(rule.spans(folded)) == expected, (name, text)
        assert rule.found(folded) == bool(expected), (name, text)
        assert rule.search(text) == bool(expected), (name, text)
        assert rule.fullmatch(folded) == bool(plain.fullmatch(text)), (name, text)


@pytest.mark.parametrize(("name", "rule"), RULES, ids=[n for n, _ in RULES])
def test_rule_finds_in_a_sentence_what_the_pattern_finds(
    name: str, rule: Rule, texts: list[str]
) -> None:
    """A sentence searched `within` its whole text (the whole text's results reused) finds
    exactly what the plain pattern finds in the sentence alone."""
    plain = plain_pattern(rule)
    for text in texts:
        whole = scan(text)
        for sentence in crime_rules.sentences(text):
            expected = [m.span() for m in plain.finditer(sentence)]
            folded = fold(sentence)
            assert rule.found(folded, whole) == bool(expected), (name, sentence, text)
            assert list(rule.spans(folded, whole)) == expected, (name, sentence, text)
            assert rule.search(sentence, text) == bool(expected), (name, sentence, text)


@pytest.mark.parametrize(("name", "rule"), RULES, ids=[n for n, _ in RULES])
def test_alternatives_match_what_the_pattern_matches(
    name: str, rule: Rule, texts: list[str]
) -> None:
    plain = re.compile(rule.pattern, re.I)
    parts = [re.compile(a, re.I) for a in alternatives(rule.pattern)]
    for text in texts:
        assert any(p.search(text) for p in parts) == bool(plain.search(text)), (name, text)


def test_alternatives_split_only_what_is_not_local() -> None:
    assert alternatives(r"\ba\b|c") == [r"\ba\b", "c"]
    assert alternatives(r"\b(?:rape|(?<!risk of )exploit)\w*|^x") == [
        r"\brape\w*",
        r"\b(?<!risk of )exploit\w*",
        "^x",
    ]
    # A group that is optional cannot be split by its alternatives.
    assert alternatives(r"\b(?:a|(?=b)c)?d") == [r"\b(?:a|(?=b)c)?d"]
    assert alternatives(r"[(|]x|y") == ["[(|]x", "y"]


def test_is_local() -> None:
    assert is_local(r"\b(?:hit|kick)\s+[^.]{0,40}her\b")
    for pattern in (r"^a", r"a$", r"(?<!b)a", r"a(?!b)", r"(?=a)", r"(a)\1"):
        assert not is_local(pattern), pattern


def test_fold_lower_cases_only_where_that_is_exact() -> None:
    assert fold("He HIT her").lower == "he hit her"
    assert fold("\u00a3200 \u2019taken\u2019 \u00e9").lower == "\u00a3200 \u2019taken\u2019 \u00e9"
    for awkward in ("\u017ftole", "\u212aicked", "\u0130 was", "\u0131", "\u00c9lodie"):
        assert fold(awkward).lower is None, awkward
    assert fold("Ab\u00e9Cd")[1:4] == fold("b\u00e9C")


def test_needed_strings() -> None:
    assert needed_strings(r"\bab(?:c|d)e\b") == ("abce", "abde")
    # The most telling part of a sequence: the longer literal, not the one-letter one.
    assert needed_strings(r"x\s+(?:hello|world)\b") == ("hello", "world")
    # A string that contains another adds nothing.
    assert needed_strings(r"\b(?:hit|hits|hitting)\b") == ("hit",)
    # Nothing every match needs: an optional part, a class, an alternative that needs nothing.
    assert needed_strings(r"(?:abc)?\d+") is None
    assert needed_strings(r"abc|\w+") is None
    assert needed_strings(r"(?=.*abc)") is None
