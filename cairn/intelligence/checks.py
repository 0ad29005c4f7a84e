"""The crime-disclosure and quality check for a FIB submission. Pure: text and a few
answers in, a verdict out; no database, no model files (see ADR 0010).

Crime disclosure. An intelligence entry creates no crime record, so an offence reported
as intel gets no investigation and no victim care. The check looks, sentence by sentence,
for an offence against a person (assault, sexual offences, coercion into crime, detention,
robbery, supplying drugs to a child) and then for how it is being reported:
- in progress ("right now", "is being held") -> a disclosure;
- a victim's own account ("he hit me", "I was ...") -> a disclosure;
- someone disclosing or describing it to the submitter ("she told me that", "disclosed",
  "I saw him ...") -> a disclosure, including third-party hearsay of a specific offence
  (police record crimes reported by third parties);
- a bare statement that it happened ("a man punched a pupil") -> a disclosure;
- only reputation or rumour ("rumoured", "arrested for", "known for", "years ago") with
  none of the above -> intelligence (it says something about a person, not a new crime).
It is tuned for recall: a wrong flag costs the submitter a rephrase or a recorded reason;
a missed disclosure costs a child an investigation.

Quality. The seed deck's rules: short and to the point, who is the source and how do you
know, as much detail as possible (full names not initials, dates of birth or ages), one
subject per entry, a real time not "recently"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MAX_WORDS = 300

VICTIM = (
    r"(?:her|him|me|them|us|my (?:son|daughter|friend|sister|brother)|"
    r"(?:a|the|another|one) (?:girl|boy|child|pupil|student|young person|teenager|kid|"
    r"woman|man|resident|year \d+ (?:girl|boy|pupil|student))|"
    r"(?:his|her|my) (?:girlfriend|partner|friend|sister|brother|mum|dad|mother|father))"
)
HARM_VERBS = (
    r"(?:hit|hits|hitting|punch(?:ed|es|ing)?|kick(?:ed|s|ing)?|slap(?:ped|s|ping)?|beat|"
    r"beats|beating|beaten|battered|attack(?:ed|s|ing)?|assault(?:ed|s|ing)?|stab(?:bed|s)?|"
    r"strangl(?:ed|es|ing)|chok(?:ed|es|ing)|headbutt(?:ed)?|burn(?:ed|t)|hurt(?:s|ing)?|"
    r"injur(?:ed|es|ing)|grab(?:bed|s|bing)?|drag(?:ged|s|ging)?|push(?:ed|es|ing)?|"
    r"threaten(?:ed|s|ing)?|"
    r"rap(?:ed|es|ing)|molest(?:ed|s|ing)?|grop(?:ed|es|ing)|abus(?:ed|es|ing)|"
    r"rob(?:bed|s)?|mug(?:ged|s)?|kidnap(?:ped|s)?|abduct(?:ed|s)?|traffick(?:ed|s)?|"
    r"touch(?:ed|es|ing)?)"
)
OFFENCE_PATTERNS: list[tuple[str, str]] = [
    ("violence or abuse against a person", rf"\b{HARM_VERBS}\s+{VICTIM}\b"),
    (
        "a person was harmed",
        r"\b(?:was|were|been|being|got)\s+(?:(?:badly|sexually|physically)\s+)?"
        r"(?:hit|punched|kicked|slapped|beaten|battered|attacked|assaulted|stabbed|strangled|"
        r"choked|raped|molested|groped|abused|robbed|mugged|kidnapped|abducted|trafficked|"
        r"touched|threatened|hurt|injured|burned|held|kept in|locked in|forced|made to)\b"
        r"(?!\s+by (?:a|the) (?:ball|football|door|car|bus|bike))|"
        r"\bnot allowed (?:out|to (?:leave|go))\b",
    ),
    (
        "a sexual offence",
        r"\b(?:rape|raped|sexual(?:ly)? (?:assault|abus|touch|activity with)\w*|"
        r"had sex with (?:her|him|me|a)|made (?:her|him|me|them) (?:have sex|do sexual|perform)|"
        r"(?:ask\w*|pressur\w*|made|forced|told) (?:(?:her|him|me|them) )?(?:for|to send) "
        r"(?:nude|naked|explicit|sexual|indecent)|sent (?:her|him|me|them) (?:nude|naked|"
        r"explicit|sexual|indecent)|(?:nudes?|naked|explicit|indecent) (?:photos?|pictures?|"
        r"images?|videos?|selfies?) of (?:her|him|me|them))",
    ),
    (
        "coercion into crime",
        rf"\b(?:made|makes|make|forced|forces|forcing|paid|pays|pressured|threatened)\s+{VICTIM}"
        r"\s+(?:to\s+)?(?:carry|sell|deliver|hold|move|stash|hide|run|drop off|take)\b",
    ),
    (
        "a person held against their will",
        rf"\b(?:locked|kept|held)\s+{VICTIM}\s+(?:in|up|down|inside|against|hostage)\b|"
        rf"\b(?:wouldn't|would not|won't|will not|didn't|did not)\s+let\s+{VICTIM}\s+"
        r"(?:leave|go)\b",
    ),
    ("drugs given to a child", rf"\bgave\s+{VICTIM}\s+(?:drugs|cannabis|weed|cocaine|pills|spice)"),
    (
        "a threat with a weapon",
        r"\b(?:pulled|held|waved|showed) (?:a|his|her) (?:knife|gun|machete)",
    ),
    ("a theft from a person", rf"\bstole\s+(?:from\s+)?{VICTIM}\b|\btook {VICTIM}'?s? phone\b"),
]
HEDGES = re.compile(
    r"\b(?:rumou?r\w*|word (?:is|on the street)|apparently|allegedly|supposedly|reputation|"
    r"known for|is said to|people say|believed to|thought to|suspected|history of|"
    r"was arrested|been arrested|arrested for|convicted|conviction|served time|was charged|"
    r"charged with|was jailed|in prison for|years ago|gossip|bragg\w*|boast\w*|claims to)\b",
    re.I,
)
IN_PROGRESS = re.compile(
    r"\b(?:right now|happening now|is happening|as we speak|at this moment|currently being|"
    r"is being|are being|is still (?:there|being)|still holding)\b",
    re.I,
)
FIRST_PERSON_VICTIM = re.compile(
    rf"\b{HARM_VERBS}\s+me\b|\bi\s+(?:was|got|have been|'ve been|am being)\b|"
    r"\b(?:made|forced|makes|paid|threatened) me\b|\bmy (?:body|bruises?|injur\w+)\b",
    re.I,
)
DISCLOSURE = re.compile(
    r"\b(?:disclosed|disclosure|confided|told (?:me|us|staff|the school|(?:her|his|a|the|their)"
    r" (?:teacher|mum|dad|mother|father|carer|worker|nurse|friend|tutor|foster carer))|"
    r"said (?:that )?(?:he|she|they|a man|a woman|someone|an older|the man|the driver)|"
    r"reported (?:that|to)|has said|admitted|showed (?:me|us|staff)|"
    r"(?:i|we|staff|a teacher|the driver|another pupil|a neighbour|a witness) "
    r"(?:saw|watched|witnessed|heard)|seen (?:hitting|punching|attacking|assaulting|"
    r"grabbing|dragging|forcing)|cctv (?:shows|showed)|caught on camera|"
    r"in front of (?:me|us|staff))\b",
    re.I,
)
SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")

INITIALS = re.compile(r"\b(?:[A-Z]\.\s?){2,3}|\b[A-Z]{2}\b(?![-\d])")
NOT_INITIALS = frozenset(
    {"UK", "OK", "PE", "IT", "TV", "PC", "DS", "DC", "GP", "AM", "PM", "ID", "MP", "NHS", "A&E"}
)
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
class CheckResult:
    crime_disclosure: bool
    reasons: list[str] = field(default_factory=list)
    quality_issues: list[QualityIssue] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "crime_disclosure": self.crime_disclosure,
            "reasons": list(self.reasons),
            "quality_issues": [{"code": q.code, "message": q.message} for q in self.quality_issues],
        }


COMPILED = [(label, re.compile(pattern, re.I)) for label, pattern in OFFENCE_PATTERNS]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_SPLIT.split(text) if s.strip()]


def crime_reasons(text: str) -> list[str]:
    """Why `text` reads as a crime disclosure (empty when it reads as intelligence)."""
    reasons: list[str] = []
    for sentence in _sentences(text):
        offences = [label for label, pattern in COMPILED if pattern.search(sentence)]
        if not offences:
            continue
        what = offences[0]
        quoted = sentence if len(sentence) <= 120 else sentence[:117] + "..."
        if IN_PROGRESS.search(sentence):
            reasons.append(f"It describes {what} that may be happening now: \u201c{quoted}\u201d")
        elif FIRST_PERSON_VICTIM.search(sentence):
            reasons.append(f"It is a victim's own account of {what}: \u201c{quoted}\u201d")
        elif DISCLOSURE.search(sentence):
            reasons.append(f"Someone disclosed or witnessed {what}: \u201c{quoted}\u201d")
        elif not HEDGES.search(sentence):
            reasons.append(f"It reports {what} as having happened: \u201c{quoted}\u201d")
    return reasons


def _person_has_age(mention: dict[str, Any]) -> bool:
    return bool(mention.get("date_of_birth") or mention.get("age"))


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
) -> CheckResult:
    reasons = crime_reasons(text)
    return CheckResult(
        crime_disclosure=bool(reasons),
        reasons=reasons,
        quality_issues=quality_issues(
            text, how_known=how_known, mentions=mentions, when_given=when_given
        ),
    )
