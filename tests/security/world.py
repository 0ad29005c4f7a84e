"""The access matrix's dataset: one user per role (and a school practitioner, the outsider,
who owns what the roles must not see), and for every kind of record an object "A" that
the roles ought to see and an object "B" that most ought not to. Built once per module
through the services, so it is as real as production data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from cairn.accounts import services as account_services
from cairn.accounts.models import Agency, User
from cairn.accounts.roles import AgencyKind, Role
from cairn.accounts.rules import roles_for
from cairn.api_auth import services as token_services
from cairn.audit.models import AuditEvent
from cairn.concerns import services as concern_services
from cairn.disruption.services import assessments, cawns, markers, plans, tactics
from cairn.hub import services as hub
from cairn.hub.models import AgendaItem
from cairn.intelligence import services as intel
from cairn.missing import services as missing_services
from cairn.network import services as network
from cairn.network.models import CandidatePair
from cairn.notifications import services as notifications
from cairn.notifications.models import (
    Delivery,
    DeliveryChannel,
    DeliveryProvider,
    DeliveryStatus,
)
from cairn.pole import services as pole
from cairn.pole.models import Entity
from cairn.referrals import services as referrals
from cairn.retention import services as retention
from cairn.rights import services as rights
from cairn.rights.models import BundleItem, DuplicateAlert, Restriction
from cairn.sharing.models import Disclosure

from ..concerns.conftest import complete_payload
from ..conftest import ROLE_AGENCY
from ..factories import AgencyFactory, SharingAgreementFactory, UserFactory
from ..intelligence.conftest import intel_data
from ..referrals.conftest import mash_details, nrm_details

MISSING = 987_654_321


@dataclass
class World:
    users: dict[str, User]
    outsider: User
    # kind -> {"A": id or {role: id}, "B": id}
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)

    def object_id(self, kind: str, variant: str, role: str) -> int:
        if variant == "M":
            # Distinct per kind, so a body naming two missing records names two.
            return MISSING + sum(map(ord, kind))
        value = self.objects[kind][variant]
        if isinstance(value, dict):  # one per role (their own draft, notification, token)
            return int(value.get(role, MISSING))
        return int(value)


def _years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=30)


def build() -> World:
    agencies: dict[str, Agency] = {
        "police": AgencyFactory(
            name="Matrixshire Police",
            short_name="MP",
            kind=AgencyKind.POLICE,
            is_first_responder=True,
        ),
        "trust": AgencyFactory(
            name="Matrixshire Children's Trust",
            short_name="MCT",
            kind=AgencyKind.CHILDRENS_TRUST,
            is_first_responder=True,
        ),
        "school": AgencyFactory(
            name="Matrixshire Academy", short_name="MA", kind=AgencyKind.EDUCATION
        ),
    }
    # The Hub's information-sharing agreement, which every disclosure here relies on.
    SharingAgreementFactory(title="Matrixshire Hub agreement", parties=list(agencies.values()))
    users = {
        role.value: UserFactory(
            username=f"m_{role.value}", role=role, agency=agencies[ROLE_AGENCY[role]]
        )
        for role in Role
    }
    outsider = UserFactory(
        username="m_school_dsl", role=Role.PRACTITIONER, agency=agencies["school"]
    )
    w = World(users=users, outsider=outsider)
    sw, ppu, fib, chair = (
        users["social_worker"],
        users["ppu_coordinator"],
        users["fib_officer"],
        users["hub_chair"],
    )
    casework = sorted(str(r) for r in roles_for("concerns.add_concern"))

    # People and objects: A is Hub-shared (every casework role sees it); B belongs to the
    # school and is not shared (only Hub-wide roles see it).
    child_a = pole.person_create(
        actor=sw,
        given_name="Amber",
        family_name="Matrixcase",
        category="child",
        date_of_birth=_years_ago(14),
        hub_shared=True,
    )
    child_b = pole.person_create(
        actor=outsider,
        given_name="Bella",
        family_name="Hiddencase",
        category="child",
        date_of_birth=_years_ago(14),
    )
    poc_a = pole.person_create(
        actor=sw,
        given_name="Dean",
        family_name="Fictional",
        category="person_of_concern",
        date_of_birth=_years_ago(30),
        hub_shared=True,
    )
    poc_b = pole.person_create(
        actor=outsider,
        given_name="Eddie",
        family_name="Fictional",
        category="person_of_concern",
        date_of_birth=_years_ago(31),
    )
    police_only = pole.person_create(
        actor=fib,
        given_name="Polly",
        family_name="Policeonly",
        category="child",
        date_of_birth=_years_ago(15),
        police_only=True,
    )
    w.objects["person"] = {"A": child_a.pk, "B": child_b.pk}
    w.objects["poc"] = {"A": poc_a.pk, "B": poc_b.pk}
    vehicle_a = pole.vehicle_create(actor=sw, registration="MX10 AAA", colour="Grey")
    vehicle_b = pole.vehicle_create(actor=outsider, registration="MX10 BBB", colour="Red")
    w.objects["vehicle"] = {"A": vehicle_a.pk, "B": vehicle_b.pk}
    location_a = pole.location_create(
        actor=sw,
        name="Fictional Fried Chicken",
        address_line_1="1 Example Parade",
        town="Matrixtown",
        postcode="ZZ1 1AA",
        premises_type="takeaway",
        hub_shared=True,
    )
    location_b = pole.location_create(
        actor=outsider,
        name="Hidden Flat",
        address_line_1="2 Example Row",
        town="Matrixtown",
        postcode="ZZ1 1AB",
    )
    w.objects["location"] = {"A": location_a.pk, "B": location_b.pk}

    # Concerns: A submitted about the shared child; B the outsider's draft. Each casework
    # role has its own draft (the draft pages are the reporter's alone).
    concern_a = concern_services.concern_create(actor=sw, data=complete_payload(child_a.pk))
    concern_b = concern_services.concern_start(actor=outsider, child=child_b)
    w.objects["concern"] = {"A": concern_a.pk, "B": concern_b.pk}

    # Signs of going missing (missing:from-sign): A in a concern about the shared
    # child; B in the outsider's concern about the school's own child.
    def _missing_sign(actor: User, child_id: int) -> int:
        when = (dt.date.today() - dt.timedelta(days=3)).isoformat()
        payload = complete_payload(child_id)
        payload["indicators"] = [
            {"code": "missing_overnight", "observed_on": when, "evidence": "Out all night"}
        ]
        concern = concern_services.concern_create(actor=actor, data=payload)
        return int(concern.observations.get(indicator__code="missing_overnight").pk)

    w.objects["sign"] = {
        "A": _missing_sign(sw, child_a.pk),
        "B": _missing_sign(outsider, child_b.pk),
    }
    w.objects["concern_draft"] = {
        "A": {
            r: concern_services.concern_start(actor=users[r], child=child_a).pk for r in casework
        },
        "B": concern_b.pk,
    }

    # Referrals: A a MASH referral sent by the social worker to the Trust (the sender and
    # the Trust's MASH screener see it); an NRM referral by the same sender; B the
    # outsider's draft. Drafts per role for the draft pages.
    w.objects["referral"] = {
        "A": referrals.referral_create(
            actor=sw, kind="mash", child=child_a, details=mash_details()
        ).pk,
        "B": referrals.referral_start(actor=outsider, kind="mash", child=child_b).pk,
    }
    w.objects["referral_nrm"] = {
        "A": referrals.referral_create(
            actor=sw, kind="nrm", child=child_a, details=nrm_details()
        ).pk,
        "B": w.objects["referral"]["B"],
    }
    w.objects["referral_draft"] = {
        "A": {
            r: referrals.referral_start(actor=users[r], kind="mash", child=child_a).pk
            for r in sorted(str(r) for r in roles_for("referrals.add_referral"))
        },
        "B": w.objects["referral"]["B"],
    }

    # Intelligence: A the outsider's report, graded, sanitised and disseminated to the Hub
    # and to the Trust; B the outsider's draft. Drafts per role.
    sub_a = intel.submission_create(actor=outsider, data=intel_data())
    intel.submission_evaluate(
        actor=fib, submission=sub_a, source_grade="2", intel_grade="B", handling="P"
    )
    intel.submission_sanitise(
        actor=fib, submission=sub_a, text="A grey car has collected a Year 9 pupil from school."
    )
    intel.submission_disseminate(actor=fib, submission=sub_a, recipient_kind="hub", reason="Hub")
    intel.submission_disseminate(
        actor=fib,
        submission=sub_a,
        recipient_kind="agency",
        agency=agencies["trust"],
        reason="Safeguarding",
    )
    sub_b = intel.submission_start(actor=outsider)
    w.objects["submission"] = {"A": sub_a.pk, "B": sub_b.pk}
    w.objects["submission_draft"] = {
        "A": {r: _answered_draft(intel, users[r]) for r in casework},
        "B": sub_b.pk,
    }

    # The crime route: A an entry about the shared child by the social worker, B one by
    # the outsider about theirs; each returned to its submitter, and each referred for
    # crime recording (a crime recorder works every referral).
    returned = {}
    referred = {}
    for key, submitter, child in (("A", sw, child_a), ("B", outsider, child_b)):
        entry = intel.submission_create(actor=submitter, data=intel_data(subject_id=child.pk))
        intel.submission_return(actor=fib, submission=entry, note="Please add the time.")
        returned[key] = entry.pk
        entry = intel.submission_create(actor=submitter, data=intel_data(subject_id=child.pk))
        referred[key] = intel.submission_refer_crime(
            actor=fib, submission=entry, note="A crime: an adult grooming a child."
        ).pk
    w.objects["submission_returned"] = returned
    w.objects["crime_referral"] = referred

    # Shares by hand: A the Trust's share of the shared child with the school; B the
    # outsider's share of a school child with the police. The matrix shares with the police.
    child_c = pole.person_create(
        actor=outsider,
        given_name="Cleo",
        family_name="Sharedcase",
        category="child",
        date_of_birth=_years_ago(13),
    )
    w.objects["shared_person"] = {"A": child_a.pk, "B": child_c.pk}
    w.objects["share"] = {
        "A": pole.person_share(
            actor=sw, person_id=child_a.pk, agency=agencies["school"], reason="Working together"
        ).pk,
        "B": pole.person_share(
            actor=outsider, person_id=child_c.pk, agency=agencies["police"], reason="Police"
        ).pk,
    }
    w.objects["share_agency"] = {"A": agencies["police"].pk, "B": agencies["police"].pk}

    # Account changes waiting for a second system admin: two new police accounts asked
    # for by another admin.
    admin_two = UserFactory(
        username="m_admin_two", role=Role.SYSTEM_ADMIN, agency=agencies["trust"]
    )
    changes = {}
    for key in ("A", "B"):
        new = User(username=f"m_new_fib_{key}", agency=agencies["police"], role=Role.FIB_OFFICER)
        change = account_services.user_save(actor=admin_two, user=new, created=True)
        assert change is not None
        changes[key] = change.pk
    w.objects["change_request"] = changes

    # Disruption: a CPN about each person of concern; a CAWN and a marker (police-only);
    # a plan; a location assessment with one action each.
    cpn_a = tactics.tactic_create(
        actor=sw, tactic_type="cpn", title="CPN", subjects=[(poc_a.pk, "target")]
    )
    cpn_b = tactics.tactic_create(
        actor=outsider, tactic_type="cpn", title="CPN", subjects=[(poc_b.pk, "target")]
    )
    w.objects["tactic"] = {"A": cpn_a.pk, "B": cpn_b.pk}
    cawn = cawns.cawn_issue(
        actor=ppu,
        child=child_a,
        person_of_concern=poc_a,
        authorised_by="parent",
        authorised_by_name="Insp Example",
        review_on=timezone.localdate() + dt.timedelta(days=30),
    )
    w.objects["cawn"] = {"A": cawn.tactic_id, "B": cpn_b.pk}
    marker = markers.marker_add(
        actor=ppu,
        entity_id=poc_a.pk,
        marker_type="cse",
        reason="CSE risk",
        review_on=timezone.localdate() + dt.timedelta(days=30),
    )
    w.objects["marker"] = {"A": marker.tactic_id, "B": cpn_b.pk}
    plan_a = plans.plan_save(
        actor=ppu,
        person_of_concern=poc_a,
        objectives="Disrupt",
        review_on=timezone.localdate() + dt.timedelta(days=30),
    )
    plan_b = plans.plan_save(
        actor=ppu,
        person_of_concern=police_only,
        objectives="Disrupt",
        review_on=timezone.localdate() + dt.timedelta(days=30),
    )
    w.objects["plan"] = {"A": plan_a.pk, "B": plan_b.pk}
    assess_a = assessments.assessment_record(
        actor=sw,
        location_entity_id=location_a.pk,
        assessed_on=timezone.localdate(),
        summary="Young people gather late.",
        actions=[("Licensing visit", "Licensing", None)],
    )
    assess_b = assessments.assessment_record(
        actor=outsider,
        location_entity_id=location_b.pk,
        assessed_on=timezone.localdate(),
        summary="Hidden.",
        actions=[("CCTV check", "PCSO", None)],
    )
    w.objects["location_action"] = {"A": assess_a.actions.get().pk, "B": assess_b.actions.get().pk}

    # The Hub: meeting A lists every role user as attending; meeting B lists nobody (only
    # the chair sees it). An agenda item on each; an action owned by the social worker
    # (the Trust); a missing episode for each child; the two member agencies.
    soon = timezone.now() + dt.timedelta(days=1)
    meeting_a = hub.meeting_schedule(actor=chair, starts_at=soon)
    for user in users.values():
        if user.has_perm("hub.view_meeting"):
            hub.attendance_record(actor=chair, meeting=meeting_a, user=user, agency=user.agency)
    meeting_b = hub.meeting_schedule(actor=chair, starts_at=soon + dt.timedelta(days=7))
    w.objects["meeting"] = {"A": meeting_a.pk, "B": meeting_b.pk}
    item_a = AgendaItem.objects.create(meeting=meeting_a, kind="other", key="aob-a", title="AOB")
    item_b = AgendaItem.objects.create(meeting=meeting_b, kind="other", key="aob-b", title="AOB")
    w.objects["item"] = {"A": item_a.pk, "B": item_b.pk}
    action_a = hub.action_create(
        actor=chair,
        description="Visit school",
        owner=sw,
        owner_agency=agencies["trust"],
        due_on=timezone.localdate() + dt.timedelta(days=7),
        meeting=meeting_a,
    )
    action_b = hub.action_create(
        actor=chair,
        description="Hidden",
        owner=outsider,
        owner_agency=agencies["school"],
        due_on=timezone.localdate() + dt.timedelta(days=7),
        meeting=meeting_b,
    )
    w.objects["hub_action"] = {"A": action_a.pk, "B": action_b.pk}
    w.objects["episode"] = {
        "A": missing_services.episode_record(
            actor=sw, child=child_a, reported_at=timezone.now() - dt.timedelta(hours=5)
        ).pk,
        "B": missing_services.episode_record(
            actor=outsider, child=child_b, reported_at=timezone.now() - dt.timedelta(hours=5)
        ).pk,
    }
    w.objects["member"] = {
        "A": hub.member_set(actor=chair, agency=agencies["trust"], representative=sw, new=True).pk,
        "B": hub.member_set(
            actor=chair, agency=agencies["police"], representative=ppu, new=True
        ).pk,
    }

    # Identity: a pending duplicate pair of two shared children, one with a police-only
    # record; a merge of two shared records and one of police-only records.
    twin = pole.person_create(
        actor=sw,
        given_name="Amber",
        family_name="Matrixcase",
        category="child",
        date_of_birth=_years_ago(14),
        hub_shared=True,
    )
    pair = {"match_weight": 12.0, "match_probability": 0.99, "model_version": "1"}
    w.objects["pair"] = {
        "A": CandidatePair.objects.create(person_a=child_a, person_b=twin, **pair).pk,
        "B": CandidatePair.objects.create(person_a=child_a, person_b=police_only, **pair).pk,
    }
    gone_a = pole.person_create(
        actor=sw,
        given_name="Cara",
        family_name="Merged",
        category="child",
        hub_shared=True,
        date_of_birth=_years_ago(13),
    )
    keep_a = pole.person_create(
        actor=sw,
        given_name="Cara",
        family_name="Merged",
        category="child",
        hub_shared=True,
        date_of_birth=_years_ago(13),
    )
    gone_b = pole.person_create(
        actor=fib,
        given_name="Pat",
        family_name="Merged",
        category="child",
        police_only=True,
        date_of_birth=_years_ago(13),
    )
    keep_b = pole.person_create(
        actor=fib,
        given_name="Pat",
        family_name="Merged",
        category="child",
        police_only=True,
        date_of_birth=_years_ago(13),
    )
    w.objects["merge"] = {
        "A": network.person_merge(
            actor=fib, survivor_id=keep_a.pk, absorbed_id=gone_a.pk, reason="Same child"
        ).pk,
        "B": network.person_merge(
            actor=fib, survivor_id=keep_b.pk, absorbed_id=gone_b.pk, reason="Same child"
        ).pk,
    }

    # Information rights: A about the Trust's records (the Trust's IG and casework roles
    # handle them), B about the school's (its own IG admin logged them): nobody else.
    school_ig = UserFactory(username="m_school_ig", role=Role.IG_ADMIN, agency=agencies["school"])
    ig = users["ig_admin"]

    def _rights(actor: User, person_id: int, kind: str) -> int:
        return rights.request_log(
            actor=actor,
            person_id=person_id,
            kind=kind,
            requester="A. Requester",
            requester_kind="subject",
            authority_checked=True,  # identity checked: the request may be acted on
            grounds="Wrong date of birth",
            received_on=dt.date.today(),
        ).pk

    w.objects["rights_request"] = {
        "A": _rights(ig, child_a.pk, "rectification"),
        "B": _rights(school_ig, child_b.pk, "rectification"),
    }
    restricted_a = pole.person_create(
        actor=sw, given_name="Rhea", family_name="Restricted", category="other"
    )
    restricted_b = pole.person_create(
        actor=outsider, given_name="Rory", family_name="Restricted", category="other"
    )
    for actor, person in ((ig, restricted_a), (school_ig, restricted_b)):
        rights.restriction_apply(
            actor=actor,
            person_id=person.pk,
            reason="Accuracy contested",
            request_id=_rights(actor, person.pk, "restriction"),
        )
    w.objects["restricted"] = {"A": restricted_a.pk, "B": restricted_b.pk}
    # Each entered again by someone who could not find it: an alert to the IG holding the
    # restriction (made directly: the matcher's score is not what is tested here).
    w.objects["duplicate_alert"] = {
        variant: DuplicateAlert.objects.get_or_create(
            restriction=Restriction.objects.get(person_id=person.pk, lifted_at__isnull=True),
            person=pole.person_create(
                actor=actor,
                given_name=person.given_name,
                family_name="Restricted",
                category="other",
            ),
            defaults={"percent": 95},
        )[0].pk
        for variant, actor, person in (("A", sw, restricted_a), ("B", outsider, restricted_b))
    }

    # Subject access (ADR 0025): A logged by the Trust's IG about child A, B by the
    # school's IG about child B; each confirmed (so it has a bundle), and one more of each
    # disclosed for the PDF.
    def _sar(actor: User, person: Any, disclose: bool = False) -> int:
        sar = rights.sar_log(
            actor=actor,
            requester="A. Requester",
            requester_kind="subject",
            authority_checked=True,  # identity checked: it may be approved and disclosed
            given_name=person.given_name,
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
            other_names="",
            received_on=dt.date.today(),
            confirm_duplicate=True,  # a second request for the same child, to disclose
        )
        rights.sar_confirm(actor=actor, sar_id=sar.pk, person_ids=[person.pk])
        if disclose:
            # No override covers police-only records: the handler withholds them.
            for item in BundleItem.objects.filter(sar_id=sar.pk, police_only=True):
                rights.sar_withhold(
                    actor=actor,
                    sar_id=sar.pk,
                    item_id=item.pk,
                    exemption="prejudice_investigation",
                    reason="Matrix",
                )
            _settle_parts(actor, sar.pk)
            rights.sar_disclose(actor=actor, sar_id=sar.pk, recipient="A. Requester", method="post")
        return sar.pk

    sars = {"A": _sar(ig, child_a), "B": _sar(school_ig, child_b)}
    w.objects["sar"] = sars
    # The handler's own agency: never a part it may take over, so the take-over page is
    # 404 for every role here; the allowed case is in tests/rights/test_sar_takeover.py.
    w.objects["sar_own_agency"] = {"A": ig.agency_id, "B": school_ig.agency_id}
    w.objects["sar_item"] = {
        k: BundleItem.objects.filter(sar_id=v).order_by("pk").first().pk  # type: ignore[union-attr]
        for k, v in sars.items()
    }
    w.objects["sar_disclosed"] = {
        "A": _sar(ig, child_a, disclose=True),
        "B": _sar(school_ig, child_b, disclose=True),
    }

    # Retention: a record due for review for the Trust's IG (A) and one for the school's
    # (B); a tombstone of each agency's (a record past its 25th birthday, disposed of).
    long_ago = timezone.now() - dt.timedelta(days=12 * 365)
    born = dt.date(dt.date.today().year - 30, 1, 1)

    def _due(actor: User, name: str) -> Any:
        person = pole.person_create(
            actor=actor,
            given_name=name,
            family_name="Retained",
            category="child",
            date_of_birth=born,
        )
        Entity.objects.filter(pk=person.pk).update(created_at=long_ago, updated_at=long_ago)
        return person

    for agency in (agencies["trust"], agencies["school"]):
        retention.rules_seed(actor=None, agency=agency)
    w.objects["retention_person"] = {
        "A": _due(sw, "Rowan").pk,
        "B": _due(outsider, "Rosa").pk,
    }
    w.objects["tombstone"] = {
        "A": retention.person_dispose(
            actor=ig, person_id=_due(sw, "Tobias").pk, reason="Matrix"
        ).pk,
        "B": retention.person_dispose(
            actor=school_ig, person_id=_due(outsider, "Tessa").pk, reason="Matrix"
        ).pk,
    }
    # Sharing agreements are not scoped: everyone who may read the register reads both.
    # (Expired, so the Hub's agreement stays the only one any share relies on.)
    w.objects["agreement"] = {
        "A": SharingAgreementFactory(
            title="Matrix agreement A",
            parties=[agencies["trust"], agencies["school"]],
            state="expired",
        ).pk,
        "B": SharingAgreementFactory(
            title="Matrix agreement B",
            parties=[agencies["police"], agencies["school"]],
            state="expired",
        ).pk,
    }
    # Exceptional disclosures (no agreement): A made by the Trust, whose IG reviews it; B by
    # the school, which only the school's IG may review.
    w.objects["exceptional_disclosure"] = {
        key: Disclosure.objects.create(
            kind="record_share",
            reference=f"Matrix disclosure {key}",
            from_agency=agencies[agency],
            to_agency=agencies["police"],
            recipient="Matrix police",
            lawful_basis="dpa_sch8_p4",
            exceptional_reason="Matrix: a child missing tonight",
            disclosed_by=by,
        ).pk
        for key, agency, by in (("A", "trust", users["social_worker"]), ("B", "school", school_ig))
    }

    # Per user: a notification and an API token of their own (B: the outsider's).
    everyone = [*users.values(), outsider]
    notes = {
        u.username: notifications.notify(recipients=[u], kind="test", title="Hello", url="/")[0]
        for u in everyone
    }
    w.objects["notification"] = {
        "A": {r: notes[u.username].pk for r, u in users.items()},
        "B": notes[outsider.username].pk,
    }
    # Per user: an email they caused that could not be delivered (B: the outsider's).
    failed = {
        u.username: Delivery.objects.create(
            notification=notes[outsider.username],
            recipient=outsider,
            sender=u,
            channel=DeliveryChannel.EMAIL,
            provider=DeliveryProvider.SMTP,
            status=DeliveryStatus.FAILED,
            attempts=5,
        )
        for u in everyone
    }
    w.objects["delivery"] = {
        "A": {r: failed[u.username].pk for r, u in users.items()},
        "B": failed[outsider.username].pk,
    }
    tokens = {}
    for r, u in [*users.items(), ("outsider", outsider)]:
        if u.has_perm("api.use"):
            issued = token_services.token_create(actor=u, name="Matrix")
            tokens[r] = issued.token.pk
            w.secrets[r] = issued.secret
    w.objects["token"] = {
        "A": {r: t for r, t in tokens.items() if r != "outsider"},
        "B": tokens["outsider"],
    }
    first = AuditEvent.objects.order_by("chain_index").values_list("chain_index", flat=True)
    w.objects["audit"] = {"A": first[0], "B": first[1]}
    return w


def _answered_draft(intel: Any, user: Any) -> int:
    """A draft whose two plain questions are answered (a yes to the crime question) and
    whose details are complete, so its check page and the "report it first" page are
    pages, not redirects (ADR 0019; an incomplete draft's check goes back to its details)."""
    draft = intel.submission_start(actor=user)
    intel.submission_save_draft(
        actor=user,
        submission=draft,
        data=intel_data(mentions=[], anyone_in_danger="no", crime_described="yes"),
    )
    return int(draft.pk)


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
