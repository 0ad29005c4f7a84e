"""Every write about information rights: keyword-only, actor first, in a transaction,
audited. State changes lock the row first and re-check its state inside the
transaction (ADR 0015), so a double submit answers Conflict instead of acting twice."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import Agency, User
from cairn.accounts.roles import AgencyKind
from cairn.accounts.rules import roles_for
from cairn.audit import services as audit
from cairn.concerns.models import Concern
from cairn.core.concurrency import Conflict, lock
from cairn.core.dates import add_months
from cairn.core.http import agency_of
from cairn.core.text import require_id, says_too_little
from cairn.core.types import Actor
from cairn.intelligence.about import about_person_q, entries_naming
from cairn.intelligence.models import Submission
from cairn.network.matching.online import CandidateFields, match_person
from cairn.network.models import CandidatePair, PairStatus
from cairn.notifications.models import Notification
from cairn.notifications.services import notifications_resolve, notify
from cairn.pole import services as pole
from cairn.pole.access import access_person_by_id, access_restricted_person
from cairn.pole.models import Entity, EntityShare, Person

from .access import (
    access_duplicate_alert,
    access_person_for_rights,
    access_request_by_id,
    access_sar_by_id,
    bundle_holds,
    can_answer,
    can_approve,
    can_close_sar,
    can_name_source,
    can_redact_item,
    can_restrict,
    can_review_possible_entries,
    can_see_item,
    can_take_over,
    can_unwithhold_item,
    can_withhold_item,
    is_ig,
    is_sar_handler,
    police_agencies,
    police_holder,
    readable_agencies,
    visible_duplicate_alerts,
    visible_requests,
    visible_sars,
)
from .bundle import intelligence_entries, intelligence_item, records_about
from .checks import SourceCheck, source_checks, unreviewed
from .models import (
    AgencyApproval,
    AlertStatus,
    BundleItem,
    DisclosureMethod,
    DuplicateAlert,
    Exemption,
    Outcome,
    PartTakeover,
    PossibleEntry,
    PossibleEntryStatus,
    Redaction,
    RequesterKind,
    RequestKind,
    RequestStatus,
    Restriction,
    RightsRequest,
    SarCloseReason,
    SarStatus,
    SubjectAccessRequest,
)
from .selectors import bundle_version, part_contacts, sar_candidates, unreviewed_items, whom_to_ask

# UK GDPR Art. 12(3): one month, extendable by two further months where complex.
MONTHS_TO_ANSWER = 1
MONTHS_WITH_EXTENSION = 3
# How far back a request's date received may be: as for a missing episode (cairn.hub
# services EPISODE_MAX_AGE), within the last 12 months. An older one would be logged
# already long overdue (one month, three at most with an extension); a year such as 1900
# is a slip, refused rather than shown overdue and counted on the IG dashboard.
RECEIVED_MAX_AGE = dt.timedelta(days=365)
# Reasons for restricting or lifting are read later by whoever must justify it (the
# requester, the ICO): "x" or "n/a" says nothing.
MIN_REASON_LENGTH = 10
# A one-letter "redaction" would blank out letters all over the text.
MIN_REDACTION_LENGTH = 2


def _owners(person: Person) -> list[User]:
    """Who decides for the owning agency: its casework roles and its IG."""
    return list(
        User.objects.filter(
            agency_id=person.entity.owning_agency_id,
            role__in=roles_for("pole.change_person") | roles_for("rights.manage_request"),
            is_active=True,
        )
    )


def _holders(person: Person) -> list[User]:
    """Who must hear of a restriction besides the owning agency's deciders: the IG of every
    agency holding records about the person (the owning agency, agencies it is shared
    with, agencies whose users reported concerns or submitted intelligence about them),
    and those reporters themselves, whose own lists now show the record as restricted."""
    concerns = Concern.objects.filter(child=person).exclude(status="draft")
    # Subject, linked by the FIB, or matched at entry ("Use this record"): an entry the FIB
    # has not linked yet is still the submitter's record about them (outside tester).
    submissions = Submission.objects.filter(about_person_q(person.pk))
    agencies = (
        {person.entity.owning_agency_id}
        | set(EntityShare.objects.filter(entity_id=person.pk).values_list("agency_id", flat=True))
        | set(concerns.values_list("reporter_agency_id", flat=True))
        | set(submissions.values_list("submitter_agency_id", flat=True))
    )
    reporters = User.objects.filter(
        Q(pk__in=concerns.values("reporter_id")) | Q(pk__in=submissions.values("submitter_id")),
        is_active=True,
    )
    return _ig_of(agencies) + list(reporters)


def received_on_errors(received_on: dt.date) -> dict[str, str]:
    """The date a request was received: today or in the last 12 months (RECEIVED_MAX_AGE)."""
    today = timezone.localdate()
    if received_on > today:
        return {"received_on": "The date received must be today or in the past"}
    earliest = today - RECEIVED_MAX_AGE
    if received_on < earliest:
        return {
            "received_on": f"The date received must be within the last 12 months (on or after "
            f"{earliest:%-d %B %Y}): check the year"
        }
    return {}


def reason_errors(reason: str, missing: str) -> dict[str, str]:
    """A reason for restricting or lifting: at least MIN_REASON_LENGTH characters of which
    some are letters or digits (so not "x", "n/a" or a row of dots)."""
    text = reason.strip()
    if not text:
        return {"reason": missing}
    if says_too_little(text, MIN_REASON_LENGTH):
        return {
            "reason": f"Give the reason in a few words (at least {MIN_REASON_LENGTH} "
            "characters): it is what the requester and the ICO will be told"
        }
    return {}


IDENTITY_NOT_CHECKED = (
    "{ref} cannot be acted on yet: information governance must first confirm they have "
    "checked the requester's identity (and, for a parent, carer or representative, their "
    "authority). Until then you can only refuse it"
)


def require_identity_checked(rr: RightsRequest) -> None:
    """UK GDPR Art. 12(6): nothing is corrected or restricted for someone whose identity
    (and authority to act) IG has not confirmed. Checked when acting, so requests logged
    before the check was asked of the data subject too (no data migration) are held."""
    if not rr.authority_checked:
        raise ValidationError(IDENTITY_NOT_CHECKED.format(ref=rr.reference))


def authority_errors(requester_kind: str, authority_checked: bool) -> dict[str, str]:
    """A request made for someone else (any of the rights) needs whoever logs it to have
    checked the requester's authority: parental responsibility, or written authority."""
    if authority_checked:
        return {}
    if requester_kind == RequesterKind.PARENT:
        return {
            "authority_checked": "Confirm you have checked that the parent or carer has "
            "parental responsibility for the child"
        }
    if requester_kind == RequesterKind.REPRESENTATIVE:
        return {
            "authority_checked": "Confirm you have checked the representative's written "
            "authority to act for the data subject"
        }
    return {}


# A parent or carer exercises a child's rights; an adult asks themselves or through a
# representative with their written authority.
ADULT_AGE = 18


def parent_for_adult_errors(requester_kind: str, age: int | None) -> dict[str, str]:
    """Refuses "A parent or carer, for a child" for someone 18 or over on the date the
    request was received (age from the date of birth, or the estimated age)."""
    if requester_kind != RequesterKind.PARENT or age is None or age < ADULT_AGE:
        return {}
    return {
        "requester_kind": f"The data subject was {age} on the date received, an adult: a "
        'parent or carer cannot ask for them. Choose "The data subject" if they ask '
        'themselves, or "Their representative" if someone acts for them with their '
        "written authority"
    }


def parent_for_adult_records_errors(
    sar: SubjectAccessRequest, people: list[Person]
) -> dict[str, str]:
    """The check of `parent_for_adult_errors` again, on the records IG confirms as the
    requester's: the date of birth typed at intake may be missing or wrong, the records'
    (or their estimated age) decide. A parent's request is logged with their authority
    already checked, so this is where it is caught."""
    if sar.requester_kind != RequesterKind.PARENT:
        return {}
    age = max((a for p in people if (a := p.age_on(sar.received_on)) is not None), default=None)
    if age is None or age < ADULT_AGE:
        return {}
    return {
        "people": f"A record you selected shows someone who was {age} on the date "
        f"{sar.reference} was received, an adult: a parent or carer cannot ask for them. "
        "If it is the requester's record, withdraw or close this request (authority not "
        "verified) and log it again from the data subject, or from their representative "
        "with their written authority"
    }


def _age_on(born: dt.date, when: dt.date) -> int:
    return when.year - born.year - ((when.month, when.day) < (born.month, born.day))


@transaction.atomic
def request_log(
    *,
    actor: Actor,
    person_id: int,
    kind: str,
    requester: str,
    requester_kind: str,
    grounds: str,
    received_on: dt.date,
    authority_checked: bool = False,
) -> RightsRequest:
    if not is_ig(actor):
        raise Http404("No person found.")
    person = access_person_for_rights(actor, person_id)
    errors = (
        authority_errors(requester_kind, authority_checked)
        | received_on_errors(received_on)
        | parent_for_adult_errors(requester_kind, person.age_on(received_on))
    )
    if errors:
        raise ValidationError(errors)
    lock(Entity(pk=person.pk))  # two IG logging the same request at once make one
    already = (
        RightsRequest.objects.filter(person=person, kind=kind, status=RequestStatus.OPEN)
        .order_by("pk")
        .first()
    )
    if already is not None:
        raise ValidationError(
            {
                "person": f"{already.reference} is already open for this record and asks the "
                "same: answer it (add this requester's grounds to it)"
            }
        )
    rr = RightsRequest(
        kind=kind,
        person=person,
        requester=requester.strip(),
        requester_kind=requester_kind,
        grounds=grounds.strip(),
        received_on=received_on,
        due_on=add_months(received_on, MONTHS_TO_ANSWER),
        # For the data subject: their identity was checked (it may be confirmed later,
        # request_confirm_identity, but the request is not acted on until it is).
        authority_checked=authority_checked,
        created_by=actor,
    )
    rr.full_clean()
    rr.save()
    audit.record(
        actor=actor,
        event="rights.request_logged",
        obj=rr,
        subject=person,
        justification=f"{rr.get_kind_display()} request logged",
        details={
            "kind": kind,
            "requester_kind": requester_kind,
            "received_on": received_on.isoformat(),
            "due_on": rr.due_on.isoformat(),
            "authority_checked": rr.authority_checked,
        },
    )
    # The owning agency decides: it sees the request in its inbox.
    _tell(
        actor,
        _owners(person),
        kind="rights_request",
        title=f"{rr.get_kind_display()} request {rr.reference} about a record your agency holds",
        body=f"Please answer by {rr.due_on:%-d %B %Y}.",
        url=reverse("rights:detail", args=[rr.pk]),
        obj=rr,
    )
    return rr


def _locked_open(actor: Actor, request_id: int) -> RightsRequest:
    rr = lock(access_request_by_id(actor, request_id))
    if not rr.is_open:
        raise Conflict(f"{rr.reference} has already been answered.")
    return rr


@transaction.atomic
def request_extend(*, actor: Actor, request_id: int, reason: str) -> RightsRequest:
    if not is_ig(actor):
        raise Http404("No request found.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the request needs more time"})
    rr = _locked_open(actor, request_id)
    if rr.extended:
        raise Conflict(f"{rr.reference} has already been extended.")
    old_due = rr.due_on
    rr.due_on = add_months(rr.received_on, MONTHS_WITH_EXTENSION)
    rr.extension_reason = reason.strip()
    rr.save(update_fields=["due_on", "extension_reason"])
    audit.record(
        actor=actor,
        event="rights.request_extended",
        obj=rr,
        subject=rr.person,
        justification=reason.strip()[:500],
        details={"before": old_due.isoformat(), "after": rr.due_on.isoformat()},
    )
    return rr


