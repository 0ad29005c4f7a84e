"""Every write to POLE data: keyword-only, actor first, in a transaction, validated,
and audited. Views and the API call these; nothing else saves POLE models."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import Agency, Team, User
from cairn.accounts.roles import Role
from cairn.audit import services as audit
from cairn.core.concurrency import lock_name
from cairn.core.http import agency_of, require
from cairn.core.types import Actor
from cairn.notifications.services import notify
from cairn.sharing import services as sharing
from cairn.sharing.models import Disclosure, DisclosureKind

from . import normalise, selectors
from .access import (
    access_entity_by_id,
    access_person_by_id,
    can_change_person,
    can_mark_police_only,
    can_share_person,
    entity_visibility_q,
)
from .models import (
    SYMMETRIC_LINKS,
    Entity,
    EntityKind,
    EntityShare,
    Link,
    LinkSource,
    LinkType,
    Location,
    NameKind,
    OnlineAccount,
    Person,
    PersonName,
    Phone,
    ShareBasis,
    Vehicle,
)

PERSON_FIELDS = (
    "category",
    "given_name",
    "family_name",
    "date_of_birth",
    "estimated_age",
    "estimated_age_on",
    "sex",
    "ethnicity",
    "first_language",
    "interpreter_needed",
    "sen_disability",
    "has_learning_disability",
    "looked_after",
    "description",
)


def _new_entity(
    *, actor: Actor, kind: str, label: str, police_only: bool, hub_shared: bool
) -> Entity:
    agency = agency_of(actor)
    entity = Entity(
        kind=kind,
        label=label[:300],
        owning_agency=agency,
        police_only=bool(police_only and agency.is_police),
        hub_shared=hub_shared,
        regime=agency.data_regime,
        created_by=actor,
    )
    entity.full_clean()
    entity.save()
    return entity


def build_name(person: Person, kind: str, given_name: str, family_name: str) -> PersonName:
    """An unsaved PersonName with its search keys; also used by the bulk generator."""
    return PersonName(
        person=person,
        kind=kind,
        given_name=given_name,
        family_name=family_name,
        given_key=normalise.name_key(given_name),
        family_key=normalise.name_key(family_name),
        given_phonetic=normalise.phonetic_key(given_name),
        family_phonetic=normalise.phonetic_key(family_name),
    )


def _validate_person(person: Person, today: dt.date) -> None:
    errors: dict[str, str] = {}
    if person.date_of_birth and person.date_of_birth > today:
        errors["date_of_birth"] = "Date of birth must be in the past."
    if person.date_of_birth and person.date_of_birth.year < today.year - 120:
        errors["date_of_birth"] = "Date of birth must be within the last 120 years."
    if person.estimated_age is not None and person.estimated_age > 120:
        errors["estimated_age"] = "Estimated age must be 120 or less."
    if person.estimated_age is not None and person.estimated_age_on is None:
        person.estimated_age_on = today
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def person_create(
    *,
    actor: Actor,
    given_name: str,
    category: str,
    family_name: str = "",
    aliases: list[tuple[str, str, str]] | None = None,
    police_only: bool = False,
    hub_shared: bool = False,
    justification: str = "",
    **fields: Any,
) -> Person:
    """Create a person with their primary name and any aliases ((kind, given, family))."""
    require(actor, "pole.add_person", agency=True)
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    person = Person(
        given_name=given_name.strip(), family_name=family_name.strip(), category=category
    )
    for name, value in fields.items():
        setattr(person, name, value)
    _validate_person(person, timezone.localdate())
    person.full_clean(exclude=["entity"])
    person.entity = _new_entity(
        actor=actor,
        kind=EntityKind.PERSON,
        label=person.full_name,
        police_only=police_only,
        hub_shared=hub_shared,
    )
    person.save(force_insert=True)
    names = [build_name(person, NameKind.PRIMARY, person.given_name, person.family_name)]
    for kind, given, family in aliases or []:
        if given.strip() or family.strip():
            names.append(build_name(person, kind, given.strip(), family.strip()))
    PersonName.objects.bulk_create(names)
    audit.record(
        actor=actor,
        event="person.created",
        obj=person,
        subject=person,
        justification=justification or "New person record",
        details={"category": category, "aliases": len(names) - 1},
    )
    # A restricted record is hidden from the matcher at entry, so the same person may be
    # entered again: IG holding the restriction is told, the user is not (ADR 0023).
    from cairn.rights.services import restricted_duplicate_flag  # noqa: PLC0415 (cycle: rights imports pole)

    restricted_duplicate_flag(actor=actor, person=person)
    return person


@transaction.atomic
def person_update(
    *, actor: Actor, person: Person, justification: str = "", **fields: Any
) -> Person:
    if not can_change_person(actor, person):
        raise PermissionDenied("You cannot change this record.")
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(person, name) != value]
    # The old values go into the audit row: a correction (rectification) must show what
    # the record said before.
    before = {name: _plain(getattr(person, name)) for name in changed}
    for name in changed:
        setattr(person, name, fields[name])
    if not changed:
        return person
    _validate_person(person, timezone.localdate())
    person.full_clean(exclude=["entity"])
    person.save(update_fields=changed)
    if {"given_name", "family_name"} & set(changed):
        primary = person.names.filter(kind=NameKind.PRIMARY).first()
        fresh = build_name(person, NameKind.PRIMARY, person.given_name, person.family_name)
        if primary is not None:
            fresh.pk = primary.pk
        fresh.save()
        person.entity.label = person.full_name
        person.entity.save(update_fields=["label", "updated_at"])
    audit.record(
        actor=actor,
        event="person.changed",
        obj=person,
        subject=person,
        justification=justification or "Person record updated",
        details={"fields": sorted(changed)},
        # The values are personal data: kept beside the chain, erased at disposal (ADR 0024).
        values={
            "before": before,
            "after": {name: _plain(getattr(person, name)) for name in changed},
        },
    )
    return person


def _plain(value: Any) -> Any:
    """A field value as the audit row's JSON holds it."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@transaction.atomic
