"""Who may see what in the Hub. Forbidden and missing both give 404.

- Meetings: the chair (`hub.manage_meeting`) sees every meeting; other casework roles see
  the meetings they are listed at (attending, invited or sending apologies) and those in
  which they own an action.
- Agenda items: a non-chair sees the items about records they may see (the POLE access
  layer decides), and items with no record (actions, other business).
- Actions: the chair sees all; others see the actions they own and those their agency owns.
- Missing episodes: anyone with `hub.view_missing` who may see the child.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cairn.pole.access import entity_visibility_q

from .models import Action, AgendaItem, Attendance, Meeting, MissingEpisode


def is_chair(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm("hub.manage_meeting"))


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    if not user.is_authenticated or not user.has_perm("hub.view_meeting"):
        return Meeting.objects.none()
    if is_chair(user):
        return Meeting.objects.all()
    listed = Attendance.objects.filter(meeting=OuterRef("pk"), user=user)
    owns = Action.objects.filter(meeting=OuterRef("pk"), owner=user)
    return Meeting.objects.filter(Exists(listed) | Exists(owns))


def access_meeting_by_id(user: Any, meeting_id: int) -> Meeting:
    meeting = visible_meetings(user).select_related("chair").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404("No meeting found.")
    return meeting


def access_meeting_to_run(user: Any, meeting_id: int) -> Meeting:
    """Only the chair changes a meeting (agenda, discussion, minutes)."""
    meeting = access_meeting_by_id(user, meeting_id)
    if not is_chair(user):
        raise Http404("No meeting found.")
    return meeting


def visible_items(user: Any, meeting: Meeting) -> QuerySet[AgendaItem]:
    items = AgendaItem.objects.filter(meeting=meeting)
    if is_chair(user):
        return items
    return items.filter(Q(subject__isnull=True) | entity_visibility_q(user, prefix="subject__"))


def access_item_to_run(user: Any, item_id: int) -> AgendaItem:
    item = AgendaItem.objects.select_related("meeting", "subject").filter(pk=item_id).first()
    if item is None or not is_chair(user):
        raise Http404("No agenda item found.")
    return item


def visible_actions(user: Any) -> QuerySet[Action]:
    if not user.is_authenticated or not user.has_perm("hub.view_action"):
        return Action.objects.none()
    if is_chair(user):
        return Action.objects.all()
    return Action.objects.filter(Q(owner=user) | Q(owner_agency_id=user.agency_id))


def access_action_by_id(user: Any, action_id: int) -> Action:
    action = (
        visible_actions(user)
        .select_related("owner", "owner_agency", "meeting", "subject")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise Http404("No action found.")
    return action


def visible_episodes(user: Any) -> QuerySet[MissingEpisode]:
    if not user.is_authenticated or not user.has_perm("hub.view_missing"):
        return MissingEpisode.objects.none()
    return MissingEpisode.objects.filter(entity_visibility_q(user, prefix="child__entity__"))


def access_episode_by_id(user: Any, episode_id: int) -> MissingEpisode:
    episode = (
        visible_episodes(user)
        .select_related("child", "child__entity", "owning_agency", "recorded_by", "rhi_by")
        .filter(pk=episode_id)
        .first()
    )
    if episode is None:
        raise Http404("No missing episode found.")
    return episode
