"""Every page and API read that shows personal data writes a consultation row (DPA 2018
s.62) naming the data subject. The routes come from the URL resolver and the OpenAPI
schema, so a new route fails here until it is classified: either in PERSONAL (how to
open it on the demo hub, and whose data it shows) or in NO_PERSONAL_DATA (why not)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cairn.accounts.models import Agency, User
from cairn.api import api
from cairn.audit.models import AuditEvent
from cairn.concerns.models import Concern, ConcernStatus
from cairn.disruption.models import DisruptionPlan, LocationAssessment, Tactic, TacticType
from cairn.hub.models import Action, AgendaItem
from cairn.intelligence import services as intel_services
from cairn.intelligence.models import CrimeReferral, Submission
from cairn.intelligence.models import Status as IntelStatus
from cairn.intelligence.services import FIB_ACTIVE
from cairn.missing.models import MissingEpisode
from cairn.network import services as network_services
from cairn.network.models import CandidatePair, PairStatus, PersonMerge
from cairn.pole import services as pole_services
from cairn.pole.models import Entity, EntityKind, EntityShare, Person, ShareBasis
from cairn.pole.selectors import share_agencies
from cairn.referrals import services as referral_services
from cairn.referrals.models import (
    MashDecision,
    MashOutcome,
    Referral,
    ReferralKind,
    ReferralStatus,
)
from cairn.rights import services as rights_services
from cairn.rights.models import DuplicateAlert, Restriction, RightsRequest, SubjectAccessRequest

from ..conftest import module_transaction

pytestmark = pytest.mark.django_db

LIST = "list"  # a list page: one consultation row for the page, subjects in its details


@pytest.fixture(scope="module")
def demo_hub(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The Northmoor demo hub, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock():
        outer = module_transaction()
        outer.__enter__()
        try:
            # A live-server test earlier in this worker flushed the catalogue, and the
            # function-scoped `_reference_data` runs only after this module fixture.
            from cairn.concerns.catalogue import install
            from cairn.concerns.models import Indicator

            if not Indicator.objects.exists():
                install(Indicator)
            call_command("demo_data", seed=2026, stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _user(username: str) -> User:
    return User.objects.select_related("agency").get(username=username)


def _pk(qs: Any) -> int:
    obj = qs.order_by("pk").first()
    assert obj is not None, f"The demo hub has no {qs.model.__name__} for this route"
    return int(obj.pk)


def _child() -> int:
    return _pk(Person.objects.filter(category="child", entity__police_only=False))


def _person_of_concern() -> int:
    return _pk(Person.objects.filter(category="person_of_concern", entity__police_only=False))


def _entity(kind: str) -> int:
    return _pk(Entity.objects.filter(kind=kind, police_only=False))


def _screened_concern() -> Concern:
    concern = (
        Concern.objects.filter(status=ConcernStatus.SCREENED, child__isnull=False)
        .order_by("pk")
        .first()
    )
    assert concern is not None
    return concern


def _submission(*statuses: str) -> Submission:
    found = Submission.objects.filter(status__in=statuses).order_by("pk").first()
    assert found is not None, f"The demo hub has no submission in {statuses}"
    return found


def _sent(kind: str | None = None) -> Referral:
    qs = Referral.objects.exclude(status=ReferralStatus.DRAFT)
    if kind:
        qs = qs.filter(kind=kind)
    found = qs.order_by("pk").first()
    assert found is not None
    return found


def _undecided_mash() -> Referral:
    found = (
        Referral.objects.filter(
            kind=ReferralKind.MASH,
            status__in=[ReferralStatus.SUBMITTED, ReferralStatus.ACKNOWLEDGED],
        )
        .order_by("pk")
        .first()
    )
    assert found is not None
    return found


def _meeting_with_child_item() -> AgendaItem:
    item = (
        AgendaItem.objects.filter(subject__kind=EntityKind.PERSON)
        .select_related("meeting")
        .order_by("pk")
        .first()
    )
    assert item is not None
    return item


def _rights_request() -> RightsRequest:
    found = RightsRequest.objects.filter(kind="rectification", status="open").order_by("pk")
    assert found.exists(), "The demo hub has no open rectification request"
    return found[0]


def _sar() -> SubjectAccessRequest:
    found = SubjectAccessRequest.objects.filter(status="review").order_by("pk").first()
    assert found is not None, "The demo hub has no open subject access request"
    return found


def _possible_entry() -> Any:
    """The demo's request with entries naming the requester in words only (police IG)."""
    from cairn.rights.models import PossibleEntry

    entry = PossibleEntry.objects.order_by("pk").first()
    assert entry is not None, "The demo hub has no possible entry for a SAR"
    return entry


def _sar_item() -> Any:
    sar = _sar()
    return {"sar_id": sar.pk, "item_id": sar.items.order_by("pk")[0].pk}, LIST, "ig.demo"


def _disclosed_sar() -> Any:
    """A second request from the demo SAR's requester, disclosed, for its PDF."""
    ig, person = _user("ig.demo"), _sar().people.get()
    sar = rights_services.sar_log(
        actor=ig,
        requester="Walk",
        requester_kind="subject",
        authority_checked=True,  # identity checked: it may be disclosed
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        other_names="",
        received_on=dt.date.today(),
        confirm_duplicate=True,  # the demo's request for the same person is open
    )
    rights_services.sar_confirm(actor=ig, sar_id=sar.pk, person_ids=[person.pk])
    for item in sar.items.filter(police_only=True):  # no override covers police-only
        rights_services.sar_withhold(
            actor=ig,
            sar_id=sar.pk,
            item_id=item.pk,
            exemption="prejudice_investigation",
            reason="Walk",
        )
    _settle_parts(ig, sar.pk)
    rights_services.sar_disclose(actor=ig, sar_id=sar.pk, recipient="Walk", method="post")
    return {"sar_id": sar.pk}, person.pk, "ig.demo"


