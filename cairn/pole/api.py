"""The people, links and records (objects and locations) API. Handlers parse input, call
one access function, selector or service, and write the consultation audit row for
every read of personal data (source "api"). Visibility is the access layer's: a record
the caller may not see is a 404, exactly as if it did not exist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import model_validator

from cairn.api_auth.schemas import MAX_ID, InputSchema, error_responses
from cairn.core.api_pages import Page, PageNo, page_size_query, paginate
from cairn.core.http import actor_of, require
from cairn.core.throttling import api_throttles
from cairn.core.types import Actor
from cairn.rights import selectors as rights_selectors
from cairn.sharing.schemas import BasisIn, BasisOut, basis_out

from . import search, selectors, services
from .access import (
    access_person_by_id,
    can_mark_police_only,
    view_object,
    view_person,
    view_person_shares,
    view_restricted_person,
)
from .models import (
    Entity,
    EntityKind,
    EntityShare,
    Ethnicity,
    LinkType,
    LookedAfter,
    NameKind,
    Person,
    PersonCategory,
    Platform,
    PremisesType,
    SecurityMarking,
    Sex,
    ShareBasis,
)

router = Router()

SEARCH_PAGE_SIZE = 25
LINKS_PAGE_SIZE = 100
SOURCE = "api"

EntityId = Annotated[int, Path(ge=1, le=MAX_ID)]
NO_NUL = r"^[^\x00]*$"


# Output schemas: handlers return model objects; these say what the client sees. ---------


class AgencyRef(Schema):
    id: int
    name: str
    short_name: str
    kind: str


class EntityRef(Schema):
    id: int
    kind: EntityKind
    label: str


class PersonSummaryOut(Schema):
    id: int
    given_name: str
    family_name: str
    full_name: str
    category: PersonCategory
    date_of_birth: dt.date | None
    estimated_age: int | None
    estimated_age_on: dt.date | None
    sex: Sex
    owning_agency: AgencyRef
    police_only: bool
    hub_shared: bool

    @staticmethod
    def resolve_id(obj: Person) -> int:
        return int(obj.pk)

    @staticmethod
    def resolve_owning_agency(obj: Person) -> Any:
        return obj.entity.owning_agency

    @staticmethod
    def resolve_police_only(obj: Person) -> bool:
        return obj.entity.police_only

    @staticmethod
    def resolve_hub_shared(obj: Person) -> bool:
        return obj.entity.hub_shared


class OtherNameOut(Schema):
    kind: NameKind
    given_name: str
    family_name: str
    full_name: str


class PersonOut(PersonSummaryOut):
    restricted: Literal[False] = Field(
        description="Always false here: a record whose processing is restricted comes as "
        "a RestrictedPersonOut (restricted: true) instead"
    )
    ethnicity: Ethnicity
    first_language: str
    interpreter_needed: bool
    sen_disability: str
    has_learning_disability: bool
    looked_after: LookedAfter
    description: str
    marking: SecurityMarking
    created_at: dt.datetime
    other_names: list[OtherNameOut]

    @staticmethod
    def resolve_restricted(obj: Person) -> bool:
        # A restricted record fails this schema's Literal[False], so the union answers
        # with RestrictedPersonOut and never the full record.
        return obj.entity.restricted_since is not None

    @staticmethod
    def resolve_marking(obj: Person) -> str:
        return obj.entity.marking

    @staticmethod
    def resolve_created_at(obj: Person) -> dt.datetime:
        return obj.entity.created_at

    @staticmethod
    def resolve_other_names(obj: Person) -> list[selectors.OtherName]:
        # `obj` came through the access layer, so its names are visible too.
        return selectors.other_names(obj)


class RestrictionOut(Schema):
    """`rights_selectors.restriction_shown`: what the caller may know of it, as the web
    page shows it."""

    since: dt.datetime
    reason: str = Field(description="Why processing is restricted, as the web's banner says")
    restricted_by: str
    extended: bool = Field(
        description="Restricted as the same person as another restricted record: lifted "
        "only with that record's restriction"
    )
    extends_record: int | None = Field(
        description="That record, for callers who may open it; null for a restriction of "
        "its own, or when the caller may not open that record"
    )

    @staticmethod
    def resolve_since(obj: rights_selectors.RestrictionShown) -> dt.datetime:
        return obj.restriction.applied_at


class RestrictedPersonOut(PersonSummaryOut):
    """A record whose processing is restricted (UK GDPR Article 18; cairn/rights), as the
    agency holding it may open it, like the web's page: who the person is, who holds the
    record and the restriction; nothing else, and nothing linked to it."""

    restricted: Literal[True]
    restriction: RestrictionOut | None = Field(
        description="The restriction in force (null only if its record cannot be found)"
    )

    @staticmethod
    def resolve_restricted(obj: Person) -> bool:
        return obj.entity.restricted_since is not None

    @staticmethod
    def resolve_restriction(
        obj: Person, context: dict[str, Any]
    ) -> rights_selectors.RestrictionShown | None:
        if obj.entity.restricted_since is None:
            return None  # not restricted: PersonOut answers, so ask nothing more
        restriction = rights_selectors.restriction_in_force(obj)
        if restriction is None:
            return None
        return rights_selectors.restriction_shown(restriction, actor_of(context["request"]))


class PersonMatchOut(Schema):
    person: PersonSummaryOut
    matched_name: str
    matched_kind: NameKind
    score: float
    reasons: list[str]


class PersonSearchOut(Page[PersonMatchOut]):
    pass


class LinkSourceOut(Schema):
    """A record (or a note typed by hand) that asserts the link."""

    source_type: str = Field(
        description='What asserts it: "concerns.concern", "intelligence.submission", '
        '"disruption.tactic"..., or "" for a note typed by hand'
    )
    source_id: str
    note: str
    started_on: dt.date | None
    ended_on: dt.date | None
    agency: AgencyRef
    police_only: bool
    recorded_at: dt.datetime


class LinkOut(Schema):
    """One fact, with the sources that assert it that you may see (intelligence sources
    are shown to police only); its dates span those sources."""

    id: int
    link_type: LinkType
    link_type_label: str
    direction: Literal["outgoing", "incoming"]
    description: str
    started_on: dt.date | None
    ended_on: dt.date | None
    source_note: str = Field(description="The notes of the sources, joined with '; '")
    sources: list[LinkSourceOut]
    police_only: bool
    owning_agency: AgencyRef = Field(description="The agency of the first source you may see")
    created_at: dt.datetime = Field(description="When the first source you may see was recorded")
    other: EntityRef


class LinkPageOut(Page[LinkOut]):
    pass


class VehicleOut(Schema):
    registration: str
    registration_key: str
    make: str
    model: str
    colour: str


class PhoneOut(Schema):
    number_e164: str
    as_given: str


class OnlineAccountOut(Schema):
    platform: Platform
    handle: str


class LocationOut(Schema):
    name: str
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str
    premises_type: PremisesType
    latitude: float | None
    longitude: float | None


class EntityOut(Schema):
    """An object or location; only the part matching `kind` is filled in."""

    id: int
    kind: EntityKind
    label: str
    owning_agency: AgencyRef
    police_only: bool
    hub_shared: bool
    marking: SecurityMarking
    created_at: dt.datetime
    vehicle: VehicleOut | None
    phone: PhoneOut | None
    online_account: OnlineAccountOut | None
    location: LocationOut | None

    # Only the detail matching the record's kind is read (already cached after a create).
    @staticmethod
    def resolve_vehicle(obj: Entity) -> Any:
        return obj.vehicle if obj.kind == EntityKind.VEHICLE else None

    @staticmethod
    def resolve_phone(obj: Entity) -> Any:
        return obj.phone if obj.kind == EntityKind.PHONE else None

    @staticmethod
    def resolve_online_account(obj: Entity) -> Any:
        return obj.online_account if obj.kind == EntityKind.ONLINE_ACCOUNT else None

    @staticmethod
    def resolve_location(obj: Entity) -> Any:
        return obj.location if obj.kind == EntityKind.LOCATION else None


def _link_out(view: selectors.LinkView) -> dict[str, Any]:
    link = view.link
    first = view.first_source
    return {
        "id": link.pk,
        "link_type": link.link_type,
        "link_type_label": link.get_link_type_display(),
        "direction": "outgoing" if view.outgoing else "incoming",
        "description": view.description,
        "started_on": view.started_on,
        "ended_on": view.ended_on,
        "source_note": view.source_note,
        "sources": [
            {
                "source_type": s.source_type,
                "source_id": s.source_id,
                "note": s.note,
                "started_on": s.started_on,
                "ended_on": s.ended_on,
                "agency": s.owning_agency,
                "police_only": s.police_only,
                "recorded_at": s.recorded_at,
            }
            for s in view.sources
        ],
        "police_only": link.police_only,
        "owning_agency": first.owning_agency if first else link.owning_agency,
        "created_at": first.recorded_at if first else link.created_at,
        "other": view.other,
    }


# Input schemas -------------------------------------------------------------------------


class AliasIn(InputSchema):
    kind: Literal["alias", "nickname", "previous"] = "alias"
    given_name: str = Field("", max_length=100)
    family_name: str = Field("", max_length=100)


class PersonIn(InputSchema):
    category: PersonCategory
    given_name: str = Field(..., min_length=1, max_length=100, pattern=r"\S")
    family_name: str = Field("", max_length=100)
    date_of_birth: dt.date | None = None
    estimated_age: int | None = Field(None, ge=0, le=120)
    sex: Sex = Sex.UNKNOWN
    ethnicity: Ethnicity = Ethnicity.NOT_KNOWN
    first_language: str = Field("", max_length=60)
    interpreter_needed: bool = False
    sen_disability: str = Field("", max_length=500)
    has_learning_disability: bool = False
    looked_after: LookedAfter = LookedAfter.NO
    description: str = Field("", max_length=2000)
    aliases: list[AliasIn] = Field(default_factory=list, max_length=20)
    police_only: bool = Field(False, description="Police-only record (police users only).")
    hub_shared: bool = Field(False, description="Share the record with every Hub agency.")
    justification: str = Field("", max_length=500, description="Why the record is created.")

    @model_validator(mode="after")
    def _one_kind_of_age(self) -> PersonIn:
        if self.date_of_birth is not None and self.estimated_age is not None:
            raise ValueError("Give either a date of birth or an estimated age, not both")
        return self


class LinkIn(InputSchema):
    from_entity_id: int = Field(..., ge=1, le=MAX_ID)
    to_entity_id: int = Field(..., ge=1, le=MAX_ID)
    link_type: LinkType
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    source_note: str = Field(
        ..., max_length=500, pattern=r"\S", description="Where this link comes from."
    )
    police_only: bool = False

    @model_validator(mode="after")
    def _dates_in_order(self) -> LinkIn:
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValueError("The end date must be on or after the start date")
        return self


class VehicleIn(InputSchema):
    registration: str = Field(..., min_length=2, max_length=20)
    make: str = Field("", max_length=60)
    model: str = Field("", max_length=60)
    colour: str = Field("", max_length=40)
    police_only: bool = False


class PhoneIn(InputSchema):
    number: str = Field(..., min_length=1, max_length=40, examples=["07700 900123"])
    police_only: bool = False


class OnlineAccountIn(InputSchema):
    platform: Platform
    handle: str = Field(..., min_length=1, max_length=100)
    police_only: bool = False


class LocationIn(InputSchema):
    name: str = Field("", max_length=200)
    address_line_1: str = Field("", max_length=200)
    address_line_2: str = Field("", max_length=200)
    town: str = Field("", max_length=100)
    postcode: str = Field("", max_length=10)
    premises_type: PremisesType = PremisesType.RESIDENTIAL
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    police_only: bool = False
    hub_shared: bool = False


# People --------------------------------------------------------------------------------


@router.get(
    "/people",
    response={200: PersonSearchOut, **error_responses(422)},
    tags=["people"],
    throttle=api_throttles("search"),
)
def people_search(
    request: HttpRequest,
    q: Annotated[str, Query(max_length=200, pattern=NO_NUL)] = "",
    dob: dt.date | None = None,
    page: PageNo = 1,
    page_size: int = page_size_query(SEARCH_PAGE_SIZE),
) -> dict[str, Any]:
    """Search people by name or alias (fuzzy) and/or exact date of birth (YYYY-MM-DD),
    best match first, with the reasons each matched. Give at least one of `q` and `dob`."""
    actor = actor_of(request)
    require(actor, "pole.view_person")
    if not q.strip() and dob is None:
        raise NinjaValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ["query", "q"],
                    "msg": "Enter a name, an alias or a date of birth to search",
                }
            ]
        )
    matches = search.search_people(actor, query=q, date_of_birth=dob)
    return paginate(
        matches,
        page,
        page_size,
        lambda m: {
            "person": m.person,
            "matched_name": m.matched_name,
            "matched_kind": m.matched_kind,
            "score": round(m.score, 1),
            "reasons": m.reasons,
        },
        consult=lambda shown: selectors.consult_people_found(
            actor,
            [m.person.pk for m in shown],
            results=len(matches),
            justification="Person search",
            values={"query": q[:100], "dob": dob.isoformat() if dob else None},
        ),
    )


@router.post(
    "/people",
    response={201: PersonOut, **error_responses(422)},
    tags=["people"],
)
def person_create(request: HttpRequest, payload: PersonIn) -> Status[Person]:
    """Record a new person with their primary name and any aliases. Unlike the web form
    this does not stop to show possible duplicates: search first."""
    actor = actor_of(request)
    _refuse_police_only(actor, payload.police_only)
    data = payload.model_dump(exclude={"aliases", "police_only", "hub_shared", "justification"})
    person = services.person_create(
        actor=actor,
        aliases=[(a.kind, a.given_name, a.family_name) for a in payload.aliases],
        police_only=payload.police_only,
        hub_shared=payload.hub_shared,
        justification=payload.justification,
        **data,
    )
    return Status(201, person)


@router.get(
    "/people/{person_id}",
    response={200: PersonOut | RestrictedPersonOut, **error_responses(404, 422)},
    tags=["people"],
)
def person_detail(
    request: HttpRequest,
    person_id: EntityId,
    reason: Annotated[str, Query(max_length=200, pattern=NO_NUL)] = "",
) -> Person:
    """A person's record and their other names. Recorded in the audit log as a view;
    `reason` says why you opened it. A record whose processing is restricted is withheld
    (404) except from the agency that holds it, which gets who the person is and the
    restriction (`restricted: true`), as on the web."""
    actor = actor_of(request)
    require(actor, "pole.view_person")
    justification = reason or "Opened person record via the API"
    try:
        return view_person(actor, person_id, justification=justification, source=SOURCE)
    except Http404:
        # As the web's person page: the holding agency opens it by direct link (IG does on
        # the web; it may not read records through the API, refused above).
        return view_restricted_person(actor, person_id, justification=justification, source=SOURCE)


@router.get(
    "/people/{person_id}/links",
    response={200: LinkPageOut, **error_responses(404, 422)},
    tags=["links"],
)
def person_links(
    request: HttpRequest,
    person_id: EntityId,
    page: PageNo = 1,
    page_size: int = page_size_query(LINKS_PAGE_SIZE),
) -> dict[str, Any]:
    """The person's links whose other end you may also see, newest first, each with
    its type, dates, source note and the record at the other end."""
    actor = actor_of(request)
    require(actor, "pole.view_link")
    person = access_person_by_id(actor, person_id)
    views = selectors.consult_person_links(actor, person, justification="Viewed links via the API")
    return paginate(views, page, page_size, _link_out)


@router.post(
    "/links",
    response={201: LinkOut, 200: LinkOut, **error_responses(404, 422)},
    tags=["links"],
)
def link_create(request: HttpRequest, payload: LinkIn) -> Status[dict[str, Any]]:
    """Record that two records you can see are linked, with where you know it from (404
    if either is not visible). A fact is one link: if it is already recorded, your note
    is added to it as a further source (201); sending the same note again changes nothing
    (200)."""
    actor = actor_of(request)
    _refuse_police_only(actor, payload.police_only)
    recorded = services.link_record(
        actor=actor,
        from_entity_id=payload.from_entity_id,
        to_entity_id=payload.to_entity_id,
        link_type=payload.link_type,
        started_on=payload.started_on,
        ended_on=payload.ended_on,
        source_note=payload.source_note,
        police_only=payload.police_only,
    )
    link = selectors.links_for_entity(actor, payload.from_entity_id).get(pk=recorded.link.pk)
    view = selectors.link_view(link, payload.from_entity_id)
    return Status(201 if recorded.source_added else 200, _link_out(view))


# Objects and locations -----------------------------------------------------------------


class EntitySearchOut(Page[EntityOut]):
    pass


@router.get(
    "/entities",
    response={200: EntitySearchOut, **error_responses(422)},
    tags=["objects and locations"],
    throttle=api_throttles("search"),
)
def entity_search(
    request: HttpRequest,
    q: Annotated[str, Query(min_length=1, max_length=100, pattern=NO_NUL)],
    page: PageNo = 1,
    page_size: int = page_size_query(SEARCH_PAGE_SIZE),
) -> dict[str, Any]:
    """Find vehicles, phones, online accounts and locations you may see by a registration
    ("NM19 KXT" or "nm19kxt"), a phone number in any format ("07700 900123",
    "+44 7700 900123"), a handle (with or without "@", any case) or a postcode ("nm1 1aa",
    "NM11AA"). Exact matches only. People are searched at /people."""
    actor = actor_of(request)
    require(actor, "pole.view_person")
    if not q.strip():
        raise NinjaValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ["query", "q"],
                    "msg": "Enter a registration, phone number, handle or postcode to search",
                }
            ]
        )
    found = search.search_objects(actor, q)
    return paginate(
        found,
        page,
        page_size,
        consult=lambda shown: selectors.consult_objects_found(
            actor, list(shown), results=len(found), query=q
        ),
    )


@router.get(
    "/entities/{entity_id}",
    response={200: EntityOut, **error_responses(404, 422)},
    tags=["objects and locations"],
)
def entity_detail(request: HttpRequest, entity_id: EntityId) -> Entity:
    """A vehicle, phone, online account or location. People are at /people/{id}."""
    actor = actor_of(request)
    require(actor, "pole.view_person")
    return view_object(actor, entity_id, justification="Opened record via the API")


_CREATED = {201: EntityOut, **error_responses(422)}


def _refuse_police_only(actor: Actor, requested: bool) -> None:
    """Only police may mark a record or link police-only. The services quietly record a
    partner's request as an ordinary record (intelligence a partner submits passes through
    them); an API client asking for it is told, not left believing it was honoured."""
    if requested and not can_mark_police_only(actor):
        raise DjangoValidationError(
            {"police_only": "Only police users can mark a record police-only."}
        )


_RECORDED = {201: EntityOut, 200: EntityOut, **error_responses(422)}


def _record_object(actor: Actor, kind: EntityKind, payload: InputSchema) -> Status[Entity]:
    """201 with a new record; 200 with the one the caller may already see (a client that
    sends the same number again, or two at once, gets one record, as the web's mentions
    do). Showing a record already held is a read of it, logged as one."""
    recorded = services.object_record(actor=actor, kind=kind, **payload.model_dump())
    if recorded.created:
        return Status(201, recorded.entity)
    entity = view_object(
        actor,
        recorded.entity.pk,
        justification=f"Already held: returned for a new {kind.label.lower()} via the API",
    )
    return Status(200, entity)


@router.post("/vehicles", response=_RECORDED, tags=["objects and locations"])
def vehicle_create(request: HttpRequest, payload: VehicleIn) -> Status[Entity]:
    """Record a vehicle by its registration (any spacing or case). A vehicle you may already
    see with the same registration (and the same police-only marking) is returned with 200
    instead of a second record; its details are left as they were."""
    actor = actor_of(request)
    _refuse_police_only(actor, payload.police_only)
    return _record_object(actor, EntityKind.VEHICLE, payload)


@router.post("/phones", response=_RECORDED, tags=["objects and locations"])
def phone_create(request: HttpRequest, payload: PhoneIn) -> Status[Entity]:
    """Record a phone number (UK numbers may omit +44); it is stored in E.164 form. A phone
    you may already see with the same number (and the same police-only marking) is returned
    with 200 instead of a second record."""
    actor = actor_of(request)
    _refuse_police_only(actor, payload.police_only)
    return _record_object(actor, EntityKind.PHONE, payload)


@router.post("/online-accounts", response=_RECORDED, tags=["objects and locations"])
def online_account_create(request: HttpRequest, payload: OnlineAccountIn) -> Status[Entity]:
    """Record an online account: a platform and a handle. An account you may already see on
    the same platform with the same handle (however typed, and the same police-only
    marking) is returned with 200 instead of a second record."""
    actor = actor_of(request)
    _refuse_police_only(actor, payload.police_only)
    return _record_object(actor, EntityKind.ONLINE_ACCOUNT, payload)


@router.post("/locations", response=_CREATED, tags=["objects and locations"])
def location_create(request: HttpRequest, payload: LocationIn) -> Status[Entity]:
    """Record a location: an address, a place name or a postcode at least."""
    data = payload.model_dump()
    # The database keeps six decimal places (about 10 cm): round rather than refuse.
    for axis in ("latitude", "longitude"):
        if data[axis] is not None:
            data[axis] = Decimal(str(round(data[axis], 6)))
    actor = actor_of(request)
    _refuse_police_only(actor, payload.police_only)
    location = services.location_create(actor=actor, **data)
    return Status(201, location.entity)


# Who a person's record is shared with ---------------------------------------------------


class ShareOut(Schema):
    id: int
    agency: AgencyRef
    team: str | None = Field(description="Set when only one team of the agency may see it.")
    basis: ShareBasis = Field(
        description="manual: shared by the record's agency (revocable); referral: a referral "
        "was sent to the agency; allocation: the MASH allocated the work to the team."
    )
    referral_id: int | None = Field(
        description="The referral the share follows, if any and if you may see it."
    )
    referral_reference: str | None
    reason: str
    shared_by: str
    created_at: dt.datetime
    revocable: bool
    disclosure_basis: BasisOut | None = Field(
        description="The agreement and lawful basis the share relied on (a share that follows "
        "a referral relies on the referral's); null for shares made before bases were recorded."
    )


class ShareListOut(Schema):
    person_id: int
    shares: list[ShareOut]


class ShareIn(BasisIn):
    agency_id: int = Field(ge=1, le=MAX_ID)
    reason: str = Field(min_length=1, max_length=500, pattern=NO_NUL)


class RevokeIn(InputSchema):
    reason: str = Field(min_length=1, max_length=500, pattern=NO_NUL)


def _share_out(share: EntityShare, referral_reference: str = "") -> dict[str, Any]:
    return {
        "id": share.pk,
        "agency": share.agency,
        "team": share.team.name if share.team else None,
        "basis": share.basis,
        "referral_id": int(share.source_id) if referral_reference else None,
        "referral_reference": referral_reference or None,
        "reason": share.reason,
        "shared_by": str(share.shared_by),
        "created_at": share.created_at,
        "revocable": share.basis == ShareBasis.MANUAL,
        "disclosure_basis": basis_out(share.disclosure),
    }


def _share_list(actor: Actor, person: Person) -> dict[str, Any]:
    return {
        "person_id": person.pk,
        "shares": [
            _share_out(v.share, v.referral_reference)
            for v in selectors.share_views_for_person(actor, person)
        ],
    }


@router.get(
    "/people/{person_id}/shares",
    response={200: ShareListOut, **error_responses(404, 422)},
    tags=["people"],
)
def person_shares(request: HttpRequest, person_id: EntityId) -> dict[str, Any]:
    """The agencies (and teams) a person's record is shared with, when and why. Anyone
    who may see the record may see this; recorded in the audit log as a view."""
    actor = actor_of(request)
    require(actor, "pole.view_person")
    person = view_person_shares(actor, person_id, source=SOURCE)
    return _share_list(actor, person)


@router.post(
    "/people/{person_id}/shares",
    response={201: ShareOut, **error_responses(404, 422)},
    tags=["people"],
)
def person_share(request: HttpRequest, person_id: EntityId, payload: ShareIn) -> Status[Any]:
    """Share a person's record with another Hub agency, with a reason (the owning agency
    only; a disclosure recorded in the audit log with its recipient)."""
    actor = actor_of(request)
    person = access_person_by_id(actor, person_id)
    agency = selectors.share_agency(person, payload.agency_id)
    if agency is None:
        raise DjangoValidationError({"agency_id": selectors.share_refusal(person)})
    share = services.person_share(
        actor=actor,
        person_id=person.pk,
        agency=agency,
        reason=payload.reason,
        claim=payload.claim(),
    )
    return Status(201, _share_out(share))


@router.post(
    "/people/{person_id}/shares/{share_id}/revoke",
    response={200: ShareListOut, **error_responses(404, 422)},
    tags=["people"],
)
def person_share_revoke(
    request: HttpRequest, person_id: EntityId, share_id: EntityId, payload: RevokeIn
) -> dict[str, Any]:
    """Revoke a share the owning agency made by hand, with a reason. Shares that follow a
    referral or a MASH allocation cannot be revoked (422). Returns the shares left."""
    actor = actor_of(request)
    person = access_person_by_id(actor, person_id)
    services.person_share_revoke(
        actor=actor, person_id=person.pk, share_id=share_id, reason=payload.reason
    )
    return _share_list(actor, person)
