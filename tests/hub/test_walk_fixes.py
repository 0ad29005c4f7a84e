"""Defects found by walking the Hub pages in a browser: actions that did not say whom they
were for, a stale discussion form that replaced the agreed risk level, a missing episode
in 1900, agenda numbers that differed per reader and counted hidden items, a future
meeting marked held, and an agenda built late listing what fell due after the meeting."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.concerns.models import RiskDecision
from cairn.core.concurrency import Conflict
from cairn.hub import agenda, services
from cairn.hub.models import AgendaItem, Meeting
from cairn.missing import services as missing_services
from cairn.missing.models import MissingEpisode
from cairn.pole.models import EntityShare, Person

from .conftest import ago

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def child_item(
    make_person: Callable[..., Person],
    decide: Callable[..., Any],
    schedule: Callable[..., Meeting],
    chair: Any,
    members: Any,
) -> AgendaItem:
    child = make_person(given_name="Jade", family_name="Example", date_of_birth=dt.date(2011, 3, 1))
    decide(child, "emerging", ago(days=40))
    decide(child, "moderate", ago(days=1))
    meeting = schedule(starts_at=ago(hours=2))
    [item] = services.agenda_generate(actor=chair, meeting=meeting)
    return item


# 1. Actions say whom they are for --------------------------------------------------------


def test_an_action_names_its_child_only_to_readers_who_may_see_the_child(
    child_item: AgendaItem, chair: Any, users: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    sw = users["social_worker"]
    action = services.action_create(
        actor=chair,
        item=child_item,
        owner=sw,
        description="Hold a strategy discussion",
        due_on=timezone.localdate() + dt.timedelta(days=3),
    )
    profile = reverse("pole:person-detail", args=[child_item.subject_id])
    meeting_url = reverse("hub:meeting", args=[child_item.meeting_id])
    owner = client_for(sw)
    for url in (reverse("hub:actions"), reverse("hub:action-detail", args=[action.pk])):
        page = owner.get(url).content.decode()
        assert "Jade Example" in page and f'href="{profile}"' in page, url
        # The owner attends the meeting: the link goes to the item on its page.
        assert f'href="{meeting_url}#item-{child_item.number}"' in page, url
    data = owner.get(f"/api/v1/hub/actions/{action.pk}").json()
    assert (data["subject_id"], data["item_id"]) == (child_item.subject_id, child_item.pk)
    assert owner.get("/api/v1/hub/actions").json()["results"][0]["subject_id"] == (
        child_item.subject_id
    )
    # The chair's link goes to the item's own page.
    page = client_for(chair).get(reverse("hub:action-detail", args=[action.pk])).content.decode()
    assert reverse("hub:item", args=[child_item.meeting_id, child_item.pk]) in page

    # An owner from another agency who could see the child when given the action (the
    # child was shared with them) and no longer can: the action stays theirs, the child
    # is not named and the item not linked.
    teacher = make_user("practitioner", agency="school", username="teacher")
    child = Person.objects.get(pk=child_item.subject_id)
    share = EntityShare.objects.create(
        entity=child.entity, agency=teacher.agency, shared_by=sw, reason="Hub action"
    )
    theirs = services.action_create(
        actor=chair,
        item=child_item,
        owner=teacher,
        description="Check attendance",
        due_on=timezone.localdate() + dt.timedelta(days=3),
    )
    share.delete()
    school = client_for(teacher)
    for url in (reverse("hub:actions"), reverse("hub:action-detail", args=[theirs.pk])):
        page = school.get(url).content.decode()
        assert "Check attendance" in page, url
        assert "Jade" not in page and profile not in page, url
        assert "About a record you cannot see" in page, url
        assert f"#item-{child_item.number}" not in page, url
    data = school.get(f"/api/v1/hub/actions/{theirs.pk}").json()
    assert data["description"] == "Check attendance"
    assert data["subject_id"] is None and data["item_id"] is None


def test_an_overdue_action_on_the_agenda_is_about_its_child(
    child_item: AgendaItem, chair: Any, users: dict[str, Any], schedule: Callable[..., Meeting]
) -> None:
    action = services.action_create(
        actor=chair,
        item=child_item,
        owner=users["social_worker"],
        description="Hold a strategy discussion",
        due_on=timezone.localdate(),
    )
    later = schedule(starts_at=timezone.now() + dt.timedelta(days=7))
    [item] = [
        i for i in services.agenda_generate(actor=chair, meeting=later) if i.action_id == action.pk
    ]
    assert item.subject_id == child_item.subject_id
    page = client_for(chair).get(reverse("hub:item", args=[later.pk, item.pk])).content.decode()
    assert 'data-testid="item-subject">For Jade Example' in page


# 2. A stale discussion form is refused ---------------------------------------------------


def _item_form(page: str) -> dict[str, str]:
    version = re.search(r'name="version"[^>]* value="([^"]*)"', page)
    assert version is not None
    return {"form": "item", "version": version.group(1)}


def test_a_stale_discussion_form_is_refused_and_keeps_what_was_typed(
    child_item: AgendaItem, chair: Any
) -> None:
    url = reverse("hub:item", args=[child_item.meeting_id, child_item.pk])
    tab_a, tab_b = client_for(chair), client_for(chair)
    form_b = _item_form(tab_b.get(url).content.decode())  # opened first
    form_a = _item_form(tab_a.get(url).content.decode())
    response = tab_a.post(
        url, {**form_a, "discussion": "Agreed: level significant", "agreed_level": "significant"}
    )
    assert response.status_code == 302
    response = tab_b.post(url, {**form_b, "discussion": "No change", "agreed_level": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "recorded this item&#x27;s discussion" in page
    assert "Agreed: level significant" in page  # what tab A recorded
    assert "Risk level agreed: Significant" in page
    assert ">No change</textarea>" in page  # tab B's text is kept
    child_item.refresh_from_db()
    assert child_item.discussion == "Agreed: level significant"
    assert child_item.agreed_level == "significant"
    latest = RiskDecision.objects.filter(child_id=child_item.subject_id).latest("decided_at")
    assert latest.level == "significant" and child_item.risk_decision == latest
    # The refused form now carries the current version: saving it again is deliberate,
    # and "no change" cannot leave the trajectory saying what the item no longer says.
    again = _item_form(page)
    assert again["version"] == child_item.version
    response = tab_b.post(url, {**again, "discussion": "No change", "agreed_level": ""})
    assert response.status_code == 200
    assert "it is on the child&#x27;s risk trajectory" in response.content.decode()
    response = tab_b.post(
        url, {**again, "discussion": "Down to moderate", "agreed_level": "moderate"}
    )
    assert response.status_code == 302
    child_item.refresh_from_db()
    latest = RiskDecision.objects.filter(child_id=child_item.subject_id).latest("decided_at")
    assert child_item.agreed_level == latest.level == "moderate"


def test_item_record_refuses_a_version_that_is_not_the_items(
    child_item: AgendaItem, chair: Any
) -> None:
    shown = child_item.version
    services.item_record(actor=chair, item=child_item, discussion="First", version=shown)
    stale = AgendaItem.objects.get(pk=child_item.pk)
    with pytest.raises(Conflict, match="First"):
        services.item_record(actor=chair, item=stale, discussion="Second", version=shown)
    assert AgendaItem.objects.get(pk=child_item.pk).discussion == "First"


# 3. Missing episodes: not before birth, not years ago ------------------------------------


@pytest.mark.parametrize(
    ("reported", "message"),
    [
        (dt.datetime(1900, 1, 1), "before the child was born (1 March 2011)"),
        (dt.datetime(2011, 2, 28, 12), "before the child was born (1 March 2011)"),
        (None, "within the last 12 months"),
    ],
)
def test_a_missing_episode_is_not_before_birth_nor_over_a_year_ago(
    make_person: Callable[..., Person],
    users: dict[str, Any],
    reported: dt.datetime | None,
    message: str,
) -> None:
    sw = users["social_worker"]
    child = make_person(given_name="Lola", family_name="Example", date_of_birth=dt.date(2011, 3, 1))
    when = timezone.make_aware(reported) if reported else ago(days=400)
    page = client_for(sw).post(
        reverse("missing:new", args=[child.pk]),
        {
            "reported_on_day": when.day,
            "reported_on_month": when.month,
            "reported_on_year": when.year,
            "reported_time": "00:00",
            "police_risk_grading": "medium",
        },
    )
    assert page.status_code == 200
    assert message in page.content.decode()
    api = Client()
    api.force_login(sw)
    response = api.post(
        "/api/v1/hub/missing-episodes",
        {"child_id": child.pk, "reported_at": when.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not MissingEpisode.objects.exists()
    # Eleven months ago is still a current episode.
    missing_services.episode_record(actor=sw, child=child, reported_at=ago(days=330))


# 4. One agenda numbering for everyone, no count of hidden items --------------------------


def test_agenda_numbers_are_the_same_for_every_reader_and_hidden_items_are_not_counted(
    child_item: AgendaItem,
    chair: Any,
    users: dict[str, Any],
    make_person: Callable[..., Person],
    decide: Callable[..., Any],
) -> None:
    police_only = make_person(
        actor=users["fib_officer"], given_name="Pia", family_name="Policeonly", police_only=True
    )
    decide(police_only, "significant", ago(days=1))
    meeting = child_item.meeting
    services.agenda_generate(actor=chair, meeting=meeting)
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position"))
    assert [i.number for i in items] == [1, 2]
    hidden, shown = (items[1], items[0]) if items[1].subject_id == police_only.pk else items
    assert hidden.subject_id == police_only.pk
    sw = client_for(users["social_worker"])  # a Trust member: no police-only records
    for url in (
        reverse("hub:meeting", args=[meeting.pk]),
        reverse("hub:minutes", args=[meeting.pk]),
    ):
        page = sw.get(url).content.decode()
        assert "Policeonly" not in page
        assert f"{shown.number}. " in page
        assert "may not see" not in page and "further item" not in page
    data = sw.get(f"/api/v1/hub/meetings/{meeting.pk}").json()
    assert [i["number"] for i in data["items"]] == [shown.number]
    assert "hidden_items" not in data


# 5. A future meeting is not held; a late agenda lists what was overdue at the meeting --


def test_notes_on_a_future_meeting_do_not_make_it_held(
    schedule: Callable[..., Meeting], chair: Any, members: Any
) -> None:
    meeting = schedule(starts_at=timezone.now() + dt.timedelta(days=3))
    item = AgendaItem.objects.create(meeting=meeting, kind="other", key="aob", title="AOB")
    services.item_record(actor=chair, item=item, discussion="Notes ahead of the meeting")
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"
    past = schedule(starts_at=ago(hours=1))
    item = AgendaItem.objects.create(meeting=past, kind="other", key="aob", title="AOB")
    services.item_record(actor=chair, item=item, discussion="Discussed")
    past.refresh_from_db()
    assert past.status == "held"


def test_an_agenda_built_after_the_meeting_lists_what_was_overdue_at_it(
    schedule: Callable[..., Meeting],
    chair: Any,
    members: Any,
    make_person: Callable[..., Person],
    users: dict[str, Any],
) -> None:
    sw = users["social_worker"]
    child = make_person(given_name="Rhi", family_name="Example")
    episode = missing_services.episode_record(
        actor=sw, child=child, reported_at=ago(days=9), found_at=ago(days=8)
    )
    # The interview fell due 5 days ago, after a meeting held 7 days ago.
    assert episode.rhi_due_at is not None and ago(days=7) < episode.rhi_due_at < ago(days=4)
    meeting = schedule(starts_at=ago(days=7))
    ctx = agenda.AgendaContext(meeting=meeting, setup=services.setup(), since=ago(days=30))
    assert ctx.as_of == meeting.starts_at
    assert not [c for c in agenda.overdue_rhis(ctx) if c.subject_id == child.pk]
    upcoming = schedule(starts_at=timezone.now() + dt.timedelta(days=1))
    ctx = agenda.AgendaContext(meeting=upcoming, setup=services.setup(), since=ago(days=30))
    assert [c for c in agenda.overdue_rhis(ctx) if c.subject_id == child.pk]


def test_refused_episode_times_are_validation_errors(
    make_person: Callable[..., Person], users: dict[str, Any]
) -> None:
    child = make_person(date_of_birth=dt.date(2012, 5, 1))
    with pytest.raises(ValidationError) as exc:
        missing_services.episode_record(
            actor=users["social_worker"],
            child=child,
            reported_at=timezone.make_aware(dt.datetime(1900, 1, 1)),
        )
    assert "reported_at" in exc.value.message_dict