@transaction.atomic
def request_confirm_identity(*, actor: Actor, request_id: int) -> RightsRequest:
    """IG confirms they have checked the requester's identity (and authority to act for
    someone else): only then may the request be acted on (require_identity_checked)."""
    if not is_ig(actor):
        raise Http404("No request found.")
    rr = _locked_open(actor, request_id)
    if rr.authority_checked:
        raise Conflict(f"The requester's identity for {rr.reference} is already confirmed.")
    rr.authority_checked = True
    rr.save(update_fields=["authority_checked"])
    audit.record(
        actor=actor,
        event="rights.identity_confirmed",
        obj=rr,
        subject=rr.person,
        justification=f"{rr.reference}: requester's identity checked",
        details={"requester_kind": rr.requester_kind},
    )
    return rr


def _tell(
    actor: Actor, users: list[User], *, kind: str, title: str, body: str, url: str, obj: Any
) -> None:
    """One inbox item each, never to the actor, whoever decided it."""
    recipients = {u.pk: u for u in users if u.pk != actor.pk}
    notify(
        recipients=recipients.values(),
        kind=kind,
        title=title,
        body=body,
        url=url,
        obj=obj,
        sender=actor,
    )


def _request_ig(rr: RightsRequest) -> list[User]:
    """IG of the agency that holds the record and of the agency that logged the request
    (the one who replies to the requester)."""
    return _ig_of({rr.person.entity.owning_agency_id, rr.created_by.agency_id or 0})


def _close(
    actor: Actor, rr: RightsRequest, outcome: str, reason: str, *, tell: bool = True
) -> None:
    rr.status = RequestStatus.CLOSED
    rr.outcome = outcome
    rr.outcome_reason = reason.strip()
    rr.closed_at = timezone.now()
    rr.closed_by = actor
    rr.save(update_fields=["status", "outcome", "outcome_reason", "closed_at", "closed_by"])
    audit.record(
        actor=actor,
        event="rights.request_closed",
        obj=rr,
        subject=rr.person,
        justification=f"{rr.reference}: {rr.get_outcome_display()}",
        details={"outcome": outcome, "reason": rr.outcome_reason[:500]},
    )
    # The "please answer by" items about it are answered now (the inbox would else
    # keep asking).
    notifications_resolve(
        actor=actor,
        obj=rr,
        kind="rights_request",
        subject=rr.person,
        justification=f"{rr.reference} answered: {rr.get_outcome_display()}",
    )
    if tell:
        _tell(
            actor,
            _request_ig(rr),
            kind="rights_request",
            title=f"{rr.reference} answered: {rr.get_outcome_display()}",
            body="The reply to the requester is ready to send.",
            url=reverse("rights:detail", args=[rr.pk]),
            obj=rr,
        )


@transaction.atomic
def request_refuse(*, actor: Actor, request_id: int, reason: str) -> RightsRequest:
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the request is refused"})
    rr = _locked_open(actor, request_id)
    if not can_answer(actor, rr):
        raise Http404("No request found.")
    _close(actor, rr, Outcome.REFUSED, reason)
    return rr


@transaction.atomic
def request_rectify(*, actor: Actor, request_id: int, note: str, **fields: Any) -> RightsRequest:
    """The owner corrects the record through the person edit service, whose audit row
    keeps the old and new values, and the request closes as corrected."""
    rr = _locked_open(actor, request_id)
    if rr.kind != RequestKind.RECTIFICATION or not can_answer(actor, rr):
        raise Http404("No request found.")
    require_identity_checked(rr)
    person = rr.person
    lock(person.entity)
    if person.entity.restricted_since is not None:
        raise ValidationError("The record is restricted: lift the restriction before correcting it")
    if all(getattr(person, name) == value for name, value in fields.items()):
        raise ValidationError("Nothing was changed: correct a detail, or refuse the request")
    pole.person_update(
        actor=actor, person=person, justification=f"Rectification {rr.reference}", **fields
    )
    _close(actor, rr, Outcome.CORRECTED, note)
    return rr


@transaction.atomic
def restriction_apply(
    *, actor: Actor, person_id: int, reason: str, request_id: int | None = None
) -> Restriction:
    errors = reason_errors(reason, "Enter why processing is restricted")
    if errors:
        raise ValidationError(errors)
    rr = None
    if request_id is not None:
        rr = _locked_open(actor, request_id)
        if rr.kind != RequestKind.RESTRICTION or rr.person_id != person_id:
            raise Http404("No request found.")
        require_identity_checked(rr)
    person = access_person_for_rights(actor, person_id)
    if not can_restrict(actor, person):
        raise Http404("No person found.")
    entity = lock(Entity(pk=person.pk))
    if entity.restricted_since is not None:
        raise Conflict("Processing of this record is already restricted.")
    now = timezone.now()
    try:
        with transaction.atomic():
            restriction = Restriction.objects.create(
                person=person, request=rr, reason=reason.strip(), applied_by=actor, applied_at=now
            )
    except IntegrityError:
        raise Conflict("Processing of this record is already restricted.") from None
    entity.restricted_since = now
    # Not "updated_at": a restriction is not use of the record, so it must not restart its
    # retention clock (cairn/retention/selectors.py reads the last activity from it).
    entity.save(update_fields=["restricted_since"])
    audit.record(
        actor=actor,
        event="rights.restricted",
        obj=restriction,
        subject=person,
        justification=reason.strip()[:500],
        details={"request": rr.reference if rr else None},
    )
    # Art. 18: the owning agency stops using the record, so all who decide for it are told
    # (and the IG who logged the request, to reply), and so is every agency holding
    # records about the person, with the reporters whose lists now show it restricted:
    # one item each, the record's id only (no personal data in notifications).
    body = (
        f"{agency_of(actor).name} restricted it (UK GDPR Article 18): it is kept but "
        "withheld from everyday use until the restriction is lifted."
    )
    for url, users in _restriction_links(
        _owners(person) + _holders(person) + (_request_ig(rr) if rr is not None else []),
        person,
        rr,
    ).items():
        reporter = url == reverse("concerns:list")
        ask = whom_to_ask(users[0], [person.pk])[person.pk] if reporter else ""
        _tell(
            actor,
            users,
            kind="rights_restriction",
            title=f"Processing of record {person.pk} is restricted",
            body=body
            + (
                " Your concerns about it show as Restricted in Your concerns; ask "
                f"{ask} if you need to know more."
                if reporter
                else ""
            ),
            url=url,
            obj=restriction,
        )
    if rr is not None:
        _close(actor, rr, Outcome.RESTRICTED, reason, tell=False)
    return restriction


@transaction.atomic
def restriction_lift(*, actor: Actor, person_id: int, reason: str) -> Restriction:
    errors = reason_errors(reason, "Enter why the restriction is lifted")
    if errors:
        raise ValidationError(errors)
    person = access_person_for_rights(actor, person_id)
    if not can_restrict(actor, person):
        raise Http404("No person found.")
    entity = lock(Entity(pk=person.pk))
    restriction = (
        Restriction.objects.select_for_update()
        .filter(person_id=person.pk, lifted_at__isnull=True)
        .first()
    )
    if entity.restricted_since is None or restriction is None:
        raise Conflict("Processing of this record is not restricted: it has already been lifted.")
    if restriction.extends is not None:
        raise ValidationError(
            {
                "reason": "This record was restricted as the same person as record "
                f"{restriction.extends.person_id}: its restriction is lifted with that "
                "record's, by the information governance that holds it"
            }
        )
    restriction.lifted_at = timezone.now()
    restriction.lifted_by = actor
    restriction.lift_reason = reason.strip()
    restriction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    entity.restricted_since = None
    entity.save(update_fields=["restricted_since"])  # not "updated_at", as when applied
    audit.record(
        actor=actor,
        event="rights.restriction_lifted",
        obj=restriction,
        subject=person,
        justification=reason.strip()[:500],
        details={"restricted_since": restriction.applied_at.isoformat()},
    )
    # Art. 18(3): the person who obtained the restriction must be told before it is lifted;
    # IG (of the owning agency, and of the agency that logged the request) replies to them.
    rr = restriction.request
    repliers = _request_ig(rr) if rr is not None else _ig_of({person.entity.owning_agency_id})
    _tell(
        actor,
        repliers,
        kind="rights_restriction",
        title=f"The restriction on record {person.pk} is lifted",
        body=f"{agency_of(actor).name} lifted it. The person who asked for it must be told "
        "before it is lifted (UK GDPR Article 18(3)): check they were, and tell them if not.",
        url=reverse("rights:detail", args=[rr.pk]) if rr is not None else "",
        obj=restriction,
    )
    # Everyone told of the restriction hears it is lifted (ADR 0023, amendment): the
    # record's id only.
    told = {u.pk for u in repliers}
    for url, users in _restriction_links(
        [u for u in _owners(person) + _holders(person) if u.pk not in told], person, None
    ).items():
        _tell(
            actor,
            users,
            kind="rights_restriction",
            title=f"The restriction on record {person.pk} is lifted",
            body=f"{agency_of(actor).name} lifted it: the record is back in everyday use.",
            url=url,
            obj=restriction,
        )
    _lift_extensions(actor, restriction, reason.strip())
    _close_open_alerts(actor, restriction)
    return restriction


def _restriction_links(
    users: list[User], person: Person, rr: RightsRequest | None
) -> dict[str, list[User]]:
    """Those told of a restriction (or its lifting), grouped by a link each can open
    (tester report 1, F6: a reporter's item opened the request, a 404 for them): the
    request, for IG who may see it; the record, for whoever may open it (IG and the owning
    agency while restricted; anyone who may see it once lifted); a reporter's own list of
    concerns, where theirs shows as Restricted; else no link."""
    reporters = set(
        Concern.objects.filter(child=person)
        .exclude(status="draft")
        .values_list("reporter_id", flat=True)
    )
    restricted = Entity.objects.filter(pk=person.pk, restricted_since__isnull=False).exists()
    groups: dict[str, list[User]] = {}
    for user in {u.pk: u for u in users}.values():
        url = ""
        if rr is not None and visible_requests(user).filter(pk=rr.pk).exists():
            url = reverse("rights:detail", args=[rr.pk])
        elif _opens(user, person, restricted=restricted):
            url = reverse("pole:person-detail", args=[person.pk])
        elif user.pk in reporters:
            url = reverse("concerns:list")
        groups.setdefault(url, []).append(user)
    return groups


def _opens(user: User, person: Person, *, restricted: bool) -> bool:
    """`user` may open the person's page as it now stands (restricted or not)."""
    try:
        if restricted:
            access_restricted_person(user, person.pk)
        else:
            access_person_by_id(user, person.pk)
    except Http404:
        return False
    return True


def _lift_extensions(actor: Actor, restriction: Restriction, reason: str) -> None:
    """Lifting a restriction lifts it on every record it was extended to (a record found
    to be the same person entered again), each audited and its holders told, as when
    it was extended. Their pairs are in the duplicate review queue, to merge now."""
    extensions = list(
        Restriction.objects.select_for_update()
        .filter(extends=restriction, lifted_at__isnull=True)
        .select_related("person__entity")
        .order_by("person_id")
    )
    for extension in extensions:
        entity = lock(Entity(pk=extension.person_id))
        extension.lifted_at = restriction.lifted_at
        extension.lifted_by = actor
        extension.lift_reason = reason
        extension.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        entity.restricted_since = None
        entity.save(update_fields=["restricted_since"])
        audit.record(
            actor=actor,
            event="rights.restriction_lifted",
            obj=extension,
            subject=extension.person_id,
            justification=reason[:500],
            details={
                "restricted_since": extension.applied_at.isoformat(),
                "extends": restriction.pk,
                "with_record": restriction.person_id,
            },
        )
        new = extension.person
        for url, users in _restriction_links(
            _owners(new) + _holders(new) + _creator(new), new, None
        ).items():
            _tell(
                actor,
                users,
                kind="rights_restriction",
                title=f"The restriction on record {new.pk} is lifted",
                body=f"{agency_of(actor).name} lifted it: the record is back in everyday use.",
                url=url,
                obj=extension,
            )


