"""The web and the API must agree on who may change what.

Every write endpoint is discovered (web views that handle a POST, from the URL resolver;
API POST/PUT/PATCH/DELETE operations, from the OpenAPI schema) and must appear in the
table below: either paired with the endpoint doing the same action on the other channel,
or listed as having no counterpart, with the reason. A new endpoint that is in neither
fails `test_every_write_endpoint_is_mapped`, telling the developer to add it.

For each pair, `test_web_and_api_allow_the_same_roles` sends the same valid request
through both channels as a user of every role, each inside a savepoint that is rolled
back (so one role's write never changes what the next one sees), and checks the same
roles are allowed. Allowed: the request got past the permission checks (a success, or a
validation error); denied: 403 or 404."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cairn.accounts.models import Agency
from cairn.accounts.roles import Role
from cairn.api import api as ninja_api
from cairn.concerns import services as concern_services
from cairn.disruption.services import assessments, cawns
from cairn.hub import services as hub_services
from cairn.intelligence import services as intel_services
from cairn.intelligence.models import Submission
from cairn.missing import services as missing_services
from cairn.network import services as network_services
from cairn.network.models import CandidatePair
from cairn.pole import services as pole_services
from cairn.pole.models import Entity
from cairn.referrals import services as referral_services
from cairn.retention import services as retention_services
from cairn.rights import services as rights_services
from cairn.sharing.models import Disclosure

from ..concerns.conftest import complete_payload
from ..intelligence.conftest import intel_data
from ..referrals.conftest import mash_details, nrm_details
from .conftest import ApiClient

# Web url name <-> API operation id, for endpoints doing the same action.
PAIRS: list[tuple[str, str]] = [
    ("retention:review", "cairn_retention_api_retain"),
    ("retention:dispose", "cairn_retention_api_dispose"),
    ("pole:person-create", "cairn_pole_api_person_create"),
    ("concerns:new", "cairn_concerns_api_concern_create"),
    ("concerns:screening", "cairn_concerns_api_concern_risk_decision"),
    ("concerns:next-steps", "cairn_concerns_api_concern_pathways"),
    ("network:candidate", "cairn_network_api_merge_create"),
    ("network:merge", "cairn_network_api_merge_undo"),
    ("referrals:new", "cairn_referrals_api_referral_create"),
    ("referrals:action", "cairn_referrals_api_referral_action"),
    ("referrals:decide", "cairn_referrals_api_mash_decision"),
    ("referrals:strategy", "cairn_referrals_api_strategy_discussion"),
    ("referrals:nrm-reference", "cairn_referrals_api_home_office_reference"),
    ("referrals:nrm-decision", "cairn_referrals_api_nrm_decision"),
    ("intelligence:new", "cairn_intelligence_api_submission_create"),
    ("intelligence:evaluate", "cairn_intelligence_api_evaluation"),
    ("intelligence:sanitise", "cairn_intelligence_api_sanitised"),
    ("intelligence:link", "cairn_intelligence_api_link"),
    ("intelligence:disseminate", "cairn_intelligence_api_dissemination"),
    ("intelligence:crime-decision", "cairn_intelligence_api_crime_decision"),
    ("intelligence:danger", "cairn_intelligence_api_danger_action"),
    ("intelligence:reopen", "cairn_intelligence_api_resubmit"),
    ("intelligence:withdraw", "cairn_intelligence_api_withdraw"),
    ("intelligence:crime-referral", "cairn_intelligence_api_crime_referral_record"),
    ("intelligence:crime-referral", "cairn_intelligence_api_crime_referral_return"),
    ("pole:person-share", "cairn_pole_api_person_share"),
    ("pole:person-share-revoke", "cairn_pole_api_person_share_revoke"),
    ("disruption:cawn-new", "cairn_disruption_api_cawn_issue"),
    ("disruption:cawn-service", "cairn_disruption_api_cawn_service"),
    ("disruption:cawn-breach", "cairn_disruption_api_cawn_breach"),
    ("disruption:marker-new", "cairn_disruption_api_marker_add"),
    ("disruption:tactic-new", "cairn_disruption_api_tactic_create"),
    ("disruption:assessment-new", "cairn_disruption_api_assessment_create"),
    ("disruption:location-action-done", "cairn_disruption_api_location_action_done"),
    ("disruption:location-action-done", "cairn_disruption_api_location_action_reopen"),
    ("disruption:plan-new", "cairn_disruption_api_plan_create"),
    ("hub:action-detail", "cairn_hub_api_action_complete"),
    ("missing:new", "cairn_hub_api_episode_create"),
    ("missing:from-sign", "cairn_hub_api_episode_create_from_sign"),
    ("missing:detail", "cairn_hub_api_episode_return"),
    ("missing:detail", "cairn_hub_api_episode_interview"),
    ("rights:sar-new", "cairn_rights_api_sar_create"),
    ("rights:sar-close", "cairn_rights_api_sar_close"),
    ("rights:sar-possible", "cairn_rights_api_possible_entry_decide"),
    ("sharing:new", "cairn_sharing_api_agreement_create"),
    ("sharing:disclosure-review", "cairn_sharing_api_disclosure_review"),
]

# Write endpoints with no counterpart on the other channel, and why.
WEB_ONLY: dict[str, str] = {
    "core:metrics": "not a write: the Prometheus scrape, 404 to any method but GET/HEAD",
    "core:job-run": "running the system is done on the web (system admins have no API)",
    "accounts:login": "signing in is a browser journey (the API uses tokens)",
    "accounts:logout": "signing out is a browser journey (the API uses tokens)",
    "accounts:two-step-setup": "signing in is a browser journey",
    "accounts:two-step-verify": "signing in is a browser journey",
    "accounts:change-request-decide": "staff account administration is on the web only",
    "concerns:step": "the web form's steps; the API takes the whole concern in one call",
    "concerns:mention-add": "a step of the web form (mentions come with the API concern)",
    "concerns:discard": "web drafts only: the API has no drafts",
    "referrals:edit": "web drafts only: the API sends a referral in one call",
    "referrals:discard": "web drafts only: the API has no drafts",
    "intelligence:questions": "web drafts only: the API takes the two answers in the body",
    "intelligence:edit": "web drafts only: the API submits in one call",
    "intelligence:mention-add": "a step of the web form (mentions come with the API entry)",
    "intelligence:check": "submits the caller's own web draft; the API creates and submits",
    "intelligence:discard": "web drafts only: the API has no drafts",
    "intelligence:triage": "the FIB's queue is worked on the web only",
    "disruption:tactic-update": "not in the API yet",
    "disruption:tactic-share": "not in the API yet (a disclosure, done on the web)",
    "disruption:marker-review": "not in the API yet",
    "disruption:marker-remove": "not in the API yet",
    "disruption:sighting-new": "not in the API yet",
    "disruption:plan-edit": "not in the API yet (the API creates plans only)",
    "hub:setup-edit": "Hub set-up is administration, on the web only",
    "hub:member-add": "Hub set-up is administration, on the web only",
    "hub:member-edit": "Hub set-up is administration, on the web only",
    "hub:member-remove": "Hub set-up is administration, on the web only",
    "hub:meeting-new": "meetings are run on the web only",
    "hub:agenda-generate": "meetings are run on the web only",
    "hub:attendance": "meetings are run on the web only",
    "hub:item": "meetings are run on the web only",
    "hub:finalise": "meetings are run on the web only",
    "hub:distribute": "meetings are run on the web only",
    "notifications:open": "marks a notification read as the browser follows it",
    "notifications:delivery-dismiss": "messages not delivered are seen and cleared on the web",
    "api_auth:token-list": "API tokens are issued on the web (a token cannot mint a token)",
    "api_auth:token-revoke": "API tokens are revoked on the web",
    # Information rights are IG casework with letters to the requester, like the audit
    # viewer; restriction itself is enforced in the access layer the API reads through.
    "rights:new": "information rights requests are IG casework, on the web only",
    "rights:detail": "information rights requests are IG casework, on the web only",
    "rights:rectify": "a correction answers a rights request, on the web only",
    "rights:lift": "lifting a restriction is IG casework, on the web only",
    "rights:duplicate": "IG compares the two records on the web before deciding; the API "
    "lists the alerts and their decisions (GET /rights/duplicate-alerts)",
    # Subject access: logging is in the API; finding, redacting, approving and
    # disclosing need IG to read each record, on the web (ADR 0025).
    "rights:sar-detail": "confirming records, approvals and disclosure: IG casework on the web",
    "rights:sar-item": "redacting a record: IG reads it on the web",
    "rights:sar-take-over": "taking over a part leads to reading its records: on the web",
    "sharing:edit": "IG reviews and changes agreements on the web (with the version read)",
    "sharing:withdraw": "withdrawing an agreement needs the web's confirmation page",
}
API_ONLY: dict[str, str] = {
    "cairn_pole_api_link_create": "links are made on the web through concerns and intelligence",
    "cairn_pole_api_vehicle_create": "the web records vehicles as mentions and sightings",
    "cairn_pole_api_phone_create": "the web records phones as mentions",
    "cairn_pole_api_online_account_create": "the web records accounts as mentions",
    "cairn_pole_api_location_create": "the web records places as mentions",
    "cairn_concerns_api_concern_preview": "stores nothing: live guidance for a client",
    "cairn_network_api_match": "stores nothing: possible matches for a client",
    "cairn_intelligence_api_check": "stores nothing: the crime-disclosure check for a client",
}
# Django's admin site has its own permission model (staff users); not part of this rule.
IGNORED_NAMESPACES = ("admin:",)


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
        elif isinstance(p, URLPattern):
            yield prefix + (p.name or repr(p.pattern)), p.callback


def _handles_post(view: Any) -> bool:
    if hasattr(view, "view_class"):
        return hasattr(view.view_class, "post")
    try:
        source = inspect.getsource(inspect.unwrap(view))
    except (OSError, TypeError):
        return False
    return "POST" in source


def web_write_endpoints() -> set[str]:
    return {
        name
        for name, view in _walk(get_resolver().url_patterns)
        if not name.startswith(IGNORED_NAMESPACES) and _handles_post(view)
    }


def api_write_operations() -> set[str]:
    schema = ninja_api.get_openapi_schema()
    return {
        op["operationId"]
        for methods in schema["paths"].values()
        for method, op in methods.items()
        if method in ("post", "put", "patch", "delete")
    }


def test_every_write_endpoint_is_mapped() -> None:
    paired_web = {w for w, _ in PAIRS}
    paired_api = {a for _, a in PAIRS}
    web, api = web_write_endpoints(), api_write_operations()
    unmapped = sorted((web - paired_web - set(WEB_ONLY)) | (api - paired_api - set(API_ONLY)))
    assert not unmapped, (
        f"Write endpoints not in the web/API permission table: {unmapped}. Add each to PAIRS "
        "in tests/api/test_write_parity.py with its counterpart (and a case in CASES), or "
        "to WEB_ONLY / API_ONLY with the reason it has none."
    )
    stale = sorted(
        (paired_web | set(WEB_ONLY)) - web | ((paired_api | set(API_ONLY)) - api),
    )
    assert not stale, f"The table names endpoints that no longer exist: {stale}"
    assert not paired_web & set(WEB_ONLY) and not paired_api & set(API_ONLY)


# The world the requests act on --------------------------------------------------------


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month)} | {
        f"{prefix}_year": str(day.year)
    }


def _today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def world(
    users: dict[str, Any],
    make_person: Callable[..., Any],
    make_user: Callable[..., Any],
    agencies: Any,
) -> Any:
    """Records of every kind, made by the roles that usually make them."""
    sw, ppu, fib = users["social_worker"], users["ppu_coordinator"], users["fib_officer"]
    practitioner, chair = users["practitioner"], users["hub_chair"]
    w = SimpleNamespace(users=users)
    w.child = make_person(
        given_name="Amber", family_name="Testcase", date_of_birth=dt.date(2013, 6, 1)
    )
    w.poc = pole_services.person_create(
        actor=ppu,
        given_name="Dean",
        family_name="Fictional",
        category="person_of_concern",
        date_of_birth=dt.date(1990, 2, 3),
    )
    w.location = pole_services.location_create(
        actor=ppu, name="Fictional Fried Chicken", postcode="ZZ1 1AA", premises_type="takeaway"
    )
    # Concerns by a practitioner: one submitted, one whose risk level is decided.
    w.concern = concern_services.concern_create(actor=practitioner, data=_concern_body(w.child.pk))
    w.screened = concern_services.concern_create(actor=practitioner, data=_concern_body(w.child.pk))
    concern_services.risk_decision_record(
        actor=practitioner, concern=w.screened, level="moderate", rationale="Judgement"
    )
    # Referrals sent by a social worker: MASH (one decided s47) and NRM.
    w.mash = referral_services.referral_create(
        actor=sw, kind="mash", child=w.child, details=mash_details()
    )
    w.s47 = referral_services.referral_create(
        actor=sw, kind="mash", child=w.child, details=mash_details()
    )
    referral_services.mash_decision_record(
        actor=users["mash_screener"], referral=w.s47, outcome="s47", rationale="Harm"
    )
    w.nrm = referral_services.referral_create(
        actor=sw, kind="nrm", child=w.child, details=nrm_details()
    )
    # Intelligence from a practitioner: one new, one graded and sanitised.
    w.intel = intel_services.submission_create(actor=practitioner, data=intel_data())
    w.graded = intel_services.submission_create(actor=practitioner, data=intel_data())
    intel_services.submission_evaluate(
        actor=fib, submission=w.graded, source_grade="2", intel_grade="B", handling="P"
    )
    intel_services.submission_sanitise(
        actor=fib, submission=w.graded, text="A grey car collected a pupil from a school."
    )
    # The crime route: an entry about the child returned to its submitter, one referred
    # for crime recording; a share of the child's record made by hand by its agency.
    w.returned = intel_services.submission_create(
        actor=practitioner, data=intel_data(subject_id=w.child.pk)
    )
    intel_services.submission_return(
        actor=fib, submission=w.returned, note="Please add when you saw the car."
    )
    w.referred = intel_services.submission_create(
        actor=practitioner, data=intel_data(subject_id=w.child.pk)
    )
    w.crime_referral = intel_services.submission_refer_crime(
        actor=fib, submission=w.referred, note="A crime: an adult grooming a child."
    )
    w.share_agency = next(a for a in agencies_of_hub() if a.pk != w.child.entity.owning_agency_id)
    w.share = pole_services.person_share(
        actor=sw, person_id=w.child.pk, agency=w.share_agency, reason="Working together"
    )
    w.share_target = next(
        a
        for a in agencies_of_hub()
        if a.pk not in (w.child.entity.owning_agency_id, w.share_agency.pk)
    )
    # Disruption by the PPU: a served CAWN, an assessment with an action.
    w.cawn = cawns.cawn_issue(
        actor=ppu,
        child=w.child,
        person_of_concern=w.poc,
        authorised_by="local_authority",
        authorised_by_name="Testshire Children's Trust",
        review_on=_today() + dt.timedelta(days=30),
    )
    cawns.cawn_record_service(
        actor=ppu,
        cawn=w.cawn,
        served_by_name="PC Example",
        served_at=timezone.now() - dt.timedelta(days=2),
        served_place="Station",
    )
    w.assessment = assessments.assessment_record(
        actor=ppu,
        location_entity_id=w.location.pk,
        assessed_on=_today() - dt.timedelta(days=3),
        summary="Children gather here after school.",
        actions=[("Speak to the manager", "PC Example", None)],
    )
    w.location_action = w.assessment.actions.get()
    # The Hub: an action for the social worker, a missing episode.
    w.action = hub_services.action_create(
        actor=chair,
        description="Visit the family",
        owner=sw,
        due_on=_today() + dt.timedelta(days=7),
    )
    w.episode = missing_services.episode_record(
        actor=ppu, child=w.child, reported_at=timezone.now() - dt.timedelta(days=1)
    )
    w.sar = rights_services.sar_log(
        actor=users["ig_admin"],
        requester="Quill Parity",
        requester_kind="subject",
        given_name="Quill",
        family_name="Parity",
        date_of_birth=None,
        other_names="",
        received_on=_today(),
    )
    # A police request whose requester an entry names in words only (a possible entry):
    # only police IG handling it decides, so it plays the IG role for that pair.
    w.police_ig = make_user("ig_admin", agency="police", username="ig_police_parity")
    quinn = make_person(given_name="Quinn", family_name="Parityfree")
    Submission.objects.create(
        status="new",
        submitter=fib,
        submitter_agency=agencies["police"],
        subject_description="Quinn Parityfree, about 15",
    )
    police_sar = rights_services.sar_log(
        actor=w.police_ig,
        requester="Quinn Parityfree",
        requester_kind="subject",
        given_name="Quinn",
        family_name="Parityfree",
        date_of_birth=None,
        other_names="",
        received_on=_today(),
    )
    rights_services.sar_confirm(actor=w.police_ig, sar_id=police_sar.pk, person_ids=[quinn.pk])
    w.possible = police_sar.possible_entries.get()
    # A concern whose signs include a night missing (to record as an episode).
    missing = _concern_body(w.child.pk)
    missing["indicators"] = [
        {"code": "missing_overnight", "observed_on": _today().isoformat(), "evidence": "Out"}
    ]
    w.missing_sign = (
        concern_services.concern_create(actor=practitioner, data=missing)
        .observations.filter(indicator__code="missing_overnight")
        .get()
    )
    # Retention: a Trust record past its 25th birthday, untouched for years: due for review.
    for agency in agencies.values():
        retention_services.rules_seed(actor=None, agency=agency)
    w.due = make_person(
        given_name="Old",
        family_name="Parityrecord",
        date_of_birth=dt.date(_today().year - 30, 1, 1),
    )
    long_ago = timezone.now() - dt.timedelta(days=12 * 365)
    Entity.objects.filter(pk=w.due.pk).update(created_at=long_ago, updated_at=long_ago)
    # Identity: a pending pair and an undoable merge.
    a = make_person(given_name="Leo", family_name="Testmore", date_of_birth=dt.date(2012, 1, 2))
    b = make_person(given_name="Leon", family_name="Testmore", date_of_birth=dt.date(2012, 1, 2))
    low, high = sorted((a.pk, b.pk))
    w.pair = CandidatePair.objects.create(
        person_a_id=low, person_b_id=high, match_weight=9.0, match_probability=0.99
    )
    c = make_person(given_name="Kai", family_name="Testwell", date_of_birth=dt.date(2012, 3, 4))
    d = make_person(given_name="Kay", family_name="Testwell", date_of_birth=dt.date(2012, 3, 4))
    w.merge = network_services.person_merge(
        actor=users["analyst"], survivor_id=c.pk, absorbed_id=d.pk, reason="Same"
    )
    # An exceptional disclosure (no agreement) by the Trust, for its IG to review.
    w.exceptional = Disclosure.objects.create(
        kind="record_share",
        reference="Parity disclosure",
        from_agency=sw.agency,
        to_agency=ppu.agency,
        recipient="Parity police",
        lawful_basis="dpa_sch8_p4",
        exceptional_reason="Parity: a child missing tonight",
        disclosed_by=sw,
    )
    return w


def agencies_of_hub() -> list[Agency]:
    return list(Agency.objects.filter(is_hub_member=True).order_by("pk"))


def _concern_body(child_id: int) -> dict[str, Any]:
    data = complete_payload(child_id)
    for key in ("immediate_danger", "crime_disclosed"):
        data[key] = data[key] in (True, "yes")
    return data


# One case per pair: the web request and the API request -------------------------------


@dataclass
class Case:
    web_url: str
    web_data: dict[str, Any]
    api_path: str
    api_body: dict[str, Any] = field(default_factory=dict)
    # Who plays a role in this case where the usual user of that role may not act at all
    # (e.g. police IG for the IG role): {role: user}.
    played_by: dict[str, Any] = field(default_factory=dict)


def _cases(w: Any) -> dict[str, Case]:
    today, soon, past = _today(), _today() + dt.timedelta(days=30), _today() - dt.timedelta(1)
    child, poc = w.child, w.poc
    person = {"category": "child", "given_name": "Zed", "family_name": "Parity", "sex": "female"}
    next_review = today + dt.timedelta(days=365)
    return {
        "cairn_retention_api_retain": Case(
            reverse("retention:review", args=["person", w.due.pk]),
            {"reason": "Still needed"} | _date("next_review_on", next_review),
            f"/retention/person/{w.due.pk}/retain",
            {"reason": "Still needed", "next_review_on": next_review.isoformat()},
        ),
        "cairn_retention_api_dispose": Case(
            reverse("retention:dispose", args=["person", w.due.pk]),
            {"reason": "No longer needed", "confirm": "on"},
            f"/retention/person/{w.due.pk}/dispose",
            {"reason": "No longer needed", "confirm": True},
        ),
        "cairn_pole_api_person_create": Case(
            reverse("pole:person-create"),
            person | {"ethnicity": "not_known", "looked_after": "no", "confirm_new": "1"},
            "/people",
            person,
        ),
        "cairn_concerns_api_concern_create": Case(
            reverse("concerns:new"), {"child": child.pk}, "/concerns", _concern_body(child.pk)
        ),
        "cairn_concerns_api_concern_risk_decision": Case(
            reverse("concerns:screening", args=[w.concern.pk]),
            {"level": "significant", "rationale": "Judgement"},
            f"/concerns/{w.concern.pk}/risk-decision",
            {"level": "significant", "rationale": "Judgement"},
        ),
        "cairn_concerns_api_concern_pathways": Case(
            reverse("concerns:next-steps", args=[w.screened.pk]),
            {},
            f"/concerns/{w.screened.pk}/pathways",
            {"decisions": []},
        ),
        "cairn_network_api_merge_create": Case(
            reverse("network:candidate", args=[w.pair.pk]),
            {"action": "merge", "survivor": w.pair.person_a_id, "reason": "Same person"},
            "/network/merges",
            {
                "survivor_id": w.pair.person_a_id,
                "absorbed_id": w.pair.person_b_id,
                "reason": "Same person",
            },
        ),
        "cairn_network_api_merge_undo": Case(
            reverse("network:merge", args=[w.merge.pk]),
            {"reason": "Not the same"},
            f"/network/merges/{w.merge.pk}/unmerge",
            {"reason": "Not the same"},
        ),
        "cairn_referrals_api_referral_create": Case(
            reverse("referrals:new"),
            {"child": child.pk, "kind": "ppu"},
            "/referrals",
            {"kind": "ppu", "child_id": child.pk, "details": {"summary": "Seen with older men"}},
        ),
        "cairn_referrals_api_referral_action": Case(
            reverse("referrals:action", args=[w.mash.pk, "accept"]),
            {},
            f"/referrals/{w.mash.pk}/actions",
            {"action": "accept"},
        ),
        "cairn_referrals_api_mash_decision": Case(
            reverse("referrals:decide", args=[w.mash.pk]),
            {"outcome": "s17", "rationale": "Needs support"},
            f"/referrals/{w.mash.pk}/mash-decision",
            {"outcome": "s17", "rationale": "Needs support"},
        ),
        "cairn_referrals_api_strategy_discussion": Case(
            reverse("referrals:strategy", args=[w.s47.pk]),
            _date("held_on", today)
            | {"attendees": "Police: DS Example", "decisions": "Joint visit", "actions": ""},
            f"/referrals/{w.s47.pk}/strategy-discussions",
            {
                "held_on": today.isoformat(),
                "attendees": [{"agency": "Police", "names": "DS Example"}],
                "decisions": "Joint visit",
                "actions": [],
            },
        ),
        "cairn_referrals_api_home_office_reference": Case(
            reverse("referrals:nrm-reference", args=[w.nrm.pk]),
            {"reference": "HO-1"},
            f"/referrals/{w.nrm.pk}/home-office-reference",
            {"reference": "HO-1"},
        ),
        "cairn_referrals_api_nrm_decision": Case(
            reverse("referrals:nrm-decision", args=[w.nrm.pk]),
            {"stage": "reasonable", "outcome": "positive"} | _date("decided_on", today),
            f"/referrals/{w.nrm.pk}/nrm-decisions",
            {"stage": "reasonable", "outcome": "positive", "decided_on": today.isoformat()},
        ),
        "cairn_intelligence_api_submission_create": Case(
            reverse("intelligence:new"), {}, "/intelligence/submissions", _intel_body()
        ),
        "cairn_intelligence_api_evaluation": Case(
            reverse("intelligence:evaluate", args=[w.intel.pk]),
            {"source_grade": "2", "intel_grade": "B", "handling": "P", "marking": "official"},
            f"/intelligence/submissions/{w.intel.pk}/evaluation",
            {"source_grade": "2", "intel_grade": "B", "handling": "P", "marking": "official"},
        ),
        "cairn_intelligence_api_sanitised": Case(
            reverse("intelligence:sanitise", args=[w.intel.pk]),
            {"text": "A car collected a pupil."},
            f"/intelligence/submissions/{w.intel.pk}/sanitised",
            {"text": "A car collected a pupil."},
        ),
        "cairn_intelligence_api_link": Case(
            reverse("intelligence:link", args=[w.intel.pk]),
            {"record_0": "new", "owner_0": "none", "type_0": "owns_vehicle", "record_1": "skip"},
            f"/intelligence/submissions/{w.intel.pk}/links",
            {"items": [{"mention_index": 0, "belongs_to": "none", "link_type": "owns_vehicle"}]},
        ),
        "cairn_intelligence_api_dissemination": Case(
            reverse("intelligence:disseminate", args=[w.graded.pk]),
            {"recipient_kind": "ppu", "reason": "Safeguarding"},
            f"/intelligence/submissions/{w.graded.pk}/disseminations",
            {"recipient_kind": "ppu", "reason": "Safeguarding"},
        ),
        "cairn_intelligence_api_crime_decision": Case(
            reverse("intelligence:crime-decision", args=[w.intel.pk]),
            {"decision": "return", "note": "Please say where this happened."},
            f"/intelligence/submissions/{w.intel.pk}/crime-decision",
            {"decision": "return", "note": "Please say where this happened."},
        ),
        "cairn_intelligence_api_danger_action": Case(
            reverse("intelligence:danger", args=[w.intel.pk]),
            {"outcome": "passed", "note": "Passed to the control room at 14:02, log 123"},
            f"/intelligence/submissions/{w.intel.pk}/danger-action",
            {"outcome": "passed", "note": "Passed to the control room at 14:02, log 123"},
        ),
        "cairn_intelligence_api_resubmit": Case(
            reverse("intelligence:reopen", args=[w.returned.pk]),
            {},
            f"/intelligence/submissions/{w.returned.pk}/resubmit",
            _intel_body(),
        ),
        "cairn_intelligence_api_withdraw": Case(
            reverse("intelligence:withdraw", args=[w.returned.pk]),
            {"reason": "Reported elsewhere"},
            f"/intelligence/submissions/{w.returned.pk}/withdraw",
            {"reason": "Reported elsewhere"},
        ),
        "cairn_intelligence_api_crime_referral_record": Case(
            reverse("intelligence:crime-referral", args=[w.crime_referral.pk]),
            {"action": "record", "crime_reference": "CR/123/26", "confirmed": "1"},
            f"/intelligence/crime-referrals/{w.crime_referral.pk}/record",
            {"crime_reference": "CR/123/26"},
        ),
        "cairn_intelligence_api_crime_referral_return": Case(
            reverse("intelligence:crime-referral", args=[w.crime_referral.pk]),
            {"action": "return", "note": "Not recordable as it stands."},
            f"/intelligence/crime-referrals/{w.crime_referral.pk}/return",
            {"note": "Not recordable as it stands."},
        ),
        "cairn_pole_api_person_share": Case(
            reverse("pole:person-share", args=[child.pk]),
            {"agency": w.share_target.pk, "reason": "Working together"},
            f"/people/{child.pk}/shares",
            {"agency_id": w.share_target.pk, "reason": "Working together"},
        ),
        "cairn_pole_api_person_share_revoke": Case(
            reverse("pole:person-share-revoke", args=[child.pk, w.share.pk]),
            {"reason": "No longer needed"},
            f"/people/{child.pk}/shares/{w.share.pk}/revoke",
            {"reason": "No longer needed"},
        ),
        "cairn_disruption_api_cawn_issue": Case(
            reverse("disruption:cawn-new", args=[child.pk]),
            {
                "person_of_concern": poc.pk,
                "authorised_by": "local_authority",
                "authorised_by_name": "Testshire Children's Trust",
            }
            | _date("review_on", soon),
            "/disruption/cawns",
            {
                "child_id": child.pk,
                "person_of_concern_id": poc.pk,
                "authorised_by": "local_authority",
                "authorised_by_name": "Testshire Children's Trust",
                "review_on": soon.isoformat(),
            },
        ),
        "cairn_disruption_api_cawn_service": Case(
            reverse("disruption:cawn-service", args=[w.cawn.tactic_id]),
            {"served_by_name": "PC Example", "served_time": "10:00", "served_place": "Home"}
            | _date("served_on", past),
            f"/disruption/cawns/{w.cawn.tactic_id}/service",
            {
                "served_by_name": "PC Example",
                "served_at": (timezone.now() - dt.timedelta(days=1)).isoformat(),
                "served_place": "Home",
            },
        ),
        "cairn_disruption_api_cawn_breach": Case(
            reverse("disruption:cawn-breach", args=[w.cawn.tactic_id]),
            {"evidence": "Seen together"} | _date("occurred_on", past),
            f"/disruption/cawns/{w.cawn.tactic_id}/breaches",
            {"occurred_on": past.isoformat(), "evidence": "Seen together"},
        ),
        "cairn_disruption_api_marker_add": Case(
            reverse("disruption:marker-new", args=[poc.pk]),
            {"marker_type": "warning", "reason": "Violent"} | _date("review_on", soon),
            "/disruption/markers",
            {
                "entity_id": poc.pk,
                "marker_type": "warning",
                "reason": "Violent",
                "review_on": soon.isoformat(),
            },
        ),
        "cairn_disruption_api_tactic_create": Case(
            reverse("disruption:tactic-new", args=[w.location.pk, "licensing_review"]),
            {"title": "Licensing review", "status": "planned"},
            "/disruption/tactics",
            {
                "tactic_type": "licensing_review",
                "title": "Licensing review",
                "subjects": [{"entity_id": w.location.pk, "role": "location"}],
            },
        ),
        "cairn_disruption_api_assessment_create": Case(
            reverse("disruption:assessment-new", args=[w.location.pk]),
            {"summary": "Busy at night"} | _date("assessed_on", past),
            f"/disruption/locations/{w.location.pk}/assessments",
            {"assessed_on": past.isoformat(), "summary": "Busy at night"},
        ),
        "cairn_disruption_api_location_action_done": Case(
            reverse("disruption:location-action-done", args=[w.location_action.pk]),
            {},
            f"/disruption/location-actions/{w.location_action.pk}/done",
            {},
        ),
        "cairn_disruption_api_location_action_reopen": Case(
            reverse("disruption:location-action-done", args=[w.location_action.pk]),
            {"reopen": "1"},
            f"/disruption/location-actions/{w.location_action.pk}/reopen",
            {},
        ),
        "cairn_disruption_api_plan_create": Case(
            reverse("disruption:plan-new", args=[poc.pk]),
            {"objectives": "Stop contact"} | _date("review_on", soon),
            "/disruption/plans",
            {
                "person_of_concern_id": poc.pk,
                "objectives": "Stop contact",
                "review_on": soon.isoformat(),
            },
        ),
        "cairn_hub_api_action_complete": Case(
            reverse("hub:action-detail", args=[w.action.pk]),
            {"note": "Visited"},
            f"/hub/actions/{w.action.pk}/complete",
            {"note": "Visited"},
        ),
        "cairn_hub_api_episode_create": Case(
            reverse("missing:new", args=[child.pk]),
            {"reported_time": "09:00", "police_risk_grading": "not_graded"}
            | _date("reported_on", past),
            "/hub/missing-episodes",
            {
                "child_id": child.pk,
                "reported_at": (timezone.now() - dt.timedelta(hours=5)).isoformat(),
            },
        ),
        "cairn_hub_api_episode_create_from_sign": Case(
            reverse("missing:from-sign", args=[w.missing_sign.pk]),
            {"reported_time": "09:00", "police_risk_grading": "not_graded"}
            | _date("reported_on", past),
            f"/hub/missing-episodes/from-sign/{w.missing_sign.pk}",
            {"reported_at": (timezone.now() - dt.timedelta(hours=5)).isoformat()},
        ),
        "cairn_hub_api_episode_return": Case(
            reverse("missing:detail", args=[w.episode.pk]),
            {"form": "return", "ret-found_time": "10:00"} | _date("ret-found_on", today),
            f"/hub/missing-episodes/{w.episode.pk}/return",
            {"found_at": timezone.now().isoformat()},
        ),
        "cairn_rights_api_sar_create": Case(
            reverse("rights:sar-new"),
            {"requester": "Parity", "requester_kind": "subject", "given_name": "Zed"}
            | _date("received_on", past),
            "/rights/access-requests",
            {
                "requester": "Parity",
                "requester_kind": "subject",
                "given_name": "Zed",
                "received_on": past.isoformat(),
            },
        ),
        "cairn_rights_api_sar_close": Case(
            reverse("rights:sar-close", args=[w.sar.pk]),
            {"reason": "withdrawn", "note": "Parity: the requester withdrew", "confirmed": "yes"},
            f"/rights/access-requests/{w.sar.pk}/close",
            {"reason": "withdrawn", "note": "Parity: the requester withdrew", "confirmed": True},
        ),
        "cairn_rights_api_possible_entry_decide": Case(
            reverse("rights:sar-possible", args=[w.possible.sar_id, w.possible.pk]),
            {"action": "not_them", "reason": "Parity: someone else entirely"},
            f"/rights/access-requests/{w.possible.sar_id}/possible-entries/{w.possible.pk}"
            "/decision",
            {"decision": "not_them", "reason": "Parity: someone else entirely"},
            played_by={"ig_admin": w.police_ig},
        ),
        "cairn_hub_api_episode_interview": Case(
            reverse("missing:detail", args=[w.episode.pk]),
            {"form": "rhi", "notes": "Offered"} | _date("offered_on", today),
            f"/hub/missing-episodes/{w.episode.pk}/interview",
            {"offered_on": today.isoformat(), "notes": "Offered"},
        ),
        "cairn_sharing_api_disclosure_review": Case(
            reverse("sharing:disclosure-review", args=[w.exceptional.pk]),
            {"outcome": "justified", "note": "Parity review"},
            f"/sharing/disclosures/{w.exceptional.pk}/review",
            {"outcome": "justified", "note": "Parity review"},
        ),
        "cairn_sharing_api_agreement_create": Case(
            reverse("sharing:new"),
            {
                "title": "Parity agreement",
                "parties": [child.entity.owning_agency_id, poc.entity.owning_agency_id],
                "purposes": "Parity",
                "bases": ["ca2004_s11"],
            }
            | _date("start_date", past)
            | _date("review_date", soon),
            "/sharing/agreements",
            {
                "title": "Parity agreement",
                "party_ids": [child.entity.owning_agency_id, poc.entity.owning_agency_id],
                "purposes": "Parity",
                "lawful_bases": ["ca2004_s11"],
                "start_date": past.isoformat(),
                "review_date": soon.isoformat(),
            },
        ),
    }


def _intel_body() -> dict[str, Any]:
    data = intel_data()
    for old, new in (("name", "source_name"), ("contact", "source_contact")):
        data[new] = data.pop(old)
    data["source_relationship"] = data.pop("relationship")
    return data


# Running them -------------------------------------------------------------------------

ALLOWED_WEB = {200, 302}
ALLOWED_API = {200, 201, 409, 422}
DENIED = {403, 404}


def _rolled_back(post: Callable[..., Any], *args: Any) -> int:
    """POST inside a savepoint that is then rolled back; the status code."""
    with transaction.atomic():
        response = post(*args)
        transaction.set_rollback(True)
    return int(response.status_code)


def _verdict(status: int, allowed: set[int], what: str) -> bool:
    if status in allowed:
        return True
    if status in DENIED:
        return False
    raise AssertionError(f"{what} answered {status}: neither allowed nor denied")


def test_web_and_api_allow_the_same_roles(
    world: Any, users: dict[str, Any], token_for: Callable[..., str]
) -> None:
    cases = _cases(world)
    assert set(cases) == {a for _, a in PAIRS}, "every pair needs a case in _cases"

    def clients_of(user: Any) -> tuple[Client, ApiClient]:
        web = Client()
        web.force_login(user)
        api = ApiClient(token_for(user)) if user.has_perm("api.use") else ApiClient(None, user)
        return web, api

    clients = {role.value: clients_of(users[role.value]) for role in Role}
    mismatches = []
    for web_name, op in PAIRS:
        case = cases[op]
        allowed_somewhere = False
        played = {role: clients_of(user) for role, user in case.played_by.items()}
        for role, (web, api) in (clients | played).items():
            web_status = _rolled_back(web.post, case.web_url, case.web_data)
            api_status = _rolled_back(api.post, case.api_path, case.api_body)
            web_ok = _verdict(web_status, ALLOWED_WEB, f"{web_name} as {role}")
            api_ok = _verdict(api_status, ALLOWED_API, f"{op} as {role}")
            allowed_somewhere |= web_ok and api_ok
            if web_ok != api_ok:
                mismatches.append(
                    f"{role}: {web_name} {'allows' if web_ok else 'denies'} ({web_status}), "
                    f"{op} {'allows' if api_ok else 'denies'} ({api_status})"
                )
        # A case no role gets through proves nothing: its records or data are wrong.
        assert allowed_somewhere, f"No role may {web_name} / {op}: fix its case"
    assert not mismatches, "Web and API disagree:\n" + "\n".join(mismatches)