def _restricted() -> int:
    # The Trust's (ig.demo's agency); the police IG has its own restricted record.
    return _pk(
        Person.objects.filter(
            entity__restricted_since__isnull=False, entity__owning_agency__kind="childrens_trust"
        )
    )


def _duplicate_alert() -> int:
    """The school entered the Trust's restricted child again: the alert to ig.demo (made
    directly: the matcher's score on the demo's names is not what is tested here)."""
    restricted = Person.objects.get(pk=_restricted())
    again = pole_services.person_create(
        actor=User.objects.get(username="school.demo"),
        given_name=restricted.given_name,
        family_name=restricted.family_name,
        date_of_birth=restricted.date_of_birth,
        category=restricted.category,
    )
    alert, _ = DuplicateAlert.objects.get_or_create(
        restriction=Restriction.objects.get(person=restricted, lifted_at__isnull=True),
        person=again,
        defaults={"percent": 95},
    )
    return alert.pk


def _due_police_record() -> int:
    """The demo's MoPI group 3 record due for review (cairn/retention/demo.py)."""
    return _pk(Person.objects.filter(family_name="Lapsedale"))


def _action_with_subject() -> Action:
    found = Action.objects.filter(subject__isnull=False).order_by("pk").first()
    assert found is not None
    return found


@dataclass
class Case:
    """How an allowed user opens a route on the demo hub, and whose data it shows.

    `setup` returns (url kwargs, expected subject id, username); the subject is LIST for
    a list page. `actions` are the audit actions that count (an export is a disclosure)."""

    setup: Callable[[], tuple[dict[str, Any], int | str | None, str]]
    query: Callable[[dict[str, Any]], str] = lambda _kw: ""
    actions: tuple[str, ...] = ("consultation",)
    extra: dict[str, Any] = field(default_factory=dict)


def _by(user: str, subject: Any = LIST, **kwargs: Any) -> Callable[[], Any]:
    return lambda: (kwargs, subject, user)


def _concern_case(view: str) -> Case:
    def setup() -> Any:
        concern = _screened_concern()
        return {"concern_id": concern.pk}, concern.child_id, concern.reporter.get_username()

    return Case(setup)


def _referral_case(picker: Callable[[], Referral], user: Callable[[Referral], str]) -> Case:
    def setup() -> Any:
        referral = picker()
        return {"referral_id": referral.pk}, referral.child_id, user(referral)

    return Case(setup)


def _referral_action() -> Any:
    referral = _undecided_mash()
    action = referral_services.allowed_actions(_user("mash.demo"), referral)[0]
    return {"referral_id": referral.pk, "action": action}, referral.child_id, "mash.demo"


def _s47_referral() -> Referral:
    decision = MashDecision.objects.filter(outcome=MashOutcome.S47).order_by("pk").first()
    assert decision is not None, "The demo hub has no s47 decision"
    return decision.referral


def _cawn_notice() -> Any:
    tactic = Tactic.objects.filter(tactic_type=TacticType.CAWN).order_by("pk").first()
    assert tactic is not None
    return {"tactic_id": tactic.pk}, tactic.cawn.child_id, "ppu.demo"


def _receiver(referral: Referral) -> str:
    return "mash.demo" if referral.kind == ReferralKind.MASH else "ppu.demo"


def _sender(referral: Referral) -> str:
    return referral.sender.get_username()


def _fib_case(*statuses: str) -> Case:
    def setup() -> Any:
        submission = _submission(*statuses)
        return {"submission_id": submission.pk}, submission.subject_id, "fib.demo"

    return Case(setup)


def _tactic_case(tactic_type: str | None = None) -> Case:
    def setup() -> Any:
        qs = Tactic.objects.filter(police_only=False)
        if tactic_type:
            qs = qs.filter(tactic_type=tactic_type)
        tactic = qs.order_by("pk").first()
        assert tactic is not None
        subject = (
            tactic.subjects.filter(entity__kind=EntityKind.PERSON)
            .order_by("role")
            .values_list("entity_id", flat=True)
            .first()
        )
        return {"tactic_id": tactic.pk}, subject, "ppu.demo"

    return Case(setup)


def _meeting_case() -> Case:
    def setup() -> Any:
        item = _meeting_with_child_item()
        return {"meeting_id": item.meeting_id}, LIST, "chair.demo"

    return Case(setup)


def _episode() -> MissingEpisode:
    found = MissingEpisode.objects.order_by("pk").first()
    assert found is not None
    return found


