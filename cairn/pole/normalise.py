"""Normalisation of identifiers so the same person, vehicle, phone or account typed
differently lands on the same search key. Pure functions; no database access."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import jellyfish
import phonenumbers

_NON_LETTERS = re.compile(r"[^a-z]")
_NON_ALNUM = re.compile(r"[^A-Z0-9]")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)\s*([0-9][A-Z]{2})$")


def fold(text: str) -> str:
    """Lower-case ASCII with accents removed: 'Zoë' -> 'zoe'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return decomposed.encode("ascii", "ignore").decode("ascii").lower().strip()


def name_key(text: str) -> str:
    """Letters only, for indexed prefix search: "O'Neill-Smith" -> 'oneillsmith'."""
    return _NON_LETTERS.sub("", fold(text))


# "EW" before a vowel is said as "U" (Stewart, Lewis, Ewan, Hewitt), but Metaphone keeps a
# W before a vowel, so Stewart (STWRT) and Stuart (STRT), one name said the same, had
# different keys: "Stuart" alone found no Stewart (outside tester). Dropping that W only
# (not every W, and not in "OW": Howard/Hart, Powell/Paul, Rowan/Ryan stay apart) joined
# one new pair of distinct names over the 950 first names and surnames of the demo and
# independent benchmark pools (Lewis/Lucy, both LS); see bench/README.md.
_EW_BEFORE_VOWEL = re.compile(r"(?<=e)w(?=[aeiouy])")


def phonetic_key(text: str) -> str:
    """Metaphone of the letters-only key, so Smith/Smyth, Stephen/Steven and Stuart/Stewart
    meet. Stored in PersonName (pole migration 0013 recomputes it when this changes)."""
    key = _EW_BEFORE_VOWEL.sub("", name_key(text))
    return jellyfish.metaphone(key)[:20] if key else ""


def _vowel_places(key: str) -> set[int]:
    """Where a name's vowels sound, as the number of key sounds before each run of vowels
    (Y counts when no vowel follows it): Stuart {2} (ST-ua-RT), Street {3} (STR-ee-T)."""
    full = len(phonetic_key(key))
    places: set[int] = set()
    i = 0
    while i < len(key):
        ch = key[i]
        if ch in "aeiou" or (ch == "y" and key[i + 1 : i + 2] not in tuple("aeiou")):
            places.add(min(len(phonetic_key(key[:i])), full))
            while i < len(key) and key[i] in "aeiouy":
                i += 1
        else:
            i += 1
    return places


def sounds_alike(a: str, b: str) -> bool:
    """The same phonetic key with the vowels in the same places, or one name's vowels a
    subset of the other's (a vowel dropped: Katherine/Kathryn, Katelyn/Caitlin). Metaphone
    drops vowels, so Stuart and Street (both STRT), Brown and Byrne, White and Wood,
    Alexander and Alexandra share a key; where the vowels sound tells them apart. Over the
    demo and independent benchmark name pools this kept all 139 pairs of spellings of one
    name that share a key and set apart 15 of the 279 pairs of different names that do."""
    ka, kb = (_EW_BEFORE_VOWEL.sub("", name_key(text)) for text in (a, b))
    if not ka or not kb or phonetic_key(ka) != phonetic_key(kb):
        return False
    pa, pb = _vowel_places(ka), _vowel_places(kb)
    return pa <= pb or pb <= pa


