"""Demo data for the Hub: the set-up (members, chair, terms of reference), a past MACE
meeting with minutes and actions (one overdue, one done, one open), a child whose level
rose since, and the next meeting with its generated agenda (which finds the overdue return
home interview of cairn/missing's demo, loaded before this one). Created through the
services as the demo users, then backdated where the story needs the past. All names and
places are fictional."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.accounts.models import User
from cairn.concerns import services as concern_services
from cairn.concerns.demo import load_demo as load_concerns
from cairn.concerns.models import RISK_ORDER, Concern, RiskDecision, RiskLevel
from cairn.concerns.selectors import latest_decision
from cairn.notifications.models import Notification
from cairn.pole.access import visible_people

from . import services
from .models import Action, AgendaItem, HubMember, Meeting

TERMS = (
    "The Exploitation Hub is a multi-agency child exploitation (MACE) meeting chaired by a "
    "detective superintendent. It covers child sexual exploitation, child criminal "
    "exploitation and county lines, and modern slavery.\n\n"
    "Members: Northmoor Police, the Children's Trust, early help, health, education, youth "
    "justice and the voluntary sector. The operational meeting sits every two weeks to "
    "review children at significant risk, persons of concern and locations, and to agree "
    "actions with owners and due dates. The strategic meeting sits quarterly.\n\n"
    "Information is shared under the Hub's information sharing agreement, on a need-to-know "
    "basis. Minutes are OFFICIAL-SENSITIVE and go to member representatives only."
)

MEMBER_USERS = [
    "ppu.demo",
    "sw.demo",
    "earlyhelp.demo",
    "health.demo",
    "school.demo",
    "yjs.demo",
    "charity.demo",
]


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _at(days_ago: float, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=int(days_ago))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _members(chair: User) -> None:
    services.setup_update(
        actor=chair, name="Northmoor Exploitation Hub", chair=chair, terms_of_reference=TERMS
    )
    for username in MEMBER_USERS:
        user = _user(username)
        if (
            user is not None
            and user.agency is not None
            and not HubMember.objects.filter(agency=user.agency).exists()
        ):
            services.member_set(actor=chair, agency=user.agency, representative=user)


def _past_meeting(chair: User, sw: User, ppu: User, eh: User | None) -> Meeting:
    meeting = services.meeting_schedule(
        actor=chair,
        starts_at=_at(14, 10),
        venue="Kettlebridge Police Station, room 2",
        title="MACE operational meeting",
    )
    for username, status in (
        ("sw.demo", "attended"),
        ("ppu.demo", "attended"),
        ("school.demo", "apologies"),
        ("health.demo", "attended"),
    ):
        user = _user(username)
        if user is not None:
            services.attendance_record(actor=chair, meeting=meeting, user=user, status=status)
    items = services.agenda_generate(actor=chair, meeting=meeting)
    review_on = timezone.localdate() + dt.timedelta(days=7)
    owners = [sw, ppu, eh or sw]
    for index, item in enumerate(items[:5]):
        is_child = item.kind in ("risk_raised", "overdue_rhi")
        try:
            services.item_record(
                actor=chair,
                item=item,
                discussion="Partners shared recent contact. School attendance is falling and "
                "she has been seen with older associates near the retail park.",
                agreed_level="significant" if is_child and index == 0 else "",
                decisions="Safety plan to be reviewed; disruption options to be explored.",
                next_review_on=review_on if item.subject_id else None,
            )
        except ValidationError:
            services.item_record(actor=chair, item=item, discussion="Discussed; no change.")
        owner = owners[index % len(owners)]
        services.action_create(
            actor=chair,
            item=item,
            owner=owner,
            description=[
                "Hold a strategy discussion and update the safety plan",
                "Consider a Child Abduction Warning Notice for the adult named",
                "Offer a youth worker through early help",
            ][index % 3],
            due_on=timezone.localdate() + dt.timedelta(days=3 + index),
        )
    # Backdate the story: discussed two weeks ago, minutes final the next day.
    recorded = meeting.starts_at + dt.timedelta(hours=1)
    AgendaItem.objects.filter(meeting=meeting).exclude(recorded_at=None).update(
        recorded_at=recorded
    )
    RiskDecision.objects.filter(source="hub", decided_by=chair).update(decided_at=recorded)
    actions = list(Action.objects.filter(meeting=meeting).order_by("pk"))
    if actions:
        overdue = actions[0]
        overdue.due_on = timezone.localdate() - dt.timedelta(days=4)
        Action.objects.filter(pk=overdue.pk).update(due_on=overdue.due_on)
        # The owner's notice must give the due date the action now has.
        Notification.objects.filter(
            kind="hub.action", object_type="hub.action", object_id=str(overdue.pk)
        ).update(title=services.action_notice_title(overdue))
    if len(actions) > 1:
        done = actions[1]
        services.action_complete(
            actor=done.owner, action=done, note="Strategy discussion held; plan updated."
        )
    services.minutes_finalise(actor=chair, meeting=meeting, undiscussed_confirmed=True)
    Meeting.objects.filter(pk=meeting.pk).update(
        agenda_generated_at=_at(16, 9), finalised_at=_at(13, 16)
    )
    meeting.refresh_from_db()
    agencies = [m.agency for m in HubMember.objects.select_related("agency")[:4]]
    if agencies:
        services.minutes_distribute(actor=chair, meeting=meeting, agencies=agencies)
    return meeting


def _raise_one(sw: User, exclude: set[int]) -> None:
    """A child whose level rises after the last meeting (on the next agenda)."""
    concerns = (
        Concern.objects.filter(reporter=sw, child__isnull=False)
        .exclude(status="draft")
        .exclude(child_id__in=exclude)
        .order_by("pk")
    )

    for concern in concerns:
        assert concern.child is not None
        current = latest_decision(concern.child)
        if current is None or current.level == RiskLevel.SIGNIFICANT:
            continue
        higher = next(
            lvl
            for lvl in RiskLevel.values
            if RISK_ORDER[RiskLevel(lvl)] == RISK_ORDER[RiskLevel(current.level)] + 1
        )
        try:
            concern_services.risk_decision_record(
                actor=sw,
                concern=concern,
                level=higher,
                rationale="New information from school: seen leaving at lunchtime in a car.",
            )
        except ValidationError:
            continue
        return


def load_demo(*, seed: int = 1) -> None:
    chair, sw, ppu = _user("chair.demo"), _user("sw.demo"), _user("ppu.demo")
    if chair is None or sw is None or ppu is None or Meeting.objects.exists():
        return

    load_concerns(seed=seed)  # does nothing if the concerns are already there
    if visible_people(sw).filter(category="child")[:6].count() < 6:
        return
    with transaction.atomic():
        _members(chair)
        past = _past_meeting(chair, sw, ppu, _user("earlyhelp.demo"))
        discussed = set(
            AgendaItem.objects.filter(meeting=past)
            .exclude(subject=None)
            .values_list("subject_id", flat=True)
        )
        _raise_one(sw, discussed)
        upcoming = services.meeting_schedule(
            actor=chair,
            starts_at=_at(-7, 10),
            venue="Kettlebridge Police Station, room 2",
            title="MACE operational meeting",
        )
        services.agenda_generate(actor=chair, meeting=upcoming)