def _close_open_alerts(actor: Actor, restriction: Restriction) -> None:
    """Alerts nobody decided before the restriction was lifted: both records are back in
    everyday use, so the pair goes to the duplicate review queue for those who merge."""
    for alert in DuplicateAlert.objects.select_for_update().filter(
        restriction=restriction, status=AlertStatus.OPEN
    ):
        alert.status = AlertStatus.LIFTED
        alert.decided_at = restriction.lifted_at
        alert.save(update_fields=["status", "decided_at"])
        _queue_pair(alert)
        notifications_resolve(
            actor=actor,
            obj=alert,
            kind="rights_restriction",
            subject=alert.person_id,
            justification=f"Restriction on record {restriction.person_id} lifted: the "
            f"possible duplicate {alert.person_id} is in the duplicate review queue",
        )


# How alike a new record must be to a restricted one for IG to be asked whether it is the
# same person entered again (the matcher's percentage: name, date of birth and rarity).
STRONG_MATCH_PERCENT = 90


def _restricted_only(ids: set[int]) -> set[int]:
    return set(
        Entity.objects.filter(
            pk__in=ids, restricted_since__isnull=False, disposed_at__isnull=True
        ).values_list("pk", flat=True)
    )


def restricted_duplicate_flag(*, actor: Actor, person: Person) -> int:
    """After a record is created: where it strongly matches a restricted record (hidden
    from the user's search, so likely entered again), the IG holding the restriction gets
    an inbox item naming the two record ids only, opening the alert page where they
    compare the two and decide (`duplicate_alert_restrict`, `duplicate_alert_dismiss`);
    the user learns nothing of it (the restricted record stays withheld). Returns how
    many restricted records matched."""
    if (
        not Entity.objects.filter(restricted_since__isnull=False, disposed_at__isnull=True)
        .exclude(pk=person.pk)
        .exists()
    ):
        return 0  # one cheap query for the usual case: nothing is restricted
    # Every name typed, not the primary alone: a name entered only as an alias or
    # nickname is matched as the matcher matches it at entry (tester report 10, F5).
    names = {_split_name(person.given_name, person.family_name)} | {
        _split_name(n.given_name, n.family_name or person.family_name) for n in person.names.all()
    }
    best: dict[int, Any] = {}
    for given, family in sorted(names):
        if not (given or family):
            continue
        fields = CandidateFields(
            given_name=given, family_name=family, date_of_birth=person.date_of_birth
        )
        for m in match_person(
            actor, fields, limit=5, exclude_ids=(person.pk,), scope=_restricted_only
        ):
            if m.percent >= STRONG_MATCH_PERCENT and (
                m.person.pk not in best or m.percent > best[m.person.pk].percent
            ):
                best[m.person.pk] = m
    strong = [best[pk] for pk in sorted(best)]
    creator = person.entity.created_by
    for match in strong:
        restriction = (
            Restriction.objects.filter(person_id=match.person.pk, lifted_at__isnull=True)
            .select_related("request__created_by", "person__entity")
            .first()
        )
        if restriction is None:
            continue
        alert, _ = DuplicateAlert.objects.get_or_create(
            restriction=restriction, person=person, defaults={"percent": match.percent}
        )
        holders = {restriction.person.entity.owning_agency_id}
        if restriction.request is not None:
            holders.add(restriction.request.created_by.agency_id or 0)
        if person.entity.police_only:  # hidden from a partner's IG: its own police IG
            holders.add(person.entity.owning_agency_id)
        audit.record(
            actor=actor,
            event="rights.restricted_duplicate_flagged",
            obj=restriction,
            subject=match.person.pk,
            justification=f"New record {person.pk} strongly matches restricted record "
            f"{match.person.pk} ({match.percent}%)",
            details={"new_record": person.pk, "percent": match.percent, "alert": alert.pk},
        )
        # Only those who may open the alert (a police-only record only police IG).
        recipients = [
            u for u in _ig_of(holders) if visible_duplicate_alerts(u).filter(pk=alert.pk).exists()
        ]
        notify(
            recipients=recipients,
            kind="rights_restriction",
            title=f"New record {person.pk} may duplicate restricted record {match.person.pk}",
            body=f"{creator_knew(creator, match.person)} Compare the two and decide whether "
            "it is the same person: if so, restrict it too.",
            url=reverse("rights:duplicate", args=[alert.pk]),
            obj=alert,
            sender=actor,
        )
    return len(strong)


def _split_name(given: str, family: str) -> tuple[str, str]:
    """A whole name typed in one box (a nickname "Amelia Wood", used as the first name
    when no name is known) as first and family names, as the requester's other names
    are read (`sar_names`)."""
    given, family = given.strip(), family.strip()
    words = given.split()
    if not family and len(words) > 1:
        return " ".join(words[:-1]), words[-1]
    return given, family


def creator_knew(creator: User | None, restricted: Person) -> str:
    """What is true of the new record's creator (tester report 10, F8): the owning
    agency may open its restricted record, everyone else may not; nobody is warned of a
    match when creating a record."""
    if creator is not None and _opens(creator, restricted, restricted=True):
        return (
            "It was created by someone who may open the restricted record (their agency "
            "holds it), but was not warned of the match when creating the new one."
        )
    return "It was created by someone who cannot see the restricted record, and was not told of it."


def _creator(person: Person) -> list[User]:
    """Whoever created the record: they work on it, so hear of its restriction."""
    creator = person.entity.created_by
    return [creator] if creator is not None and creator.is_active else []


def _queue_pair(alert: DuplicateAlert) -> CandidatePair:
    """The pair in the duplicate review queue (cairn/network), pending, to be merged once
    the restriction ends: the queue shows a pair only while both records are visible to
    the reviewer, so nothing of a restricted record shows there meanwhile."""
    a, b = sorted((alert.person_id, alert.restriction.person_id))
    # The weight the queue shows beside the probability, from the alert's percentage
    # (outside tester: "Match weight 0.0" beside "Probability 100%"); 100% is a rounding.
    probability = min(max(alert.percent / 100, 0.001), 0.999)
    pair, created = CandidatePair.objects.get_or_create(
        person_a_id=a,
        person_b_id=b,
        defaults={
            "match_weight": round(math.log2(probability / (1 - probability)), 2),
            "match_probability": probability,
            "explanation": {"source": "restricted duplicate alert", "alert": alert.pk},
            "model_version": "restricted-alert",
        },
    )
    if not created and pair.status == PairStatus.REJECTED:
        # IG judged them the same person since: they go back for review.
        CandidatePair.objects.filter(pk=pair.pk).update(
            status=PairStatus.PENDING, decided_by=None, decided_at=None
        )
    return pair


def _locked_open_alert(actor: Actor, alert_id: int) -> DuplicateAlert:
    # The alert row is locked first: two presses (or two IG) decide one after the other,
    # and the second is told it is decided.
    alert = lock(access_duplicate_alert(actor, alert_id))
    if not alert.is_open:
        raise Conflict(
            f"The alert about record {alert.person_id} has already been decided: "
            f"{alert.get_status_display().lower()}."
        )
    return alert


@transaction.atomic
def duplicate_alert_restrict(*, actor: Actor, alert_id: int, reason: str) -> Restriction:
    """IG judges the new record the same person as the restricted one: the restriction
    (the same request) is extended to it, its holding agency and whoever reported or
    created it told as for any restriction, and the pair put in the duplicate review
    queue to merge after the restriction is lifted (a restricted record is not changed)."""
    errors = reason_errors(reason, "Enter why you judge them to be the same person")
    if errors:
        raise ValidationError(errors)
    alert = _locked_open_alert(actor, alert_id)
    original = Restriction.objects.select_for_update().get(pk=alert.restriction_id)
    if original.lifted_at is not None:
        raise Conflict(f"The restriction on record {original.person_id} has been lifted.")
    entity = lock(Entity(pk=alert.person_id))
    if entity.disposed_at is not None:
        raise Conflict(f"Record {alert.person_id} has been disposed of.")
    if entity.restricted_since is not None:
        raise Conflict(f"Processing of record {alert.person_id} is already restricted.")
    now = timezone.now()
    rr = original.request
    try:
        with transaction.atomic():
            extension = Restriction.objects.create(
                person_id=alert.person_id,
                request=rr,
                extends=original,
                reason=f"The same person as restricted record {original.person_id}"
                + (f" ({rr.reference})" if rr is not None else "")
                + f": {reason.strip()}",
                applied_by=actor,
                applied_at=now,
            )
    except IntegrityError:
        raise Conflict(f"Processing of record {alert.person_id} is already restricted.") from None
    entity.restricted_since = now
    entity.save(update_fields=["restricted_since"])  # not "updated_at": see restriction_apply
    alert.status = AlertStatus.SAME
    alert.reason = reason.strip()
    alert.decided_by = actor
    alert.decided_at = now
    alert.extension = extension
    alert.save(update_fields=["status", "reason", "decided_by", "decided_at", "extension"])
    pair = _queue_pair(alert)
    audit.record(
        actor=actor,
        event="rights.restricted",
        obj=extension,
        subject=alert.person_id,
        justification=reason.strip()[:500],
        details={
            "request": rr.reference if rr else None,
            "extends": original.pk,
            "same_as": original.person_id,
            "alert": alert.pk,
        },
    )
    audit.record(
        actor=actor,
        event="rights.restricted_duplicate_decided",
        obj=alert,
        subject=original.person_id,
        justification=f"Record {alert.person_id} is the same person: restricted too. "
        f"{reason.strip()}"[:500],
        details={"decision": alert.status, "new_record": alert.person_id, "pair": pair.pk},
    )
    notifications_resolve(
        actor=actor,
        obj=alert,
        kind="rights_restriction",
        subject=alert.person_id,
        justification=f"Record {alert.person_id} restricted as the same person",
    )
    new = alert.person
    # A link each can open (the restriction's own telling: _restriction_links).
    for url, users in _restriction_links(
        _owners(new) + _holders(new) + _creator(new), new, original.request
    ).items():
        _tell(
            actor,
            users,
            kind="rights_restriction",
            title=f"Processing of record {new.pk} is restricted",
            body=f"{agency_of(actor).name} restricted it (UK GDPR Article 18): it is kept but "
            "withheld from everyday use until the restriction is lifted.",
            url=url,
            obj=extension,
        )
    return extension


@transaction.atomic
def duplicate_alert_dismiss(*, actor: Actor, alert_id: int, reason: str) -> DuplicateAlert:
    """IG judges the new record someone else: the alert closes, audited, and stays on
    the restriction's history. The new record is untouched."""
    errors = reason_errors(reason, "Enter why they are not the same person")
    if errors:
        raise ValidationError(errors)
    alert = _locked_open_alert(actor, alert_id)
    alert.status = AlertStatus.NOT_SAME
    alert.reason = reason.strip()
    alert.decided_by = actor
    alert.decided_at = timezone.now()
    alert.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        event="rights.restricted_duplicate_decided",
        obj=alert,
        subject=alert.restriction.person_id,
        justification=f"Record {alert.person_id} is not the same person. {reason.strip()}"[:500],
        details={"decision": alert.status, "new_record": alert.person_id},
    )
    notifications_resolve(
        actor=actor,
        obj=alert,
        kind="rights_restriction",
        subject=alert.person_id,
        justification=f"Record {alert.person_id} is not the same person",
    )
    return alert


# Subject access requests (UK GDPR Art. 15, DPA 2018 s.45; ADR 0025).


def _ig_of(agency_ids: set[int]) -> list[User]:
    return list(
        User.objects.filter(
            agency_id__in=agency_ids,
            role__in=roles_for("rights.manage_request"),
            is_active=True,
        )
    )