def person_add_name(
    *, actor: Actor, person: Person, kind: str, given_name: str, family_name: str
) -> PersonName:
    if not can_change_person(actor, person):
        raise PermissionDenied("You cannot change this record.")
    if kind == NameKind.PRIMARY:
        raise ValidationError({"kind": "Change the primary name by editing the person."})
    if not (given_name.strip() or family_name.strip()):
        raise ValidationError({"given_name": "Enter a name or alias."})
    name = build_name(person, kind, given_name.strip(), family_name.strip())
    name.full_clean()
    name.save()
    audit.record(
        actor=actor,
        event="person.name_added",
        obj=person,
        subject=person,
        justification="Name or alias added",
        details={"kind": kind},
    )
    return name


def _audit_entity_created(actor: Actor, entity: Entity, obj: Any) -> None:
    audit.record(
        actor=actor,
        event="entity.created",
        obj=obj,
        justification=f"New {entity.get_kind_display().lower()} record",
        details={"kind": entity.kind},
    )


@transaction.atomic
def vehicle_create(
    *,
    actor: Actor,
    registration: str,
    make: str = "",
    model: str = "",
    colour: str = "",
    police_only: bool = False,
) -> Vehicle:
    require(actor, "pole.add_person", agency=True)
    key = normalise.registration(registration)
    if not 2 <= len(key) <= 10:
        raise ValidationError({"registration": "Enter a vehicle registration, like AB12 CDE."})
    entity = _new_entity(
        actor=actor, kind=EntityKind.VEHICLE, label=key, police_only=police_only, hub_shared=False
    )
    vehicle = Vehicle.objects.create(
        entity=entity,
        registration=registration.strip().upper(),
        registration_key=key,
        make=make.strip(),
        model=model.strip(),
        colour=colour.strip(),
    )
    _audit_entity_created(actor, entity, vehicle)
    _tell_fib_of_hidden_twin(actor, vehicle, Vehicle.objects.filter(registration_key=key), key)
    return vehicle