def prefix_range(prefix: str) -> tuple[str, str]:
    """Bounds [low, high) covering every key starting with `prefix` (keys are a-z only),
    so a plain B-tree index serves prefix search on SQLite and PostgreSQL alike."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def registration(text: str) -> str:
    """Vehicle registration mark: upper-case, no spaces or punctuation."""
    return _NON_ALNUM.sub("", (text or "").upper())


def registration_confusable(text: str) -> str:
    """Key that treats 0/O and 1/I as the same, for flagging *possible* matches only."""
    return registration(text).replace("O", "0").replace("I", "1")


def postcode(text: str) -> str:
    """UK postcode in canonical form 'AB1 2CD'; input that isn't a postcode is returned
    upper-cased and trimmed so nothing typed is lost."""
    compact = re.sub(r"\s+", "", (text or "").upper())
    match = _POSTCODE.match(compact)
    if not match:
        return (text or "").upper().strip()
    return f"{match.group(1)} {match.group(2)}"


def is_postcode(text: str) -> bool:
    return bool(_POSTCODE.match(re.sub(r"\s+", "", (text or "").upper())))


class InvalidPhoneNumber(ValueError):
    pass


def phone_e164(text: str, region: str = "GB") -> str:
    """E.164 form of a phone number ('07700 900123' -> '+447700900123')."""
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        # The library's own wording ("(1) The string supplied did not seem to be...") is
        # not for users.
        raise InvalidPhoneNumber("Enter a phone number, like 07700 900 982.") from exc
    # Possible, not "valid": Ofcom's drama ranges (used in demos) are not assigned numbers.
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise InvalidPhoneNumber("Enter a phone number with the right number of digits.")
    # "Possible" allows any UK length from 7 to 10 digits, so a mobile missing a digit
    # (0770090091) passed and became a different number that never matches the real one.
    # Every UK number beginning 07 has 10 digits after the 0.
    national = phonenumbers.national_significant_number(parsed)
    if (
        parsed.country_code == 44
        and national.startswith("7")
        and len(national) != 10
        and not phonenumbers.is_valid_number(parsed)
    ):
        raise InvalidPhoneNumber("Enter a mobile number with 11 digits, like 07700 900 982.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def handle(text: str) -> str:
    """Online handle: lower-case, no leading '@', no surrounding spaces."""
    return (text or "").strip().lstrip("@").lower()


# --- Added for identity matching (cairn/network): new functions only. ---------------

# Common UK given-name short forms and nicknames, one group per line: every name in a
# group is an accepted variant of the others ("Jay Smith" may be Jason Smith). Keys are
# `name_key` forms. A name may sit in several groups (Alex: Alexander and Alexandra).
_NICKNAME_GROUPS = """
abigail abi abby abbie gail
alexander alex alec alexa xander sandy
alexandra alex alexa lexi lexie sandra sandy
alfred alfie alf fred freddie
amelia millie milly amy
andrew andy drew
anthony tony ant
benjamin ben benji benny
bethany beth
catherine katherine kate katie kathy cath cathy kat kitty
charles charlie chas chuck
charlotte charlie lottie lotte
christopher chris kit topher
daniel dan danny
david dave davey
deborah debbie debs deb
dominic dom
edward ed eddie ted teddy ned
eleanor ellie nell nora
elizabeth liz lizzie beth betty eliza libby bess
emily emmy em
frederick fred freddie
gabriel gabe
harriet hattie harri
henry harry hal hank
isabella isabelle bella izzy issy isobel isabel
jacob jake
james jim jimmy jamie jay
jason jay jase
jayden jay
jennifer jen jenny
jessica jess jessie
jonathan jon jonny john
joseph joe joey
joshua josh
katherine kath
kayleigh kay kayla
kieran kie
lawrence larry laurie
leonard leo len lenny
louise lou
margaret maggie meg peggy marge
matthew matt matty
michael mike mikey mick micky
nathan nate nat
nathaniel nate nat
nicholas nick nicky
oliver ollie olly
olivia liv livvy livi
patrick pat paddy
peter pete
rebecca becky bex becca
richard rich rick ricky dick
robert rob robbie bob bobby bert
samantha sam sammy
samuel sam sammy
sarah sara sally
stephen steven steve stevie
susan sue susie suzy
theodore theo ted
thomas tom tommy
victoria vicky tori
william will bill billy liam
zachary zach zak
"""


def _nickname_index() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for line in _NICKNAME_GROUPS.strip().splitlines():
        group = {name_key(word) for word in line.split() if name_key(word)}
        for key in group:
            index.setdefault(key, set()).update(group)
    return {key: frozenset(names) for key, names in index.items()}


NICKNAMES: dict[str, frozenset[str]] = _nickname_index()


def given_name_variants(text: str) -> frozenset[str]:
    """Every `name_key` that `text` may stand for, itself included: 'Bex' ->
    {'bex', 'rebecca', 'becky', 'becca'}. Unknown names give just their own key."""
    key = name_key(text)
    if not key:
        return frozenset()
    return NICKNAMES.get(key, frozenset()) | {key}


def _full_form_index() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for line in _NICKNAME_GROUPS.strip().splitlines():
        keys = [name_key(word) for word in line.split() if name_key(word)]
        for key in keys:
            index.setdefault(key, set()).add(keys[0])
    return {key: frozenset(heads) for key, heads in index.items()}


# Each group's first word is the name the others are forms of ("daniel dan danny").
FULL_FORMS: dict[str, frozenset[str]] = _full_form_index()


def given_name_full_forms(text: str) -> frozenset[str]:
    """The full names (`name_key` forms) that `text` is a form of, itself when it heads a
    group: 'Jay' -> {'james', 'jason', 'jayden'}, 'Daniel' -> {'daniel'}."""
    return FULL_FORMS.get(name_key(text), frozenset())


def are_nickname_variants(a: str, b: str) -> bool:
    """True when the two given names are the same name or known variants of each other."""
    key_a, key_b = name_key(a), name_key(b)
    return bool(key_a and key_b) and (key_a == key_b or key_b in given_name_variants(key_a))


@dataclass(frozen=True)
class PartialDate:
    """A date of birth as far as it is known: a year, a year and month, or a full date."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def is_full(self) -> bool:
        return self.month is not None and self.day is not None

    def as_date(self) -> dt.date | None:
        if self.month is None or self.day is None:
            return None
        return dt.date(self.year, self.month, self.day)


