"""A small Hub with one record of each kind, so fuzzers reach real ids: agencies, one user
per role, people, objects and links, a concern, referrals, intelligence, tactics, a plan,
a location assessment, a meeting with an action and a missing episode."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from cairn.accounts.models import Agency, User
from cairn.accounts.roles import AgencyKind, Role
from cairn.api_auth import services as tokens
from cairn.audit.models import AuditEvent
from cairn.concerns import services as concerns
from cairn.disruption.services import assessments, cawns, markers, plans, tactics
from cairn.hub import services as hub
from cairn.hub.models import HubMember
from cairn.intelligence import services as intelligence
from cairn.missing import services as missing_services
from cairn.network.models import CandidatePair
from cairn.notifications.models import Notification
from cairn.pole import services as pole
from cairn.referrals import services as referrals

from ..concerns.conftest import complete_payload
from ..conftest import ROLE_AGENCY
from ..factories import AgencyFactory, SharingAgreementFactory, UserFactory
from ..intelligence.conftest import intel_data
from ..referrals.conftest import mash_details, ppu_details


@dataclass
class Hub:
    users: dict[str, User]
    agencies: dict[str, Agency]
    # Real ids by the path/query parameter names that take them.
    ids: dict[str, list[int]] = field(default_factory=dict)

    def add(self, name: str, *ids: int) -> None:
        self.ids.setdefault(name, []).extend(ids)


def seed_hub() -> Hub:
    from cairn.concerns.catalogue import install
    from cairn.concerns.models import Indicator

    if not Indicator.objects.exists():
        install(Indicator)
    agencies = {
        "police": AgencyFactory(
            name="Fuzzshire Police",
            short_name="FP",
            kind=AgencyKind.POLICE,
            is_first_responder=True,
        ),
        "trust": AgencyFactory(
            name="Fuzzshire Children's Trust",
            short_name="FCT",
            kind=AgencyKind.CHILDRENS_TRUST,
            is_first_responder=True,
        ),
    }
    # The Hub's information-sharing agreement, which every disclosure here relies on.
    SharingAgreementFactory(title="Fuzzshire Hub agreement", parties=list(agencies.values()))
    users = {
        role.value: UserFactory(
            username=f"fuzz_{role.value}", role=role, agency=agencies[ROLE_AGENCY[role]]
        )
        for role in Role
    }
    hub_ = Hub(users=users, agencies=agencies)
    sw, ppu, chair = (
        users["social_worker"],
        users["ppu_coordinator"],
        users["hub_chair"],
    )
    today = timezone.localdate()
    HubMember.objects.create(agency=agencies["police"], representative=ppu)
    HubMember.objects.create(agency=agencies["trust"], representative=sw)

    child = pole.person_create(
        actor=sw,
        given_name="Amber",
        family_name="Fuzzcase",
        category="child",
        date_of_birth=today.replace(year=today.year - 14) - dt.timedelta(days=30),
    )
    poc = pole.person_create(
        actor=ppu,
        given_name="Dean",
        family_name="Fictional",
        category="person_of_concern",
        date_of_birth=dt.date(1990, 1, 1),
    )
    phone = pole.phone_create(actor=sw, number="07700 900321")
    vehicle = pole.vehicle_create(actor=ppu, registration="FZ12 ABC", make="Ford")
    place = pole.location_create(
        actor=ppu,
        name="Fictional Fried Chicken",
        address_line_1="1 Example Parade",
        town="Fuzzshire",
        postcode="ZZ1 1AA",
        premises_type="takeaway",
    )
    for a, b, kind in ((child, phone, "uses_phone"), (poc, child, "associate")):
        link = pole.link_record(
            actor=ppu,
            from_entity_id=a.pk,
            to_entity_id=b.pk,
            link_type=kind,
            source_note="Seen together",
        ).link
        hub_.add("link_id", link.pk)
    hub_.add("person_id", child.pk, poc.pk)
    hub_.add("child_id", child.pk)
    hub_.add("entity_id", child.pk, poc.pk, phone.pk, vehicle.pk, place.pk)

    concern = concerns.concern_create(actor=sw, data=complete_payload(child.pk))
    hub_.add("concern_id", concern.pk)
    for kind, details in (("mash", mash_details()), ("ppu", ppu_details())):
        referral = referrals.referral_create(actor=sw, kind=kind, child=child, details=details)
        hub_.add("referral_id", referral.pk)
    submission = intelligence.submission_create(actor=sw, data=intel_data())
    hub_.add("submission_id", submission.pk)

    warrant = tactics.tactic_create(
        actor=ppu,
        tactic_type="drugs_warrant",
        title="Warrant",
        subjects=[(child.pk, "protected_child"), (poc.pk, "target")],
        detail={"address": "1 Example Flats", "applied_on": today},
    )
    cawn = cawns.cawn_issue(
        actor=ppu,
        child=child,
        person_of_concern=poc,
        authorised_by="local_authority",
        authorised_by_name="Insp Example",
        review_on=today + dt.timedelta(days=30),
    )
    marker = markers.marker_add(
        actor=ppu,
        entity_id=vehicle.pk,
        marker_type="warning",
        reason="Seen with a child",
        review_on=today + dt.timedelta(days=30),
    )
    hub_.add("tactic_id", warrant.pk, cawn.tactic_id, marker.tactic_id)
    plan = plans.plan_save(
        actor=ppu,
        person_of_concern=poc,
        objectives="Stop contact with children",
        review_on=today + dt.timedelta(days=30),
        tactic_ids=[warrant.pk],
    )
    hub_.add("plan_id", plan.pk)
    assessment = assessments.assessment_record(
        actor=ppu,
        location_entity_id=place.pk,
        assessed_on=today,
        summary="Late opening",
        actions=[("Ask the owner to install CCTV", "PC Example", None)],
    )
    hub_.add("action_id", *assessment.actions.values_list("pk", flat=True))

    meeting = hub.meeting_schedule(actor=chair, starts_at=timezone.now() + dt.timedelta(days=1))
    hub_.add("meeting_id", meeting.pk)
    action = hub.action_create(
        actor=chair,
        description="Visit the family",
        owner=sw,
        due_on=today + dt.timedelta(days=7),
        meeting=meeting,
    )
    hub_.add("action_id", action.pk)
    episode = missing_services.episode_record(
        actor=chair, child=child, reported_at=timezone.now() - dt.timedelta(hours=5)
    )
    hub_.add("episode_id", episode.pk)
    items = hub.agenda_generate(actor=chair, meeting=meeting)
    hub_.add("meeting_item_id", *[i.pk for i in items[:2]])

    twin = pole.person_create(
        actor=sw,
        given_name="Ambre",
        family_name="Fuzzcase",
        category="child",
        date_of_birth=child.date_of_birth,
    )
    a, b = sorted((child.pk, twin.pk))
    pair = CandidatePair.objects.create(
        person_a_id=a,
        person_b_id=b,
        match_weight=9.5,
        match_probability=0.97,
        model_version="fuzz",
    )
    hub_.add("pair_id", pair.pk)
    hub_.add("member_id", *HubMember.objects.values_list("pk", flat=True))
    hub_.add("notification_id", *Notification.objects.values_list("pk", flat=True)[:2])
    hub_.add("chain_index", *AuditEvent.objects.values_list("chain_index", flat=True)[:2])
    for user in users.values():
        if user.has_perm("api.use"):
            hub_.add("token_id", tokens.token_create(actor=user, name="Seeded").token.pk)
    return hub_


def session_headers(user: Any) -> dict[str, str]:
    """Headers that carry a signed-in session, for a role that may not hold a token."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