@transaction.atomic
def sar_log(
    *,
    actor: Actor,
    requester: str,
    requester_kind: str,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date | None,
    other_names: str,
    received_on: dt.date,
    authority_checked: bool = False,
    confirm_duplicate: bool = False,
) -> SubjectAccessRequest:
    """Logs a request. One made for someone else needs the authority to have been
    checked; one for a name and date of birth with a request already open is logged
    only once IG confirms it is not the same request (`confirm_duplicate`)."""
    if not is_ig(actor):
        raise Http404("Page not found.")
    errors = authority_errors(requester_kind, authority_checked) | received_on_errors(received_on)
    if date_of_birth is not None and date_of_birth > timezone.localdate():
        errors["date_of_birth"] = "The date of birth must be in the past"
    elif date_of_birth is not None:
        errors |= parent_for_adult_errors(requester_kind, _age_on(date_of_birth, received_on))
    if errors:
        raise ValidationError(errors)
    duplicate = open_duplicate(
        actor, given_name=given_name, family_name=family_name, date_of_birth=date_of_birth
    )
    if duplicate is not None and not confirm_duplicate:
        raise ValidationError(
            {
                "confirm_duplicate": f"{duplicate.reference} is already open for "
                f"{duplicate.full_name}"
                + (f", born {date_of_birth:%-d %B %Y}" if date_of_birth else "")
                + f" (received {duplicate.received_on:%-d %B %Y}): check this is not the "
                "same request. If it is a new one, confirm to log it as well"
            }
        )
    sar = SubjectAccessRequest(
        requester=requester.strip(),
        requester_kind=requester_kind,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        date_of_birth=date_of_birth,
        other_names=other_names.strip(),
        received_on=received_on,
        due_on=add_months(received_on, MONTHS_TO_ANSWER),
        # For the data subject, their identity may be confirmed later
        # (sar_confirm_identity): nothing is approved or disclosed until it is.
        authority_checked=authority_checked,
        possible_duplicate_of=duplicate,
        created_by=actor,
    )
    sar.full_clean()
    sar.save()
    # Not yet about a record: the names typed are the requester's own, kept on the request.
    audit.record(
        actor=actor,
        event="rights.sar_logged",
        obj=sar,
        justification="Subject access request logged",
        details={
            "requester_kind": requester_kind,
            "received_on": received_on.isoformat(),
            "due_on": sar.due_on.isoformat(),
            "authority_checked": sar.authority_checked,
            "possible_duplicate_of": duplicate.pk if duplicate is not None else None,
        },
    )
    return sar


def open_duplicate(
    actor: Actor, *, given_name: str, family_name: str, date_of_birth: dt.date | None
) -> SubjectAccessRequest | None:
    """An open request the actor may see for the same name and date of birth (names
    compared without case or surrounding spaces), oldest first."""
    return (
        visible_sars(actor)
        .exclude(status__in=SarStatus.finished())
        .filter(
            given_name__iexact=given_name.strip(),
            family_name__iexact=family_name.strip(),
            date_of_birth=date_of_birth,
        )
        .order_by("received_on", "pk")
        .first()
    )


def _locked_sar(actor: Actor, sar_id: int, status: str | None = None) -> SubjectAccessRequest:
    sar = lock(access_sar_by_id(actor, sar_id))
    if not is_sar_handler(actor, sar):
        raise Http404("No request found.")
    if status is not None and sar.status != status:
        raise Conflict(f"{sar.reference} has moved on: {sar.get_status_display().lower()}.")
    return sar


SAR_IDENTITY_NOT_CHECKED = (
    "{ref} cannot be approved or disclosed yet: information governance must first confirm "
    "they have checked the requester's identity (and, for a parent, carer or "
    "representative, their authority). Until then it can only be withdrawn or closed"
)


def require_sar_identity_checked(sar: SubjectAccessRequest) -> None:
    """UK GDPR Art. 12(6): nothing is disclosed to someone whose identity (and authority
    to act) IG has not confirmed, as require_identity_checked for the other rights.
    Checked when acting, so requests logged before the check was asked are held too."""
    if not sar.authority_checked:
        raise ValidationError(SAR_IDENTITY_NOT_CHECKED.format(ref=sar.reference))


def _audit_for_requester(
    sar: SubjectAccessRequest,
    *,
    actor: Actor,
    event: str,
    obj: models.Model,
    justification: str,
    details: dict[str, Any],
) -> None:
    """One audit row per person the request is confirmed to be about, so the IG viewer finds
    the step under each data subject; a single row with no subject before any is confirmed."""
    subjects: list[int | None] = [*sar.people.order_by("pk").values_list("pk", flat=True)]
    for subject in subjects or [None]:
        audit.record(
            actor=actor,
            event=event,
            obj=obj,
            subject=subject,
            justification=justification,
            details=details,
        )


@transaction.atomic
def sar_confirm_identity(*, actor: Actor, sar_id: int) -> SubjectAccessRequest:
    """The handling IG confirms they have checked the requester's identity (and authority
    to act for someone else): only then may the bundle be approved and disclosed. Locked
    and re-checked, so two IG confirming at once record it once (the other: Conflict)."""
    sar = _locked_sar(actor, sar_id)
    if not sar.is_open:
        raise Conflict(f"{sar.reference} has moved on: {sar.get_status_display().lower()}.")
    if sar.authority_checked:
        raise Conflict(f"The requester's identity for {sar.reference} is already confirmed.")
    sar.authority_checked = True
    sar.save(update_fields=["authority_checked"])
    _audit_for_requester(
        sar,
        actor=actor,
        event="rights.sar_identity_confirmed",
        obj=sar,
        justification=f"{sar.reference}: requester's identity checked",
        details={"requester_kind": sar.requester_kind, "status": sar.status},
    )
    return sar