def _tell_fib_of_hidden_twin(
    actor: Actor, made: Vehicle | Phone | OnlineAccount, same_key: Any, query: str
) -> None:
    """A vehicle, phone or account just recorded that is already held on a record its
    recorder may not see (police intelligence, or another agency's record) would otherwise
    sit beside it unconnected: the recorder must not be told (that would disclose what
    police hold), so the FIB is, and can connect the two.

    One open alert per FIB officer per object: an officer who has not yet read the alert
    about this number, registration or handle is not sent another when it is recorded
    again (partners record the same phone on every new referral or concern, and each
    recording is a new record, so one alert per pair of records would not stop the
    repeats, and one a day would still fill the inbox with alerts nobody has opened).
    The alert's link searches by the object's key (a handle's on any platform, as the
    search does), so it finds every record of it,
    however many recordings came after the alert; once read, a new recording alerts
    again, since it may be a new record to connect."""
    hidden = (
        same_key.exclude(entity_id=made.pk).exclude(entity_visibility_q(actor, "entity__")).exists()
    )
    if not hidden:
        return
    fib = User.objects.filter(role=Role.FIB_OFFICER, is_active=True).exclude(pk=actor.pk)
    label = made.entity.label
    notify(
        sender=actor,
        recipients=list(fib),
        kind="pole.hidden_twin",
        title=f"{made.entity.get_kind_display()} {label}, just recorded by "
        f"{actor.agency.name if actor.agency else 'another user'}, is already on a record "
        "they cannot see",
        body="Open both records and link them if they are the same. The agency that "
        "recorded it has not been told about the other record.",
        url=f"{reverse('pole:object-search')}?{urlencode({'q': query})}",
        obj=made.entity,
        unless_unread=True,
    )


@transaction.atomic
def phone_create(*, actor: Actor, number: str, police_only: bool = False) -> Phone:
    require(actor, "pole.add_person", agency=True)
    try:
        e164 = normalise.phone_e164(number)
    except normalise.InvalidPhoneNumber as exc:
        raise ValidationError({"number": str(exc)}) from exc
    entity = _new_entity(
        actor=actor, kind=EntityKind.PHONE, label=e164, police_only=police_only, hub_shared=False
    )
    phone = Phone.objects.create(entity=entity, number_e164=e164, as_given=number.strip())
    _audit_entity_created(actor, entity, phone)
    _tell_fib_of_hidden_twin(actor, phone, Phone.objects.filter(number_e164=e164), e164)
    return phone


@transaction.atomic
def online_account_create(
    *, actor: Actor, platform: str, handle: str, police_only: bool = False
) -> OnlineAccount:
    require(actor, "pole.add_person", agency=True)
    key = normalise.handle(handle)
    if not key:
        raise ValidationError({"handle": "Enter the account's handle or username."})
    account = OnlineAccount(platform=platform, handle=handle.strip(), handle_key=key)
    account.full_clean(exclude=["entity"])
    entity = _new_entity(
        actor=actor,
        kind=EntityKind.ONLINE_ACCOUNT,
        label=f"{account.get_platform_display()} {handle.strip()}",
        police_only=police_only,
        hub_shared=False,
    )
    account.entity = entity
    account.save(force_insert=True)
    _audit_entity_created(actor, entity, account)
    # The key, not the handle as typed: "@Deano_X" and "deano_x" are one account's alert.
    _tell_fib_of_hidden_twin(
        actor, account, OnlineAccount.objects.filter(platform=platform, handle_key=key), key
    )
    return account


@dataclass(frozen=True)
class ObjectRecorded:
    """What `object_record` did: the record (one already held, or new) and whether it
    was made now."""

    entity: Entity
    created: bool


def _object_key(kind: str, fields: dict[str, Any]) -> str | None:
    """The normalised key a vehicle, phone or account is found again by (None when what
    was given is not valid: the create service then says why)."""
    if kind == EntityKind.VEHICLE:
        return normalise.registration(str(fields.get("registration") or "")) or None
    if kind == EntityKind.PHONE:
        try:
            return normalise.phone_e164(str(fields.get("number") or ""))
        except normalise.InvalidPhoneNumber:
            return None
    handle = normalise.handle(str(fields.get("handle") or ""))
    return f"{fields.get('platform') or ''}:{handle}" if handle else None