def _missing_sign_case() -> Any:
    """A sign of going missing in a screened concern, not yet an episode (one is added to
    the concern when the demo has none), opened by the concern's reporter."""
    from cairn.concerns.models import Indicator, IndicatorObservation

    concern = _screened_concern()
    found = IndicatorObservation.objects.filter(
        concern=concern,
        indicator__code__in=("missing_overnight", "frequent_missing"),
        missing_episode__isnull=True,
    ).first()
    if found is None:
        found = IndicatorObservation.objects.create(
            child_id=concern.child_id,
            concern=concern,
            indicator=Indicator.objects.get(code="missing_overnight"),
            observed_on=concern.observed_on or concern.created_at.date(),
            evidence="Did not come home overnight",
            source=f"Concern {concern.reference}",
            recorded_by=concern.reporter,
        )
    return {"sign_id": found.pk}, concern.child_id, concern.reporter.get_username()


def _plan() -> DisruptionPlan:
    found = DisruptionPlan.objects.order_by("pk").first()
    assert found is not None
    return found


def _assessed_location() -> int:
    found = LocationAssessment.objects.order_by("pk").first()
    assert found is not None
    return int(found.location_id)


def _pair() -> CandidatePair:
    found = CandidatePair.objects.filter(status=PairStatus.PENDING).order_by("pk").first()
    assert found is not None
    return found


def _merge() -> PersonMerge:
    """The demo hub has no merge: merge its first pending duplicate pair (inside the
    test's own transaction, so the module's demo hub is unchanged)."""
    found = PersonMerge.objects.order_by("pk").first()
    if found is None:
        pair = _pair()
        found = network_services.person_merge(
            actor=_user("analyst.demo"),
            survivor_id=pair.person_a_id,
            absorbed_id=pair.person_b_id,
            reason="Same person: consultation walk",
            pair=pair,
        )
    return found


def _merge_case() -> Any:
    merge = _merge()
    return {"merge_id": merge.pk}, merge.survivor_id, "analyst.demo"


def _person_case(kwarg: str, user: str, pick: Callable[[], int] = _child) -> Case:
    def setup() -> Any:
        pk = pick()
        return {kwarg: pk}, pk, user

    return Case(setup)


def _crime_referral() -> CrimeReferral:
    """The demo hub has no crime referral: the FIB refers its first open entry about a
    child (inside the test's own transaction)."""
    found = CrimeReferral.objects.order_by("pk").first()
    if found is None:
        submission = (
            Submission.objects.filter(status__in=FIB_ACTIVE, subject__isnull=False)
            .order_by("pk")
            .first()
        )
        assert submission is not None, "The demo hub has no open entry about a child"
        found = intel_services.submission_refer_crime(
            actor=_user("fib.demo"), submission=submission, note="A crime: consultation walk"
        )
    return found


def _crime_referral_case() -> Any:
    referral = _crime_referral()
    return {"referral_id": referral.pk}, referral.child_id, "ppu.demo"


def _crime_queue_case() -> Any:
    _crime_referral()
    return {}, LIST, "ppu.demo"


def _own_child(username: str) -> int:
    """A child whose record belongs to the user's agency (who may share it)."""
    agency = _user(username).agency_id
    return _pk(
        Person.objects.filter(
            category="child", entity__police_only=False, entity__owning_agency_id=agency
        )
    )


def _manual_share() -> Any:
    """A share the Trust made by hand of one of its children (made if the hub has none)."""
    share = (
        EntityShare.objects.filter(
            basis=ShareBasis.MANUAL,
            entity__kind=EntityKind.PERSON,
            entity__owning_agency_id=_user("sw.demo").agency_id,
        )
        .order_by("pk")
        .first()
    )
    if share is None:
        person = Person.objects.select_related("entity").get(pk=_own_child("sw.demo"))
        share = pole_services.person_share(
            actor=_user("sw.demo"),
            person_id=person.pk,
            agency=Agency.objects.get(pk=share_agencies(person)[0][0]),
            reason="Consultation walk",
        )
    return {"person_id": share.entity_id, "share_id": share.pk}, share.entity_id, "sw.demo"


