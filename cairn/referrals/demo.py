"""Demo referrals for the Northmoor demo hub: MASH, NRM and PPU referrals in every state,
including overdue ones, sent and handled by the demo users through the services. Run after
`manage.py demo_data` (the lead's demo command calls `load_demo`). Everything is invented."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from cairn.accounts.models import User
from cairn.pole.access import visible_people
from cairn.pole.models import Person

from . import services
from .models import Referral

MASH_STORIES = [
    "Seen several times getting into a grey hatchback outside school with adults not known "
    "to the family; has a new phone and trainers she will not explain.",
    "Missing overnight twice this month; returned with a train ticket to a town she has no "
    "links with and cash she would not account for.",
    "A new group of older friends; an older man collects him from the youth club and he says "
    "he 'does jobs' for him.",
    "Teachers report she has stopped seeing old friends and talks about a 'boyfriend' aged 22 "
    "she met online.",
]


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _children(user: User, count: int, rng: random.Random) -> list[Person]:
    people = list(visible_people(user).filter(category="child").order_by("pk")[:60])
    rng.shuffle(people)
    return people[:count]


def _mash(child: Person, story: str, referrer: User) -> dict[str, Any]:
    return {
        "concern_summary": story,
        "how_arose": "Reported to me by the child's school and seen by me on a home visit.",
        "parental_responsibility": "Mother (details on the child's record)",
        "ethnicity": child.ethnicity,
        "language": child.first_language or "English",
        "interpreter_needed": "no",
        "child_views": "Says she is fine and that the adults are her friends.",
        "parents_aware": "yes",
        "parents_consent": "yes",
        "first_hand": "yes",
        "child_location": "At home",
        "referrer_name": str(referrer),
        "referrer_role": referrer.job_title or "Practitioner",
        "referrer_agency": referrer.agency.name if referrer.agency else "",
        "referrer_phone": "07700 900321",
    }


def _nrm(child: Person, referrer: User) -> dict[str, Any]:
    return {
        "child_safeguarded": "yes",
        "full_name": child.full_name,
        "sex": child.sex,
        "nationality": "British",
        "interpreter_needed": "no",
        "exploitation_types": ["criminal"],
        "account": "Says older boys made him carry packages by train to another town and keep "
        "a phone for them; he was told he owed them money.",
        "fr_name": str(referrer),
        "fr_role": referrer.job_title or "Social worker",
        "fr_organisation": referrer.agency.name if referrer.agency else "",
        "fr_phone": "07700 900654",
    }


def _backdate(referral: Referral, *, days: float) -> None:
    """Move a referral's clock into the past, so the demo shows overdue ones."""
    shift = dt.timedelta(days=days)
    Referral.objects.filter(pk=referral.pk).update(
        submitted_at=referral.submitted_at - shift if referral.submitted_at else None,
        due_at=referral.due_at - shift if referral.due_at else None,
        created_at=referral.created_at - shift,
    )


def load_demo(*, seed: int = 1) -> None:
    """Idempotent: does nothing if there are referrals already."""
    if Referral.objects.exists():
        return
    rng = random.Random(seed)
    sw, practitioner = _user("sw.demo"), _user("practitioner.demo")
    mash, ppu = _user("mash.demo"), _user("ppu.demo")
    children = _children(sw, 12, rng)
    if len(children) < 12:
        return
    stories = iter(MASH_STORIES * 3)

    def send_mash(child: Person, sender: User = sw) -> Referral:
        return services.referral_create(
            actor=sender, kind="mash", child=child, details=_mash(child, next(stories), sender)
        )

    # MASH: a draft, one waiting in time, one overdue, acknowledged, declined, withdrawn,
    # decided (early help) and decided s47 with a strategy discussion.
    draft = services.referral_start(actor=practitioner, kind="mash", child=children[0])
    services.referral_save_draft(
        actor=practitioner, referral=draft, details={"concern_summary": MASH_STORIES[0]}
    )
    send_mash(children[1])
    overdue = send_mash(children[2], practitioner)
    _backdate(overdue, days=3)
    acked = send_mash(children[3])
    services.referral_transition(actor=mash, referral=acked, action="acknowledge")
    declined = send_mash(children[4], practitioner)
    services.referral_transition(
        actor=mash,
        referral=declined,
        action="decline",
        reason="Already open to the Children's Trust: passed to the allocated social worker.",
    )
    withdrawn = send_mash(children[5])
    services.referral_transition(
        actor=sw, referral=withdrawn, action="withdraw", reason="Sent for the wrong child."
    )
    early = send_mash(children[6])
    services.mash_decision_record(
        actor=mash,
        referral=early,
        outcome="early_help",
        rationale="Needs support below the child-in-need threshold; family agree to early help.",
    )
    s47 = send_mash(children[7])
    services.mash_decision_record(
        actor=mash,
        referral=s47,
        outcome="s47",
        rationale="Reasonable cause to suspect significant harm from exploitation.",
    )
    services.strategy_discussion_record(
        actor=mash,
        referral=s47,
        held_on=timezone.localdate(),
        attendees=services.parse_attendees(
            "Northmoor Police: DS A Pembridge\n"
            "Northmoor Children's Trust: H Quayle, I Castleford-Shaw\n"
            "Heatherfield Academy Trust: A Marchbank"
        ),
        decisions="Single-agency s47 enquiry led by the Trust; joint visit with police today.",
        actions=[
            "Joint home visit today (H Quayle, DS Pembridge)",
            "Check school attendance for the last term (A Marchbank, by Friday)",
        ],
    )

    # NRM: overdue for reasonable grounds, acknowledged with a reference, and accepted
    # with both decisions.
    nrm_overdue = services.referral_create(
        actor=sw, kind="nrm", child=children[8], details=_nrm(children[8], sw)
    )
    _backdate(nrm_overdue, days=10)
    nrm_ref = services.referral_create(
        actor=sw, kind="nrm", child=children[9], details=_nrm(children[9], sw)
    )
    services.nrm_reference_record(actor=sw, referral=nrm_ref, reference="NRM-DEMO-000123")
    nrm_done = services.referral_create(
        actor=sw, kind="nrm", child=children[10], details=_nrm(children[10], sw)
    )
    services.nrm_reference_record(actor=sw, referral=nrm_done, reference="NRM-DEMO-000124")
    services.nrm_decision_record(
        actor=sw,
        referral=nrm_done,
        stage="reasonable",
        outcome="positive",
        decided_on=timezone.localdate(),  # sent today: a decision cannot predate it
    )

    # PPU: one unacknowledged past its time (escalated by the timers), one acknowledged,
    # one accepted.
    late = services.referral_create(
        actor=practitioner,
        kind="ppu",
        child=children[11],
        details={
            "summary": "An adult seen giving her lifts late at night; vehicle details "
            "on the child's record."
        },
    )
    _backdate(late, days=2)
    services.referrals_run_timers()
    for child in children[1:3]:
        ack = services.referral_create(
            actor=sw,
            kind="ppu",
            child=child,
            details={"summary": "Shared for police awareness following the MASH referral."},
        )
        services.referral_transition(actor=ppu, referral=ack, action="acknowledge")
    services.referral_transition(actor=ppu, referral=ack, action="accept")