@transaction.atomic
def sar_extend(*, actor: Actor, sar_id: int, months: int, reason: str) -> SubjectAccessRequest:
    """Art. 12(3): up to two further months where the request is complex or one of many;
    recorded with the reason, once."""
    if months not in (1, 2):
        raise ValidationError({"months": "Extend by one or two months"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the request needs more time"})
    sar = _locked_sar(actor, sar_id)
    if not sar.is_open:
        raise Conflict(f"{sar.reference} has moved on: {sar.get_status_display().lower()}.")
    if sar.extension_months:
        raise Conflict(f"{sar.reference} has already been extended.")
    # Art. 12(3): the requester must be told of an extension within the first month, so
    # once that month (or the deadline) has passed the request can no longer be extended.
    first_month_ends = add_months(sar.received_on, MONTHS_TO_ANSWER)
    if timezone.localdate() > min(first_month_ends, sar.due_on):
        raise ValidationError(
            {
                "months": f"{sar.reference} can no longer be extended: an extension must be "
                f"made and told to the requester within the first month (by "
                f"{first_month_ends:%-d %B %Y})"
            }
        )
    old_due = sar.due_on
    sar.extension_months = months
    sar.extension_reason = reason.strip()
    sar.due_on = add_months(sar.received_on, MONTHS_TO_ANSWER + months)
    sar.save(update_fields=["extension_months", "extension_reason", "due_on"])
    audit.record(
        actor=actor,
        event="rights.sar_extended",
        obj=sar,
        justification=reason.strip()[:500],
        details={"months": months, "before": old_due.isoformat(), "after": sar.due_on.isoformat()},
    )
    return sar


@transaction.atomic
def sar_confirm(
    *, actor: Actor, sar_id: int, person_ids: list[int], none: bool = False
) -> SubjectAccessRequest:
    """IG confirms which of the records found are the requester's; the bundle is built
    from every record about them, and each owning agency's IG is asked to approve. With
    `none`, IG records that no record is theirs (none found, or none of those found):
    the bundle starts empty, and intelligence naming them in words is still searched
    (tester report 10, F3: "nothing held" while police intelligence named them)."""
    sar = _locked_sar(actor, sar_id, SarStatus.MATCHING)
    wanted = set(person_ids)
    if none and wanted:
        raise ValidationError(
            {"people": "You selected records and said none is theirs: choose one or the other"}
        )
    if not wanted and not none:
        raise ValidationError({"people": "Select the records that are the requester's"})
    found = {m.person.pk for m in sar_candidates(actor, sar)}
    if not wanted <= found:
        raise ValidationError({"people": "Select only records the search found"})
    people = list(
        Person.objects.filter(pk__in=wanted)
        .select_related("entity__owning_agency")
        .prefetch_related("names")
        .order_by("pk")
    )
    errors = parent_for_adult_records_errors(sar, people)
    if errors:
        raise ValidationError(errors)
    sar.people.set(people)
    # Police-only records are the police's to answer for (ADR 0025, amendment): a
    # partner's bundle leaves them out, so its IG learns nothing of them, not even that
    # one exists; police IG answers for them in the police's own request.
    every = records_about(people)
    specs = [s for s in every if bundle_holds(actor, police_only=s.police_only)]
    left_out = len(every) - len(specs)
    BundleItem.objects.bulk_create(
        BundleItem(
            sar=sar,
            record_type=s.record_type,
            record_id=s.record_id,
            title=s.title[:300],
            agency_id=s.agency_id,
            police_only=s.police_only,
            text=s.text,
            recipients=list(s.recipients),
            disclosed_as_id=_disclosed_as(actor, s.record_type, s.agency_id),
            position=i,
        )
        for i, s in enumerate(specs)
    )
    sar.status = SarStatus.REVIEW
    sar.save(update_fields=["status"])
    possible = _find_possible_entries(actor, sar, people, every)
    subjects: list[Person | None] = [*people] or [None]
    for person in subjects:
        audit.record(
            actor=actor,
            event="rights.sar_records_confirmed",
            obj=sar,
            subject=person,
            justification=f"{sar.reference}: "
            + ("record confirmed as the requester's" if person else "no record is theirs"),
            details={"items": len(specs), "people": sorted(wanted), "possible_entries": possible},
        )
    agencies = {s.agency_id for s in specs} - {actor.agency_id}
    # A partner's bundle leaves police-only records out and says nothing of them (ADR
    # 0025): police IG alone is told, so the police can answer for them if asked.
    police = set(Agency.objects.filter(kind=AgencyKind.POLICE).values_list("pk", flat=True))
    police = police if left_out else set()
    left_out_note = (
        f"{agency_of(actor).name}'s request concerns person record "
        f"{', '.join(str(p.pk) for p in people)}, about whom {left_out} police-only "
        "record(s) were left out of its disclosure; it was not told they exist. If the "
        "requester asks the police, log the police's own request."
    )
    approve = f"{sar.reference}: approve your agency's part of a subject access disclosure"
    due = f"The disclosure is due by {sar.due_on:%-d %B %Y}."
    sar_url = reverse("rights:sar-detail", args=[sar.pk])
    # Police IG not asked to approve a part cannot open the partner's request: where it
    # would log the police's own.
    log_url = reverse("rights:sar-new")
    # An agency with no IG user has nobody to approve its part: those who could give
    # someone the role are told instead, without a link they could not open (F7).
    contacts = part_contacts(agencies)
    for agency_id in sorted(agencies):
        told = contacts[agency_id]
        if told.kind in ("ig", "nobody"):
            continue
        notify(
            recipients=told.users,
            kind="rights_request",
            title=f"{sar.reference}: {told.agency} has nobody to approve its part of a "
            "subject access request",
            body=f"A subject access request handled by {agency_of(actor).name} includes "
            f"records {told.agency} holds. {told.agency} has no information governance user "
            "in Cairn, so nobody there can approve its part: give someone there that role. "
            + (
                "A police force's part cannot be taken over: the request waits for it."
                if agency_id in police_agencies()
                else "Otherwise the handling information governance takes the part over."
            ),
            obj=sar,
            sender=actor,
        )
    agencies_with_ig = {a for a in agencies if contacts[a].kind == "ig"}
    for recipients, title, body, url in (
        (agencies_with_ig - police, approve, due, sar_url),
        (agencies_with_ig & police, approve, f"{due} {left_out_note}", sar_url),
        (
            police - agencies,
            f"{sar.reference}: a partner's subject access request touches police-only records",
            left_out_note,
            log_url,
        ),
    ):
        if recipients:
            notify(
                recipients=_ig_of(recipients),
                kind="rights_request",
                title=title,
                body=body,
                url=url,
                obj=sar,
            )
    return sar


def _disclosed_as(actor: Actor, record_type: str, agency_id: int) -> int | None:
    """The police agency a partner's intelligence is disclosed as held by (ADR 0025,
    amendment of 2026-12-08): `access.police_holder`."""
    return police_holder(actor, record_type, agency_id)


def sar_names(sar: SubjectAccessRequest, people: list[Person]) -> list[tuple[str, str]]:
    """Every (given, family) name the confirmed people are recorded under (a one-word
    nickname with their family name), and those the requester gave: what unlinked text is
    searched for."""
    names = [(sar.given_name, sar.family_name)]
    for raw in sar.other_names.replace(";", ",").split(","):
        words = raw.split()
        if len(words) > 1:
            names.append((" ".join(words[:-1]), words[-1]))
        elif words:
            names.append((words[0], sar.family_name))
    for person in people:
        for n in person.names.all():
            names.append((n.given_name, n.family_name or person.family_name))
        names.append((person.given_name, person.family_name))
    return sorted({(g.strip(), f.strip()) for g, f in names if g.strip() and f.strip()})


def _find_possible_entries(
    actor: Actor, sar: SubjectAccessRequest, people: list[Person], every: list[Any]
) -> int:
    """Entries naming a confirmed person in words only, not already in the bundle, kept
    for the handling IG to decide (ADR 0025, amendment): none for a partner's bundle,
    which holds no intelligence. Returns how many."""
    if not can_review_possible_entries(actor, sar):
        return 0
    in_bundle = {int(s.record_id) for s in every if s.record_type == "intelligence"}
    hits = entries_naming(sar_names(sar, people), exclude=in_bundle)
    entries = Submission.objects.filter(pk__in=hits).values_list(
        "pk", "submitter_agency_id", "submitted_at", "subject_description"
    )
    PossibleEntry.objects.bulk_create(
        PossibleEntry(
            sar=sar,
            submission_id=pk,
            agency_id=agency_id,
            submitted_at=submitted_at,
            subject_text=subject,
            hits=[h.as_dict() for h in hits[pk]],
        )
        for pk, agency_id, submitted_at, subject in entries
    )
    return len(hits)


# "Not them" is a decision the requester or the ICO may question: a few words, at least.
NOT_THEM_MIN_LENGTH = 10


@transaction.atomic
def sar_possible_decide(
    *,
    actor: Actor,
    sar_id: int,
    entry_id: int,
    decision: str,
    reason: str = "",
    change: bool = False,
) -> PossibleEntry:
    """The handling IG decides an entry that names the requester in words only: "include"
    (about them: it becomes a bundle item of its agency's part, so that agency reviews and
    approves it as any other; an approval already given is void) or "not_them" (with a
    reason). Locked: a second press, or a second IG, is told it is decided (Conflict).
    With `change`, a decision already made is changed while the request is in review
    (tester 9, F5), with a reason: an entry no longer about them leaves the bundle (its
    redactions with it; an agency left with no part loses its approval and its "approve"
    inbox items), one now about them joins it as above.
    The entry is not linked to the person record: that is the FIB's call (ADR 0025)."""
    errors: dict[str, str] = {}
    text = reason.strip()
    if decision not in ("include", "not_them"):
        errors["decision"] = "Select whether the entry is about them"
    elif decision == "not_them" or change:
        if not text:
            errors["reason"] = (
                "Enter why the entry is not about them"
                if decision == "not_them"
                else "Enter why the decision changes"
            )
        elif says_too_little(text, NOT_THEM_MIN_LENGTH):
            errors["reason"] = (
                f"Say why in a few words (at least {NOT_THEM_MIN_LENGTH} characters): for "
                "example, a different age or area"
            )
    if errors:
        raise ValidationError(errors)
    sar = _locked_sar(actor, sar_id)
    if not can_review_possible_entries(actor, sar):
        raise Http404("No entry found.")
    entry = (
        PossibleEntry.objects.select_for_update().filter(sar=sar, pk=require_id(entry_id)).first()
    )
    if entry is None:
        raise Http404("No entry found.")
    wanted = PossibleEntryStatus.INCLUDED if decision == "include" else PossibleEntryStatus.NOT_THEM
    if (not change and not entry.is_open) or (change and entry.status == wanted):
        raise Conflict(
            f"{entry.reference} has already been decided: {entry.get_status_display().lower()}."
        )
    if change and entry.is_open:
        raise Conflict(f"{entry.reference} has not been decided yet: decide it first.")
    if sar.status != SarStatus.REVIEW:
        raise Conflict(f"{sar.reference} has moved on: {sar.get_status_display().lower()}.")
    before = entry.status
    voided = False
    removed: dict[str, Any] = {}
    if decision == "include":
        entry.item, voided = _include_entry(actor, sar, entry)
        entry.status = PossibleEntryStatus.INCLUDED
        entry.reason = text if change else ""
    else:
        if entry.item is not None:
            removed = _exclude_entry(actor, sar, entry.item)
            entry.item = None
        entry.status = PossibleEntryStatus.NOT_THEM
        entry.reason = text
    entry.decided_by = actor
    entry.decided_at = timezone.now()
    entry.save(update_fields=["status", "reason", "decided_by", "decided_at", "item"])
    _audit_for_requester(
        sar,
        actor=actor,
        event="rights.sar_possible_entry_decided",
        obj=entry,
        justification=f"{sar.reference}: {entry.reference} "
        + ("decision changed: " if change else "")
        + (
            "is about the requester: included"
            if entry.item is not None
            else f"is not about the requester. {entry.reason}"
        )[:450],
        details={
            "decision": entry.status,
            "changed_from": before if change else "",
            "submission": entry.submission_id,
            "item": entry.item_id,
            "agency": entry.agency_id,
            "reason": entry.reason[:500],
            "approval_voided": voided,
            **removed,
        },
    )
    return entry


def _exclude_entry(actor: Actor, sar: SubjectAccessRequest, item: BundleItem) -> dict[str, Any]:
    """An included entry taken out of the bundle again: the item and its redactions go.
    Nothing more goes out, so an approval of what remains stands; an agency whose whole
    part it was has no part left, so its approval (or takeover) and its "approve your
    part" inbox items go too. Returns what was undone, for the audit row."""
    agency_id = item.agency_id
    undone: dict[str, Any] = {
        "item_removed": item.pk,
        "redactions_removed": item.redactions.count(),
        "part_removed": False,
    }
    item.delete()
    if not sar.items.filter(agency_id=agency_id).exists():
        undone["part_removed"] = True
        AgencyApproval.objects.filter(sar=sar, agency_id=agency_id).delete()
        PartTakeover.objects.filter(sar=sar, agency_id=agency_id).delete()
        ig = [u.pk for u in _ig_of({agency_id})]
        if ig and agency_id != actor.agency_id:
            notifications_resolve(
                actor=actor,
                obj=sar,
                kind="rights_request",
                justification=f"{sar.reference}: the agency's part was taken out again",
                recipients=ig,
            )
    return undone


# The item types the bundle lists before and with intelligence (bundle.BUILDERS order).
TYPES_UP_TO_INTELLIGENCE = (
    "person",
    "share",
    "concern",
    "indicator_observation",
    "risk_decision",
    "intelligence",
)


def _include_entry(
    actor: Actor, sar: SubjectAccessRequest, entry: PossibleEntry
) -> tuple[BundleItem, bool]:
    """The entry as a bundle item, after the bundle's other intelligence (items are
    ordered by type: the PDF numbers them so). Its agency's approval, if given, is void
    and that agency told; an agency new to the bundle is asked to approve its part."""
    submission = intelligence_entries(Submission.objects.filter(pk=entry.submission_id)).first()
    if submission is None:
        raise Conflict(f"{entry.reference} is no longer held: it cannot be included.")
    if sar.items.filter(record_type="intelligence", record_id=str(submission.pk)).exists():
        raise Conflict(f"{entry.reference} is in the bundle already.")
    spec = intelligence_item(submission)
    after = sar.items.filter(record_type__in=TYPES_UP_TO_INTELLIGENCE).order_by("-position").first()
    position = after.position + 1 if after is not None else 0
    new_part = not sar.items.filter(agency_id=spec.agency_id).exists()
    sar.items.filter(position__gte=position).update(position=F("position") + 1)
    item = BundleItem.objects.create(
        sar=sar,
        record_type=spec.record_type,
        record_id=spec.record_id,
        title=spec.title[:300],
        agency_id=spec.agency_id,
        police_only=spec.police_only,
        text=spec.text,
        recipients=list(spec.recipients),
        disclosed_as_id=_disclosed_as(actor, spec.record_type, spec.agency_id),
        position=position,
    )
    voided, _ = AgencyApproval.objects.filter(sar=sar, agency_id=item.agency_id).delete()
    # Words redacted elsewhere in the bundle are redacted in it too (ADR 0025, 2026-12-08).
    _redact_as_bundle(actor, sar, item)
    if voided:
        _approval_reset(actor, sar, item, "included")
    elif new_part and item.agency_id != actor.agency_id:
        told = part_contacts([item.agency_id])[item.agency_id]
        if told.kind == "ig":
            notify(
                recipients=told.users,
                kind="rights_request",
                title=f"{sar.reference}: approve your agency's part of a subject access disclosure",
                body=f"The disclosure is due by {sar.due_on:%-d %B %Y}.",
                url=reverse("rights:sar-detail", args=[sar.pk]),
                obj=sar,
                sender=actor,
            )
    return item, bool(voided)


def _item(
    actor: Actor, sar_id: int, item_id: int, *, redact: bool
) -> tuple[SubjectAccessRequest, BundleItem]:
    """The request and item locked, for the handling IG or the IG of the agency holding
    the item; redacting also needs its content to be readable (ADR 0025)."""
    sar = lock(access_sar_by_id(actor, sar_id))
    item = BundleItem.objects.select_for_update().filter(sar=sar, pk=require_id(item_id)).first()
    if item is None or not can_withhold_item(actor, sar, item):
        raise Http404("No item found.")
    if redact and not can_redact_item(actor, sar, item, readable_agencies(actor, sar)):
        raise Http404("No item found.")
    if sar.status != SarStatus.REVIEW:
        raise Conflict(f"{sar.reference} has moved on: {sar.get_status_display().lower()}.")
    return sar, item


def _check_exemption(exemption: str, reason: str) -> None:
    errors = {}
    if exemption not in Exemption.values:
        errors["exemption"] = "Select the exemption that applies"
    if not reason.strip():
        errors["reason"] = "Enter the reason for this redaction"
    if errors:
        raise ValidationError(errors)


def _approval_reset(actor: Actor, sar: SubjectAccessRequest, item: BundleItem, done: str) -> None:
    """A part approved as it stood is approved no longer once it changes: its agency's IG
    must hear it, or the request waits on an approval nobody knows is missing (tester
    report 1, F5). `done`: what happened to the record ("redacted words in"). A part
    taken over is approved again by whoever took it over, so they are told, not its IG."""
    takeover = PartTakeover.objects.filter(sar=sar, agency_id=item.agency_id).first()
    _tell(
        actor,
        [takeover.taken_by] if takeover is not None else _ig_of({item.agency_id}),
        kind="rights_request",
        title=f"{sar.reference}: your agency's approval was reset: please approve again",
        body=f"Your agency's approval of {sar.reference} was reset because "
        f"{agency_of(actor).name}'s information governance {done} "
        f"{_record_ref(item)} of your part. Review your part and approve it again: the "
        f"disclosure waits for it, and is due by {sar.due_on:%-d %B %Y}.",
        url=reverse("rights:sar-detail", args=[sar.pk]),
        obj=sar,
    )


def _record_ref(item: BundleItem) -> str:
    """A record named by its type and number only, as inbox items name records."""
    return f"{item.record_type.replace('_', ' ')} {item.record_id}"


def _changed(
    actor: Actor,
    sar: SubjectAccessRequest,
    item: BundleItem,
    details: dict[str, Any],
    *,
    done: str,
) -> None:
    # A part approved as it stood is approved no longer once it changes.
    voided, _ = AgencyApproval.objects.filter(sar=sar, agency_id=item.agency_id).delete()
    if voided:
        _approval_reset(actor, sar, item, done)
    audit.record(
        actor=actor,
        event="rights.sar_redacted",
        obj=item,
        subject=sar.people.order_by("pk").values_list("pk", flat=True).first(),
        justification=f"{sar.reference}: {details['reason'][:400]}",
        details={**details, "reason": details["reason"][:500], "approval_voided": bool(voided)},
    )


_QUOTE_CLASS = {
    "'": "['\u2018\u2019]",
    "\u2018": "['\u2018\u2019]",
    "\u2019": "['\u2018\u2019]",
    '"': '["\u201c\u201d]',
    "\u201c": '["\u201c\u201d]',
    "\u201d": '["\u201c\u201d]',
}
_QUOTES = re.compile("[" + "".join(_QUOTE_CLASS) + "]")


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Whole words: not preceded or followed by a letter or digit; spaces in the phrase
    match any run of whitespace (the text has line breaks between fields). A straight and
    a curly apostrophe (or quote) match each other: a phrase pasted from a letter has curly
    ones, the record typed straight ones, or the reverse (F12)."""
    words = [_QUOTES.sub(lambda m: _QUOTE_CLASS[m.group()], re.escape(w)) for w in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


@transaction.atomic
def sar_redact(
    *, actor: Actor, sar_id: int, item_id: int, phrase: str, exemption: str, reason: str
) -> list[Redaction]:
    """Redacts every occurrence of `phrase` as whole words (case-insensitive: "Al" redacts
    "Al" and "al", never the "al" in "Alice") in the item's text and in every other record
    of the bundle (ADR 0025, amendment of 2026-12-08): words redacted in one record and
    left in another go out all the same (outside tester 9, F1). Each record changed is
    audited and its agency's approval, if given, is void; a record of another agency is
    redacted too, unread (the safe direction, as a withholding), and never counted back
    to the actor, so a phrase cannot be probed for in a part one may not read."""
    _check_exemption(exemption, reason)
    if not phrase.strip():
        raise ValidationError({"phrase": "Enter the words to redact, as they appear in the text"})
    if len(phrase.strip()) < MIN_REDACTION_LENGTH:
        raise ValidationError(
            {"phrase": f"Enter at least {MIN_REDACTION_LENGTH} characters: whole words to redact"}
        )
    sar, item = _item(actor, sar_id, item_id, redact=True)
    pattern = _phrase_pattern(phrase)
    if pattern.search(item.text) is None:
        raise ValidationError({"phrase": "Those words are not in this record's text"})
    others = list(
        BundleItem.objects.select_for_update().filter(sar=sar).exclude(pk=item.pk).order_by("pk")
    )
    created: list[Redaction] = []
    for target in [item, *others]:
        created += _redact_in(
            actor,
            sar,
            target,
            pattern,
            exemption=exemption,
            reason=reason.strip(),
            redactor=actor,
            first=item,
        )
    return created


def _redact_in(
    actor: Actor,
    sar: SubjectAccessRequest,
    item: BundleItem,
    pattern: re.Pattern[str],
    *,
    exemption: str,
    reason: str,
    redactor: Any,
    first: BundleItem,
) -> list[Redaction]:
    """The pattern's spans in one item redacted and audited (never the words themselves:
    where and why); nothing if the item does not hold them."""
    spans = [(m.start(), m.end()) for m in pattern.finditer(item.text)]
    if not spans:
        return []
    created = Redaction.objects.bulk_create(
        Redaction(
            item=item, start=s, end=e, exemption=exemption, reason=reason, created_by=redactor
        )
        for s, e in spans
    )
    _changed(
        actor,
        sar,
        item,
        {
            "spans": spans,
            "exemption": exemption,
            "reason": reason,
            # Redacted as words redacted in another record of the bundle.
            "bundle_wide_from": None if item.pk == first.pk else first.pk,
        },
        done="redacted words in",
    )
    return created


def _redact_as_bundle(actor: Actor, sar: SubjectAccessRequest, item: BundleItem) -> int:
    """A record added to the bundle after words were redacted in it (an entry included
    from the possible ones) gets the same words redacted: the redactions' words, read
    back from their records' text. Returns how many spans."""
    done: set[str] = set()
    count = 0
    for r in (
        Redaction.objects.filter(item__sar=sar)
        .exclude(item=item)
        .select_related("item", "created_by")
        .order_by("pk")
    ):
        words = " ".join(r.item.text[r.start : r.end].split()).lower()
        if not words or words in done:
            continue
        done.add(words)
        count += len(
            _redact_in(
                actor,
                sar,
                item,
                _phrase_pattern(words),
                exemption=r.exemption,
                reason=r.reason,
                redactor=r.created_by,
                first=r.item,
            )
        )
    return count


@transaction.atomic
def sar_withhold(
    *, actor: Actor, sar_id: int, item_id: int, exemption: str, reason: str
) -> BundleItem:
    """Withholds a whole record (e.g. a police-only record whose disclosure would prejudice
    an investigation, s.45(4)). The handling IG may withhold another agency's record
    before it approves (withholding is the safe direction); that agency's IG is told and
    may undo it (`sar_unwithhold`)."""
    _check_exemption(exemption, reason)
    sar, item = _item(actor, sar_id, item_id, redact=False)
    if item.withheld:
        raise Conflict("This record is already withheld.")
    item.withheld_exemption = exemption
    item.withheld_reason = reason.strip()
    item.withheld_by = actor
    item.save(update_fields=["withheld_exemption", "withheld_reason", "withheld_by"])
    _changed(
        actor,
        sar,
        item,
        {"withheld": True, "exemption": exemption, "reason": reason.strip()},
        done="withheld",
    )
    if item.agency_id != actor.agency_id:
        _tell_withheld(actor, sar, item)
    return item


def _tell_withheld(actor: Actor, sar: SubjectAccessRequest, item: BundleItem) -> None:
    """The holding agency's IG learns that the handler withheld records of its part: one
    unread inbox item per request and withholding agency, kept up to date with every record
    of its part that agency has withheld (seven withholdings in a row made seven identical
    items). Once read, the next withholding makes a new item."""
    who = agency_of(actor).name
    prefix = f"{sar.reference}: {who} withheld "
    withheld = list(
        sar.items.filter(agency_id=item.agency_id, withheld_by__agency_id=actor.agency_id or 0)
        .exclude(withheld_exemption="")
        .order_by("position")
    )
    listed = ", ".join(_record_ref(i) for i in withheld)
    many = len(withheld) > 1
    title = prefix + (f"{len(withheld)} records of your part" if many else "a record of your part")
    body = (
        f"Left out of the disclosure: {listed}. "
        + ("They are tagged Withheld on the request page; open each" if many else "Open the record")
        + " to see the exemption and reason, and undo the withholding if your agency would "
        "disclose it."
    )
    url = (
        reverse("rights:sar-detail", args=[sar.pk])
        if many
        else reverse("rights:sar-item", args=[sar.pk, item.pk])
    )
    recipients = _ig_of({item.agency_id})
    unread = Notification.objects.filter(
        recipient__in=recipients,
        kind="rights_request",
        object_type=sar._meta.label_lower,
        object_id=str(sar.pk),
        title__startswith=prefix,
        read_at__isnull=True,
    )
    updated = {n.recipient_id for n in unread}
    unread.update(title=title[:200], body=body, url=url)
    notify(
        recipients=[u for u in recipients if u.pk not in updated],
        kind="rights_request",
        title=title,
        body=body,
        url=url,
        obj=sar,
        sender=actor,
    )


@transaction.atomic
def sar_unwithhold(*, actor: Actor, sar_id: int, item_id: int, reason: str) -> BundleItem:
    """Puts a withheld record back in the disclosure: the holding agency's IG, whoever
    withheld it, or the handling IG for a record it may read (`can_unwithhold_item`).
    Audited with the exemption undone; the holding agency's approval, if any, is void."""
    errors = reason_errors(reason, "Enter why the record is no longer withheld")
    if errors:
        raise ValidationError(errors)
    sar, item = _item(actor, sar_id, item_id, redact=False)
    if not item.withheld:
        raise Conflict("This record is not withheld: it has already been put back.")
    if not can_unwithhold_item(actor, sar, item, readable_agencies(actor, sar)):
        raise Http404("No item found.")
    before = {"exemption": item.withheld_exemption, "withheld_by": item.withheld_by_id}
    item.withheld_exemption = ""
    item.withheld_reason = ""
    item.withheld_by = None
    item.save(update_fields=["withheld_exemption", "withheld_reason", "withheld_by"])
    voided, _ = AgencyApproval.objects.filter(sar=sar, agency_id=item.agency_id).delete()
    audit.record(
        actor=actor,
        event="rights.sar_withholding_undone",
        obj=item,
        subject=sar.people.order_by("pk").values_list("pk", flat=True).first(),
        justification=f"{sar.reference}: {reason.strip()[:400]}",
        details={**before, "reason": reason.strip()[:500], "approval_voided": bool(voided)},
    )
    if voided:
        _approval_reset(actor, sar, item, "undid the withholding of")
    return item


# Naming a partner as the source is a deliberate act the requester may hold against it.
NAME_SOURCE_MIN_LENGTH = 20


@transaction.atomic
def sar_name_source(
    *, actor: Actor, sar_id: int, item_id: int, named: bool, reason: str
) -> BundleItem:
    """The handling police IG decides whether a partner's intelligence goes out naming
    that partner as the one holding it (and so its source), or as held by the police (the
    default: `_disclosed_as`). Audited with the reason; the holding agency's approval, if
    given, is void, as for any change to what goes out."""
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": "Enter why the source is named, or no longer named"})
    if says_too_little(text, NAME_SOURCE_MIN_LENGTH):
        raise ValidationError(
            {"reason": f"Say why in a sentence (at least {NAME_SOURCE_MIN_LENGTH} characters)"}
        )
    sar, item = _item(actor, sar_id, item_id, redact=True)
    if not can_name_source(actor, sar, item):
        raise Http404("No item found.")
    hidden_as = None if named else _disclosed_as(actor, item.record_type, item.agency_id)
    if named and not item.source_hidden:
        raise Conflict("The source is already named.")
    if not named and (item.source_hidden or hidden_as is None):
        raise Conflict("The source is already not named.")
    item.disclosed_as_id = hidden_as
    item.save(update_fields=["disclosed_as"])
    voided, _ = AgencyApproval.objects.filter(sar=sar, agency_id=item.agency_id).delete()
    audit.record(
        actor=actor,
        event="rights.sar_source_named" if named else "rights.sar_source_hidden",
        obj=item,
        subject=sar.people.order_by("pk").values_list("pk", flat=True).first(),
        justification=f"{sar.reference}: {text[:400]}",
        details={"agency": item.agency_id, "reason": text[:500], "approval_voided": bool(voided)},
    )
    if voided:
        _approval_reset(
            actor, sar, item, "named your agency as the source of" if named else "stopped naming"
        )
    return item


@transaction.atomic
def sar_take_over(*, actor: Actor, sar_id: int, agency_id: int, reason: str) -> PartTakeover:
    """The handling IG takes over another agency's part that agency has not approved:
    audited with the reason, that agency's IG told and its "approve your part" item
    resolved. Only then may the handling IG read, redact and withhold those records; the
    part is disclosed once the officer who took it over has opened each record and
    approved it (`sar_approve` with its agency). Never a police agency's part (ADR 0025)."""
    if len(reason.strip()) < OVERRIDE_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": "Enter why you take over this agency's part in at least "
                f"{OVERRIDE_MIN_LENGTH} characters: you will answer for its records"
            }
        )
    sar = _locked_sar(actor, sar_id, SarStatus.REVIEW)
    agency_id = require_id(agency_id)
    if not sar.items.filter(agency_id=agency_id).exists():
        raise Http404("No part found.")
    if agency_id in police_agencies():
        raise ValidationError(
            {
                "reason": "A police agency's part is never taken over: the police alone "
                "judge what of it may be disclosed (DPA 2018 Part 3, section 45(4)). Ask its "
                "information governance to approve or withhold it"
            }
        )
    if not can_take_over(actor, sar, agency_id):
        raise Http404("No part found.")
    if AgencyApproval.objects.filter(sar=sar, agency_id=agency_id).exists():
        raise Conflict("That agency has approved its part meanwhile: nothing to take over.")
    already = PartTakeover.objects.filter(sar=sar, agency_id=agency_id).select_related("taken_by")
    if already:
        t = already[0]
        raise Conflict(
            f"That part has already been taken over by {_name(t.taken_by)} at "
            f"{timezone.localtime(t.taken_at):%H:%M}."
        )
    agency = Agency.objects.get(pk=agency_id)
    takeover = PartTakeover.objects.create(
        sar=sar, agency=agency, reason=reason.strip(), taken_by=actor, taken_at=timezone.now()
    )
    # Its IG is told, or where it has none those who could give someone the role (F7);
    # the audit and the page say which, or that nobody could be told.
    told = part_contacts([agency_id])[agency_id]
    _audit_for_requester(
        sar,
        actor=actor,
        event="rights.sar_part_taken_over",
        obj=sar,
        justification=f"{sar.reference}: {agency.name}'s part taken over. {takeover.reason}"[:500],
        details={
            "agency": agency_id,
            "reason": takeover.reason[:500],
            "told": told.kind,
            "told_users": len(told.users),
        },
    )
    notifications_resolve(
        actor=actor,
        obj=sar,
        kind="rights_request",
        justification=f"{sar.reference}: {agency.name}'s part taken over by the handling IG",
        recipients=[u.pk for u in _ig_of({agency_id})],
    )
    if told.kind == "ig":
        notify(
            recipients=told.users,
            kind="rights_request",
            title=f"{sar.reference}: {agency_of(actor).name} took over your agency's part",
            body="The handling information governance now reviews your part, approves it and "
            "discloses it; the reason it gave is on the request. Nothing is asked of you.",
            url=reverse("rights:sar-detail", args=[sar.pk]),
            obj=sar,
            sender=actor,
        )
    elif told.users:
        notify(
            recipients=told.users,
            kind="rights_request",
            title=f"{sar.reference}: {agency_of(actor).name} took over {agency.name}'s part "
            "of a subject access request",
            body=f"{agency.name} has no information governance user in Cairn, so nobody there "
            f"could approve its part: {agency_of(actor).name}'s information governance now "
            f"reviews and discloses {agency.name}'s records. Give someone at {agency.name} "
            "that role if it should answer for its records in future requests.",
            obj=sar,
            sender=actor,
        )
    # The notification above is news, not a task: it is not left asking to approve.
    return takeover


