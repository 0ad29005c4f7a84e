"""Mentions: the people, vehicles, phones, online accounts and places a concern or an
intelligence entry names. A mention is a plain dict ({"kind": "vehicle",
"registration": ...}) kept in the concern's draft or the entry; this module owns its
kinds, its API schema and web forms, its validation, the possible people a named person
may be, and the POLE record a mention becomes. Callers pass what differs between them
(the justification, whether new records are police-only) and key the errors themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, get_args

from django import forms
from ninja import Field

from cairn.api_auth.schemas import MAX_ID, InputSchema
from cairn.core.concurrency import lock_name
from cairn.core.forms import GovukDateField, GovukForm
from cairn.core.text import is_digits, parse_date
from cairn.core.types import Actor

from . import services as pole
from .access import access_entity_by_id, access_person_by_id
from .models import NameKind, Platform, PremisesType
from .normalise import InvalidPhoneNumber, phone_e164
from .selectors import find_visible_object

if TYPE_CHECKING:
    from cairn.network.matching.online import Match

MentionKind = Literal["person", "vehicle", "phone", "online_account", "location"]
MENTION_KINDS: tuple[str, ...] = get_args(MentionKind)
# The kinds whose records are found again by a normalised key (find_visible_object).
KEYED_KINDS = ("vehicle", "phone", "online_account")


class MentionIn(InputSchema):
    kind: MentionKind
    entity_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Link an existing record instead (a person: one POST /network/match offered)",
    )
    note: str = Field("", max_length=300)
    given_name: str = Field("", max_length=100)
    family_name: str = Field("", max_length=100)
    nickname: str = Field("", max_length=100)
    date_of_birth: dt.date | None = None
    # An age is often all that is known of a person named: matched within those birth years.
    estimated_age: int | None = Field(None, ge=0, le=120)
    registration: str = Field("", max_length=20)
    make: str = Field("", max_length=60)
    model: str = Field("", max_length=60)
    colour: str = Field("", max_length=40)
    number: str = Field("", max_length=40)
    platform: str = Field("", max_length=20)
    handle: str = Field("", max_length=100)
    name: str = Field("", max_length=200)
    address_line_1: str = Field("", max_length=200)
    town: str = Field("", max_length=100)
    postcode: str = Field("", max_length=10)
    premises_type: str = Field("", max_length=20)


def mentions_payload(mentions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """MentionIn dumps as stored: the answers left blank are left out."""
    return [{k: v for k, v in m.items() if v not in ("", None)} for m in mentions]


# Web forms: one a kind, each adding one mention (`to_mention`).


class MentionForm(GovukForm):
    kind = ""

    def to_mention(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.cleaned_data}


class MentionPersonForm(MentionForm):
    kind = "person"
    given_name = forms.CharField(
        label="First name",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "width": 20}),
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "width": 20}),
    )
    nickname = forms.CharField(
        label="Nickname or street name",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "width": 20}),
    )
    date_of_birth = GovukDateField(label="Date of birth (if known)", required=False)
    # As on "Add a person" (pole.forms.PersonForm): the age is what the matcher narrows on
    # when no date is known, and what the entry's quality check asks for (outside tester 13).
    estimated_age = forms.IntegerField(
        label="Age, or about how old they are (if date of birth not known)",
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.NumberInput(attrs={"width": 3, "inputmode": "numeric"}),
        error_messages={
            "min_value": "Age must be 0 or more",
            "max_value": "Age must be 120 or less",
            "invalid": "Age must be a whole number, like 15",
        },
    )
    note = forms.CharField(
        label="How are they connected to the child? (optional)", max_length=300, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("given_name") or data.get("family_name") or data.get("nickname")):
            raise forms.ValidationError("Enter a name or a nickname")
        if data.get("date_of_birth") and data.get("estimated_age") is not None:
            self.add_error("estimated_age", "Give either a date of birth or an age, not both")
        return data

    def to_mention(self) -> dict[str, Any]:
        mention = super().to_mention()
        dob = mention.get("date_of_birth")
        mention["date_of_birth"] = dob.isoformat() if dob else None
        return mention


class MentionVehicleForm(MentionForm):
    kind = "vehicle"
    registration = forms.CharField(
        label="Registration",
        max_length=12,
        widget=forms.TextInput(attrs={"width": 10, "spellcheck": "false"}),
        error_messages={"required": "Enter the registration, or as much of it as you know"},
    )
    make = forms.CharField(
        label="Make (optional)",
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"width": 20}),
    )
    model = forms.CharField(
        label="Model (optional)",
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"width": 20}),
    )
    colour = forms.CharField(
        label="Colour (optional)",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"width": 10}),
    )
    note = forms.CharField(
        label="How is it connected to the child? (optional)", max_length=300, required=False
    )


class MentionPhoneForm(MentionForm):
    kind = "phone"
    number = forms.CharField(
        label="Phone number",
        max_length=40,
        widget=forms.TextInput(attrs={"width": 20, "inputmode": "tel", "autocomplete": "off"}),
        error_messages={"required": "Enter the phone number"},
    )
    note = forms.CharField(
        label="Whose phone is it, if known? (optional)", max_length=300, required=False
    )

    def clean_number(self) -> str:
        value = self.cleaned_data["number"]
        try:
            phone_e164(value)
        except InvalidPhoneNumber:
            raise forms.ValidationError("Enter a phone number, like 07700 900 982") from None
        return value


class MentionAccountForm(MentionForm):
    kind = "online_account"
    platform = forms.ChoiceField(label="Platform", choices=Platform.choices)
    handle = forms.CharField(
        label="Handle or username",
        max_length=100,
        widget=forms.TextInput(attrs={"width": 20, "spellcheck": "false"}),
        error_messages={"required": "Enter the handle or username"},
    )
    note = forms.CharField(
        label="Whose account is it, if known? (optional)", max_length=300, required=False
    )


class MentionLocationForm(MentionForm):
    kind = "location"
    name = forms.CharField(
        label="Place name (optional)",
        max_length=200,
        required=False,
        help_text="For example, a hotel, takeaway, park or car park",
    )
    address_line_1 = forms.CharField(label="Address (optional)", max_length=200, required=False)
    town = forms.CharField(
        label="Town (optional)",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"width": 20}),
    )
    postcode = forms.CharField(
        label="Postcode (optional)",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"width": 10}),
    )
    premises_type = forms.ChoiceField(
        label="Type of place", choices=PremisesType.choices, initial=PremisesType.OTHER
    )
    note = forms.CharField(label="What happened there? (optional)", max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("name") or data.get("address_line_1") or data.get("postcode")):
            raise forms.ValidationError("Enter a place name, an address or a postcode")
        return data


# Each kind's form and what the page calls one ("Add a vehicle").
MENTION_FORMS: dict[str, tuple[type[MentionForm], str]] = {
    "person": (MentionPersonForm, "a person"),
    "vehicle": (MentionVehicleForm, "a vehicle"),
    "phone": (MentionPhoneForm, "a phone number"),
    "online_account": (MentionAccountForm, "an online account"),
    "location": (MentionLocationForm, "a place"),
}


# Validation.


def is_mention(item: Any) -> bool:
    return isinstance(item, dict) and item.get("kind") in MENTION_KINDS


def clean_mentions(raw: Any) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """The mentions in `raw` (a list, or nothing) and the errors of those that are not one:
    "mentions" when `raw` is not a list, "mentions.N.kind" for each item with no known
    kind."""
    items = raw or []
    if not isinstance(items, list):
        return [], {"mentions": ["Mentions must be a list"]}
    cleaned: list[dict[str, Any]] = []
    errors: dict[str, list[str]] = {}
    for n, item in enumerate(items):
        if not is_mention(item):
            errors.setdefault(f"mentions.{n}.kind", []).append(
                f"Mention kind must be one of: {', '.join(MENTION_KINDS)}"
            )
            continue
        cleaned.append(item)
    return cleaned, errors


# Matching: who a named person may be, which record a mention already is.


def person_fields(mention: dict[str, Any]) -> dict[str, Any]:
    """A person mention's names, date of birth and age, as the person matcher takes them
    (the keys "Add a person" and a concern's new child pass: outside tester 12's "about
    42" was not passed, so the age could not narrow the search)."""
    age = mention.get("estimated_age")
    return {
        "given_name": str(mention.get("given_name") or "").strip(),
        "family_name": str(mention.get("family_name") or "").strip(),
        "nickname": str(mention.get("nickname") or "").strip(),
        "date_of_birth": mention.get("date_of_birth") or None,
        "estimated_age": age if isinstance(age, int) and 0 <= age <= 120 else None,
    }


def possible_people(user: Actor, mention: dict[str, Any], *, limit: int = 5) -> list[Match]:
    """Existing people a person mention may be (a nickname is looked up among every
    recorded alias and nickname), those `user` may see; none without a name."""
    from cairn.network.selectors import possible_matches  # noqa: PLC0415 (cycle: network imports pole)

    fields = person_fields(mention)
    if not (fields["given_name"] or fields["family_name"] or fields["nickname"]):
        return []
    return possible_matches(user, fields, limit=limit)


def choose_person(user: Actor, mention: dict[str, Any], answer: Any) -> list[Match]:
    """A person mention as the user answered the match offer (`answer`: the POSTed form):
    a record they may see (404 otherwise) goes into the mention, the typed details kept;
    with no choice and not confirmed as new, the people it may be (nothing saved yet);
    else nothing to offer. Concerns and intelligence drafts ask the same way."""
    existing = str(answer.get("use_existing", ""))
    if is_digits(existing):
        person = access_person_by_id(user, int(existing))
        mention.update(entity_id=person.pk, record_label=person.full_name)
        return []
    if answer.get("confirm_new"):
        return []
    return possible_people(user, mention)


def existing_entity(actor: Actor, mention: dict[str, Any]) -> int | None:
    """The visible record a mention names or matches, without making one."""
    raw = str(mention.get("entity_id") or "")
    if raw.isdigit():
        return int(raw) if 0 < int(raw) <= MAX_ID else None
    if mention["kind"] in KEYED_KINDS:
        return find_visible_object(actor, mention["kind"], mention)
    return None


# The record a mention becomes.


def new_entity_for_mention(
    actor: Actor, mention: dict[str, Any], *, justification: str, police_only: bool = False
) -> int:
    """A new POLE record made from a mention; `justification` is the new person's."""
    kind = mention["kind"]
    if kind == "person":
        nickname = str(mention.get("nickname") or "").strip()
        return pole.person_create(
            actor=actor,
            given_name=str(mention.get("given_name") or nickname or "Unknown").strip(),
            family_name=str(mention.get("family_name") or "").strip(),
            category=mention.get("category") or "person_of_concern",
            date_of_birth=(dob := parse_date(mention.get("date_of_birth"))),
            estimated_age=None if dob else person_fields(mention)["estimated_age"],
            aliases=[(NameKind.NICKNAME, nickname, "")] if nickname else [],
            police_only=police_only,
            justification=justification,
        ).pk
    if kind == "vehicle":
        return pole.vehicle_create(
            actor=actor,
            registration=str(mention.get("registration") or ""),
            make=str(mention.get("make") or ""),
            model=str(mention.get("model") or ""),
            colour=str(mention.get("colour") or ""),
            police_only=police_only,
        ).pk
    if kind == "phone":
        return pole.phone_create(
            actor=actor, number=str(mention.get("number") or ""), police_only=police_only
        ).pk
    if kind == "online_account":
        return pole.online_account_create(
            actor=actor,
            platform=str(mention.get("platform") or "other"),
            handle=str(mention.get("handle") or ""),
            police_only=police_only,
        ).pk
    return pole.location_create(
        actor=actor,
        name=str(mention.get("name") or ""),
        address_line_1=str(mention.get("address_line_1") or ""),
        town=str(mention.get("town") or ""),
        postcode=str(mention.get("postcode") or ""),
        premises_type=str(mention.get("premises_type") or "other"),
        police_only=police_only,
    ).pk


def _lock_name(mention: dict[str, Any]) -> str | None:
    if mention.get("entity_id") or mention.get("kind") not in KEYED_KINDS:
        return None
    return pole.object_lock_name(mention["kind"], mention)


def lock_mentions(mentions: Iterable[dict[str, Any]]) -> None:
    """Lock the normalised key of each vehicle, phone and account the mentions name, in
    one order, so two concerns naming the same new phone at once (or a concern and
    POST /phones) make one record: the second finds the first's. Call it first in the
    transaction, before any audit row (as `object_record` does: see `lock_name`).

    A named person is not found again by a key (IG and the duplicate-checking queue
    decide who is whom), so there is nothing to lock for one: each mention of a new
    person is a new record, as it is when the two are typed a minute apart."""
    for name in sorted({n for m in mentions if (n := _lock_name(m)) is not None}):
        lock_name(name)


def entity_for_mention(
    actor: Actor, mention: dict[str, Any], *, justification: str, police_only: bool = False
) -> int:
    """The POLE record a mention refers to: the record it names (which `actor` must be
    able to see), a visible vehicle, phone or account with the same normalised key, or
    else a new record. A keyed one is found or made under its key's lock (taken again
    here if the caller did not: `lock_mentions`; a lock held already is held again)."""
    if mention.get("entity_id"):
        return access_entity_by_id(actor, int(mention["entity_id"])).pk
    kind = mention["kind"]
    if kind in KEYED_KINDS:
        name = _lock_name(mention)
        if name is not None:
            lock_name(name)
        existing = find_visible_object(actor, kind, mention)
        if existing is not None:
            return existing
    return new_entity_for_mention(
        actor, mention, justification=justification, police_only=police_only
    )