_DATE_PARTS = re.compile(r"\d+")


def partial_date(text: str) -> PartialDate | None:
    """Read a date of birth that may be partial: '1998', '3/1998', 'March 1998' is not
    supported (digits only), '12/3/1998', '1998-03', '1998-03-12'. Day-first UK order.
    Anything not a real (partial) date gives None."""
    parts = [int(p) for p in _DATE_PARTS.findall(text or "")]
    if not parts or len(parts) > 3:
        return None
    if len(str(parts[0])) == 4 and len(parts) > 1:  # ISO order: year first
        parts = list(reversed(parts))
    *rest, year = parts
    if not 1900 <= year <= 2100:
        return None
    day: int | None = rest[0] if len(rest) == 2 else None
    month: int | None = rest[-1] if rest else None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None:
        try:
            dt.date(year, month or 1, day)
        except ValueError:
            return None
    return PartialDate(year=year, month=month, day=day)


def birth_year_range(
    date_of_birth: dt.date | None,
    estimated_age: int | None = None,
    estimated_on: dt.date | None = None,
    slack: int = 1,
) -> tuple[int, int] | None:
    """The birth years a person may have: exact from a date of birth, or an estimated age
    on a date widened by `slack` years either side (an estimate is often a year out)."""
    if date_of_birth is not None:
        return date_of_birth.year, date_of_birth.year
    if estimated_age is None or estimated_on is None:
        return None
    born = estimated_on.year - estimated_age
    return born - 1 - slack, born + slack


