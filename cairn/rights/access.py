"""Who may see and act on information rights requests. IG may log a request about any
record they may identify (cairn.pole.access.identifiable_for_audit_q: a requester may
write to any agency of the Hub); afterwards IG sees the requests its agency logged and
those about its agency's records, and the owning agency's casework roles see those about
their records. Restricting is the owning agency's decision as data controller: its IG or
its casework roles, never another agency's IG. Everyone else: 404."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.http import Http404

from cairn.accounts.models import Agency
from cairn.accounts.roles import AgencyKind
from cairn.core.text import require_id
from cairn.core.types import Actor
from cairn.pole.access import identifiable_for_audit_q
from cairn.pole.models import Person

from .models import (
    BundleItem,
    DuplicateAlert,
    PartTakeover,
    Restriction,
    RightsRequest,
    SubjectAccessRequest,
)


def is_ig(user: Actor) -> bool:
    return bool(user.is_authenticated and user.has_perm("rights.manage_request"))


def _owner_q(user: Actor, prefix: str) -> Q:
    if user.agency_id is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}owning_agency_id": user.agency_id})


def _person_q(user: Actor, prefix: str = "") -> Q:
    """The people whose rights requests `user` handles (restricted or not)."""
    if not user.is_authenticated or not user.has_perm("rights.view_request"):
        return Q(pk__in=[])
    if is_ig(user):
        return identifiable_for_audit_q(user, prefix=f"{prefix}entity__")
    return _owner_q(user, f"{prefix}entity__")


def visible_requests(user: Actor) -> QuerySet[RightsRequest]:
    if not user.is_authenticated or not user.has_perm("rights.view_request"):
        return RightsRequest.objects.none()
    if is_ig(user):
        if user.agency_id is None:
            return RightsRequest.objects.none()
        return RightsRequest.objects.filter(
            Q(person__entity__owning_agency_id=user.agency_id)
            | Q(created_by__agency_id=user.agency_id)
        )
    return RightsRequest.objects.filter(_owner_q(user, "person__entity__"))


def access_request_by_id(user: Actor, request_id: int) -> RightsRequest:
    request_id = require_id(request_id)
    found = (
        visible_requests(user)
        .select_related("person__entity__owning_agency", "created_by", "closed_by")
        .filter(pk=request_id)
        .first()
    )
    if found is None:
        raise Http404("No request found.")
    return found


def access_person_for_rights(user: Actor, person_id: int) -> Person:
    """A person IG may log a request against, or the owning agency may restrict; found
    whether or not restricted, since restricting and lifting act on exactly those."""
    person_id = require_id(person_id)
    person = (
        Person.objects.filter(_person_q(user), pk=person_id, entity__disposed_at__isnull=True)
        .select_related("entity", "entity__owning_agency")
        .first()
    )
    if person is None:
        raise Http404("No person found.")
    return person


def is_owner(user: Actor, person: Person) -> bool:
    """A user of the agency that owns the record, in a role that may change records: the
    one who corrects it or refuses to."""
    return bool(
        user.has_perm("pole.change_person")
        and user.agency_id is not None
        and person.entity.owning_agency_id == user.agency_id
    )


def is_owning_ig(user: Actor, person: Person) -> bool:
    return bool(
        is_ig(user)
        and user.agency_id is not None
        and person.entity.owning_agency_id == user.agency_id
    )


def can_restrict(user: Actor, person: Person) -> bool:
    if not user.has_perm("rights.restrict_person"):
        return False
    return is_owning_ig(user, person) or is_owner(user, person)


def can_lift(user: Actor, person: Person, restriction: Restriction | None) -> bool:
    """A restriction extended to a duplicate (`Restriction.extends`) is lifted only with
    the one it extends: lifting it alone would put the same person back in use."""
    if restriction is not None and restriction.extends_id is not None:
        return False
    return can_restrict(user, person)


def can_answer(user: Actor, request: RightsRequest) -> bool:
    """Rectification is the owner's decision (they know what was reported); a restriction
    request may be answered by IG or the owner."""
    if not request.is_open:
        return False
    if request.kind == "rectification":
        return is_owner(user, request.person)
    return can_restrict(user, request.person)


# A new record that may duplicate a restricted one (ADR 0023, amendments): the IG of the
# agencies holding the restriction, those its alert went to (the owning agency, which
# restricted it, and the agency that logged the request, which handles the request and
# replies). Casework roles of the owning agency restrict their own records but are not
# shown another agency's record. A police-only record on either side only to police IG,
# as search hides it from partners. Everyone else: 404.


def alert_agencies_q(user: Actor) -> Q:
    """The alerts `user`'s agency holds the restriction of, or (police) whose police-only
    new record it owns (a filter on DuplicateAlert)."""
    if not is_ig(user) or user.agency_id is None:
        return Q(pk__in=[])
    q = Q(restriction__person__entity__owning_agency_id=user.agency_id) | Q(
        restriction__request__created_by__agency_id=user.agency_id
    )
    if not user.is_police:
        return q & Q(
            person__entity__police_only=False, restriction__person__entity__police_only=False
        )
    # A police-only new record is hidden from the partner IG holding the restriction, so
    # the police IG owning it decides (outside tester: such an alert reached nobody).
    return q | Q(person__entity__police_only=True, person__entity__owning_agency_id=user.agency_id)


def visible_duplicate_alerts(user: Actor) -> QuerySet[DuplicateAlert]:
    return DuplicateAlert.objects.filter(alert_agencies_q(user))


def access_duplicate_alert(user: Actor, alert_id: int) -> DuplicateAlert:
    alert_id = require_id(alert_id)
    found = (
        visible_duplicate_alerts(user)
        .select_related(
            "person__entity__owning_agency",
            "person__entity__created_by__agency",
            "restriction__person__entity__owning_agency",
            "restriction__request__created_by",
            "decided_by",
        )
        .filter(pk=alert_id)
        .first()
    )
    if found is None:
        raise Http404("No alert found.")
    return found


# Subject access requests (ADR 0025): IG only. The IG of the agency that logged a request
# handles it; the IG of an agency owning records in its bundle sees the request to
# approve that agency's part. Everyone else: 404.


def visible_sars(user: Actor) -> QuerySet[SubjectAccessRequest]:
    if not is_ig(user) or user.agency_id is None:
        return SubjectAccessRequest.objects.none()
    owning = BundleItem.objects.filter(agency_id=user.agency_id).values("sar_id")
    return SubjectAccessRequest.objects.filter(
        Q(created_by__agency_id=user.agency_id) | Q(pk__in=owning)
    )


def access_sar_by_id(user: Actor, sar_id: int) -> SubjectAccessRequest:
    sar_id = require_id(sar_id)
    found = (
        visible_sars(user)
        .select_related("created_by__agency", "possible_duplicate_of", "closed_by")
        .filter(pk=sar_id)
        .first()
    )
    if found is None:
        raise Http404("No request found.")
    return found


def is_sar_handler(user: Actor, sar: SubjectAccessRequest) -> bool:
    """IG of the agency that logged the request: they search, redact and disclose."""
    return bool(
        is_ig(user) and user.agency_id is not None and sar.created_by.agency_id == user.agency_id
    )


def can_close_sar(user: Actor, sar: SubjectAccessRequest) -> bool:
    """Withdrawing or closing without disclosure is the handling IG's, while it is open."""
    return is_sar_handler(user, sar) and sar.is_open


