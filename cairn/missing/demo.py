"""Demo data for missing episodes: episodes for four children with return home interviews
in time, late, overdue and declined, one child going missing often enough to raise the
frequent-missing indicator and one overnight. Loaded before the Hub's demo, whose agenda
finds the overdue interview. Created through the services as the demo social worker, at
times in the past; all names and places are fictional."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from cairn.accounts.models import User
from cairn.concerns.demo import load_demo as load_concerns
from cairn.concerns.models import RiskDecision
from cairn.pole.access import visible_people
from cairn.pole.models import Person

from . import services
from .models import MissingEpisode


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _at(days_ago: float, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=int(days_ago))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _missing(sw: User, children: list[Person]) -> None:
    """Episodes for four children: frequent (3 in 80 days), overnight, overdue, declined."""
    frequent, overnight, overdue, declined = children[:4]
    for days, found_after in ((80, 6), (45, 20), (12, 30)):
        ep = services.episode_record(
            actor=sw,
            child=frequent,
            reported_at=_at(days, 19),
            reported_by="Foster carer",
            police_reference=f"NM-{1000 + days}",
            police_risk_grading="medium",
            circumstances="Did not return after school; phone switched off.",
            found_at=_at(days, 19) + dt.timedelta(hours=found_after),
            where_found="Kettlebridge bus station" if days != 12 else "A flat in another town",
            out_of_area=days == 12,
        )
        assert ep.found_at is not None
        completed = ep.found_at + dt.timedelta(hours=40 if days != 45 else 90)
        if days != 12:
            services.rhi_record(
                actor=sw,
                episode=ep,
                offered_on=timezone.localtime(ep.found_at).date(),
                accepted=True,
                completed_at=completed,
                notes="Spoke with an independent worker; said she was with friends.",
            )
    ep = services.episode_record(
        actor=sw,
        child=overnight,
        reported_at=_at(9, 22),
        reported_by="Parent",
        police_risk_grading="high",
        circumstances="Left home late evening after an argument.",
    )
    services.episode_return(
        actor=sw, episode=ep, found_at=_at(8, 7), where_found="Friend's address, Kettlebridge"
    )
    services.rhi_record(
        actor=sw,
        episode=ep,
        offered_on=timezone.localdate() - dt.timedelta(8),
        accepted=True,
        completed_at=_at(7, 15),
        notes="Interview done at school with the school nurse present.",
    )
    services.episode_record(
        actor=sw,
        child=overdue,
        reported_at=_at(6, 17),
        reported_by="Residential home",
        police_risk_grading="medium",
        found_at=_at(5, 11),
        where_found="Retail park",
    )
    ep = services.episode_record(
        actor=sw,
        child=declined,
        reported_at=_at(20, 16),
        reported_by="Parent",
        police_risk_grading="low",
        found_at=_at(20, 23),
        where_found="Returned home",
    )
    services.rhi_record(
        actor=sw,
        episode=ep,
        offered_on=timezone.localdate() - dt.timedelta(19),
        accepted=False,
        notes="Declined; offered again through school.",
    )


def load_demo(*, seed: int = 1) -> None:
    """Four children's episodes, chosen first among those with no risk decision yet (the
    children the Hub's demo chose when it loaded them)."""
    sw = _user("sw.demo")
    if sw is None or MissingEpisode.objects.exists():
        return
    load_concerns(seed=seed)  # does nothing if the concerns are already there
    rng = random.Random(seed)
    children = list(visible_people(sw).filter(category="child").order_by("pk")[:40])
    if len(children) < 6:
        return
    with_decisions = set(
        RiskDecision.objects.filter(child__in=children).values_list("child_id", flat=True)
    )
    quiet = [c for c in children if c.pk not in with_decisions]
    rng.shuffle(quiet)
    with transaction.atomic():
        _missing(sw, (quiet + children)[:4])