def dates_differ_by_typo(a: dt.date, b: dt.date) -> bool:
    """Two different dates of birth that look like one keying slip: day and month swapped,
    or exactly one of day, month, year different by one digit."""
    if a == b:
        return False
    if (a.day, a.month, a.year) == (b.month, b.day, b.year):
        return True
    same = [a.day == b.day, a.month == b.month, a.year == b.year]
    if sum(same) != 2:
        return False
    pairs = [(a.day, b.day), (a.month, b.month), (a.year, b.year)]
    x, y = pairs[same.index(False)]
    sx, sy = f"{x:02d}", f"{y:02d}"
    return len(sx) == len(sy) and sum(c1 != c2 for c1, c2 in zip(sx, sy, strict=True)) == 1


def registrations_confusable(a: str, b: str) -> bool:
    """True when two registrations differ only by 0/O or 1/I confusions (flag as a
    *possible* match, never an automatic one); identical registrations are not 'confusable'."""
    key_a, key_b = registration(a), registration(b)
    return (
        bool(key_a)
        and key_a != key_b
        and (registration_confusable(key_a) == registration_confusable(key_b))
    )


# --- Identifiers inside free text (search): registrations, postcodes, phone numbers. ---
# People type "NM19 KXT", "nm19kxt" or "NM19  KXT"; "07700 900123" or "+44 7700 900123".
# Search indexes and queries both add the one canonical key of each, so any spelling meets.

_EDGE_L, _EDGE_R = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"
_TEXT_IDENTIFIERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # Postcode first: a span that reads as both is a postcode.
    (
        "postcode",
        re.compile(_EDGE_L + r"[A-Za-z]{1,2}[0-9][0-9A-Za-z]?[ \t]*[0-9][A-Za-z]{2}" + _EDGE_R),
    ),
    # Current (AB12 CDE), prefix (A123 BCD) and suffix (ABC 123D) registration marks; the
    # dateless ones ("AB 1") are too like ordinary words and numbers to pick out of text.
    ("registration", re.compile(_EDGE_L + r"[A-Za-z]{2}[0-9]{2}[ \t]*[A-Za-z]{3}" + _EDGE_R)),
    ("registration", re.compile(_EDGE_L + r"[A-Za-z][0-9]{1,3}[ \t]*[A-Za-z]{3}" + _EDGE_R)),
    ("registration", re.compile(_EDGE_L + r"[A-Za-z]{3}[ \t]*[0-9]{1,3}[A-Za-z]" + _EDGE_R)),
    # A phone number starts with +, 0 or "(0" (so dates and times are never read as one).
    ("phone", re.compile(r"(?<![\w+])(?:\+|\(0|0)[0-9 \t().-]{8,20}[0-9]" + _EDGE_R)),
)


@dataclass(frozen=True)
class TextIdentifier:
    """A registration, postcode or phone number found in text, with its search key: the
    same for every spelling ('NM19KXT', 'NM11AA', '447700900123': E.164 without '+')."""

    kind: str
    start: int
    end: int
    text: str
    key: str


def _identifier_key(kind: str, text: str) -> str:
    if kind == "phone":
        try:
            return phone_e164(text).lstrip("+")
        except InvalidPhoneNumber:
            return ""
    # Registrations and postcodes: upper case, letters and digits only.
    return registration(text)


def text_identifiers(text: str) -> list[TextIdentifier]:
    """Every registration, postcode and phone number in `text`, in order, without overlaps
    (the longest span wins; a postcode before a registration of the same span)."""
    found: list[TextIdentifier] = []
    for kind, pattern in _TEXT_IDENTIFIERS:
        for match in pattern.finditer(text or ""):
            key = _identifier_key(kind, match.group())
            if key:
                found.append(TextIdentifier(kind, match.start(), match.end(), match.group(), key))
    chosen: list[TextIdentifier] = []
    for item in sorted(found, key=lambda i: -(i.end - i.start)):
        if all(item.end <= c.start or item.start >= c.end for c in chosen):
            chosen.append(item)
    return sorted(chosen, key=lambda i: i.start)


def search_keys(text: str) -> list[str]:
    """The canonical keys of the identifiers in `text`, once each, for a search index."""
    return list(dict.fromkeys(i.key for i in text_identifiers(text)))