# Web pages that show personal data: how to open each, and whose data it shows.
PERSONAL: dict[str, Case] = {
    # People
    "pole:person-search": Case(_by("sw.demo"), query=lambda _kw: "q=a"),
    "pole:object-search": Case(_by("ppu.demo"), query=lambda _kw: "q=zm71+dmo"),
    "pole:person-detail": _person_case("person_id", "sw.demo"),
    "pole:person-share": _person_case("person_id", "sw.demo", lambda: _own_child("sw.demo")),
    "pole:person-share-revoke": Case(_manual_share),
    # Concerns
    "concerns:list": Case(_by("sw.demo")),
    "concerns:new": Case(lambda: ({}, _child(), "sw.demo"), query=lambda _kw: f"child={_child()}"),
    "concerns:detail": _concern_case("detail"),
    "concerns:screening": _concern_case("screening"),
    "concerns:next-steps": _concern_case("next-steps"),
    # Network
    "network:person": _person_case("person_id", "analyst.demo"),
    "network:export": Case(
        lambda: ({"person_id": _child(), "fmt": "csv"}, None, "analyst.demo"),
        actions=("disclosure",),
    ),
    "network:candidates": Case(_by("analyst.demo")),
    "network:candidate": Case(
        lambda: ({"pair_id": _pair().pk}, _pair().person_a_id, "analyst.demo")
    ),
    "network:merges": Case(_by("analyst.demo")),
    "network:merge": Case(_merge_case),
    # Referrals
    "referrals:inbox": Case(_by("mash.demo")),
    "referrals:sent": Case(_by("sw.demo")),
    "referrals:team": Case(_by("sw.demo")),
    "referrals:new": Case(lambda: ({}, _child(), "sw.demo"), query=lambda _kw: f"child={_child()}"),
    "referrals:detail": _referral_case(_sent, _sender),
    "referrals:decide": _referral_case(_undecided_mash, _receiver),
    "referrals:pdf": Case(
        lambda: ({"referral_id": _sent().pk}, _sent().child_id, _sender(_sent())),
        actions=("consultation", "disclosure"),
    ),
    "referrals:print": _referral_case(_sent, _sender),
    "referrals:action": Case(_referral_action),
    "referrals:strategy": _referral_case(_s47_referral, _receiver),
    "referrals:nrm-reference": _referral_case(lambda: _sent(ReferralKind.NRM), _sender),
    "referrals:nrm-decision": _referral_case(lambda: _sent(ReferralKind.NRM), _sender),
    "referrals:nrm-export": Case(
        lambda: (
            {"referral_id": _sent(ReferralKind.NRM).pk},
            _sent(ReferralKind.NRM).child_id,
            _sender(_sent(ReferralKind.NRM)),
        ),
        actions=("consultation", "disclosure"),
    ),
    # Intelligence
    "intelligence:list": Case(_by("fib.demo")),
    # Started from a concern: who the entry may be about (the child, people it names).
    "intelligence:new": Case(
        lambda: (
            {},
            _screened_concern().child_id,
            _screened_concern().reporter.get_username(),
        ),
        query=lambda _kw: f"concern={_screened_concern().pk}",
    ),
    "intelligence:queue": Case(_by("fib.demo")),
    "intelligence:search": Case(_by("analyst.demo"), query=lambda _kw: "q=car"),
    "intelligence:detail": _fib_case(IntelStatus.NEW, IntelStatus.TRIAGED),
    "intelligence:source": _fib_case(IntelStatus.EVALUATED, IntelStatus.DISSEMINATED),
    "intelligence:triage": _fib_case(IntelStatus.NEW, IntelStatus.TRIAGED),
    "intelligence:evaluate": _fib_case(IntelStatus.TRIAGED, IntelStatus.EVALUATED),
    "intelligence:sanitise": _fib_case(IntelStatus.TRIAGED, IntelStatus.EVALUATED),
    "intelligence:link": _fib_case(IntelStatus.NEW, IntelStatus.TRIAGED),
    "intelligence:disseminate": _fib_case(IntelStatus.EVALUATED, IntelStatus.DISSEMINATED),
    "intelligence:crime-decision": _fib_case(IntelStatus.NEW, IntelStatus.TRIAGED),
    "intelligence:danger": _fib_case(IntelStatus.NEW, IntelStatus.TRIAGED),
    "intelligence:crime-queue": Case(_crime_queue_case),
    "intelligence:crime-referral": Case(_crime_referral_case),
    # Disruption
    "disruption:index": Case(_by("ppu.demo")),
    "disruption:tactic-detail": _tactic_case(),
    "disruption:cawn-notice": Case(_cawn_notice, actions=("disclosure",)),
    "disruption:cawn-new": _person_case("child_id", "ppu.demo"),
    "disruption:marker-new": _person_case("entity_id", "ppu.demo", _person_of_concern),
    "disruption:tactic-choose": _person_case("entity_id", "ppu.demo"),
    "disruption:tactic-new": Case(
        lambda: ({"entity_id": _child(), "tactic_type": "enforcement_visit"}, _child(), "ppu.demo")
    ),
    "disruption:assessment-new": Case(
        lambda: ({"entity_id": _assessed_location()}, _assessed_location(), "ppu.demo")
    ),
    "disruption:plan-new": _person_case("person_id", "ppu.demo", _person_of_concern),
    "disruption:plan-edit": Case(
        lambda: ({"plan_id": _plan().pk}, _plan().person_of_concern_id, "ppu.demo")
    ),
    "disruption:sightings": Case(_by("ppu.demo")),
    "disruption:locations": Case(_by("ppu.demo")),
    "disruption:location": Case(
        lambda: ({"entity_id": _assessed_location()}, _assessed_location(), "ppu.demo")
    ),
    "disruption:vehicle": Case(
        lambda: (
            {"entity_id": _entity(EntityKind.VEHICLE)},
            _entity(EntityKind.VEHICLE),
            "ppu.demo",
        )
    ),
    "disruption:plan-detail": Case(
        lambda: ({"plan_id": _plan().pk}, _plan().person_of_concern_id, "ppu.demo")
    ),
    # Hub
    "hub:meeting": _meeting_case(),
    "hub:item": Case(
        lambda: (
            {
                "meeting_id": _meeting_with_child_item().meeting_id,
                "item_id": _meeting_with_child_item().pk,
            },
            _meeting_with_child_item().subject_id,
            "chair.demo",
        )
    ),
    "hub:minutes": _meeting_case(),
    "hub:minutes-pdf": _meeting_case(),
    "hub:finalise": _meeting_case(),  # the confirmation lists the items' titles
    "hub:actions": Case(_by("chair.demo"), query=lambda _kw: "view=agency&state=open"),
    "hub:action-detail": Case(
        lambda: (
            {"action_id": _action_with_subject().pk},
            _action_with_subject().subject_id,
            "chair.demo",
        )
    ),
    "missing:list": Case(_by("sw.demo")),
    "missing:new": _person_case("person_id", "sw.demo"),
    "missing:from-sign": Case(_missing_sign_case),
    "missing:detail": Case(lambda: ({"episode_id": _episode().pk}, _episode().child_id, "sw.demo")),
    "hub:philomena": _person_case("person_id", "sw.demo"),
    "hub:dashboard": Case(_by("chair.demo", None)),  # aggregate figures: no subject
    "hub:problem-profile": Case(
        lambda: ({}, _person_of_concern(), "analyst.demo"),
        query=lambda _kw: f"entity={_person_of_concern()}",
    ),
    # Notifications
    "notifications:inbox": Case(_by("mash.demo")),
    # Audit log (who looked at whom is itself personal data)
    "audit:log": Case(_by("ig.demo", None)),
    "rights:list": Case(_by("ig.demo")),
    "rights:detail": Case(
        lambda: ({"request_id": _rights_request().pk}, _rights_request().person_id, "ig.demo")
    ),
    "rights:rectify": Case(
        lambda: ({"request_id": _rights_request().pk}, _rights_request().person_id, "sw.demo")
    ),
    "rights:lift": Case(lambda: ({"person_id": _restricted()}, _restricted(), "ig.demo")),
    # Both records of the pair, named in the consultation row's subjects.
    "rights:duplicate": Case(lambda: ({"alert_id": _duplicate_alert()}, LIST, "ig.demo")),
    "rights:sar-list": Case(_by("ig.demo")),
    "rights:sar-detail": Case(lambda: ({"sar_id": _sar().pk}, LIST, "ig.demo")),
    "rights:sar-item": Case(_sar_item),
    # The entry's quotes and subject text: the requester's, or whoever else it is about.
    "rights:sar-possible": Case(
        lambda: (
            {"sar_id": _possible_entry().sar_id, "entry_id": _possible_entry().pk},
            LIST,
            "igpolice.demo",
        )
    ),
    "rights:sar-pdf": Case(_disclosed_sar, actions=("disclosure",)),
    "rights:sar-close": Case(lambda: ({"sar_id": _sar().pk}, LIST, "ig.demo")),
    "retention:queue": Case(_by("igpolice.demo")),
    "retention:review": Case(
        lambda: (
            {"slug": "person", "record_id": _due_police_record()},
            _due_police_record(),
            "igpolice.demo",
        )
    ),
    "retention:dispose": Case(
        lambda: (
            {"slug": "person", "record_id": _due_police_record()},
            _due_police_record(),
            "igpolice.demo",
        )
    ),
}