def can_approve(user: Actor, sar: SubjectAccessRequest, agency_id: int) -> bool:
    """An agency's part is approved by that agency's IG."""
    return bool(is_ig(user) and user.agency_id == agency_id)


def approved_agencies(sar: SubjectAccessRequest) -> set[int]:
    """Parts approved by their own agency's IG. A part taken over and approved by the
    handling IG stays readable by the handler only (`readable_agencies`)."""
    return set(
        sar.approvals.filter(approved_by__agency_id=F("agency_id")).values_list(
            "agency_id", flat=True
        )
    )


def taken_over_agencies(sar: SubjectAccessRequest) -> set[int]:
    """Agencies whose part the handling IG took over (services.sar_take_over)."""
    return set(PartTakeover.objects.filter(sar=sar).values_list("agency_id", flat=True))


def police_agencies() -> set[int]:
    return set(Agency.objects.filter(kind=AgencyKind.POLICE).values_list("pk", flat=True))


def is_police_agency(agency: Agency) -> bool:
    """A police agency's SAR part is never taken over nor disclosed without its IG."""
    return agency.kind == AgencyKind.POLICE


def readable_agencies(user: Actor, sar: SubjectAccessRequest) -> set[int]:
    """Agencies whose part `user` may read besides their own (`can_see_item`): those that
    approved theirs, and for the handling IG also the parts it took over (no one else
    reads a part nobody at its agency approved)."""
    readable = approved_agencies(sar)
    if is_sar_handler(user, sar):
        readable |= taken_over_agencies(sar)
    return readable


def can_take_over(user: Actor, sar: SubjectAccessRequest, agency_id: int) -> bool:
    """The handling IG may take over another agency's unapproved part, never a police
    agency's (DPA 2018 Part 3: only the police judge its exemptions, s.45(4))."""
    return bool(
        is_sar_handler(user, sar)
        and sar.status == "review"
        and agency_id != user.agency_id
        and agency_id not in police_agencies()
    )


