"""Hub meetings and actions in a person's chronology (missing episodes are added by
cairn/missing/profile.py). A meeting appears only if the user may see it and its minutes
(the rule of the meeting page, access.visible_meetings) and an action only if the user may
open it (access.visible_actions). Two or three queries per profile, however many entries."""

from __future__ import annotations

from django.urls import reverse

from cairn.core.types import Actor
from cairn.pole import chronology
from cairn.pole.models import Person

from .access import items_shown_about, visible_actions
from .models import ActionStatus, AgendaItem


def _item_detail(item: AgendaItem) -> str:
    meeting = item.meeting
    parts = [f"{meeting.reference}, minutes marked {meeting.get_marking_display()}."]
    if meeting.title and meeting.title != meeting.get_meeting_type_display():
        parts.append(f"{meeting.title}.")
    if item.reason:
        parts.append(f"On the agenda: {item.reason}.")
    if item.agreed_level:
        parts.append(f"Agreed risk level: {item.get_agreed_level_display()}.")
    if item.decisions:
        parts.append(f"Decisions: {item.decisions[:200]}")
    elif item.discussion:
        parts.append(f"Discussion: {item.discussion[:200]}")
    if item.next_review_on:
        parts.append(f"Next review {item.next_review_on:%d %b %Y}.")
    return " ".join(parts)


@chronology.register
def meeting_entries(user: Actor, person: Person) -> list[chronology.ChronologyEntry]:
    items = items_shown_about(user, person)
    return [
        chronology.ChronologyEntry(
            when=item.meeting.starts_at,
            title=(
                f"{'Discussed at' if item.discussed else 'On the agenda of'} "
                f"{item.meeting.get_meeting_type_display()} meeting"
            ),
            detail=_item_detail(item),
            source="Hub meetings",
            url=reverse("hub:meeting", args=[item.meeting_id]),
        )
        for item in items
    ]


@chronology.register
def action_entries(user: Actor, person: Person) -> list[chronology.ChronologyEntry]:
    entries = []
    actions = (
        visible_actions(user)
        .filter(subject_id=person.pk)
        .select_related("owner", "owner_agency", "completed_by")
        .order_by("pk")
    )
    for action in actions:
        url = reverse("hub:action-detail", args=[action.pk])
        entries.append(
            chronology.ChronologyEntry(
                when=action.created_at,
                title=f"Hub action {action.reference} agreed",
                detail=f"For {action.owner} ({action.owner_agency.name}), due "
                f"{action.due_on:%d %b %Y}: {action.description[:200]}",
                source="Hub actions",
                url=url,
            )
        )
        if action.status == ActionStatus.COMPLETE and action.completed_at:
            entries.append(
                chronology.ChronologyEntry(
                    when=action.completed_at,
                    title=f"Hub action {action.reference} completed",
                    detail=(f"By {action.completed_by}. " if action.completed_by else "")
                    + action.completion_note[:200],
                    source="Hub actions",
                    url=url,
                )
            )
    return entries
