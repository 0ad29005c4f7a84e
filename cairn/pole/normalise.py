"""Normalisation of identifiers so the same person, vehicle, phone or account typed
differently lands on the same search key. Pure functions; no database access."""

from __future__ import annotations

import re
import unicodedata

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


def phonetic_key(text: str) -> str:
    """Metaphone of the letters-only key, so Smith/Smyth and Stephen/Steven meet."""
    key = name_key(text)
    return jellyfish.metaphone(key)[:20] if key else ""


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
        raise InvalidPhoneNumber(f"Enter a phone number, like 07700 900 982: {exc}") from exc
    # Possible, not "valid": Ofcom's drama ranges (used in demos) are not assigned numbers.
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise InvalidPhoneNumber("Enter a phone number with the right number of digits.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def handle(text: str) -> str:
    """Online handle: lower-case, no leading '@', no surrounding spaces."""
    return (text or "").strip().lstrip("@").lower()