def can_see_sar_match(user: Actor, person: Person) -> bool:
    """A record the SAR search found that the user may be shown as a match, and confirm:
    a police-only record only to police IG, as search, record pages and the API hide it
    from partners. Not even a placeholder: it would tell a partner the police hold a
    police-only record on someone. Police forces answer for their own records."""
    return bool(user.is_police) or not person.entity.police_only


def bundle_holds(user: Actor, *, police_only: bool) -> bool:
    """Whether the bundle `user` builds holds a record: a police-only one only police
    IG's, by the rule of `can_see_sar_match` (police forces answer for their own records;
    a partner's bundle shows no trace of them)."""
    return bool(user.is_police) or not police_only


def can_know_item(user: Actor, item: BundleItem) -> bool:
    """Whether `user` may learn that a bundle item exists at all: a police-only item only
    police IG, by the rule of `can_see_sar_match`, and the IG of the agency that holds it
    (intelligence a partner submitted: it knows it did, and approves it unread). Bundles
    of non-police IG are built without police-only items (services.sar_confirm); this
    also guards bundles built before that."""
    return bool(user.is_police) or not item.police_only or item.agency_id == user.agency_id


def known_items_q(user: Actor) -> Q:
    """`can_know_item` as a filter on BundleItem."""
    if user.is_police:
        return Q()
    return Q(police_only=False) | Q(agency_id=user.agency_id or 0)


def can_see_item(user: Actor, item: BundleItem, approved: set[int]) -> bool:
    """An item's content is shown to its own agency's IG, and to another IG once that
    agency has approved its part (`approved`: `readable_agencies`, which for the handling
    IG includes the parts it took over); a police-only item's only ever to police IG (the
    handling IG of another agency never reads it, ADR 0025). Others see a placeholder."""
    if not is_ig(user) or user.agency_id is None:
        return False
    if item.police_only and not user.is_police:
        return False
    return item.agency_id == user.agency_id or item.agency_id in approved


def can_withhold_item(user: Actor, sar: SubjectAccessRequest, item: BundleItem) -> bool:
    """The handling IG, or the IG of the agency holding the item (its part to review);
    never an item the user may not know of (`can_know_item`)."""
    if not can_know_item(user, item):
        return False
    return is_sar_handler(user, sar) or bool(is_ig(user) and item.agency_id == user.agency_id)


def can_redact_item(
    user: Actor, sar: SubjectAccessRequest, item: BundleItem, approved: set[int]
) -> bool:
    # Redacting text one may not read would let a phrase be probed for ("not in the text").
    return can_withhold_item(user, sar, item) and can_see_item(user, item, approved)


def can_unwithhold_item(
    user: Actor, sar: SubjectAccessRequest, item: BundleItem, readable: set[int]
) -> bool:
    """Undoing a withholding puts the record back in the disclosure, so only someone who
    answers for its content: the holding agency's IG (whoever withheld it), or the
    handling IG for a record it may read (its own agency's, or a part it took over)."""
    if not item.withheld or not can_know_item(user, item):
        return False
    if is_ig(user) and item.agency_id == user.agency_id:
        return True
    return is_sar_handler(user, sar) and can_see_item(user, item, readable)


def can_review_possible_entries(user: Actor, sar: SubjectAccessRequest) -> bool:
    """Entries that only name the requester in words (`PossibleEntry`) are seen and decided
    by the handling IG alone, and only in a bundle that may hold intelligence: police IG's
    (`bundle_holds`; a partner's bundle holds no police-only record, so none is searched
    for). The IG of an agency holding one sees it once included, as an item of its part."""
    return is_sar_handler(user, sar) and bundle_holds(user, police_only=True)


# Record types that are intelligence given to the police: held by the force, whoever gave it.
POLICE_INTELLIGENCE_TYPES = ("intelligence",)


def police_holder(user: Actor, record_type: str, agency_id: int) -> int | None:
    """The agency a requester is told holds a record, where not its own (ADR 0025,
    amendment of 2026-12-08): intelligence a partner gave the police is the handling
    police IG's force's, so the requester is not told which partner informed on them.
    None for every other record. Intelligence is in police IG's bundles only."""
    if record_type not in POLICE_INTELLIGENCE_TYPES or agency_id in police_agencies():
        return None
    return user.agency_id if user.is_police and user.agency_id else None


def can_name_source(user: Actor, sar: SubjectAccessRequest, item: BundleItem) -> bool:
    """Whether the bundle names the partner that gave the police an intelligence entry
    (`BundleItem.disclosed_as`) is the handling police IG's decision: the source
    exemption is the police's to weigh (DPA 2018 s.45(4))."""
    return bool(
        is_sar_handler(user, sar)
        and user.is_police
        and item.record_type in POLICE_INTELLIGENCE_TYPES
        and item.agency_id not in police_agencies()
    )
