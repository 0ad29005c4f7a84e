"""Demo disruption records, one or more of every tactic type, told as one coherent,
non-graphic story around the Northmoor demo hub: a CAWN served on an adult of concern for
a 14-year-old (then breached), a warning letter where a 16-year-old is not eligible,
markers (one overdue for review), a drugs warrant and an enforcement visit at a takeaway,
a car seen twice near a child, an immigration check, each order in the wider toolkit, a
disruption plan and a Contextual Safeguarding assessment of the takeaway. Created through
the services as the demo users. Registrations and addresses are invented."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from cairn.accounts.models import User
from cairn.core.dates import add_months
from cairn.pole import services as pole_services
from cairn.pole.access import visible_entities, visible_people
from cairn.pole.models import Location, Person

from .models import TOOLKIT_TYPES, Tactic, TacticType
from .services import assessments, cawns, markers, plans, tactics, vehicles

PARTNER_LED = {
    TacticType.CPN,
    TacticType.CLOSURE_ORDER,
    TacticType.LICENSING_REVIEW,
    TacticType.TAXI_LICENSING_REVIEW,
}


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def _child(ppu: User, *, under_16: bool, rng: random.Random) -> Person | None:
    today = timezone.localdate()
    children = list(visible_people(ppu).filter(category="child").order_by("pk")[:200])
    rng.shuffle(children)
    for child in children:
        age = child.age_on(today)
        if age is None:
            continue
        if under_16 and age < 16 and child.looked_after in ("no", "s20", "unknown"):
            return child
        if not under_16 and 16 <= age < 18 and child.looked_after in ("no", "s20"):
            return child
    return None


def _location(ppu: User) -> Location:
    found = (
        Location.objects.filter(entity__in=visible_entities(ppu), premises_type="takeaway")
        .order_by("pk")
        .first()
    )
    if found is not None:
        return found
    return pole_services.location_create(
        actor=ppu,
        name="Chicken Shack (fictional)",
        address_line_1="12 Example Parade",
        town="Northmoor",
        postcode="ZZ9 9ZZ",
        premises_type="takeaway",
    )


@transaction.atomic
def load_demo(*, seed: int = 1) -> None:
    rng = random.Random(seed)
    ppu, fib = _user("ppu.demo"), _user("fib.demo")
    if ppu is None or fib is None:
        return
    if Tactic.objects.exists():
        return
    pocs = list(visible_people(ppu).filter(category="person_of_concern").order_by("pk")[:10])
    if not pocs:
        pocs = [
            pole_services.person_create(
                actor=ppu,
                given_name="Darren",
                family_name="Exampleby",
                category="person_of_concern",
                date_of_birth=_days(-365 * 34),
            )
        ]
    poc = pocs[0]
    second_poc = pocs[1] if len(pocs) > 1 else poc
    young = _child(ppu, under_16=True, rng=rng)
    older = _child(ppu, under_16=False, rng=rng)
    place = _location(ppu)
    now = timezone.now()

    if young is not None:
        cawn = cawns.cawn_issue(
            actor=ppu,
            child=young,
            person_of_concern=poc,
            authorised_by="parent",
            authorised_by_name="The child's mother",
            review_on=_days(60),
            notes="Mother asked police to act after repeated late returns.",
            # Used only when the demo's person of concern has no full name or date of birth.
            recipient_description="Man in his thirties, seen with the child near the takeaway",
            recipient_unknown_reason="Known to the family only by a nickname",
        )
        cawns.cawn_record_service(
            actor=ppu,
            cawn=cawn,
            served_by_name="PC Sam Example",
            served_at=now - dt.timedelta(days=20, hours=3),
            served_place="Northmoor police station front counter",
            copied_to_social_care_on=_days(-19),
            social_care_contact="Northmoor MASH",
        )
        cawns.cawn_breach_record(
            actor=ppu,
            cawn=cawn,
            occurred_on=_days(-4),
            evidence="Patrol saw the two together at the bus station at 22:40.",
        )
        for hours in (30, 6):
            vehicles.sighting_record(
                actor=ppu,
                registration="ZM15 XDM",
                seen_at=now - dt.timedelta(hours=hours),
                place="Outside Northmoor Academy",
                occupants="Driver, adult male; a girl in school uniform in the back",
                direction="Towards the ring road",
                child_ids=[young.pk],
                marker_requested=hours == 6,
            )

    target = older or young
    if target is not None:
        tactics.tactic_create(
            actor=ppu,
            tactic_type=TacticType.POC_LETTER,
            title=f"Warning letter to {second_poc.full_name}",
            subjects=[(target.pk, "protected_child"), (second_poc.pk, "target")],
            status="done",
            completed_on=_days(-10),
            outcome="Letter hand-delivered; recipient acknowledged it.",
            notes="The child is 16 and not in care, so a CAWN was not available.",
        )

    markers.marker_add(
        actor=fib,
        entity_id=poc.pk,
        marker_type="cse",
        reason="Adult repeatedly found with missing children.",
        review_on=_days(-5),  # overdue: the review has been missed
    )
    markers.marker_add(
        actor=ppu,
        entity_id=place.pk,
        marker_type="information",
        reason="Young people gather here late at night.",
        review_on=_days(45),
    )
    tactics.tactic_create(
        actor=ppu,
        tactic_type=TacticType.DRUGS_WARRANT,
        title="s23 warrant at the flat above the takeaway",
        subjects=[(place.pk, "location"), (second_poc.pk, "target")],
        status="done",
        completed_on=_days(-30),
        outcome="Cannabis and cash seized; one arrest.",
        detail={
            "address": f"Flat above {place.one_line}",
            "applied_on": _days(-33),
            "granted_on": _days(-32),
            "executed_on": _days(-30),
            "result": "Cannabis and cash seized; one arrest.",
        },
    )
    tactics.tactic_create(
        actor=ppu,
        tactic_type=TacticType.ENFORCEMENT_VISIT,
        title="Joint visit with licensing",
        subjects=[(place.pk, "location")],
        status="done",
        completed_on=_days(-12),
        outcome="Manager given advice; staff trained on spotting exploitation.",
        detail={
            "premises": place.one_line,
            "visited_on": _days(-12),
            "found": "Manager and two staff; no children on the premises.",
        },
    )
    tactics.tactic_create(
        actor=ppu,
        tactic_type=TacticType.IMMIGRATION_CHECK,
        title=f"Immigration check on {second_poc.full_name}",
        subjects=[(second_poc.pk, "target")],
        status="done",
        completed_on=_days(-8),
        outcome="Status unclear; referred.",
        detail={
            "person_id": second_poc.pk,
            "checked_on": _days(-8),
            "result": "unclear",
            "referred_to_immigration_enforcement": True,
            "referred_on": _days(-7),
        },
    )
    for i, tactic_type in enumerate(sorted(TOOLKIT_TYPES)):
        label = TacticType(tactic_type).label
        starts = _days(-20 + i)
        expires = add_months(starts, 3 if tactic_type == TacticType.HOTEL_NOTICE else 12)
        subject = (place.pk, "location")
        if tactic_type in ("sro", "shpo", "stpo", "stro", "civil_injunction", "gang_injunction"):
            subject = (poc.pk if i % 2 else second_poc.pk, "target")
        tactics.tactic_create(
            actor=ppu,
            tactic_type=tactic_type,
            # Council-led orders are shared with partners; police orders stay police-only.
            police_only=tactic_type not in PARTNER_LED,
            title=f"{label} (demo)",
            subjects=[subject],
            status="in_progress",
            started_on=starts,
            review_on=_days(5 + i * 7),
            detail={
                "court_or_authority": "Northmoor Magistrates' Court (fictional)",
                "applied_on": _days(-30 + i),
                "granted_on": starts,
                "starts_on": starts,
                "expires_on": expires,
                "conditions": "Not to approach or contact any child under 18 in Northmoor.",
            },
        )
    against = list(
        Tactic.objects.filter(subjects__entity_id=poc.pk).distinct().values_list("pk", flat=True)
    )
    plans.plan_save(
        actor=ppu,
        person_of_concern=poc,
        objectives=(
            "Stop contact with children; gather evidence of breaches toward a Sexual Risk "
            "Order; close the places used to meet children."
        ),
        review_on=_days(28),
        tactic_ids=against,
    )
    assessments.assessment_record(
        actor=ppu,
        location_entity_id=place.pk,
        assessed_on=_days(-14),
        summary=(
            "Children gather after school and late evenings; free food is offered by older "
            "customers; no staff training on safeguarding."
        ),
        actions=[
            ("Safeguarding training for staff", "Licensing team", _days(14)),
            ("Youth outreach on Friday evenings", "Early help", _days(7)),
        ],
    )