@transaction.atomic
def sar_approve(
    *,
    actor: Actor,
    sar_id: int,
    agency_id: int | None = None,
    confirmed: bool = False,
    source_reason: str = "",
) -> AgencyApproval:
    """The actor's agency approves its part as it stands; a second submit returns the
    approval already recorded. A part with nothing redacted or withheld is approved only
    `confirmed`, after its IG was shown what in it names others or shows police methods
    (cairn/rights/checks.py; ADR 0025, amendment of 2026-12-08). With another `agency_id`:
    the officer who took that part over approves it (`_approve_taken_over`). A part whose
    partner-supplied intelligence still has words that may identify its source (its name,
    premises, record system, reference numbers, job titles: checks.source_checks) is
    approved only with `source_reason`, recorded, unless they are redacted."""
    sar = lock(access_sar_by_id(actor, sar_id))
    if sar.status != SarStatus.REVIEW:
        raise Conflict(f"{sar.reference} is not awaiting approval.")
    require_sar_identity_checked(sar)
    if agency_id is not None and agency_id != actor.agency_id:
        return _approve_taken_over(
            actor, sar, require_id(agency_id), confirmed=confirmed, source_reason=source_reason
        )
    agency_id = actor.agency_id
    if (
        agency_id is None
        or not can_approve(actor, sar, agency_id)
        or not sar.items.filter(agency_id=agency_id).exists()
    ):
        raise Http404("No request found.")
    existing = AgencyApproval.objects.filter(sar=sar, agency_id=agency_id).first()
    if existing is not None:
        return existing
    if PartTakeover.objects.filter(sar=sar, agency_id=agency_id).exists():
        raise Conflict(
            f"The handling information governance took over your part of {sar.reference}: "
            "it answers for those records now."
        )
    part = list(sar.items.filter(agency_id=agency_id).prefetch_related("redactions"))
    as_it_is = unreviewed(part)
    errors = _approval_errors(actor, sar, part, as_it_is, confirmed, source_reason)
    if as_it_is and "confirmed" in errors:
        errors["confirmed"] = (
            "Nothing in your part is redacted or withheld: confirm it goes as it is"
        )
    if errors:
        raise ValidationError(errors)
    pending = _source_pending(actor, sar, part)
    approval = AgencyApproval.objects.create(
        sar=sar, agency_id=agency_id, approved_by=actor, approved_at=timezone.now()
    )
    _source_words_confirmed(actor, sar, pending, source_reason)
    audit.record(
        actor=actor,
        event="rights.sar_part_approved",
        obj=sar,
        justification=f"{sar.reference}: {agency_of(actor).name}'s part approved"
        + (" as it is, nothing redacted or withheld" if as_it_is else ""),
        details={"agency": agency_id, "as_it_is": as_it_is},
    )
    # "Approve your agency's part" is done for every IG of the agency.
    notifications_resolve(
        actor=actor,
        obj=sar,
        kind="rights_request",
        justification=f"{sar.reference}: {agency_of(actor).name}'s part approved",
        recipients=[u.pk for u in _ig_of({agency_id})],
    )
    return approval


