"""The person-matching model: five comparisons, each with ordered levels, in the
Fellegi-Sunter style. The same levels are used by the Splink batch model (as SQL) and by
the in-process online matcher (as Python), so the weights Splink trains are the weights
the online matcher uses.

The siblings trap (DOMAIN.md section 10): siblings share a surname and an address and
often a close date of birth; twins share it exactly. So the address is ONE comparison
(postcode, never street + number + postcode as independent evidence) and a first-name
disagreement weighs heavily against a match.

Each level has default m and u probabilities (m: how often true matches fall in the
level; u: how often non-matches do). The weight of a level is log2(m / u)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from cairn.pole import normalise

# Prior odds that two records in the same block are the same person (log2): Splink's
# "probability_two_random_records_match" for a hub-sized store, about 1 in 20,000.
DEFAULT_PRIOR_WEIGHT = math.log2(1 / 20_000)


@dataclass(frozen=True)
class Level:
    label: str
    m: float
    u: float

    @property
    def weight(self) -> float:
        return math.log2(self.m / self.u)


# The order of the levels matters: it is the order of Splink's comparison levels
# (after its null level), so trained m/u can be read back by position.
LEVELS: dict[str, list[Level]] = {
    "given_name": [
        Level("first name the same", 0.85, 0.002),
        Level("first name a known nickname", 0.06, 0.0005),
        Level("first name very similar", 0.05, 0.002),
        Level("first name similar", 0.03, 0.02),
        Level("first name different", 0.01, 0.9755),
    ],
    "family_name": [
        Level("last name the same", 0.88, 0.001),
        Level("last name very similar", 0.07, 0.002),
        Level("last name similar", 0.02, 0.02),
        Level("last name different", 0.03, 0.977),
    ],
    "dob": [
        Level("date of birth the same", 0.88, 0.0002),
        Level("date of birth one keying slip away", 0.07, 0.002),
        Level("birth year the same", 0.03, 0.05),
        Level("date of birth different", 0.02, 0.9478),
    ],
    "postcode": [
        Level("same postcode", 0.6, 0.001),
        Level("same postcode district", 0.1, 0.03),
        Level("different address", 0.3, 0.969),
    ],
    "sex": [
        Level("same sex", 0.97, 0.5),
        Level("different sex", 0.03, 0.5),
    ],
}

COMPARISON_NAMES = list(LEVELS)
JW_VERY_SIMILAR = 0.92
JW_SIMILAR = 0.80


@dataclass(frozen=True)
class Record:
    """What is compared: one name of a person plus their other identifying fields."""

    given_name: str = ""
    family_name: str = ""
    dob: dt.date | None = None
    birth_year: int | None = None  # when only a year (or estimate) is known
    postcode: str = ""
    sex: str = ""


def _given_level(a: str, b: str) -> int | None:
    ka, kb = normalise.name_key(a), normalise.name_key(b)
    if not ka or not kb:
        return None
    if ka == kb:
        return 0
    if normalise.are_nickname_variants(ka, kb):
        return 1
    sim = JaroWinkler.similarity(ka, kb)
    if sim >= JW_VERY_SIMILAR:
        return 2
    if sim >= JW_SIMILAR:
        return 3
    return 4


def _family_level(a: str, b: str) -> int | None:
    ka, kb = normalise.name_key(a), normalise.name_key(b)
    if not ka or not kb:
        return None
    if ka == kb:
        return 0
    sim = JaroWinkler.similarity(ka, kb)
    if sim >= JW_VERY_SIMILAR:
        return 1
    if sim >= JW_SIMILAR:
        return 2
    return 3


def dob_typo(a: dt.date, b: dt.date) -> bool:
    """One keying slip: at most one digit edit or adjacent swap in the ISO date, or day
    and month swapped (the same rule as the Splink SQL level)."""
    ia, ib = a.isoformat(), b.isoformat()
    if DamerauLevenshtein.distance(ia, ib) <= 1:
        return True
    return a.year == b.year and a.day == b.month and a.month == b.day


def years_one_slip_away(year: int, latest: int) -> list[int]:
    """Birth years (1900 to `latest`) one digit edit or adjacent swap from `year`: with
    the same month and day, exactly the dates `dob_typo` accepts outside `year` itself."""
    text = f"{year:04d}"
    return [
        y
        for y in range(1900, latest + 1)
        if y != year and DamerauLevenshtein.distance(f"{y:04d}", text) <= 1
    ]


def _dob_level(a: Record, b: Record) -> int | None:
    if a.dob is not None and b.dob is not None:
        if a.dob == b.dob:
            return 0
        if dob_typo(a.dob, b.dob):
            return 1
        return 2 if a.dob.year == b.dob.year else 3
    year_a = a.dob.year if a.dob else a.birth_year
    year_b = b.dob.year if b.dob else b.birth_year
    if year_a is None or year_b is None:
        return None
    return 2 if year_a == year_b else 3


def _outward(postcode: str) -> str:
    return normalise.postcode(postcode).split(" ")[0]


def _postcode_level(a: str, b: str) -> int | None:
    if not a or not b:
        return None
    pa, pb = normalise.postcode(a), normalise.postcode(b)
    if pa == pb:
        return 0
    return 1 if _outward(pa) == _outward(pb) else 2


def _sex_level(a: str, b: str) -> int | None:
    if a not in ("female", "male") or b not in ("female", "male"):
        return None
    return 0 if a == b else 1


def compare(a: Record, b: Record) -> dict[str, int | None]:
    """The level index of each comparison (None: a value is missing, weight 0)."""
    return {
        "given_name": _given_level(a.given_name, b.given_name),
        "family_name": _family_level(a.family_name, b.family_name),
        "dob": _dob_level(a, b),
        "postcode": _postcode_level(a.postcode, b.postcode),
        "sex": _sex_level(a.sex, b.sex),
    }


# The siblings trap, within one family. The levels are weighed as independent evidence,
# but for two records with the same surname and a plainly different first name they are
# not: siblings share the address, and twins the date of birth too. For such a pair the
# same postcode says nothing more (siblings have it as often as duplicates do) and the
# same date of birth only what a sibling pair sharing one is worth: m 0.88 over the share
# of sibling pairs that do (twins, about 1 in 30), log2(0.88 / 0.03). Nicknames, similar
# spellings and initials are not "plainly different" and keep their usual weights.
HOUSEHOLD_WEIGHTS = {"postcode": 0.0, "dob": math.log2(0.88 / 0.03)}
HOUSEHOLD_REASON = "same family name but a different first name (a brother, sister or twin?)"
DIFFERENT_GIVEN_LEVEL = 4
SAME_FAMILY_LEVEL = 0


def same_family_different_child(a: Record, b: Record, levels: dict[str, int | None]) -> bool:
    """Same surname, a plainly different first name (neither an initial) and something
    a household shares (the postcode or the date of birth) also the same."""
    if levels["family_name"] != SAME_FAMILY_LEVEL or levels["given_name"] != DIFFERENT_GIVEN_LEVEL:
        return False
    if min(len(normalise.name_key(a.given_name)), len(normalise.name_key(b.given_name))) <= 1:
        return False
    return levels["postcode"] == 0 or levels["dob"] == 0


@dataclass(frozen=True)
class Weights:
    """Weights of every level of every comparison, and the prior; `version` says where
    they came from ("default" or the trained model's version)."""

    levels: dict[str, list[Level]]
    prior: float = DEFAULT_PRIOR_WEIGHT
    version: str = "default"

    def score(self, a: Record, b: Record) -> tuple[float, list[str]]:
        """Match weight (log2 Bayes factor including the prior) and the reasons, the
        levels that carried evidence, strongest first."""
        total = self.prior
        parts: list[tuple[float, str]] = []
        levels = compare(a, b)
        household = same_family_different_child(a, b, levels)
        for name, level in levels.items():
            if level is None:
                continue
            lv = self.levels[name][level]
            weight = lv.weight
            if household and level == 0 and name in HOUSEHOLD_WEIGHTS:
                weight = min(weight, HOUSEHOLD_WEIGHTS[name])
            total += weight
            parts.append((weight, lv.label))
        parts.sort(key=lambda p: -abs(p[0]))
        reasons = [label for _, label in parts]
        return total, [HOUSEHOLD_REASON, *reasons] if household else reasons


DEFAULT_WEIGHTS = Weights(levels=LEVELS)


def probability(weight: float) -> float:
    """Match probability from a match weight."""
    return 1.0 / (1.0 + 2.0 ** (-weight))
