"""Hub work under racing requests: finalising minutes while an item is recorded, two
people completing one action, and two returns of one missing episode."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cairn.core.concurrency import Conflict
from cairn.hub import services
from cairn.hub.models import Action, AgendaItem, Meeting, MeetingStatus
from cairn.missing import services as missing_services
from cairn.missing.models import MissingEpisode
from cairn.pole.models import Person

from .conftest import ROUNDS, race

pytestmark = pytest.mark.django_db(transaction=True)


def _meeting(chair: Any) -> tuple[Meeting, AgendaItem, AgendaItem]:
    meeting = services.meeting_schedule(
        actor=chair, starts_at=timezone.now() - dt.timedelta(hours=1)
    )
    first, second = (
        AgendaItem.objects.create(meeting=meeting, kind="review_due", key=f"k{n}", title="Item")
        for n in (1, 2)
    )
    services.item_record(actor=chair, item=first, discussion="Discussed")
    return meeting, first, second


def test_finalise_racing_an_item_record(users: dict[str, Any], make_user: Any) -> None:
    chair = users["hub_chair"]
    deputy = make_user("hub_chair", username="deputy_chair")
    for _ in range(ROUNDS):
        meeting, _first, second = _meeting(chair)
        stale_meeting = Meeting.objects.get(pk=meeting.pk)
        stale_item = AgendaItem.objects.select_related("meeting").get(pk=second.pk)

        outcomes = race(
            # The chair confirmed that any item still undiscussed is minuted as not discussed.
            lambda m=stale_meeting: services.minutes_finalise(
                actor=chair, meeting=m, undiscussed_confirmed=True
            ),
            lambda i=stale_item: services.item_record(actor=deputy, item=i, discussion="Late note"),
        )

        meeting.refresh_from_db()
        second.refresh_from_db()
        assert meeting.status == MeetingStatus.FINALISED
        assert outcomes[0].ok, outcomes[0].error
        if outcomes[1].ok:
            # Recorded first; finalising then included it.
            assert second.recorded_at is not None and second.recorded_at <= meeting.finalised_at
        else:
            # Final minutes never change afterwards.
            assert isinstance(outcomes[1].error, Conflict)
            assert "already final" in str(outcomes[1].error)
            assert second.recorded_at is None


def test_two_people_complete_one_action(
    users: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    chair, owner = users["hub_chair"], users["ppu_coordinator"]
    for _ in range(ROUNDS):
        action = services.action_create(
            actor=chair,
            description="Visit the address",
            owner=owner,
            due_on=timezone.localdate() + dt.timedelta(days=3),
        )
        copies = [Action.objects.get(pk=action.pk) for _ in range(2)]

        outcomes = race(
            lambda a=copies[0]: services.action_complete(actor=owner, action=a, note="Visited"),
            lambda a=copies[1]: services.action_complete(actor=chair, action=a, note="Done by me"),
        )

        assert sorted(o.ok for o in outcomes) == [False, True]
        loser = next(o.error for o in outcomes if not o.ok)
        assert isinstance(loser, Conflict) and "already completed" in str(loser)
        action.refresh_from_db()
        winner = next(o.value for o in outcomes if o.ok)
        assert action.completion_note == winner.completion_note


def test_two_returns_of_one_missing_episode(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    worker = users["social_worker"]
    child = make_person(date_of_birth=dt.date(2011, 6, 1))
    for _ in range(ROUNDS):
        episode = missing_services.episode_record(
            actor=worker, child=child, reported_at=timezone.now() - dt.timedelta(hours=10)
        )
        copies = [MissingEpisode.objects.get(pk=episode.pk) for _ in range(2)]
        found = [timezone.now() - dt.timedelta(hours=h) for h in (2, 1)]

        outcomes = race(
            *(
                lambda e=copy, f=when: missing_services.episode_return(
                    actor=worker, episode=e, found_at=f, where_found="Home"
                )
                for copy, when in zip(copies, found, strict=True)
            )
        )

        assert sorted(o.ok for o in outcomes) == [False, True]
        episode.refresh_from_db()
        winner = next(o.value for o in outcomes if o.ok)
        assert episode.found_at == winner.found_at
