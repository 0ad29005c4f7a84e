"""Demo concerns that tell coherent, non-graphic stories: a boyfriend-model progression
over five months (emerging -> moderate -> significant), a county-lines case, an online
case for a child under 13 (local rule), a child with a learning disability, and a few
early signs. Created through the services as the demo users, then backdated."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from cairn.accounts.models import User
from cairn.pole.access import visible_entities, visible_people
from cairn.pole.models import Person

from . import services
from .models import Concern, IndicatorObservation, RiskDecision
from .selectors import pathways_for


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def _record(
    actor: User,
    child: Person,
    *,
    days_ago: int,
    narrative: str,
    signs: list[tuple[str, int, str]],
    level: str,
    rationale: str,
    types: list[str],
    model: str = "not_known",
    stage: int | None = None,
    mentions: list[dict[str, Any]] | None = None,
    where: str = "",
    pathways: bool = True,
) -> Concern:
    concern = services.concern_create(
        actor=actor,
        data={
            "child_id": child.pk,
            "reporter_role": actor.job_title,
            "observed_on": _ago(days_ago).isoformat(),
            "observed_where": where,
            "narrative": narrative,
            "exploitation_types": types,
            "exploitation_model": model,
            "boyfriend_stage": stage,
            "indicators": [
                {
                    "code": code,
                    "observed_on": _ago(days_ago + extra).isoformat(),
                    "evidence": evidence,
                }
                for code, extra, evidence in signs
            ],
            "mentions": mentions or [],
            "immediate_danger": "no",
            "crime_disclosed": "no",
        },
    )
    services.risk_decision_record(actor=actor, concern=concern, level=level, rationale=rationale)
    if pathways:
        decisions = {
            rec.code: (
                rec.available,
                "" if rec.available else "Asked the Children's Trust to refer",
            )
            for rec in pathways_for(concern, actor)
        }
        services.pathway_decisions_record(actor=actor, concern=concern, decisions=decisions)
    # Backdate so the demo shows a history (demo only: real records keep their real times).
    when = timezone.now() - dt.timedelta(days=days_ago)
    Concern.objects.filter(pk=concern.pk).update(created_at=when, submitted_at=when)
    RiskDecision.objects.filter(concern=concern).update(decided_at=when + dt.timedelta(hours=2))
    IndicatorObservation.objects.filter(concern=concern).update(recorded_at=when)
    return concern


def _reporter(preferred: User | None, fallback: User, child: Person) -> User:
    """The preferred demo user if they may see the child, else the social worker."""
    if preferred is not None and visible_people(preferred).filter(pk=child.pk).exists():
        return preferred
    return fallback


def _existing_or(actor: User, kind: str, new: dict[str, Any], *, note: str) -> dict[str, Any]:
    """Mention a record the demo hub already holds (so correlations show), else a new one."""

    entity = visible_entities(actor).filter(kind=kind).order_by("pk").first()
    if entity is not None:
        return {"kind": kind, "entity_id": entity.pk, "note": note}
    return {**new, "note": note}


def _children(actor: User) -> list[Person]:
    return list(
        visible_people(actor).filter(category="child").select_related("entity").order_by("pk")
    )


@transaction.atomic
def load_demo(*, seed: int = 1) -> None:
    sw = _user("sw.demo")
    school = _user("school.demo") or _user("practitioner.demo")
    early_help = _user("earlyhelp.demo") or _user("practitioner.demo")
    if sw is None or Concern.objects.exists():
        return
    rng = random.Random(seed)
    pool = _children(sw)
    if len(pool) < 8:
        return
    by_age = sorted(pool, key=lambda p: p.age_on(timezone.localdate()) or 15)
    under_13 = next((p for p in by_age if (p.age_on(timezone.localdate()) or 99) < 13), by_age[0])
    learning = next((p for p in pool if p.has_learning_disability and p is not under_13), None)
    rest = [p for p in pool if p not in (under_13, learning)]
    rng.shuffle(rest)
    girl = next((p for p in rest if p.sex == "female"), rest[0])
    rest.remove(girl)
    boy = next((p for p in rest if p.sex == "male"), rest[0])
    rest.remove(boy)

    # 1. A boyfriend-model progression, over five months.
    _record(
        sw,
        girl,
        days_ago=150,
        where="Kettlebridge town centre",
        narrative=f"{girl.given_name} has new designer clothes and a new phone she says a "
        "friend gave her. She has a new group of older friends.",
        signs=[
            ("unexplained_items", 0, "New phone and clothes, no explanation"),
            ("change_peer_group", 10, "Older friends, not from school"),
        ],
        level="emerging",
        rationale="Early signs; gifts from an unknown source. Monitor.",
        types=["cse"],
        model="boyfriend",
        stage=1,
    )
    _record(
        sw,
        girl,
        days_ago=90,
        where="Home visit",
        narrative=f"{girl.given_name} is staying out late and has stopped seeing her old "
        "friends. Her mother says she talks about a 'boyfriend' who is 'older'.",
        signs=[
            ("staying_out_late", 0, "Three nights last week"),
            ("isolation", 5, "Stopped seeing friends"),
            ("older_boyfriend", 3, "Mother's account"),
        ],
        level="moderate",
        rationale="Boyfriend model stage 2: dependency being created.",
        types=["cse"],
        model="boyfriend",
        stage=2,
    )
    _record(
        sw,
        girl,
        days_ago=14,
        where="Outside the Harbour View takeaway",
        narrative=f"{girl.given_name} was seen getting into a silver car driven by an adult "
        "man. She was reported missing overnight two days later.",
        signs=[
            ("getting_into_cars", 0, "Seen by a youth worker"),
            ("missing_overnight", -2, "Returned the next morning"),
            ("exploitation_locations", 0, "Takeaway known to police"),
        ],
        level="significant",
        rationale="Stage 3: he controls where she goes. Two significant signs recently.",
        types=["cse"],
        model="boyfriend",
        stage=3,
        mentions=[
            _existing_or(
                sw,
                "vehicle",
                {"kind": "vehicle", "registration": "ZK61 KVT", "make": "Ford", "colour": "Silver"},
                note="Collected her",
            )
        ],
    )

    # 2. County lines.
    boy_reporter = _reporter(early_help, sw, boy)
    _record(
        boy_reporter,
        boy,
        days_ago=21,
        where="Dunholt railway station",
        narrative=f"{boy.given_name} was found by transport police two counties away, with "
        "two phones and a train ticket he could not have paid for.",
        signs=[
            ("found_out_of_area", 0, "Found by transport police"),
            ("multiple_phones", 0, "Two handsets"),
            ("unusual_travel", 0, "Open return ticket"),
            ("school_absence", 20, "Attendance down to 60%"),
        ],
        level="significant",
        rationale="Classic county-lines signs; NRM to be considered.",
        types=["county_lines", "cce"],
        model="gang",
        mentions=[
            _existing_or(
                boy_reporter,
                "phone",
                {"kind": "phone", "number": "07700 900998"},
                note="Second handset",
            )
        ],
    )

    # 3. Online, a child under 13 (local rule: never 'none' with indicators present).
    _record(
        _reporter(school, sw, under_13),
        under_13,
        days_ago=30,
        where="School",
        narrative=f"{under_13.given_name} told a teacher that someone she met in a game sends "
        "her game credit and asks her to keep their chats secret.",
        signs=[
            ("online_unknown_adults", 0, "Told a teacher"),
            ("online_gifts", 0, "Game credit"),
            ("secretive_online", 0, "Asked to keep chats secret"),
        ],
        level="moderate",
        rationale="Grooming pattern online; child is under 13.",
        types=["online", "cse"],
        model="online",
        mentions=[
            {
                "kind": "online_account",
                "platform": "discord",
                "handle": "@starfall_77",
                "note": "The contact's account",
            }
        ],
    )

    # 4. A child with a learning disability: vulnerabilities only, local rule applies.
    if learning is not None:
        _record(
            sw,
            learning,
            days_ago=40,
            narrative=f"{learning.given_name} has been lonely since moving placement and "
            "has no trusted adult at the new home.",
            signs=[("isolation", 0, "Placement move"), ("no_trusted_adult", 0, "")],
            level="emerging",
            rationale="Local rule for learning disability; keep under review.",
            types=[],
            pathways=False,
        )

    # 5. Early signs for a few others.
    for child in rest[:6]:
        days = rng.randint(5, 120)
        _record(
            _reporter(early_help, sw, child),
            child,
            days_ago=days,
            narrative=f"{child.given_name} has been staying out late and missing school.",
            signs=[
                ("staying_out_late", 0, "Reported by parent"),
                ("school_absence", rng.randint(0, 20), "Attendance falling"),
            ],
            level="emerging",
            rationale="Early signs only; early help offered.",
            types=[],
            pathways=False,
        )
