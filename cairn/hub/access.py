"""Who may see what in the Hub. Forbidden and missing both give 404.

- Meetings: the chair (`hub.manage_meeting`) sees every meeting; other casework roles see
  the meetings they are listed at (attending, invited or sending apologies) and those in
  which they own an action.
- Agenda items: everyone, the chair included, sees the items about records they may see
  (the POLE access layer decides: a Hub chair from a partner agency never sees a
  police-only record) and items with no record (actions, other business). A person's
  chronology shows the items about them only from meetings the user may see.
- Actions: the chair sees all, bar those about records they may not see; others see the
  actions they own and those their agency owns.
- Missing episodes: cairn/missing/access.py.
- Set-up: every Hub user reads it; the chair and system admins (`hub.manage_setup`) change
  it, and anyone else gets 403 on the change pages.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.http import Http404

from cairn.audit import services as audit
from cairn.core.text import require_id
from cairn.core.types import Actor
from cairn.pole.access import entity_visibility_q, entity_visibility_q_about, opened_by
from cairn.pole.models import Person

from .models import Action, AgendaItem, Attendance, HubMember, Meeting


def is_chair(user: Actor) -> bool:
    return bool(user.is_authenticated and user.has_perm("hub.manage_meeting"))


def visible_meetings(user: Actor) -> QuerySet[Meeting]:
    if not user.is_authenticated or not user.has_perm("hub.view_meeting"):
        return Meeting.objects.none()
    if is_chair(user):
        return Meeting.objects.all()
    listed = Attendance.objects.filter(meeting=OuterRef("pk"), user=user)
    owns = Action.objects.filter(meeting=OuterRef("pk"), owner=user)
    return Meeting.objects.filter(Exists(listed) | Exists(owns))


def access_meeting_by_id(user: Actor, meeting_id: int) -> Meeting:
    meeting_id = require_id(meeting_id)
    meeting = visible_meetings(user).select_related("chair").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404("No meeting found.")
    return meeting


def access_meeting_to_run(user: Actor, meeting_id: int) -> Meeting:
    """Only the chair changes a meeting (agenda, discussion, minutes)."""
    meeting = access_meeting_by_id(user, meeting_id)
    if not is_chair(user):
        raise Http404("No meeting found.")
    return meeting


def _item_visibility_q(user: Actor) -> Q:
    # No chair bypass: a police chair is Hub-wide and sees every record anyway; a chair
    # from another agency must not see police-only records through the agenda.
    # Never empty: even a user who sees every record is filtered for restricted ones.
    return Q(subject__isnull=True) | entity_visibility_q(user, prefix="subject__")


def visible_items(user: Actor, meeting: Meeting) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(_item_visibility_q(user), meeting=meeting)


def visible_items_about(user: Actor, person: Person) -> QuerySet[AgendaItem]:
    """Agenda items about one person across the meetings the user may see: the same rule
    as the meeting page and its minutes (`visible_meetings`, then `visible_items`), with
    the person's record filter built once per page (`entity_visibility_q_about`)."""
    return AgendaItem.objects.filter(
        entity_visibility_q_about(user, person, "subject__"),
        subject_id=person.pk,
        meeting__in=visible_meetings(user),
    )


def items_shown_about(user: Actor, person: Person) -> list[AgendaItem]:
    """`visible_items_about(user, person)` with each item's meeting, in item order, for a
    profile page. When the page has opened the person for `user`, the items are read by
    their record alone and their meetings checked in one read of `visible_meetings` (none
    for the chair, who sees every meeting), instead of the meeting rule built into the
    items' query: the same items, and one read when there are none."""
    if not opened_by(user, person):
        return list(visible_items_about(user, person).select_related("meeting").order_by("pk"))
    if not user.is_authenticated or not user.has_perm("hub.view_meeting"):
        return []
    items = list(
        AgendaItem.objects.filter(subject_id=person.pk).select_related("meeting").order_by("pk")
    )
    if not items or is_chair(user):
        return items
    meetings = {i.meeting_id for i in items}
    seen = set(visible_meetings(user).filter(pk__in=meetings).values_list("pk", flat=True))
    return [i for i in items if i.meeting_id in seen]