# Web pages that show no personal data, or whose personal data is the user's own input.
NO_PERSONAL_DATA: dict[str, str] = {
    "core:home": "start page: links to the services only",
    "core:tools": "list of tools the user may use",
    "core:healthz": "health check for the load balancer",
    "core:readyz": "readiness check for the load balancer: names of checks only",
    "core:metrics": "Prometheus counts by route name, for the scrape token only",
    "core:jobs": "background job runs and queue counts: no data subjects",
    "core:job-run": "POST only: queues a background job (jobs.run_requested is recorded)",
    "accounts:login": "sign-in form",
    "accounts:logout": "signs out",
    "accounts:signed-out": "signed-out confirmation",
    "accounts:sso-refused": "why the signer's own sign-in was refused (their own name at most)",
    "accounts:sso-start": "redirect to the agency's identity provider",
    "accounts:sso-callback": "the provider's redirect back: signs in or refuses",
    "accounts:two-step-setup": "the user's own two-step set-up",
    "accounts:two-step-verify": "the user's own sign-in code form",
    "accounts:change-requests": "staff account changes: staff accounts, not data subjects",
    "accounts:change-request": "a staff account change: staff accounts, not data subjects",
    "accounts:change-request-decide": "approve a staff account change: not data subjects",
    "pole:person-create": "blank form for a new person",
    "retention:tombstones": "disposal tombstones: record type, id, rule and decision only",
    "retention:tombstone": "a tombstone: record type, id, rule and decision, no personal data",
    "concerns:discard": "confirms deleting the user's own draft: names no one",
    "concerns:mention-add": "the reporter's own draft: their own input",
    "concerns:step": "the reporter's own draft: their own input",
    "referrals:edit": "the sender's own draft referral: their own input",
    "referrals:discard": "confirms deleting the user's own draft: names no one",
    "intelligence:questions": "the submitter's own draft: their own answers",
    "intelligence:report-crime": "the submitter's own draft: what to do after their yes",
    "intelligence:edit": "the submitter's own draft: their own input",
    "intelligence:mention-add": "the submitter's own draft: their own input",
    "intelligence:check": "the submitter's own draft, checked (intel.checked is recorded)",
    "intelligence:discard": "confirms deleting the user's own draft: names no one",
    "intelligence:reopen": "POST only: reopens the submitter's own returned entry",
    "intelligence:withdraw": "the submitter's own returned entry: shows its reference only",
    "disruption:tactic-update": "form about a tactic: shows its reference only, no names",
    "disruption:tactic-share": "form about a tactic: shows its reference only, no names",
    "disruption:cawn-service": "form about a tactic: shows its reference only, no names",
    "disruption:cawn-breach": "form about a tactic: shows its reference only, no names",
    "disruption:marker-review": "form about a tactic: shows its reference only, no names",
    "disruption:marker-remove": "form about a tactic: shows its reference only, no names",
    "disruption:sighting-new": "blank sighting form",
    "disruption:location-action-done": "POST only: marks an action done",
    "hub:home": "Hub start page: upcoming meetings' titles and dates",
    "hub:setup": "the Hub's member agencies and terms of reference",
    "hub:setup-edit": "form to change the Hub's set-up",
    "hub:member-add": "form to add a member agency",
    "hub:member-edit": "form to change a member agency",
    "hub:member-remove": "confirmation to remove a member agency",
    "hub:meeting-new": "blank meeting form",
    "hub:agenda-generate": "POST only: builds the agenda (recorded as a combination)",
    "hub:attendance": "who attends a meeting: professionals, not data subjects",
    "hub:distribute": "form to send the minutes (each send is a recorded disclosure)",
    "notifications:open": "POST only: marks read and redirects (notification.read recorded)",
    "notifications:delivery-problems": "staff names and delivery statuses only, never what "
    "the notification said",
    "notifications:delivery-dismiss": "POST only: removes a failed message from the list",
    "audit:export": "the audit log export (recorded as audit.exported)",
    "rights:new": "the blank request form (a person is named by record ID only)",
    "rights:sar-new": "the blank subject access request form",
    "rights:sar-take-over": "a request's reference, an agency's name and its record count",
    "audit:event": "one audit row (audit.viewed recorded by the log page)",
    "api_auth:token-list": "the user's own API tokens",
    "api_auth:token-revoke": "POST only: revokes the user's own token",
    "sharing:list": "the agreements register: agencies, titles and dates, no data subjects",
    "sharing:new": "blank agreement form",
    "sharing:edit": "form to change an agreement (agencies and dates only)",
    "sharing:withdraw": "confirmation to withdraw an agreement",
    "sharing:disclosures": "disclosures by basis: references and agencies, never a person "
    "(recorded as sharing.disclosures_listed)",
    "sharing:disclosures-csv": "the disclosures export (recorded as sharing.disclosures_exported)",
    "sharing:disclosure-review": "one disclosure as the list shows it (a reference and agencies, "
    "never a person), with the review form",
    "governance:dashboard": "IG dashboard: counts only, no person (still audited as viewed)",
    "governance:dashboard-csv": "the IG dashboard's counts as CSV (audited as exported)",
}