def object_lock_name(kind: str, fields: dict[str, Any]) -> str | None:
    """The `lock_name` under which a vehicle, phone or account with these details is
    found or made: one name for a key, so the API (`object_record`) and a concern's
    mentions (`mentions.lock_mentions`) wait for each other too."""
    key = _object_key(kind, fields)
    return f"pole.{kind}:{key}" if key is not None else None


_OBJECT_CREATE: dict[str, Callable[..., Vehicle | Phone | OnlineAccount]] = {
    EntityKind.VEHICLE: vehicle_create,
    EntityKind.PHONE: phone_create,
    EntityKind.ONLINE_ACCOUNT: online_account_create,
}


@transaction.atomic
def object_record(
    *, actor: Actor, kind: str, police_only: bool = False, **fields: Any
) -> ObjectRecorded:
    """A vehicle, phone or online account recorded by a client that may send it again (the
    API): a record `actor` may already see with the same normalised key (registration,
    E.164 number, platform and handle) and the same police-only marking is returned
    instead of a second one, as a concern's mention reuses it (`entity_for_mention`).
    Otherwise a new record is made by the kind's create service, which also alerts the FIB
    to a twin the actor may not see. A record the actor may not see is never returned: it
    would disclose what police or another agency holds.

    The check and the insert run under a lock on the key, so two requests sent at once
    make one record. Take it first in the transaction (before any audit row, whose chain
    head every audited write locks), so no other lock order can meet it."""
    require(actor, "pole.add_person", agency=True)
    create = _OBJECT_CREATE[EntityKind(kind)]
    name = object_lock_name(kind, fields)
    if name is not None:
        lock_name(name)
        marking = bool(police_only and can_mark_police_only(actor))
        found = selectors.find_visible_object(actor, kind, fields, police_only=marking)
        if found is not None:
            return ObjectRecorded(entity=Entity.objects.get(pk=found), created=False)
    made = create(actor=actor, police_only=police_only, **fields)
    return ObjectRecorded(entity=made.entity, created=True)


@transaction.atomic
def location_create(
    *,
    actor: Actor,
    address_line_1: str = "",
    name: str = "",
    address_line_2: str = "",
    town: str = "",
    postcode: str = "",
    premises_type: str = "residential",
    latitude: Any = None,
    longitude: Any = None,
    police_only: bool = False,
    hub_shared: bool = False,
) -> Location:
    require(actor, "pole.add_person", agency=True)
    if not (name.strip() or address_line_1.strip() or postcode.strip()):
        raise ValidationError({"address_line_1": "Enter an address, a place name or a postcode."})
    location = Location(
        name=name.strip(),
        address_line_1=address_line_1.strip(),
        address_line_2=address_line_2.strip(),
        town=town.strip(),
        postcode=normalise.postcode(postcode) if postcode else "",
        premises_type=premises_type,
        latitude=latitude,
        longitude=longitude,
    )
    location.full_clean(exclude=["entity"])
    location.entity = _new_entity(
        actor=actor,
        kind=EntityKind.LOCATION,
        label=location.one_line,
        police_only=police_only,
        hub_shared=hub_shared,
    )
    location.save(force_insert=True)
    _audit_entity_created(actor, location.entity, location)
    return location


@dataclass(frozen=True)
class Recorded:
    """What `link_record` did: the link (new or existing), whether the link was new and
    whether the source was new to it (False for both: it was already recorded)."""

    link: Link
    created: bool
    source_added: bool


def _source_key(source_type: str, source_id: str, recorded_by_id: int | None, note: str) -> Q:
    if source_id:
        return Q(source_type=source_type, source_id=source_id)
    return Q(source_id="", recorded_by_id=recorded_by_id, note=note)