def _approval_errors(
    actor: Actor,
    sar: SubjectAccessRequest,
    part: list[BundleItem],
    as_it_is: bool,
    confirmed: bool,
    source_reason: str,
) -> dict[str, str]:
    """What stops a part's approval: nothing changed in it and not `confirmed`; words that
    may identify a partner as the police's source left in, in a record the approver reads,
    and no reason given why they go. A partner's IG approves its intelligence unread
    (access.can_know_item): the handling police IG decides on those words before it
    discloses (`sar_disclose`)."""
    errors = {}
    if as_it_is and not confirmed:
        errors["confirmed"] = (
            "Nothing in this part is redacted or withheld: confirm it goes as it is"
        )
    if _source_pending(actor, sar, part) and says_too_little(
        source_reason.strip(), NAME_SOURCE_MIN_LENGTH
    ):
        errors["source_reason"] = (
            "Redact the words that may identify the source, or say in a sentence (at least "
            f"{NAME_SOURCE_MIN_LENGTH} characters) why they are disclosed"
        )
    return errors


def _source_pending(
    actor: Actor, sar: SubjectAccessRequest, items: list[BundleItem]
) -> list[SourceCheck]:
    readable = readable_agencies(actor, sar)
    return source_checks([i for i in items if can_see_item(actor, i, readable)])


def _source_words_confirmed(
    actor: Actor, sar: SubjectAccessRequest, checks: list[SourceCheck], reason: str
) -> None:
    """Words that may identify a partner as the source disclosed deliberately: recorded on
    each record, and audited with the reason and where the words are (never the words)."""
    if not checks:
        return
    now = timezone.now()
    for check in checks:
        check.item.source_words_reason = reason.strip()
        check.item.source_words_by = actor
        check.item.source_words_at = now
        check.item.save(update_fields=["source_words_reason", "source_words_by", "source_words_at"])
    _audit_for_requester(
        sar,
        actor=actor,
        event="rights.sar_source_words_confirmed",
        obj=sar,
        justification=f"{sar.reference}: {reason.strip()}"[:500],
        details={
            "agencies": sorted({c.agency.pk for c in checks}),
            "reason": reason.strip()[:500],
            "items": {str(c.item.pk): [[w.start, w.end] for w in c.words] for c in checks},
            "kinds": sorted({k for c in checks for w in c.words for k in w.kinds}),
        },
    )


@transaction.atomic
def sar_confirm_source_words(*, actor: Actor, sar_id: int, item_id: int, reason: str) -> BundleItem:
    """The handling police IG discloses, with the reason, the words in a partner's entry
    that may identify that partner as its source: the source exemption is the police's to
    weigh (DPA 2018 s.45(4)), as naming the source is (`sar_name_source`)."""
    if says_too_little(reason.strip(), NAME_SOURCE_MIN_LENGTH):
        raise ValidationError(
            {
                "reason": "Say in a sentence (at least "
                f"{NAME_SOURCE_MIN_LENGTH} characters) why these words are disclosed"
            }
        )
    sar, item = _item(actor, sar_id, item_id, redact=True)
    if not can_name_source(actor, sar, item):
        raise Http404("No item found.")
    item = BundleItem.objects.prefetch_related("redactions").get(pk=item.pk)
    checks = source_checks([item])
    if not checks:
        raise Conflict("Nothing in this record is waiting for that decision now.")
    _source_words_confirmed(actor, sar, checks, reason)
    return item


