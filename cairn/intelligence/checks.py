"""The crime-disclosure, danger-now and quality check for a FIB submission, and the same
text check for a concern's narrative and sign evidence (ADRs 0010, 0016, 0017). Pure:
text and a few answers in, a verdict out; no database, no network, no download.

Crime disclosure. An intelligence entry creates no crime record, so an offence reported as
intel gets no investigation and no victim care. A text is a crime disclosure when the rules
flag it (crime_rules.py: an offence phrase reported as real) OR the semantic model does
(crime_model.py: WordLlama embeddings, word and character TF-IDF and the rules' building
blocks, a calibrated logistic regression trained on the labelled corpus), OR someone may be
in danger now, OR the submitter said so in answer to the form's two plain questions.

Danger now. A separate signal: the danger-now head of the model, or an offence sentence
that says it is happening now ("right now", "tonight", "I can hear him"). It puts "Call 999
now" first on the page; an entry in danger now is a crime disclosure too.

Explanations are words, never a bare score: the sentence that reads most like an offence,
the offence family, and the nearest labelled examples ("reads like: ... (crime: online
abuse)"). The API shape is {crime_disclosure, reasons, quality_issues, danger_now,
offence_families}.

Quality. The seed deck's rules: short and to the point, who is the source and how do you
know, as much detail as possible (full names not initials, dates of birth or ages), one
subject per entry, a real time not "recently"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from . import crime_rules
from .crime_families import name_families
from .crime_model import CrimeModel, family_label, model
from .crime_rules import crime_reasons

__all__ = [
    "CheckResult",
    "QualityIssue",
    "TextCheck",
    "check",
    "crime_reasons",
    "form_text",
    "text_check",
]

MAX_WORDS = 300
# The least crime probability with which the danger head may flag danger now on its own.
DANGER_ALONE_CRIME_FLOOR = 0.05


# The words of an answer that says nothing ("Nothing else.", "n/a", "That's all I know").
FILLER_WORDS = frozenset(
    [
        "nothing",
        "else",
        "more",
        "further",
        "to",
        "add",
        "report",
        "say",
        "no",
        "none",
        "nil",
        "n",
        "a",
        "na",
        "info",
        "information",
        "detail",
        "details",
        "at",
        "this",
        "the",
        "time",
        "moment",
        "present",
        "that",
        "thats",
        "that's",
        "all",
        "i",
        "know",
        "it",
        "is",
        "see",
        "above",
        "as",
        "not",
        "known",
        "applicable",
        "other",
        "currently",
        "for",
        "now",
    ]
)
MAX_FILLER_WORDS = 8


def is_filler(answer: str) -> bool:
    """An answer with no content: only the words people type to leave a box 'filled'."""
    words = re.findall(r"[a-z']+", answer.lower().replace("n/a", "na"))
    return len(words) <= MAX_FILLER_WORDS and all(w in FILLER_WORDS for w in words)


def form_text(*answers: str) -> str:
    """A form's free-text answers as the one text the check reads, a line each, leaving out
    an answer that says nothing. Read as one: each field read alone flagged more plain
    entries (bench/README.md, issue 12 N1). Filler is left out because the model reads it
    as a sign of a plain note: "Nothing else." in "Anything else" took a coerced drugs run
    from p 0.50 to 0.08, under the threshold (2026-12-07, late; blind two-field figures of
    this way, measured before: recall 0.975, precision 0.830, against 0.839 joined)."""
    return "\n".join(a for a in answers if a and a.strip() and not is_filler(a))


# Text read as danger now, with "no" to the question about immediate danger: the submitter
# confirms nobody is (a box with this label), or does what `instead` says (ADR 0019).
NO_DANGER_LABEL = "I have checked: nobody is in danger right now"


def no_danger_confirm(instead: str) -> str:
    """The message asking for that box; `instead` is what to do if someone is in danger."""
    return (
        "What you wrote reads as someone in danger right now. If anyone is, call 999 now "
        f"and {instead}. If nobody is in danger now, tick the box to say you have checked"
    )


# How many labelled examples a flag shows.
NEIGHBOURS = 2

# Two capitals standing alone; not the letters of a reference ("CR/2023/88812", "AB-12").
INITIALS = re.compile(r"\b(?:[A-Z]\.\s?){2,3}|\b[A-Z]{2}\b(?![-/\d])")
NOT_INITIALS = frozenset(
    {"UK", "OK", "PE", "IT", "TV", "PC", "DS", "DC", "GP", "AM", "PM", "ID", "MP", "NHS", "A&E"}
)
# One capital standing alone where a name goes ("met with T and his mate", "(A)", "T's
# flat"): not part of a reference, an address or a plate ("Flat B", "AB-12", "T-shirt",
# "O'Brien", "A&E", "A.B."), checked in context by `single_initials`.
SINGLE_CAPITAL = re.compile(r"(?<![\w&/\-.'\u2019])([A-Z])(?![\w&/\-]|\.\w|['\u2019][A-Z])")
# The word before a lone capital that makes it a label, not a name: "set B", "Plan A",
# "Class A drugs", "Flat C", "Hep B", "Vitamin D", "grade C", "registration ending K".
LABEL_BEFORE = frozenset(
    {
        "set", "plan", "grade", "grades", "class", "category", "cat", "block", "flat", "room",
        "unit", "type", "group", "form", "level", "vitamin", "hep", "hepatitis", "section",
        "part", "option", "stage", "band", "tier", "wing", "ward", "gate", "door", "floor",
        "platform", "bay", "zone", "exit", "route", "bus", "line", "letter", "plate", "reg",
        "registration", "vrm", "index", "building", "house", "court", "stand", "pitch",
        "corridor", "lab", "pod", "phase", "team", "division", "schedule", "appendix",
        "annex", "figure", "table", "question", "q", "point", "paragraph", "ending", "ends",
        "starting", "starts", "beginning", "begins", "plus", "minus", "size", "cup", "the",
        "stairwell", "stairs", "staircase", "entrance", "lift", "tower", "landing", "car",
        "park", "carriage", "coach", "terminal", "pier", "wharf",
    }
)  # fmt: skip
# The word before a lone capital that makes it a street nickname, not an initial: "Big T",
# "Lil D", "Young M", "Boss K" (the initials warning asked for a full name where the
# nickname is what people use; "Mr K" and "met with T" are still initials).
NICKNAME_BEFORE = frozenset(
    {
        "big", "lil", "lil'", "little", "young", "yung", "baby", "boss", "mad", "tiny", "fat",
        "slim", "king", "queen", "don", "kid", "bro", "lady", "wee", "small", "smalls", "older",
    }
)  # fmt: skip
SEX_AFTER = frozenset({"yo", "yrs", "yr", "old", "yp", "pt", "patient", "aged", "age"})
PLATE_PART = frozenset({"ending", "ends", "ended", "starting", "starts", "beginning", "begins"})
# The word after a lone capital that makes it a label: "A level", "B road", "L plates".
LABEL_AFTER = frozenset(
    {
        "level", "levels", "road", "roads", "list", "team", "side", "drugs", "drug", "grade",
        "grades", "plate", "plates", "block", "wing", "shift", "section", "type", "stream",
        "set", "star", "class", "registration", "reg", "number", "positive", "negative",
        "hand", "arm", "leg", "eye", "ear", "foot", "knee", "wrist", "shoulder", "elbow",
        "ankle", "hip", "cheek", "thigh", "forearm", "humerus", "tm", "shin", "calf", "chest",
        "breast", "rib", "ribs", "finger", "thumb", "toe", "temple", "buttock", "flank", "lung",
        "kidney", "femur", "tibia", "radius", "ulna", "upper", "lower",
    }
)  # fmt: skip
# After "A", the words that make it a name rather than the article ("A said", "A and his
# mate"); an "A" before anything else ("A man was seen") is the article.
A_AS_NAME_BEFORE = frozenset(
    {
        "and", "said", "says", "told", "tells", "is", "was", "has", "had", "who", "went",
        "goes", "came", "comes", "lives", "got", "gets", "took", "takes", "will", "would",
        "can", "could", "did", "does", "wants", "wanted", "knows", "knew", "then", "or",
    }
)  # fmt: skip
WORD = re.compile(r"[A-Za-z]+")
VAGUE_TIME = re.compile(
    r"\b(?:recently|lately|a while (?:ago|back)|some time ago|the other day|a few (?:days|weeks|"
    r"months) ago|ages ago|at some point|sometime|now and then|from time to time)\b",
    re.I,
)
SEVERAL_SUBJECTS = re.compile(
    r"\b(?:also|another|separately|in a separate|in addition|as well as)\b[^.]{0,50}?"
    r"\b(?:girl|boy|child|pupil|student|young person|sister|brother)\b",
    re.I,
)


@dataclass
class QualityIssue:
    code: str
    message: str


@dataclass
class TextCheck:
    """What the text check found in a piece of text."""

    crime: bool = False
    danger_now: bool = False
    reasons: list[str] = field(default_factory=list)
    families: list[str] = field(default_factory=list)
    # The sentence that reads most like an offence ("" when nothing was flagged).
    sentence: str = ""
    rules_flagged: bool = False
    model_flagged: bool = False


@dataclass
class CheckResult:
    crime_disclosure: bool
    reasons: list[str] = field(default_factory=list)
    quality_issues: list[QualityIssue] = field(default_factory=list)
    danger_now: bool = False
    offence_families: list[str] = field(default_factory=list)
    # The sentence that reads as happening now (for the "Call 999 now" banner; not in the API).
    danger_sentence: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "crime_disclosure": self.crime_disclosure,
            "danger_now": self.danger_now,
            "offence_families": list(self.offence_families),
            "reasons": list(self.reasons),
            "quality_issues": [{"code": q.code, "message": q.message} for q in self.quality_issues],
        }

    @property
    def family_labels(self) -> list[str]:
        return [family_label(f) for f in self.offence_families]


def text_check(text: str, crime_model: CrimeModel | None = None) -> TextCheck:
    """The crime and danger-now check of `text` (rules OR model; danger now is a crime)."""
    if not text.strip():
        return TextCheck()
    m = crime_model or model()
    verdicts = crime_rules.sentence_verdicts(text)
    rule_reasons = [v.reason for v in verdicts if v.reason]
    whole = m.features([text])[0]
    p = m.crime_probability(whole)
    pd = m.danger_probability(whole)
    # An offence that happened again, beside the report of an earlier one, is read without
    # that report: the model learned that a crime reference means "reported already".
    # Likewise without a school's or agency's own log number ("Logged on CPOMS ref 55120").
    if p < m.crime.threshold:
        new = crime_rules.without_local_logs(crime_rules.without_earlier_reports(text))
        if new != text and new.strip():
            p = max(p, m.crime_probability(m.features([new])[0]))
    model_flag = p >= m.crime.threshold
    # The danger head's word alone needs the crime model not to be sure there is no offence
    # (outside tester 8: "silver Golf on Kings Road tonight at 19:30, engine running" read
    # as danger now at p(crime) 0.002; no danger-now text in the corpus is under 0.4).
    danger_alone = pd >= m.danger_alone and p >= DANGER_ALONE_CRIME_FLOOR
    urgent = crime_rules.urgent_now(text)
    # A note that says it has been reported already ("I have reported it", a crime
    # reference) is not a new disclosure on the model's word alone: the rules must find a
    # new offence sentence, or someone must be in danger now (outside tester: "I have
    # reported it" and a plain sighting headlined "looks like a crime").
    # Likewise a note that says nothing was disclosed, or shares only a worry (exploitation
    # indicators in plain words: the false flags of the 2026-12-07 writers' blind files), or
    # says plainly the harm was a film, a game or a joke (fourth sealed set).
    if (
        not rule_reasons
        and not danger_alone
        and not urgent
        and (
            crime_rules.reported_already(text)
            or crime_rules.indicator_note(text)
            or crime_rules.fiction_or_joke(text)
        )
    ):
        return TextCheck()
    # Someone in danger now is a crime disclosure on the rules' word too (fourth sealed
    # set: harm promised if a boy is not at the trap by 12, which the model did not flag).
    if not (rule_reasons or model_flag or danger_alone or urgent):
        return TextCheck()
    # The sentences, each scored: the one that reads most like an offence is quoted.
    parts = [v.sentence for v in verdicts] or [text]
    feats = [whole] if len(parts) == 1 else m.features(parts, hand=False)
    # A fragment of one or two words ("n/a" in "Anything else") is quoted last: on its own
    # it can score high and make no sense as the sentence read as an offence (outside
    # tester 8). "Just now." still counts where it qualifies the sentence before (`near`).
    scored = sorted(
        ((m.crime_probability(f), i) for i, f in enumerate(feats)),
        key=lambda s: (len(parts[s[1]].split()) < 3, -s[0], s[1]),
    )
    ranked = [parts[i] for _, i in scored]
    # The sentence that reads most like an offence, with all its features (its rules'
    # building blocks added to those it was ranked by), names the family and finds the
    # nearest examples.
    first = feats[scored[0][1]]
    best = whole if len(parts) == 1 else replace(first, hand=m.hand_row(ranked[0], text))
    offence_sentences = [v.sentence for v in verdicts if v.reason] or ranked[:1]
    # Where "it is happening now" counts: the offence sentences, the two that read most like
    # an offence, and short fragments that qualify the one before ("Just now.").
    near = [*offence_sentences, *ranked[:2], *(s for s in parts if len(s.split()) <= 5)]
    # "Is safe now" is a now-phrase that says it is over.
    danger_phrase = urgent or next(
        (
            s
            for s in near
            if (crime_rules.DANGER_NOW.search(s, text) or crime_rules.NOW_TEXTING.search(s))
            and not crime_rules.SAFE_NOW.search(s)
        ),
        "",
    )
    # Danger now: someone kept somewhere now, children alone since this morning or a call for
    # someone now, anywhere in the text; otherwise, unless a past time and "safe now" say it
    # is over, the head alone when it is sure, or for a flagged offence a sentence beside it
    # that says it is happening now, or the head above its low threshold when no time puts
    # the offence in the past ("on Monday", "last night") and nothing says it is over.
    past = bool(crime_rules.PAST_TIME.search(text) or crime_rules.PAST_SIGHTING.search(text))
    safe = bool(crime_rules.SAFE_NOW.search(text))
    danger_now = bool(urgent) or (
        not (past and safe)
        and (
            danger_alone
            or bool(danger_phrase)
            or (pd >= m.danger.threshold and not past and not safe)
        )
    )
    # A family a cue or a flagging rule names comes before the model's guess (outside
    # tester: sextortion was named drug supply, FGM forced marriage, county lines robbery).
    families = name_families(
        offence_sentences if rule_reasons else ranked[:1],
        text,
        crime_rules.families_of(verdicts),
        m.family_probabilities(best),
    )
    reasons: list[str] = []
    if danger_now:
        quoted = crime_rules.quote(danger_phrase or ranked[0])
        reasons.append(f"Someone may be in danger now: \u201c{quoted}\u201d")
    reasons.extend(rule_reasons)
    if not rule_reasons:
        reasons.append(
            f"It reads like an account of {family_label(families[0])} (automatic check, "
            f"trained on labelled example entries): \u201c{crime_rules.quote(ranked[0])}\u201d"
        )
    # The examples are invented training text; said so, or their names and addresses pass
    # for other agencies' records (outside tester).
    # The examples shown are of the families named (the first one first), so the label
    # beside an example agrees with the family the check names.
    for neighbour in m.nearest(best.embedding, k=NEIGHBOURS, families=families):
        reasons.append(
            f"Reads like this made-up example: \u201c{crime_rules.quote(neighbour.text)}\u201d "
            f"(crime: {family_label(neighbour.family)})"
        )
    return TextCheck(
        crime=True,
        danger_now=danger_now,
        reasons=reasons,
        families=families,
        sentence=crime_rules.quote(
            danger_phrase or (offence_sentences[0] if rule_reasons else ranked[0])
        ),
        rules_flagged=bool(rule_reasons),
        model_flagged=model_flag,
    )


def single_initials(text: str) -> list[str]:
    """The lone capital letters of `text` that stand where a name goes."""
    found: list[str] = []
    for match in SINGLE_CAPITAL.finditer(text):
        letter, start, end = match.group(1), match.start(), match.end()
        if letter == "I":
            continue
        before = WORD.findall(text[max(0, start - 30) : start])
        after = WORD.findall(text[end : end + 30])
        previous = before[-1].lower() if before else ""
        following = after[0] if after else ""
        # "A and E" is A&E written out; "B and Q" a shop.
        if text[end : end + 6] in (" and E", " and Q") or text[max(0, start - 6) : end] in (
            "A and E",
            "B and Q",
        ):
            continue
        # A clinical reading: "T 38.2".
        if re.match(r"\s*\d+\.\d", text[end : end + 8]):
            continue
        # "ending in K", "starting with T": part of a plate or a reference.
        if len(before) >= 2 and before[-2].lower() in PLATE_PART and previous in ("in", "with"):
            continue
        if previous in LABEL_BEFORE or following.lower() in LABEL_AFTER:
            continue
        # A nickname: "Big T", "Lil' D" (the word right before it, not across a comma).
        if re.search(r"[A-Za-z']\s$", text[max(0, start - 2) : start]) and (
            previous in NICKNAME_BEFORE or previous + "'" in NICKNAME_BEFORE
        ):
            continue
        # A list's label at the start of a line: "B) the second point".
        if text[end : end + 1] == ")" and text[start - 1 : start] != "(":
            continue
        bracketed = text[start - 1 : start] == "(" and text[end : end + 1] == ")"
        if letter == "A" and not bracketed:
            rest = text[end:].lstrip()
            if rest[:1].isalnum() and following.lower() not in A_AS_NAME_BEFORE:
                continue
        # Sex in clinical shorthand: "14yo F", "yp M", "13 M".
        if letter in "MF" and (previous in SEX_AFTER or text[:start].rstrip()[-1:].isdigit()):
            continue
        found.append(letter)
    return found


def _person_has_age(mention: dict[str, Any]) -> bool:
    return bool(mention.get("date_of_birth")) or mention.get("estimated_age") is not None


def quality_issues(
    text: str,
    *,
    how_known: str | None = None,
    mentions: list[dict[str, Any]] | None = None,
    when_given: bool = True,
) -> list[QualityIssue]:
    issues: list[QualityIssue] = []
    found = [m.group(0).strip() for m in INITIALS.finditer(text)]
    initials = [i for i in found if i.replace(".", "").replace(" ", "") not in NOT_INITIALS]
    initials += single_initials(text)
    if initials:
        issues.append(
            QualityIssue(
                "initials",
                f"Use full names, not initials (found {', '.join(sorted(set(initials))[:3])}). "
                "Give a nickname too if that is what people use.",
            )
        )
    people = [m for m in mentions or [] if m.get("kind") == "person"]
    if any(not _person_has_age(p) for p in people):
        issues.append(
            QualityIssue(
                "person_without_age",
                "Give a date of birth, or an age if that is all you know, for each person.",
            )
        )
    if not how_known:
        issues.append(
            QualityIssue(
                "no_source",
                "Say who the source is and how they know: first-hand, told by someone, "
                "or don't know.",
            )
        )
    if SEVERAL_SUBJECTS.search(text) or len(people) > 3:
        issues.append(
            QualityIssue(
                "several_subjects",
                "Keep to one subject per entry. Submit a separate entry for each other "
                "child or person.",
            )
        )
    if VAGUE_TIME.search(text) or not when_given:
        issues.append(
            QualityIssue(
                "vague_time",
                "Give the date and time it happened, not \u2018recently\u2019 or "
                "\u2018the other day\u2019.",
            )
        )
    if len(text.split()) > MAX_WORDS:
        issues.append(
            QualityIssue(
                "too_long",
                f"Keep it short and to the point: {MAX_WORDS} words at most "
                f"(this has {len(text.split())}).",
            )
        )
    return issues


def check(
    text: str,
    *,
    how_known: str | None = None,
    mentions: list[dict[str, Any]] | None = None,
    when_given: bool = True,
    said_danger: bool = False,
    said_crime: bool = False,
) -> CheckResult:
    """The whole check of a FIB entry. `said_danger` and `said_crime` are the submitter's
    answers to the form's two questions (a yes is a flag of its own, said first)."""
    found = text_check(text)
    reasons: list[str] = []
    if said_danger:
        reasons.append("You said someone is in danger right now.")
    if said_crime:
        reasons.append(
            "You said someone has described something that happened to them or someone else "
            "that could be a crime."
        )
    reasons.extend(found.reasons)
    return CheckResult(
        crime_disclosure=found.crime or said_danger or said_crime,
        reasons=reasons,
        quality_issues=quality_issues(
            text, how_known=how_known, mentions=mentions, when_given=when_given
        ),
        danger_now=found.danger_now or said_danger,
        offence_families=found.families,
        danger_sentence=found.sentence if found.danger_now else "",
    )