def link_roll_up(link: Link) -> None:
    """Set a link's dates and police-only flag from its sources: it spans what they
    assert (open-ended while any source is) and is police-only while every source is."""
    sources = list(link.sources.all())
    if not sources:
        return
    starts = [s.started_on for s in sources if s.started_on]
    ends = [s.ended_on for s in sources]
    link.started_on = min(starts) if starts else None
    link.ended_on = None if None in ends else max(e for e in ends if e is not None)
    link.police_only = all(s.police_only for s in sources)
    link.save(update_fields=["started_on", "ended_on", "police_only", "updated_at"])


def _find_fact(from_id: int, to_id: int, link_type: str) -> Link | None:
    q = Q(from_entity_id=from_id, to_entity_id=to_id)
    if link_type in SYMMETRIC_LINKS:
        q |= Q(from_entity_id=to_id, to_entity_id=from_id)
    return (
        Link.objects.select_for_update(of=("self",))
        .filter(q, link_type=link_type)
        .order_by("pk")
        .first()
    )


def links_lock(facts: list[tuple[int, int, str]]) -> None:
    """Lock the links already recorded for these facts, in id order, before a service
    that records several (and audits as it goes) adds their sources: the rows are taken
    before the audit chain head, the order every other service takes them in."""
    q = Q(pk__in=[])
    for from_id, to_id, link_type in facts:
        q |= Q(from_entity_id=from_id, to_entity_id=to_id, link_type=link_type)
        if link_type in SYMMETRIC_LINKS:
            q |= Q(from_entity_id=to_id, to_entity_id=from_id, link_type=link_type)
    if facts:
        list(Link.objects.select_for_update().filter(q).order_by("pk").values_list("pk"))


@transaction.atomic
def link_record(
    *,
    actor: Actor,
    from_entity_id: int,
    to_entity_id: int,
    link_type: str,
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
    source_note: str = "",
    source_type: str = "",
    source_id: str = "",
    police_only: bool = False,
) -> Recorded:
    """Record that two visible records are linked, as asserted by a source: the record
    that says so (`source_type` and `source_id`, e.g. "concerns.concern" and its id) or a
    note typed by hand. Every link is written here (ADR 0017): a fact is ONE link (the
    two records and the type, either way round for a symmetric type), so recording a fact
    already known adds the source to that link, and recording the same source again
    changes nothing. The fact's row is locked (or, when new, guarded by its unique
    constraint) while the source is added; each new link and each new source is audited."""
    require(actor, "pole.add_link", agency=True)
    # Both ends must be visible to the actor: you cannot link what you cannot see.
    from_entity = access_entity_by_id(actor, from_entity_id)
    to_entity = access_entity_by_id(actor, to_entity_id)
    if from_entity.pk == to_entity.pk:
        raise ValidationError({"to_entity": "A record cannot be linked to itself."})
    if link_type not in LinkType.values:
        raise ValidationError({"link_type": "Choose how the records are linked."})
    note = source_note.strip()[:500]
    source_id = str(source_id or "").strip()
    if not note and not source_id:
        raise ValidationError({"source_note": "Say where this link comes from."})
    if started_on and ended_on and ended_on < started_on:
        raise ValidationError({"ended_on": "The end date must be on or after the start date."})
    police_only = bool(police_only and actor.is_police)

    created = False
    link = _find_fact(from_entity.pk, to_entity.pk, link_type)
    if link is None:
        try:
            # A savepoint: a request recording the same fact at the same moment inserts
            # first, and this one then finds (and locks) its row instead of failing.
            with transaction.atomic():
                link = Link.objects.create(
                    from_entity=from_entity,
                    to_entity=to_entity,
                    link_type=link_type,
                    started_on=started_on,
                    ended_on=ended_on,
                    owning_agency=agency_of(actor),
                    police_only=police_only,
                    created_by=actor,
                )
            created = True
        except IntegrityError:
            link = _find_fact(from_entity.pk, to_entity.pk, link_type)
            if link is None:
                raise
    source = (
        LinkSource.objects.filter(link=link)
        .filter(_source_key(source_type, source_id, actor.pk, note))
        .first()
    )
    if source is not None:
        return Recorded(link=link, created=False, source_added=False)
    source = LinkSource(
        link=link,
        source_type=source_type,
        source_id=source_id,
        note=note,
        started_on=started_on,
        ended_on=ended_on,
        owning_agency=agency_of(actor),
        police_only=police_only,
        recorded_by=actor,
    )
    source.full_clean(exclude=["link"])
    source.save()
    if not created:
        link_roll_up(link)
    subject = from_entity if from_entity.kind == EntityKind.PERSON else None
    if subject is None and to_entity.kind == EntityKind.PERSON:
        subject = to_entity
    audit.record(
        actor=actor,
        event="link.created" if created else "link.source_added",
        obj=link,
        subject=subject,
        justification=note or "Link recorded",
        details={
            "type": link_type,
            "from": link.from_entity_id,
            "to": link.to_entity_id,
            "source": f"{source_type}:{source_id}" if source_id else "note",
            "link_source": source.pk,
        },
    )
    return Recorded(link=link, created=created, source_added=True)