@transaction.atomic
def sar_redact_source_words(
    *,
    actor: Actor,
    sar_id: int,
    reason: str,
    agency_id: int | None = None,
    item_id: int | None = None,
) -> int:
    """Redacts in one step every run of words listed as possibly identifying the partner
    that gave the police an entry (`checks.source_checks`), as an intelligence-source
    redaction across the bundle (`_redact_in`, as sar_redact): those of one record
    (`item_id`), or of the part the actor approves (its agency's, or one it took over).
    Returns how many spans were redacted."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for these redactions"})
    if item_id is not None:
        sar, item = _item(actor, sar_id, item_id, redact=True)
        part_of = item.agency_id
        only: int | None = item.pk
    else:
        sar = lock(access_sar_by_id(actor, sar_id))
        own = agency_id is None or agency_id == actor.agency_id
        part_of = (actor.agency_id or 0) if own else require_id(agency_id or 0)
        allowed = (
            can_approve(actor, sar, part_of)
            if own
            else PartTakeover.objects.filter(sar=sar, agency_id=part_of, taken_by=actor).exists()
        )
        if not part_of or not allowed:
            raise Http404("No part found.")
        if sar.status != SarStatus.REVIEW:
            raise Conflict(f"{sar.reference} has moved on: {sar.get_status_display().lower()}.")
        only = None
    items = list(
        BundleItem.objects.select_for_update()
        .filter(sar=sar)
        .prefetch_related("redactions")
        .order_by("pk")
    )
    mine = [i for i in items if i.agency_id == part_of and only in (None, i.pk)]
    # Only words the actor may read: a partner's IG approves its intelligence unread.
    checks = _source_pending(actor, sar, mine)
    if not checks:
        raise ValidationError({"reason": "Nothing you can read here is found to name its source"})
    count = 0
    done: set[str] = set()
    for check in checks:
        for word in check.words:
            phrase = " ".join(word.words.split())
            if phrase.lower() in done:
                continue
            done.add(phrase.lower())
            pattern = _phrase_pattern(phrase)
            for target in [check.item, *(i for i in items if i.pk != check.item.pk)]:
                count += len(
                    _redact_in(
                        actor,
                        sar,
                        target,
                        pattern,
                        exemption=Exemption.INTELLIGENCE_SOURCE,
                        reason=reason.strip(),
                        redactor=actor,
                        first=check.item,
                    )
                )
    return count


def _approve_taken_over(
    actor: Actor,
    sar: SubjectAccessRequest,
    agency_id: int,
    *,
    confirmed: bool = False,
    source_reason: str = "",
) -> AgencyApproval:
    """A part taken over is approved as a deliberate step by the officer who took it
    over, once they have opened each of its records still going out on its page (the
    consultation the audit log keeps): taking it over reads nothing (tester report 10,
    F4). Its approval is then void on any change, as any agency's."""
    takeover = (
        PartTakeover.objects.filter(sar=sar, agency_id=agency_id).select_related("agency").first()
    )
    if takeover is None or takeover.taken_by_id != actor.pk:
        raise Http404("No part found.")
    existing = AgencyApproval.objects.filter(sar=sar, agency_id=agency_id).first()
    if existing is not None:
        return existing
    unread = unreviewed_items(sar, agency_id, actor)
    if unread:
        raise ValidationError(
            f"Open each of {takeover.agency.name}'s records before approving its part: "
            f"{len(unread)} not opened yet ({', '.join(i.title for i in unread[:5])}"
            + (", …" if len(unread) > 5 else "")
            + ")"
        )
    # As for an agency's own part: nothing redacted or withheld is approved only once the
    # taker has seen what in it names others (outside tester 11: a taken-over school part
    # naming another child went straight through).
    part = list(sar.items.filter(agency_id=agency_id).prefetch_related("redactions"))
    errors = _approval_errors(actor, sar, part, unreviewed(part), confirmed, source_reason)
    if errors:
        raise ValidationError(errors)
    pending = _source_pending(actor, sar, part)
    approval = AgencyApproval.objects.create(
        sar=sar, agency_id=agency_id, approved_by=actor, approved_at=timezone.now()
    )
    _source_words_confirmed(actor, sar, pending, source_reason)
    audit.record(
        actor=actor,
        event="rights.sar_part_approved",
        obj=sar,
        justification=f"{sar.reference}: {takeover.agency.name}'s part approved by "
        f"{agency_of(actor).name}, which took it over",
        details={"agency": agency_id, "taken_over": True},
    )
    return approval


def unapproved_agencies(
    sar: SubjectAccessRequest, *, police: bool = False, handler: Actor | None = None
) -> list[str]:
    """Agencies with a record still to be disclosed (withheld ones are not, so need no
    approval) whose part is neither approved nor taken over; with `police`, only police
    agencies, whose records a withholding by the handling IG does not settle: police IG
    approves its part, or withholds each record itself (ADR 0025, amendment). With
    `handler`, the handling IG's own agency needs no separate approval."""
    approved = AgencyApproval.objects.filter(sar=sar).values("agency_id")
    items = sar.items.exclude(agency_id__in=approved).select_related("agency")
    if handler is not None:
        # The handling IG reads its own agency's part and discloses it: that is its approval.
        items = items.exclude(agency_id=handler.agency_id or 0)
    if police:
        items = items.filter(agency__kind=AgencyKind.POLICE).exclude(
            Q(withheld_exemption__gt="") & Q(withheld_by__agency_id=F("agency_id"))
        )
    else:
        # A part taken over is not approved by the takeover: the officer who took it over
        # approves it, after opening its records (sar_approve; tester report 10, F4).
        items = items.filter(withheld_exemption="")
    return sorted({i.agency.name for i in items})


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def undecided_message(count: int) -> str:
    return (
        f"{count} possible {'entry' if count == 1 else 'entries'} about them, not linked to "
        f"their record, {'is' if count == 1 else 'are'} still to be decided: include each "
        "one that is about them, or say why it is not them, before disclosing"
    )


# An override is a decision IG must be able to defend: a sentence, not a full stop.
OVERRIDE_MIN_LENGTH = 20


@transaction.atomic
def sar_disclose(
    *, actor: Actor, sar_id: int, recipient: str, method: str, version: str | None = None
) -> SubjectAccessRequest:
    """Final disclosure: every agency with a record going out has approved its part
    (a part the handling IG took over, by the officer who took it over), so nothing
    leaves that nobody at the Hub read. A police agency's part is never taken over: it
    waits for police IG. Every "approve your part" item still open is resolved.

    `version` is `selectors.bundle_version` as the disclosing page showed it: a change
    to the bundle since (a colleague's redaction, withholding, approval) is a Conflict,
    so nobody discloses a bundle they did not see (tester report 10, F2). Every change
    that resets an approval locks the request row first, as this does, so the two run
    one after the other and the check sees the other's result."""
    errors = {}
    if not recipient.strip():
        errors["recipient"] = "Enter who the disclosure is sent to"
    if method not in DisclosureMethod.values:
        errors["method"] = "Select how it is sent"
    if errors:
        raise ValidationError(errors)
    sar = _locked_sar(actor, sar_id, SarStatus.REVIEW)
    if version and version != bundle_version(sar):
        raise Conflict(
            f"{sar.reference}'s bundle changed after you opened the page (a redaction, a "
            "withholding, an approval or a record added): nothing was disclosed. Review it "
            "as it is now, then disclose"
        )
    require_sar_identity_checked(sar)
    # Every entry that names the requester in words must be decided first: one left
    # undecided may be theirs and would be missing from the disclosure (Art. 15).
    undecided = sar.possible_entries.filter(status=PossibleEntryStatus.OPEN).count()
    if undecided:
        raise ValidationError(undecided_message(undecided))
    # No override covers a police agency's part (police-only or not): police data are
    # DPA 2018 Part 3 and only the police judge its exemptions (s.45(4)).
    police_waiting = unapproved_agencies(sar, police=True, handler=actor)
    if police_waiting:
        raise ValidationError(
            "; ".join(
                f"{name} must approve or withhold its part: a police agency's records are "
                "never disclosed without its information governance's decision"
                for name in police_waiting
            )
        )
    waiting = unapproved_agencies(sar, handler=actor)
    taken = {
        t.agency.name: t
        for t in PartTakeover.objects.filter(sar=sar).select_related("agency", "taken_by")
    }
    if waiting:
        raise ValidationError(
            "; ".join(
                f"{name}'s part was taken over by {_name(taken[name].taken_by)}, who must "
                "open each of its records and then approve it"
                if name in taken
                else f"{name} has not approved its part: wait for its approval, or take over "
                "its part (with the reason), review its records and approve it yourself"
                for name in waiting
            )
        )
    # Words in a partner's intelligence that may identify it as the police's source go
    # out only redacted or with a recorded reason, whoever approved the part (its IG
    # approves it unread): the handling police IG decides on each record's page.
    unchecked = source_checks(list(sar.items.prefetch_related("redactions")))
    if unchecked:
        raise ValidationError(
            "Words that may identify the partner agency that gave the police the information "
            "are still in "
            + ", ".join(c.item.title for c in unchecked[:5])
            + (", …" if len(unchecked) > 5 else "")
            + ". Open each record to redact them, or record why they are disclosed."
        )
    takeovers = list(PartTakeover.objects.filter(sar=sar).select_related("agency"))
    sar.status = SarStatus.DISCLOSED
    sar.recipient = recipient.strip()
    sar.method = method
    # Kept for the record and the page: whose parts went without their approval, and why.
    sar.override_reason = "; ".join(
        f"{t.agency.name}'s part taken over: {t.reason}" for t in takeovers
    )
    sar.disclosed_at = timezone.now()
    sar.disclosed_by = actor
    sar.save(
        update_fields=[
            "status",
            "recipient",
            "method",
            "override_reason",
            "disclosed_at",
            "disclosed_by",
        ]
    )
    for person_id in sar.people.order_by("pk").values_list("pk", flat=True):
        audit.record(
            actor=actor,
            event="rights.sar_disclosed",
            obj=sar,
            subject=person_id,
            recipient=sar.recipient,
            justification=(
                f"{sar.reference} disclosed ({sar.get_method_display()})"
                + (f" without every agency's approval: {sar.override_reason}" if takeovers else "")
            )[:500],
            details={
                "method": method,
                "items": sar.items.count(),
                "withheld": sar.items.exclude(withheld_exemption="").count(),
                "redactions": Redaction.objects.filter(item__sar=sar).count(),
                "taken_over": sorted(t.agency_id for t in takeovers),
                "override_reason": sar.override_reason[:500],
            },
        )
    # Every agency's "approve your part" (and every other open item about it) is done.
    notifications_resolve(
        actor=actor,
        obj=sar,
        kind="rights_request",
        justification=f"{sar.reference} disclosed: nothing left to approve",
    )
    return sar


# A decision to end a request without disclosure must be defensible: a sentence.
CLOSE_NOTE_MIN_LENGTH = 20


@transaction.atomic
def sar_close(
    *, actor: Actor, sar_id: int, reason: str, note: str, confirmed: bool
) -> SubjectAccessRequest:
    """Ends an open request without a disclosure: withdrawn by the requester, or closed
    by IG (identity or authority not verified, manifestly unfounded or excessive: UK GDPR
    Art. 12(5)/(6), DPA 2018 s.53). Irreversible, so it needs `confirmed`; nothing more
    is done on the request after it, and it no longer holds up retention disposal."""
    errors = {}
    if reason not in SarCloseReason.values:
        errors["reason"] = "Select why the request is closed"
    if len(note.strip()) < CLOSE_NOTE_MIN_LENGTH:
        errors["note"] = (
            f"Enter what happened, in at least {CLOSE_NOTE_MIN_LENGTH} characters: the "
            "requester may challenge this decision"
        )
    if errors:
        raise ValidationError(errors)
    if not confirmed:
        raise ValidationError(
            {"confirmed": "Confirm the request is to be closed: this cannot be undone"}
        )
    sar = _locked_sar(actor, sar_id)
    if not can_close_sar(actor, sar):
        raise Conflict(f"{sar.reference} has moved on: {sar.get_status_display().lower()}.")
    before = sar.status
    sar.status = SarStatus.WITHDRAWN if reason == SarCloseReason.WITHDRAWN else SarStatus.CLOSED
    sar.close_reason = reason
    sar.close_note = note.strip()
    sar.closed_at = timezone.now()
    sar.closed_by = actor
    sar.save(update_fields=["status", "close_reason", "close_note", "closed_at", "closed_by"])
    _audit_for_requester(
        sar,
        actor=actor,
        event="rights.sar_closed",
        obj=sar,
        justification=f"{sar.reference} closed: {sar.get_close_reason_display()}. {sar.close_note}"[
            :500
        ],
        details={
            "before": before,
            "status": sar.status,
            "reason": reason,
            "items": sar.items.count(),
        },
    )
    notifications_resolve(
        actor=actor,
        obj=sar,
        kind="rights_request",
        justification=f"{sar.reference} closed without disclosure: nothing to approve",
    )
    agencies = set(sar.items.values_list("agency_id", flat=True)) - {actor.agency_id}
    notify(
        recipients=_ig_of(agencies),
        kind="rights_request",
        title=f"{sar.reference}: closed without disclosure, no approval needed",
        body=f"{sar.get_close_reason_display()}.",
        url=reverse("rights:sar-detail", args=[sar.pk]),
        obj=sar,
    )
    return sar