def access_item_to_run(user: Actor, item_id: int) -> AgendaItem:
    if not is_chair(user):
        raise Http404("No agenda item found.")
    item = (
        AgendaItem.objects.select_related("meeting", "subject")
        .filter(_item_visibility_q(user), pk=item_id)
        .first()
    )
    if item is None:
        raise Http404("No agenda item found.")
    return item


def open_item_to_run(user: Actor, meeting_id: int, item_id: int) -> AgendaItem:
    """The chair's page for one agenda item (its discussion, agreed level and actions):
    recorded as a consultation of the record it is about."""
    item = access_item_to_run(user, item_id)
    if item.meeting_id != meeting_id:
        raise Http404("No agenda item found.")
    audit.record(
        actor=user,
        event="hub.item_viewed",
        obj=item,
        subject=item.subject_id,
        justification=f"Opened an agenda item of {item.meeting.reference}",
    )
    return item


def visible_actions(user: Actor) -> QuerySet[Action]:
    if not user.is_authenticated or not user.has_perm("hub.view_action"):
        return Action.objects.none()
    if is_chair(user):
        # Every action, bar those about records the chair may not see (see agenda items).
        return Action.objects.filter(_item_visibility_q(user))
    # An action about a restricted record (cairn/rights) is withheld like the record.
    return Action.objects.filter(
        Q(owner=user) | Q(owner_agency_id=user.agency_id),
        Q(subject__isnull=True) | Q(subject__restricted_since__isnull=True),
    )


def with_reach(user: Actor, actions: QuerySet[Action]) -> QuerySet[Action]:
    """Actions with what `user` may follow from them: `subject_visible` (the record the
    action is about is one they may see: only then is it named), `item_visible` (its
    agenda item is one they may see) and `meeting_visible` (the meeting that agreed it is
    one they may open). Seeing an action (their own, their
    agency's) does not mean seeing its child."""
    seen = entity_visibility_q(user, prefix="subject__")
    return actions.annotate(
        subject_visible=_flag(Q(subject__isnull=False) & seen),
        # The agenda item is shown to whoever sees its record (the action's record).
        item_visible=_flag(Q(item__isnull=False) & (Q(subject__isnull=True) | seen)),
        meeting_visible=Exists(visible_meetings(user).filter(pk=OuterRef("meeting_id"))),
    )


def _flag(q: Q) -> Case:
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def access_action_by_id(user: Actor, action_id: int) -> Action:
    action_id = require_id(action_id)
    action = (
        with_reach(user, visible_actions(user))
        .select_related("owner", "owner_agency", "meeting", "subject", "item")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise Http404("No action found.")
    return action


def view_action(user: Actor, action_id: int, *, source: str | None = None) -> Action:
    """An action opened to read (web or API): recorded as a consultation of the record
    it is about (if any)."""
    action = access_action_by_id(user, action_id)
    audit.record(
        actor=user,
        event="hub.action_viewed",
        obj=action,
        subject=action.subject_id,
        justification=f"Opened action {action.reference}",
        source=source,
    )
    return action


def can_manage_setup(user: Actor) -> bool:
    """The Hub's set-up (name, chair, thresholds, member agencies) is kept by the Hub chair
    and system admins (`hub.manage_setup`); others get 403 on the set-up pages."""
    return bool(user.is_authenticated and user.has_perm("hub.manage_setup"))


def can_view_setup(user: Actor) -> bool:
    """Everyone who uses the Hub reads its members and terms of reference."""
    return bool(
        user.is_authenticated
        and (user.has_perm("hub.view_meeting") or user.has_perm("hub.manage_setup"))
    )


def access_member_to_manage(user: Actor, member_id: int) -> HubMember:
    if not can_manage_setup(user):
        raise PermissionDenied
    member = (
        HubMember.objects.select_related("agency", "representative", "deputy")
        .filter(pk=member_id)
        .first()
    )
    if member is None:
        raise Http404("No member agency found.")
    return member