def _share_recipient(agency: Agency, team: Team | None) -> str:
    return f"{team.name}, {agency.name}" if team is not None else agency.name


def _record_share(actor: Actor, share: EntityShare, entity: Entity) -> None:
    audit.record(
        actor=actor,
        event="entity.shared",
        obj=entity,
        subject=entity if entity.kind == EntityKind.PERSON else None,
        recipient=_share_recipient(share.agency, share.team),
        justification=share.reason,
        details={
            "share": share.pk,
            "basis": share.basis,
            "source": share.source_id or None,
            "team": share.team_id,
        },
    )


def _share_disclosure(
    actor: Actor, entity: Entity, agency: Agency, claim: sharing.Claim
) -> Disclosure:
    """Resolve and record the lawful basis of sharing `entity` with `agency` (raises a
    ValidationError on `sharing_basis` when there is none to rely on)."""
    sender = actor.agency or entity.owning_agency
    basis = sharing.basis_resolve(from_agency=sender, to_agencies=[agency], claim=claim)
    return sharing.disclosure_record(
        actor=actor,
        kind=DisclosureKind.RECORD_SHARE,
        reference=f"{entity.get_kind_display()} record {entity.pk}",
        from_agency=sender,
        to_agency=agency,
        recipient=agency.name,
        basis=basis,
        subject=entity if entity.kind == EntityKind.PERSON else None,
    )


@transaction.atomic
def entity_share(
    *,
    actor: Actor,
    entity_id: int,
    agency: Agency,
    reason: str,
    claim: sharing.Claim = sharing.Claim(),  # noqa: B008 (frozen)
    disclosure: Disclosure | None = None,
) -> EntityShare:
    """Share a record with another agency: a disclosure, recorded with its recipient and
    the lawful basis it relied on (`disclosure`: one already recorded for the thing the
    record is shared as part of, such as a disruption tactic)."""
    require(actor, "pole.share_entity", agency=True)
    entity = access_entity_by_id(actor, entity_id)
    if not reason.strip():
        raise ValidationError({"reason": "Say why this record is being shared."})
    if entity.police_only and not agency.is_police and not actor.is_police:
        raise PermissionDenied("Only police can share a police-only record.")
    share = EntityShare.objects.filter(
        entity=entity, agency=agency, team=None, basis=ShareBasis.MANUAL, source_id=""
    ).first()
    if share is None:
        share = EntityShare.objects.create(
            entity=entity,
            agency=agency,
            basis=ShareBasis.MANUAL,
            shared_by=actor,
            reason=reason.strip(),
            disclosure=disclosure or _share_disclosure(actor, entity, agency, claim),
        )
    _record_share(actor, share, entity)
    return share


