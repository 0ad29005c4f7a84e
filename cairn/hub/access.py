"""Who may see what in the Hub. Forbidden and missing both give 404.

- Meetings: the chair (`hub.manage_meeting`) sees every meeting; other casework roles see
  the meetings they are listed at (attending, invited or sending apologies) and those in
  which they own an action.
- Agenda items: a non-chair sees the items about records they may see (the POLE access
  layer decides), and items with no record (actions, other business). A person's
  chronology shows the items about them only from meetings the user may see.
- Actions: the chair sees all; others see the actions they own and those their agency owns.
- Missing episodes: anyone with `hub.view_missing` who may see the child.
- Set-up: every Hub user reads it; the chair and system admins (`hub.manage_setup`) change
  it, and anyone else gets 403 on the change pages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cairn.pole.access import entity_visibility_q

from .models import Action, AgendaItem, Attendance, HubMember, Meeting, MissingEpisode


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


def visible_items_about(user: Any, entity_id: int) -> QuerySet[AgendaItem]:
    """Agenda items about one record across the meetings the user may see: the same rule
    as the meeting page and its minutes (`visible_meetings`, then `visible_items`)."""
    items = AgendaItem.objects.filter(subject_id=entity_id, meeting__in=visible_meetings(user))
    if is_chair(user):
        return items
    return items.filter(entity_visibility_q(user, prefix="subject__"))


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


def can_manage_setup(user: Any) -> bool:
    """The Hub's set-up (name, chair, thresholds, member agencies) is kept by the Hub chair
    and system admins (`hub.manage_setup`); others get 403 on the set-up pages."""
    return bool(user.is_authenticated and user.has_perm("hub.manage_setup"))


def can_view_setup(user: Any) -> bool:
    """Everyone who uses the Hub reads its members and terms of reference."""
    return bool(
        user.is_authenticated
        and (user.has_perm("hub.view_meeting") or user.has_perm("hub.manage_setup"))
    )


def access_member_to_manage(user: Any, member_id: int) -> HubMember:
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