# API reads (GET operations in the OpenAPI schema), keyed by path.
API_PERSONAL: dict[str, Case] = {
    "/api/v1/people": Case(_by("sw.demo"), query=lambda _kw: "q=a"),
    "/api/v1/people/{person_id}": _person_case("person_id", "sw.demo"),
    "/api/v1/people/{person_id}/links": _person_case("person_id", "sw.demo"),
    "/api/v1/people/{person_id}/shares": _person_case("person_id", "sw.demo"),
    "/api/v1/entities/{entity_id}": Case(
        lambda: ({"entity_id": _entity(EntityKind.VEHICLE)}, None, "ppu.demo")
    ),
    "/api/v1/entities": Case(_by("ppu.demo"), query=lambda _kw: "q=zm71+dmo"),
    "/api/v1/concerns": Case(_by("sw.demo")),
    "/api/v1/concerns/{concern_id}": _concern_case("api"),
    "/api/v1/network/candidates": Case(_by("analyst.demo")),
    "/api/v1/network/people/{person_id}/neighbourhood": _person_case("person_id", "analyst.demo"),
    "/api/v1/network/people/{person_id}/export": Case(
        lambda: ({"person_id": _child()}, None, "analyst.demo"),
        query=lambda _kw: "fmt=csv",
        actions=("disclosure",),
    ),
    "/api/v1/disruption/tactics": Case(_by("ppu.demo")),
    "/api/v1/disruption/reviews/overdue": Case(_by("ppu.demo")),
    "/api/v1/disruption/tactics/{tactic_id}": _tactic_case(),
    "/api/v1/disruption/cawn-eligibility/{person_id}": _person_case("person_id", "ppu.demo"),
    "/api/v1/disruption/plans": Case(_by("ppu.demo")),
    "/api/v1/disruption/plans/{plan_id}": Case(
        lambda: ({"plan_id": _plan().pk}, _plan().person_of_concern_id, "ppu.demo")
    ),
    "/api/v1/disruption/locations/{entity_id}/assessments": Case(
        lambda: ({"entity_id": _assessed_location()}, _assessed_location(), "ppu.demo")
    ),
    "/api/v1/referrals": Case(_by("mash.demo")),
    "/api/v1/referrals/{referral_id}": _referral_case(_sent, _sender),
    "/api/v1/referrals/{referral_id}/nrm-export": Case(
        lambda: (
            {"referral_id": _sent(ReferralKind.NRM).pk},
            _sent(ReferralKind.NRM).child_id,
            _sender(_sent(ReferralKind.NRM)),
        ),
        actions=("consultation", "disclosure"),
    ),
    "/api/v1/intelligence/submissions": Case(_by("fib.demo")),
    "/api/v1/intelligence/search": Case(_by("analyst.demo"), query=lambda _kw: "q=car"),
    "/api/v1/intelligence/submissions/{submission_id}": _fib_case(
        IntelStatus.NEW, IntelStatus.TRIAGED
    ),
    "/api/v1/intelligence/crime-referrals": Case(_crime_queue_case),
    "/api/v1/intelligence/crime-referrals/{referral_id}": Case(_crime_referral_case),
    "/api/v1/hub/meetings/{meeting_id}": _meeting_case(),
    "/api/v1/hub/actions": Case(_by("chair.demo"), query=lambda _kw: "scope=agency&state=all"),
    "/api/v1/hub/actions/{action_id}": Case(
        lambda: (
            {"action_id": _action_with_subject().pk},
            _action_with_subject().subject_id,
            "chair.demo",
        )
    ),
    "/api/v1/hub/missing-episodes": Case(_by("sw.demo")),
    "/api/v1/rights/duplicate-alerts": Case(lambda: (_duplicate_alert() and {}, LIST, "ig.demo")),
    "/api/v1/rights/access-requests": Case(_by("ig.demo")),
    "/api/v1/rights/access-requests/{sar_id}": Case(
        lambda: ({"sar_id": _sar().pk}, LIST, "ig.demo")
    ),
    "/api/v1/rights/access-requests/{sar_id}/possible-entries": Case(
        lambda: ({"sar_id": _possible_entry().sar_id}, LIST, "igpolice.demo")
    ),
    "/api/v1/retention/queue": Case(_by("igpolice.demo")),
    "/api/v1/hub/missing-episodes/{episode_id}": Case(
        lambda: ({"episode_id": _episode().pk}, _episode().child_id, "sw.demo")
    ),
}