@transaction.atomic
def entity_share_for_work(
    *,
    actor: Actor,
    entity: Entity,
    agency: Agency,
    basis: str,
    source_id: str,
    reason: str,
    team: Team | None = None,
    disclosure: Disclosure | None = None,
) -> EntityShare | None:
    """Share a record because work was handed over (a referral sent, a MASH allocation).
    The calling service has already decided the actor may hand the work over, so no
    sharing permission is needed here; the disclosure is audited all the same. A police-only
    record never leaves the police this way (None: nothing was shared). `disclosure` is
    the work's own (the referral's): the share relies on the basis the referral did."""
    if basis not in (ShareBasis.REFERRAL, ShareBasis.ALLOCATION):
        raise ValueError(f"Not a share that follows work: {basis!r}")
    if team is not None and team.agency_id != agency.pk:
        raise ValueError("The team must belong to the agency.")
    if entity.police_only and not agency.is_police:
        return None
    if agency.pk == entity.owning_agency_id:
        return None  # the agency holds the record: all its members already see it
    share, created = EntityShare.objects.get_or_create(
        entity=entity,
        agency=agency,
        team=team,
        basis=basis,
        source_id=str(source_id),
        defaults={
            "shared_by": actor,
            "reason": reason.strip()[:500],
            "disclosure": disclosure,
        },
    )
    if created:
        _record_share(actor, share, entity)
    return share


def _check_share_target(person: Person, agency: Agency) -> None:
    if agency.pk == person.entity.owning_agency_id:
        raise ValidationError({"agency": "The record already belongs to that agency."})
    if person.entity.police_only and not agency.is_police:
        raise ValidationError({"agency": "A police-only record can only be shared with police."})


@transaction.atomic
def person_share(
    *,
    actor: Actor,
    person_id: int,
    agency: Agency,
    reason: str,
    claim: sharing.Claim = sharing.Claim(),  # noqa: B008 (frozen)
) -> EntityShare:
    """The owning agency shares a person's record with another agency by hand (from the
    record's page or the API), with a reason and the lawful basis it relies on: a
    disclosure, audited with its recipient."""
    person = access_person_by_id(actor, person_id)
    if not can_share_person(actor, person):
        raise PermissionDenied("Only the agency that holds this record can share it.")
    _check_share_target(person, agency)
    if not reason.strip():
        raise ValidationError({"reason": "Say why you are sharing this record."})
    # Lock the record's row so two people sharing at once cannot both pass the check below.
    Entity.objects.select_for_update().filter(pk=person.pk).first()
    if EntityShare.objects.filter(
        entity_id=person.pk, agency=agency, team=None, basis=ShareBasis.MANUAL, source_id=""
    ).exists():
        raise ValidationError({"agency": f"This record is already shared with {agency.name}."})
    share = EntityShare.objects.create(
        entity=person.entity,
        agency=agency,
        basis=ShareBasis.MANUAL,
        shared_by=actor,
        reason=reason.strip()[:500],
        disclosure=_share_disclosure(actor, person.entity, agency, claim),
    )
    _record_share(actor, share, person.entity)
    return share


@transaction.atomic
def person_share_revoke(*, actor: Actor, person_id: int, share_id: int, reason: str) -> None:
    """The owning agency withdraws a share it made by hand. Shares that follow a referral
    or an allocation stay: the work they follow is still there."""
    person = access_person_by_id(actor, person_id)
    if not can_share_person(actor, person):
        raise PermissionDenied("Only the agency that holds this record can revoke a share.")
    share = (
        EntityShare.objects.select_for_update(of=("self",))
        .select_related("agency", "team")
        .filter(pk=share_id, entity_id=person.pk)
        .first()
    )
    if share is None:
        # Already revoked (perhaps by a colleague a moment ago) or never existed.
        raise Http404("No such share.")
    if share.basis != ShareBasis.MANUAL:
        raise ValidationError(
            {"__all__": "This share follows a referral or an allocation and cannot be revoked."}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why you are revoking this share."})
    recipient = _share_recipient(share.agency, share.team)
    details = {"share": share.pk, "shared_at": share.created_at.isoformat()}
    share.delete()
    audit.record(
        actor=actor,
        event="entity.share_revoked",
        obj=person.entity,
        subject=person,
        recipient=recipient,
        justification=reason.strip()[:500],
        details=details,
    )
