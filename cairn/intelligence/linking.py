"""The vocabulary of the FIB's linking step, shared by its service, its page and the API:
for each kind of detail an entry names (a person, vehicle, phone, online account or
place), the question asked ("Whose phone is it?"), how it may be linked to the person it
belongs to, and how a detail is named in messages. Nothing here touches the database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cairn.pole.models import LinkType

# The source type of the links the FIB's linking step records (cairn.pole LinkSource).
INTEL_SOURCE = "intelligence.submission"
SUBJECT = "subject"
NOBODY = "none"
# Marks the entry's subject's own detail, kept from the concern as typed so the FIB can
# link it to a record police hold (services._mentions_about); not a person to link to.
SUBJECT_DETAIL = "subject_detail"
NEW = "new"
SKIP = "skip"
_MENTION = re.compile(r"^mention:(\d{1,2})$")

# How a detail may be linked to its person, the first being the usual one. For a person
# the link reads "<this person> <type> <the person chosen>"; for anything else
# "<the person chosen> <type> <this detail>".
LINK_TYPES: dict[str, tuple[LinkType, ...]] = {
    "person": (
        LinkType.ASSOCIATE,
        LinkType.PARTNER,
        LinkType.FAMILY,
        LinkType.SIBLING,
        LinkType.PARENT,
        LinkType.OTHER,
    ),
    "vehicle": (LinkType.OWNS_VEHICLE, LinkType.SEEN_IN_VEHICLE, LinkType.OTHER),
    "phone": (LinkType.USES_PHONE, LinkType.OTHER),
    "online_account": (LinkType.USES_ACCOUNT, LinkType.OTHER),
    "location": (
        LinkType.SEEN_AT,
        LinkType.LIVES_AT,
        LinkType.STAYS_AT,
        LinkType.FREQUENTS,
        LinkType.WORKS_AT,
        LinkType.OTHER,
    ),
}
NOUN = {
    "person": "person",
    "vehicle": "vehicle",
    "phone": "phone",
    "online_account": "online account",
    "location": "place",
}


def describe(mention: dict[str, Any]) -> str:
    """A detail as a sentence names it: "the phone 07700 900123", "Dean Marsh"."""
    kind = mention.get("kind")
    if kind == "person":
        name = " ".join(
            str(mention.get(k) or "").strip() for k in ("given_name", "family_name")
        ).strip()
        nickname = str(mention.get("nickname") or "").strip()
        if name and nickname:
            return f"{name} (known as {nickname})"
        return name or (f"the person known as {nickname}" if nickname else "the person")
    if kind == "vehicle":
        return f"the vehicle {str(mention.get('registration') or '').upper()}".strip()
    if kind == "phone":
        return f"the phone {mention.get('number') or ''}".strip()
    if kind == "online_account":
        platform = str(mention.get("platform") or "").replace("_", " ").capitalize()
        return f"the {platform} account {mention.get('handle') or ''}".replace("  ", " ").strip()
    parts = [mention.get(k) for k in ("name", "address_line_1", "town", "postcode")]
    return "the place " + (", ".join(str(p) for p in parts if p) or "named")


def question(mention: dict[str, Any]) -> str:
    kind = str(mention.get("kind"))
    if kind == "person":
        return f"Who is {describe(mention)} connected to?"
    if kind == "location":
        return "Who is linked to this place?"
    return f"Whose {NOUN.get(kind, 'detail')} is it?"


def unanswered(mention: dict[str, Any]) -> str:
    """The error when "whose is it?" is not answered."""
    kind = str(mention.get("kind"))
    what = describe(mention)
    if kind == "person":
        return f"Select who {what} is connected to, or “Nobody else in this entry”"
    if kind == "location":
        return f"Select who is linked to {what}"
    return f"Select whose {what.removeprefix('the ')} is"


def nobody_label(kind: str) -> str:
    if kind == "person":
        return "Nobody else in this entry"
    return "Not known, or nobody named in this entry"


@dataclass(frozen=True)
class Owner:
    """Whose a detail is: the entry's subject, a person named in the entry (by index),
    or nobody in the entry."""

    kind: str  # SUBJECT, "mention" or NOBODY
    index: int | None = None


def parse_owner(value: Any) -> Owner | None:
    """An answer to "whose is it?" as the page and the API send it ("subject", "none",
    "mention:2" or the number 2); None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Owner("mention", value) if 0 <= value < 100 else None
    text = str(value or "").strip()
    if text in (SUBJECT, NOBODY):
        return Owner(text)
    match = _MENTION.match(text)
    return Owner("mention", int(match.group(1))) if match else None


def owner_value(index: int) -> str:
    return f"mention:{index}"
