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


# The order of the levels matters: it is the order of Splink's comparison levels (after
# its null level; Splink's else level is the last), from the strongest agreement to the
# strongest disagreement, and each level must weigh no more than the one before it.
# Trained m/u are read back by label (weights.weights_from_settings), so a label names
# one meaning: change what a level means and change its label too.
LEVELS: dict[str, list[Level]] = {
    "given_name": [
        Level("first name the same", 0.85, 0.002),
        Level("first name a known nickname", 0.06, 0.0005),
        Level("first name is the other's last name", 0.02, 0.0002),
        Level("first name very similar", 0.05, 0.002),
        Level("first name sounds the same", 0.02, 0.001),
        Level("first name similar", 0.03, 0.02),
        Level("first name different", 0.01, 0.9755),
    ],
    "family_name": [
        Level("last name the same", 0.88, 0.001),
        Level("last name is the other's first name", 0.02, 0.0002),
        Level("last name very similar", 0.07, 0.002),
        Level("last name sounds the same", 0.01, 0.0005),
        Level("last name similar", 0.02, 0.02),
        Level("last name different", 0.03, 0.977),
    ],
    # "Different" is split by how far apart (DOB_FAR_YEARS): see the note below.
    "dob": [
        Level("date of birth the same", 0.88, 0.0002),
        Level("date of birth one keying slip away", 0.07, 0.002),
        Level("birth year the same", 0.03, 0.05),
        Level("date of birth different", 0.018, 0.3478),
        Level("born more than ten years apart", 0.002, 0.6),
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

# Dates of birth far apart (issue 19, item 5). Before, every date that was neither the
# same, one keying slip away nor in the same year weighed the same (m 0.02, u 0.9478, about
# -5.6), so a father and son of the same name at one address, born 23 to 45 years apart,
# still scored about 8: a child offered as the same person as an adult.
# Where the line is: more than DOB_FAR_YEARS (10) between the birth years of two full dates.
# - A keying slip in the year (1995 for 1985, 2011 for 2012, 1958 for 1985) is its own
#   level, tested first, so it never lands here however many years it moves the date.
# - Other ways a true duplicate's dates differ are near: a guessed or half-remembered
#   date, a birthday a year out, an age-assessed 1 January date for a young asylum seeker
#   (assessments dispute a few years, not ten). A parent and child are a generation
#   apart (about 16 years at the least). Ten years lies between the two.
# - An estimated age or a year alone is itself a guess, and an adult's apparent age can
#   be a decade out: when either side has only a birth year (or an estimated age typed at
#   entry, a range of years) the line is DOB_FAR_YEARS_ESTIMATED (20), so an estimate is
#   not penalised as if it were an exact date.
# m: of the 2 in 100 true duplicates whose dates differ this way (the old level's m), about
# 1 in 10 are far apart: another person's date typed (a parent's, on a child's form), or a
# century slip (1912 for 2012 is two edits, not one).
# u: in a Hub's store of children and the adults around them about 6 in 10 random pairs
# are born more than ten years apart (child and adult pairs nearly always, two adults
# about half the time), the rest of the old 0.9478 are nearer. So "different" rises from
# -5.6 to -4.3 and "born more than ten years apart" weighs -8.2. Chosen before any
# measurement; Splink retrains both.
DOB_DIFFERENT_LEVEL = 3
DOB_FAR_LEVEL = 4
DOB_FAR_YEARS = 10
DOB_FAR_YEARS_ESTIMATED = 20

# First and last names the other way round (both names, exactly): one event seen by both
# name comparisons, each level m 0.02 (about 1 in 50 true matches has them swapped), u
# 0.0002. Together log2(0.02^2 / 0.0002^2) = 13.3, the evidence of one swap of two names,
# log2(0.02 / (0.002 x 0.001)): a stranger has both names the other way round about as
# often as both the same. The online matcher also scores a swap with a typo crosswise
# (online.SWAPPED_NAMES_WEIGHT), which gives the same 13.3 for an exact swap.
SWAPPED_GIVEN_LEVEL = 2
SWAPPED_FAMILY_LEVEL = 1
SWAPPED_REASON = "first and last names the other way round"

# Names that sound the same, spelt differently (issue 19: Loren/Lauren, Katelyn/Caitlin,
# Mohammed/Muhammad, Stephen/Steven, Philips/Phillips). Spelling similarity (Jaro-Winkler)
# reads Loren/Lauren as only "similar" (0.84, weight about 0.6) and Katelyn/Caitlin as
# "different" (0.71): a name heard and written down by another agency lost its evidence.
# The test: the same phonetic key, `normalise.phonetic_key` (Metaphone), the key PersonName
# already stores and online blocking already uses (rules 1, 3 and 5), so every sound-alike
# is a candidate; the batch rows carry it as a column (DuckDB has no Metaphone).
# - Its own level between "very similar" and "similar": a near spelling (Jaro-Winkler 0.92
#   or more) is tested first and keeps its level, so no pair falls; a pair that was
#   "similar" or "different" rises when its key agrees.
# - Only keys of SOUND_KEY_MIN (3) sounds or more. Metaphone keeps consonants and drops
#   vowels, so short names collide with names a brother or sister has: Lily/Lola (LL),
#   Luke/Luca (LK), Leah/Leo (L), Evie/Eva (EF), Ellie/Ella (EL), Jack/Jake (JK). Leigh/Lee
#   is lost with them. Three sounds (LRN, KTLN, MHMT, STFN, FLPS) is where a shared key is
#   rare between different names.
# m: about 2 in 100 true duplicates have a first name respelt this way (another agency
# writing down what it heard), 1 in 100 a surname (surnames are more often read from a
# document). u: two random names with the same key of three sounds but spelt not nearly
# alike: about 0.0002 (first) and 0.0003 (last) in the demo's name pools, which hold one
# spelling of most names; real records hold more spellings, so 0.001 and 0.0005. Weight
# 4.3 for both, below "very similar" (4.6 and 5.1). The other levels' m/u are unchanged
# (their scores with them). Chosen before any measurement; Splink retrains them.
SOUND_KEY_MIN = 3
SOUND_GIVEN_LEVEL = 4
SOUND_FAMILY_LEVEL = 3


def sound_key(name: str) -> str:
    """The key the sound-alike level compares: the phonetic key without W. Metaphone keeps
    a W before a vowel, so Stewart (STWRT) and Stuart (STRT), one name said the same, were
    "similar" (weight 0) and a duplicate typed by ear was not offered (outside tester 3:
    "Dan Stuart" for Daniel Stewart). H is kept: Hasan/Husain (HSN) would fall below
    SOUND_KEY_MIN without it."""
    return normalise.phonetic_key(name).replace("W", "")


def sounds_alike(ka: str, kb: str) -> bool:
    """Two name keys with the same sound key of at least SOUND_KEY_MIN sounds (the Splink
    level's rule, over the same key)."""
    pa = sound_key(ka)
    return len(pa) >= SOUND_KEY_MIN and pa == sound_key(kb)


# Placeholder dates of birth (issue 19). Systems that require a date store a filler when
# none is known: 01/01/1900 (and 01/01/1901, where 1900 is rejected), or 1 January of the
# year an age was assessed (an unaccompanied asylum-seeking child's age assessment). Read
# as a date, a placeholder is "born more than ten years apart" from the person's true date
# and blocks everyone holding the same filler together as "same date of birth": it lost a
# true duplicate once the far-apart level came in. So it counts as no date at all, in both
# engines and in blocking. 1 January alone is a real birthday for about 1 in 365 people,
# so it is a placeholder only when the record says the date is estimated. 01/01/1970 (a
# Unix-epoch default) is not listed: no data seen here holds it, and real people born
# that day would lose their date.
PLACEHOLDER_DOBS = (dt.date(1900, 1, 1), dt.date(1901, 1, 1))


def is_placeholder_dob(dob: dt.date | None, estimated: bool = False) -> bool:
    """True when `dob` is a filler standing for "not known", not a date of birth: one of
    PLACEHOLDER_DOBS, or 1 January of a date the record marks as estimated (`estimated`).
    The one rule for the online matcher (comparison and blocking) and the batch model."""
    if dob is None:
        return False
    if dob in PLACEHOLDER_DOBS:
        return True
    return estimated and dob.month == 1 and dob.day == 1


def known_dob(dob: dt.date | None, estimated: bool = False) -> dt.date | None:
    """`dob`, or None when it is a placeholder (`is_placeholder_dob`)."""
    return None if is_placeholder_dob(dob, estimated) else dob


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
    # An estimated age typed at entry, as the birth years it allows (lowest, highest):
    # counted only when the other's year is a generation outside it (DOB_FAR_LEVEL).
    birth_years: tuple[int, int] | None = None
    postcode: str = ""
    sex: str = ""
    # The date is marked as estimated (1 January of such a date is a placeholder).
    dob_estimated: bool = False


def names_swapped(a: Record, b: Record) -> bool:
    """First and last names exactly the other way round (the Splink level's rule)."""
    key = normalise.name_key
    return _swapped(key(a.given_name), key(a.family_name), key(b.given_name), key(b.family_name))


def _swapped(ga: str, fa: str, gb: str, fb: str) -> bool:
    return bool(ga and fa and ga != fa and ga == fb and fa == gb)


def _given_level(ka: str, kb: str, swapped: bool) -> int | None:
    if not ka or not kb:
        return None
    if ka == kb:
        return 0
    if normalise.are_nickname_variants(ka, kb):
        return 1
    if swapped:
        return SWAPPED_GIVEN_LEVEL
    sim = JaroWinkler.similarity(ka, kb)
    if sim >= JW_VERY_SIMILAR:
        return 3
    if sounds_alike(ka, kb):
        return SOUND_GIVEN_LEVEL
    if sim >= JW_SIMILAR:
        return 5
    return 6


def _family_level(ka: str, kb: str, swapped: bool) -> int | None:
    if not ka or not kb:
        return None
    if ka == kb:
        return 0
    if swapped:
        return SWAPPED_FAMILY_LEVEL
    sim = JaroWinkler.similarity(ka, kb)
    if sim >= JW_VERY_SIMILAR:
        return 2
    if sounds_alike(ka, kb):
        return SOUND_FAMILY_LEVEL
    if sim >= JW_SIMILAR:
        return 4
    return 5


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
    # A placeholder is no date: it neither agrees nor is far apart (is_placeholder_dob).
    dob_a, dob_b = known_dob(a.dob, a.dob_estimated), known_dob(b.dob, b.dob_estimated)
    if dob_a is not None and dob_b is not None:
        if dob_a == dob_b:
            return 0
        if dob_typo(dob_a, dob_b):
            return 1
        if dob_a.year == dob_b.year:
            return 2
        far = DOB_FAR_YEARS
    else:
        # A year alone or an estimated age: only a wider gap counts as far apart.
        far = DOB_FAR_YEARS_ESTIMATED
    # `birth_year` is set only by what is known besides a date (an estimated age).
    year_a = dob_a.year if dob_a else a.birth_year
    year_b = dob_b.year if dob_b else b.birth_year
    if year_a is None or year_b is None:
        return _far_from_range(a, year_b) or _far_from_range(b, year_a)
    if year_a == year_b:
        return 2
    return DOB_DIFFERENT_LEVEL if abs(year_a - year_b) <= far else DOB_FAR_LEVEL


def _far_from_range(ranged: Record, year: int | None) -> int | None:
    """An estimated age (a range of birth years) says nothing about a year near it, but a
    year more than DOB_FAR_YEARS_ESTIMATED outside it is a generation away."""
    if ranged.birth_years is None or year is None:
        return None
    low, high = ranged.birth_years
    if low - DOB_FAR_YEARS_ESTIMATED <= year <= high + DOB_FAR_YEARS_ESTIMATED:
        return None
    return DOB_FAR_LEVEL


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
    key = normalise.name_key
    ga, fa, gb, fb = key(a.given_name), key(a.family_name), key(b.given_name), key(b.family_name)
    swapped = _swapped(ga, fa, gb, fb)
    return {
        "given_name": _given_level(ga, gb, swapped),
        "family_name": _family_level(fa, fb, swapped),
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
#
# A first name that only sounds the same (SOUND_GIVEN_LEVEL) is both: Katelyn/Caitlin is
# one girl written down twice, Hasan/Husain are twin brothers. Spelt far apart (a
# Jaro-Winkler below JW_SIMILAR, the pairs that were "different" before the level came in)
# it stays under this rule: its own weight counts, the shared home and birthday do not add
# up (a twin pair scores about 5: offered at entry with the reason, under the review
# threshold). Spelt alike as well (Loren/Lauren, 0.84) it is treated as the "similar" it
# was before, and keeps its usual weights: the rule is no looser or tighter than it was.
HOUSEHOLD_WEIGHTS = {"postcode": 0.0, "dob": math.log2(0.88 / 0.03)}
HOUSEHOLD_REASON = "same family name but a different first name (a brother, sister or twin?)"
HOUSEHOLD_SOUND_REASON = (
    "same family name and a first name that sounds the same but is spelt differently "
    "(a brother, sister or twin?)"
)
DIFFERENT_GIVEN_LEVEL = 6
SAME_FAMILY_LEVEL = 0


def same_family_different_child(a: Record, b: Record, levels: dict[str, int | None]) -> bool:
    """Same surname, a plainly different first name (neither an initial; or one that only
    sounds the same, spelt far apart: `household_sound_alike`) and something a household
    shares (the postcode or the date of birth) also the same."""
    if levels["family_name"] != SAME_FAMILY_LEVEL:
        return False
    if levels["given_name"] == SOUND_GIVEN_LEVEL:
        if not household_sound_alike(a.given_name, b.given_name):
            return False
    elif levels["given_name"] != DIFFERENT_GIVEN_LEVEL:
        return False
    if min(len(normalise.name_key(a.given_name)), len(normalise.name_key(b.given_name))) <= 1:
        return False
    return levels["postcode"] == 0 or levels["dob"] == 0


def household_sound_alike(given_a: str, given_b: str) -> bool:
    """Two first names of the sound-alike level spelt far apart (below JW_SIMILAR): within
    one family, what a brother or sister may have (the household rule applies)."""
    ka, kb = normalise.name_key(given_a), normalise.name_key(given_b)
    return JaroWinkler.similarity(ka, kb) < JW_SIMILAR


# The same trap a generation apart: a son named after his father (or a daughter after her
# mother) shares the surname, often the first name, and the home, so for a pair with the
# same surname born more than ten years apart those levels are not independent evidence
# either. As for brothers and sisters, the address says nothing more (any postcode level
# weighs at most 0) and a surname or first name rare in the store is common in the family
# (no term-frequency lift). The names still count at their usual weights: a true duplicate
# with a date typed a generation out is rare (the level's m) and is left for a person to
# find, rather than a child offered as an adult.
GENERATION_WEIGHTS = {"postcode": 0.0}
GENERATION_REASON = "same family name but born more than ten years apart (a parent and child?)"


def same_family_other_generation(levels: dict[str, int | None]) -> bool:
    return levels["family_name"] == SAME_FAMILY_LEVEL and levels["dob"] == DOB_FAR_LEVEL


# Term-frequency adjustment, as Splink's: an exact agreement on a name is weighed by how
# common that name is. m is unchanged; u, the chance a stranger shares it, is the name's
# share of the store's names instead of the level's average, so "Wojciechowski" counts for
# more than "Smith": log2(m / share) in place of log2(m / u). TermFrequencies maps
# (comparison, name key) to that share; a name not in it keeps the level's fixed weight.
TF_COMPARISONS = ("given_name", "family_name")
TermFrequencies = dict[tuple[str, str], float]
# Splink's tf_minimum_u_value, as a count: a name held by fewer names than this weighs as
# if held by this many. It bounds the boost (first and last names are not independent:
# a rare Polish surname comes with a Polish first name) and a score cannot tell a name
# held once from one held a few times, hidden records included.
TF_MIN_COUNT = 5


def tf_weight(level: Level, share: float) -> float:
    return math.log2(level.m / share)


@dataclass(frozen=True)
class Weights:
    """Weights of every level of every comparison, and the prior; `version` says where
    they came from ("default" or the trained model's version)."""

    levels: dict[str, list[Level]]
    prior: float = DEFAULT_PRIOR_WEIGHT
    version: str = "default"

    def score(
        self, a: Record, b: Record, tf: TermFrequencies | None = None, *, say_rare: bool = True
    ) -> tuple[float, list[str]]:
        """Match weight (log2 Bayes factor including the prior) and the reasons, the
        levels that carried evidence, strongest first. `tf`: the share of the store's
        names held by `a`'s names, for the term-frequency adjustment. `say_rare`: false
        when the store is too small for a low share to mean a rare name (every name is
        few there: weights.tf_shows_rarity); the weight is adjusted all the same."""
        total, parts, extra = self._parts(a, b, tf, say_rare)
        ordered = sorted(parts.values(), key=lambda p: -abs(p[0]))
        return total, [*extra, *(label for _, label in ordered)]

    def explain(
        self, a: Record, b: Record, tf: TermFrequencies | None = None, *, say_rare: bool = True
    ) -> tuple[float, dict[str, dict[str, float | str]]]:
        """The match weight and, per comparison, the level said and the weight it added
        (the shape of a batch pair's explanation): with the prior they add up to the
        match weight. A rule that explains the pair (a brother or sister?) is folded into
        the comparison it capped."""
        total, parts, extra = self._parts(a, b, tf, say_rare)
        out: dict[str, dict[str, float | str]] = {
            name: {"level": label, "weight": round(weight, 2)}
            for name, (weight, label) in parts.items()
        }
        if extra and "given_name" in out:
            out["given_name"]["level"] = f"{extra[0]}: {out['given_name']['level']}"
        return total, out

    def _parts(
        self, a: Record, b: Record, tf: TermFrequencies | None, say_rare: bool
    ) -> tuple[float, dict[str, tuple[float, str]], list[str]]:
        """The match weight, each comparison's (weight, label), and the reason said before
        them (a rule that explains the pair), if any."""
        total = self.prior
        parts: dict[str, tuple[float, str]] = {}
        levels = compare(a, b)
        household = same_family_different_child(a, b, levels)
        generation = same_family_other_generation(levels)
        for name, level in levels.items():
            if level is None:
                continue
            lv = self.levels[name][level]
            weight = lv.weight
            label = lv.label
            if tf and level == 0 and name in TF_COMPARISONS:
                share = tf.get((name, normalise.name_key(getattr(a, name))))
                if share:
                    adjusted = tf_weight(lv, share)
                    if household or generation:
                        # A surname rare in the store is common in its household: it
                        # must not lift a brother or sister, a parent or a child.
                        adjusted = min(adjusted, weight)
                    if adjusted - weight >= 1 and say_rare:
                        label = f"{label} (a rare name)"
                    elif weight - adjusted >= 1:
                        label = f"{label} (a common name)"
                    weight = adjusted
            if household and level == 0 and name in HOUSEHOLD_WEIGHTS:
                weight = min(weight, HOUSEHOLD_WEIGHTS[name])
            if generation and name in GENERATION_WEIGHTS:
                weight = min(weight, GENERATION_WEIGHTS[name])
            label = sound_label(label, name, level, a, b)
            total += weight
            parts[name] = (weight, label)
        if household:
            sound = levels["given_name"] == SOUND_GIVEN_LEVEL
            return total, parts, [HOUSEHOLD_SOUND_REASON if sound else HOUSEHOLD_REASON]
        if generation:
            return total, parts, [GENERATION_REASON]
        if levels["given_name"] == SWAPPED_GIVEN_LEVEL:
            return total, parts, [SWAPPED_REASON]
        return total, parts, []


SOUND_LEVELS = {("given_name", SOUND_GIVEN_LEVEL), ("family_name", SOUND_FAMILY_LEVEL)}


def sound_label(label: str, name: str, level: int, a: Record, b: Record) -> str:
    """A sound-alike level's label with the two spellings, so the user judges the
    respelling: "first name sounds the same (Loren / Lauren)"; any other label as it is."""
    if (name, level) not in SOUND_LEVELS:
        return label
    return f"{label} ({_shown(getattr(a, name))} / {_shown(getattr(b, name))})"


def _shown(name: str) -> str:
    return " ".join(name.split())


DEFAULT_WEIGHTS = Weights(levels=LEVELS)


def probability(weight: float) -> float:
    """Match probability from a match weight."""
    return 1.0 / (1.0 + 2.0 ** (-weight))