API_NO_PERSONAL_DATA: dict[str, str] = {
    "/api/v1/me": "the caller's own account",
    "/api/v1/governance/dashboard": "IG dashboard: counts only, no person (audited as viewed)",
    "/api/v1/retention/tombstones/{tombstone_id}": "a tombstone: type, id, rule, decision only",
    "/api/v1/indicators": "the indicator catalogue (reference data)",
    "/api/v1/hub/meetings": "meeting titles, dates and status: no data subjects",
    "/api/v1/sharing/agreements": "the agreements register: agencies and dates",
    "/api/v1/sharing/agreements/{agreement_id}": "one agreement: agencies and dates",
    "/api/v1/sharing/disclosures": "disclosures by basis: references and agencies, never a "
    "person (recorded as sharing.disclosures_listed)",
}


def _web_routes(patterns: Any, namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            if ns in ("admin", "api"):  # admin: reference data; api: from the schema below
                continue
            yield from _web_routes(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


WEB_ROUTES = sorted(set(_web_routes(get_resolver().url_patterns)))
API_GETS = sorted(path for path, ops in api.get_openapi_schema()["paths"].items() if "get" in ops)


def _consultations(after: int, user: User) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(chain_index__gt=after, actor=user).order_by("pk"))


def _check(case: Case, url_for: Callable[[dict[str, Any]], str], route: str) -> None:
    kwargs, subject, username = case.setup()
    user = _user(username)
    client = Client()
    client.force_login(user)
    url = url_for(kwargs)
    query = case.query(kwargs)
    last = AuditEvent.objects.order_by("-chain_index").values_list("chain_index", flat=True)
    before = last.first() or 0
    response = client.get(f"{url}?{query}" if query else url)
    assert response.status_code == 200, f"{route}: GET {url} gave {response.status_code}"
    rows = [r for r in _consultations(before, user) if r.action in case.actions]
    assert rows, f"{route}: GET {url} by {username} wrote no {'/'.join(case.actions)} row"
    if subject == LIST:
        assert any("subjects" in r.details for r in rows), (
            f"{route}: the list's consultation row does not name the subjects shown"
        )
    elif subject is not None:
        assert any(r.subject_id == subject for r in rows), (
            f"{route}: no consultation row names subject {subject}: "
            f"{[(r.event, r.subject_id) for r in rows]}"
        )


UNCLASSIFIED = (
    "Route {route!r} is not classified. Add it to PERSONAL (how to open it and whose data "
    "it shows) or NO_PERSONAL_DATA (one line: why it shows none) in {file}."
)


@pytest.mark.parametrize("route", WEB_ROUTES)
def test_web_page_showing_personal_data_writes_consultation(demo_hub: None, route: str) -> None:
    if route in NO_PERSONAL_DATA:
        assert route not in PERSONAL, f"{route} is in both tables"
        return
    assert route in PERSONAL, UNCLASSIFIED.format(route=route, file=__file__)
    _check(PERSONAL[route], lambda kw: reverse(route, kwargs=kw), route)


@pytest.mark.parametrize("path", API_GETS)
def test_api_read_of_personal_data_writes_consultation(demo_hub: None, path: str) -> None:
    if path in API_NO_PERSONAL_DATA:
        assert path not in API_PERSONAL, f"{path} is in both tables"
        return
    assert path in API_PERSONAL, UNCLASSIFIED.format(route=path, file=__file__)
    _check(API_PERSONAL[path], lambda kw: path.format(**kw), path)


def test_tables_name_only_routes_that_exist() -> None:
    stale = (set(PERSONAL) | set(NO_PERSONAL_DATA)) - set(WEB_ROUTES)
    stale |= (set(API_PERSONAL) | set(API_NO_PERSONAL_DATA)) - set(API_GETS)
    assert not stale, f"Classified routes that no longer exist: {sorted(stale)}"


# Users who may not open these pages, and the refusal each gets: 404 for a record they may
# not see (as if missing), 403 where the role lacks the feature's permission and the page
# checks it first; either way no consultation row is written (a refused read shows
# nothing, so records nothing as seen).
DENIED: dict[str, tuple[Case, str, int]] = {
    "concerns:screening": (PERSONAL["concerns:screening"], "school.demo", 404),
    "concerns:next-steps": (PERSONAL["concerns:next-steps"], "school.demo", 404),
    "referrals:decide": (PERSONAL["referrals:decide"], "sw.demo", 404),
    "intelligence:triage": (PERSONAL["intelligence:triage"], "analyst.demo", 404),
    "intelligence:disseminate": (PERSONAL["intelligence:disseminate"], "ppu.demo", 404),
    "hub:item": (PERSONAL["hub:item"], "sw.demo", 404),
    "hub:finalise": (PERSONAL["hub:finalise"], "sw.demo", 404),
    "pole:person-share": (PERSONAL["pole:person-share"], "analyst.demo", 404),
    "intelligence:crime-decision": (PERSONAL["intelligence:crime-decision"], "ppu.demo", 404),
    "intelligence:danger": (PERSONAL["intelligence:danger"], "ppu.demo", 404),
    "intelligence:crime-queue": (PERSONAL["intelligence:crime-queue"], "fib.demo", 403),
    "intelligence:crime-referral": (PERSONAL["intelligence:crime-referral"], "fib.demo", 404),
    # 404 as on the page: a referral the reader may not see is not there.
    "/api/v1/intelligence/crime-referrals/{referral_id}": (
        API_PERSONAL["/api/v1/intelligence/crime-referrals/{referral_id}"],
        "fib.demo",
        404,
    ),
    "hub:action-detail": (PERSONAL["hub:action-detail"], "school.demo", 404),
    "rights:detail": (PERSONAL["rights:detail"], "school.demo", 404),
    "rights:rectify": (PERSONAL["rights:rectify"], "ig.demo", 404),
    "rights:lift": (PERSONAL["rights:lift"], "analyst.demo", 404),
    "rights:duplicate": (PERSONAL["rights:duplicate"], "school.demo", 404),
    "rights:sar-detail": (PERSONAL["rights:sar-detail"], "sw.demo", 404),
    "rights:sar-item": (PERSONAL["rights:sar-item"], "ppu.demo", 404),
    # Retention is the owning agency's IG's: the Trust's IG may not review police records.
    "retention:review": (PERSONAL["retention:review"], "ig.demo", 404),
    "retention:dispose": (PERSONAL["retention:dispose"], "fib.demo", 404),
    "hub:problem-profile": (PERSONAL["hub:problem-profile"], "practitioner.demo", 403),
    "disruption:location": (PERSONAL["disruption:location"], "ig.demo", 403),
    "/api/v1/disruption/cawn-eligibility/{person_id}": (
        API_PERSONAL["/api/v1/disruption/cawn-eligibility/{person_id}"],
        "ig.demo",
        403,
    ),
    "/api/v1/hub/actions/{action_id}": (
        API_PERSONAL["/api/v1/hub/actions/{action_id}"],
        "school.demo",
        404,
    ),
    "/api/v1/intelligence/submissions/{submission_id}": (
        API_PERSONAL["/api/v1/intelligence/submissions/{submission_id}"],
        "mash.demo",
        404,
    ),
}


@pytest.mark.parametrize("route", sorted(DENIED))
def test_refused_read_writes_no_consultation(demo_hub: None, route: str) -> None:
    case, username, status = DENIED[route]
    kwargs, _subject, _allowed = case.setup()
    user = _user(username)
    client = Client()
    client.force_login(user)
    url = route.format(**kwargs) if route.startswith("/") else reverse(route, kwargs=kwargs)
    query = case.query(kwargs)
    before = AuditEvent.objects.order_by("-chain_index").values_list("chain_index", flat=True)
    last = before.first() or 0
    response = client.get(f"{url}?{query}" if query else url)
    assert response.status_code == status, f"{route}: {username} got {response.status_code}"
    seen = [r.event for r in _consultations(last, user) if r.action == "consultation"]
    assert not seen, f"{route}: a refused read by {username} wrote {seen}"


def _settle_parts(actor: Any, sar_id: int) -> None:
    """Every other agency's part approved by its IG, or (with none, not police) taken
    over: nothing is disclosed without one or the other (ADR 0025, amendment)."""
    from cairn.accounts.models import User as _User
    from cairn.accounts.roles import AgencyKind as _Kind
    from cairn.accounts.roles import Role as _Role
    from cairn.rights import selectors as _rights_selectors
    from cairn.rights import services as _rights
    from cairn.rights.models import BundleItem as _Item
    from cairn.rights.models import SubjectAccessRequest as _SAR

    items = _Item.objects.filter(sar_id=sar_id).exclude(agency_id=actor.agency_id)
    for agency_id in sorted(set(items.values_list("agency_id", flat=True))):
        other = _User.objects.filter(
            agency_id=agency_id, role=_Role.IG_ADMIN, is_active=True
        ).first()
        if other is not None:
            _rights.sar_approve(actor=other, sar_id=sar_id, confirmed=True)
        elif not items.filter(agency_id=agency_id, agency__kind=_Kind.POLICE).exists():
            _rights.sar_take_over(
                actor=actor,
                sar_id=sar_id,
                agency_id=agency_id,
                reason="No information governance at the agency to approve its part",
            )
            # Taken over is not approved: the taker opens each record, then approves.
            sar = _SAR.objects.get(pk=sar_id)
            for item in items.filter(agency_id=agency_id):
                _rights_selectors.consult_sar(actor, sar, obj=item, justification="Reviewed")
            _rights.sar_approve(actor=actor, sar_id=sar_id, agency_id=agency_id, confirmed=True)
