"""Naming the offence family of a flagged text (issue 12, outside tester).

The family head of the model (crime_model.py) reads the embedding and the rules' building
blocks; on text unlike its training examples it names the wrong family with confidence
(sextortion as drug supply, a trip abroad for "cutting" as forced marriage, county lines as
robbery). A few phrases name a family with no doubt (FGM, sextortion, county lines,
kidnap), so where one is found the family it names comes first, then the model's first
family, then the threats cue and the family of each rule group that flagged a sentence
(crime_rules.RULE_FAMILY). The cues only name a family; they never flag a text (the rules
and the model decide that), so they are kept out of the rules' building blocks and do not
change the model's features. Figures: bench/README.md, "Naming the offence family".

Pure: text in, family codes out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .crime_rules import DRUG, IMAGE, VEHICLE, Rule

# A family named by the rules from a generic phrase ("was threatened", "was kidnapped" and
# "was hit" are all "a person was harmed"): it yields to the model's first family.
GENERIC_RULE_FAMILIES = frozenset({"violence"})
MAX_FAMILIES = 3
# A second family of the model's is named when it gives it at least this probability.
SECOND_FAMILY = 0.25

_GIRL = (
    r"(?:her|she|girl|girls|daughter|daughters|sister|sisters|niece|cousin|granddaughter|"
    r"yr \d+ girl|year \d+ girl)"
)
_FGM_CONTEXT = (
    r"(?:abroad|holiday|holidays|trip|back home|home country|visit|visiting|ceremony|"
    r"celebration|party|tradition\w*|cultur\w*|aunt\w*|grand(?:ma|mother|parents?)|nan|elders|"
    r"women|woman|clean|pure|summer|easter|somalia|sudan|egypt|ethiopia|eritrea|gambia|"
    r"guinea|mali|sierra leone|kenya|nigeria|yemen|kurdistan|indonesia|family)"
)


@dataclass(frozen=True)
class Cue:
    """A phrase that names `family`: when `needs` is given, the same text must match it too;
    when `unless` matches, the phrase means something else."""

    family: str
    phrase: Rule
    needs: Rule | None = None
    unless: Rule | None = None
    # Named before the model's first family. A threat comes with many offences (a forced
    # marriage, a robbery, domestic abuse), so the threats cue names it after the model's.
    first: bool = True

    def found(self, text: str) -> bool:
        if not self.phrase.search(text):
            return False
        if self.needs is not None and not self.needs.search(text):
            return False
        return not (self.unless is not None and self.unless.search(text))


# In order: the first cue a sentence matches names its family first.
CUES: tuple[Cue, ...] = (
    # FGM: the word, "sunna", circumcision of a girl, "made clean", or a girl to be "cut"
    # where a trip, a ceremony or a tradition is spoken of (not a cut from a knife or
    # self-harm: "cutting herself", "cut her arm").
    Cue("fgm", Rule(r"\bfgm\b|\bfemale genital|\bfemale circumcis\w*|\bsunn(?:a|ah|i cut)\b")),
    Cue(
        "fgm",
        Rule(
            rf"\bcircumcis\w*\b[^.]{{0,40}}?\b{_GIRL}\b|\b{_GIRL}\b[^.]{{0,40}}?\bcircumcis\w*|"
            r"\bmade clean\b|\bmake (?:her|them) clean\b(?! (?:up|the|her|his|their|my))|"
            r"\b(?:be|been|being|get|gets|getting|got|have|having|had) (?:(?:her|them) )?cut\b"
            r"(?! (?:off|out|up|down|short|back|free|loose|open|her hair|his|him|them|with|by|"
            r"on|in|from|badly|deep))|\b(?:have|having|had|get|getting) it done\b|"
            r"\b(?:the|for (?:her |the )?)cutting\b"
            r"(?! (?:her|him|them|my|your|ur|his|their|it|down|back|off|up))|"
            r"\bcutting (?:ceremony|party|season|tradition|woman|lady)\b|\b(?:the|a|her) cutter\b"
        ),
        needs=Rule(
            rf"\b{_GIRL}\b[^.]{{0,160}}?\b{_FGM_CONTEXT}\b|\b{_FGM_CONTEXT}\b[^.]{{0,160}}?"
            rf"\b{_GIRL}\b"
        ),
        unless=Rule(
            r"\bcut(?:ting|s)? (?:her|him|them|my|his)self\b|\bself[- ]harm|\bcut(?:ting)? "
            r"(?:her|his|their|my|your|ur) (?:face|arm|arms|wrist|wrists|leg|legs|hand|throat)\b|"
            r"\b(?:knife|blade|razor|machete|stab\w*|hair ?cut|haircut|glass|fell|fall)\b"
        ),
    ),
    # Sextortion: images held over a child for money or more images.
    Cue(
        "image_based_abuse",
        Rule(
            rf"\bsextort\w*|\b(?:blackmail\w*|threat\w*|demand\w*)\b[^.]{{0,80}}?\b{IMAGE}\b|"
            rf"\b{IMAGE}\b[^.]{{0,80}}?\b(?:blackmail\w*|unless|or else|or (?:he|she|they)(?:'ll|"
            r" will| would))\b|"
            r"\b(?:share|sharing|shared|post|posting|send|sending|leak|leaking|spread|spreading|"
            r"show|showing|expose|upload|forward)\b[^.]{0,40}?"
            rf"\b{IMAGE}\b[^.]{{0,80}}?\b(?:pay|pays|paid|£|money|cash|gift ?cards?|vouchers?|"
            r"bitcoin|crypto|more (?:pics|photos|pictures|images|videos|nudes))"
        ),
    ),
    # County lines and criminal exploitation: a child sent to deal for others.
    Cue(
        "trafficking_cce",
        Rule(
            r"\bcounty lines?\b|\b(?:go|goes|going|gone|went|been|sent|taken|back from) "
            r"(?:out )?country\b|\b(?:go|goes|going|gone|went|been|sent|taken|back from|trips?|"
            r"runs?) ot\b|\bot (?:trips?|runs?)\b|\b(?:run|runs|running|ran|on|working|work|"
            r"works) (?:a |the |their |his |her |a drug |the drug |a county )?line\b|"
            r"\bcuckoo\w*|\btrap ?houses?\b|\bdebt bondage\b|\bwork (?:it|the debt|that) off\b|"
            r"\b(?:made|forced|told|paid|sent|used|pressured|groomed)\s+(?:\w+\s+){0,2}?to\s+"
            r"(?:sell|deal|shot|run|drop|deliver|hold)\b|\b(?:selling|dealing|shotting) for\b"
        ),
    ),
    Cue(
        "trafficking_cce",
        Rule(r"\bholding (?:\w+ ){0,2}?for\b"),
        needs=Rule(rf"\b{DRUG}|\bpackages?\b|\bparcels?\b|\bgear\b|\bfood\b|\bwork\b"),
        unless=Rule(r"\b(?:knife|knives|blade|machete|gun|firearm|weapon|shank|zombie)\b"),
    ),
    # Kidnap: the word, a child pulled or lured into a car, a child taken against a court
    # order.
    Cue(
        "kidnap_abduction",
        Rule(
            r"\bkidnap\w*|\babduct\w*|\b(?:dragged|dragging|bundled|bundling|pulled|pulling|"
            r"pushed|pushing|forced|forcing|grabbed|grabbing|snatched|lured|luring|bungled|"
            r"(?:tried|trying|attempted|attempting|tries) to (?:get|pull|drag|push|lure|make|"
            r"force|put|bundle|entice|coax))\b[^.]{0,40}?\b(?:in|into|inside) (?:a|the|his|her|"
            rf"their|an|that|this|my) (?:[\w']+ ){{0,4}}?{VEHICLE}\b|"
            r"\b(?:took|taken|snatched|grabbed|collected)\b[^.]{0,40}?\b(?:against|breach\w*|"
            r"despite) (?:a |the )?(?:court|contact) order|\b(?:took|taken|taking|snatched|"
            r"collected|picked up)\b[^.]{0,60}?\bwithout (?:[\w']+ )?(?:consent|permission)\b|"
            r"\b(?:took|taken|taking|snatched)\b"
            r"[^.]{0,30}?\bfrom (?:outside|the park|the school|school|the gate|the gates|"
            r"her mum|his mum|their mum)\b(?:[^.]{0,80}?\b(?:wouldn'?t|won'?t|refus\w*|not) "
            r"(?:let|bring|return|give|say)\b)?"
        ),
    ),
    # Threats: a threat to harm, with its condition or its means spelt out.
    Cue(
        "threats",
        Rule(
            r"\bthreat\w*\b[^.]{0,40}?\bto (?:kill|hurt|harm|stab|shank|shoot|burn|batter|"
            r"smash|beat|cut|break|do)\b|"
            r"\bif (?:u|you|she|he|they|i|we|ur|your)\b[^.]{0,60}?\b(?:will|'ll|ll|would|'d|"
            r"gonna|going to)\b[^.]{0,30}?\b(?:kill|hurt|harm|stab|shank|shoot|cut|burn|"
            r"batter|smash|break|beat|sort|find|wet|merk|do (?:u|you|her|him|them) in)\w*|"
            r"\b(?:ur|you're|you are|he's|she's|hes|shes|he is|she is|they're)\s+(?:getting|"
            r"gonna get|going to get|gettin)\s+(?:wet|wetted|shanked|stabbed|merked|dropped|"
            r"bodied|done in|ironed|splashed)\b"
        ),
        unless=Rule(rf"\b{IMAGE}\b[^.]{{0,60}}?\b(?:share|post|send|leak|spread)"),
        first=False,
    ),
)


def cued_families(text: str, *, first: bool | None = None) -> list[str]:
    """The families the cues name in `text`, in cue order, without repeats (given `first`,
    only the cues named before, or after, the model's first family)."""
    out: list[str] = []
    for cue in CUES:
        if first is not None and cue.first != first:
            continue
        if cue.family not in out and cue.found(text):
            out.append(cue.family)
    return out


def name_families(
    offence_sentences: Sequence[str],
    text: str,
    rule_families: Sequence[str],
    model_ranked: Sequence[tuple[str, float]],
) -> list[str]:
    """The offence families of a flagged text, most certain first, at most three: the
    families of the cues that name one with no doubt (in the offence sentences, then
    anywhere in the text), then the model's first family, then the threats cue and the
    families of the rule groups that flagged a sentence, then a generic rule family
    ("violence" from "was harmed") and the model's second family when it gives it at least
    SECOND_FAMILY. A rule group names its family after the model's: measured on the corpus,
    the groups' families ("made to" is criminal exploitation, "locked in a room" neglect)
    put a wrong family first more often than a right one. The model's first family is always
    among the three: the cues name at most two before it."""
    sources = (*offence_sentences, text)
    certain: list[str] = []
    later: list[str] = []
    for source in sources:
        certain.extend(f for f in cued_families(source, first=True) if f not in certain)
    for source in sources:
        later.extend(f for f in cued_families(source, first=False) if f not in later)
    later.extend(f for f in rule_families if f not in GENERIC_RULE_FAMILIES and f not in later)
    model_first = [f for f, _ in model_ranked[:1]]
    model_second = [f for f, q in model_ranked[1:2] if q >= SECOND_FAMILY]
    generic = [f for f in rule_families if f in GENERIC_RULE_FAMILIES]
    out: list[str] = []
    for family in (*certain[:2], *model_first, *certain[2:], *later, *generic, *model_second):
        if family not in out:
            out.append(family)
    return out[:MAX_FAMILIES]
