"""Hub meetings and actions in a person's chronology: a child discussed at a meeting and
an action about them appear for those who may see the meeting (its minutes) and the
action; a user who may not see the meeting sees nothing of it; the profile page shows
the entries with links, in a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.hub import services
from cairn.hub.models import Action, AgendaItem, Meeting
from cairn.pole.chronology import ChronologyEntry, chronology_for
from cairn.pole.models import Person

from .conftest import ago

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def hub_entries(user: Any, person: Person) -> list[ChronologyEntry]:
    return [
        e for e in chronology_for(user, person, []) if e.source in ("Hub meetings", "Hub actions")
    ]


@pytest.fixture
def discussed(
    make_person: Callable[..., Person],
    decide: Callable[..., Any],
    schedule: Callable[..., Meeting],
    chair: Any,
    members: Any,
    users: dict[str, Any],
) -> tuple[Person, Meeting, AgendaItem, Action]:
    """A child on the agenda of a meeting, discussed (level and decisions agreed), with an
    action owned by the police PPU co-ordinator, since completed."""
    child = make_person(given_name="Tia", family_name="Example")
    decide(child, "emerging", ago(days=40))
    decide(child, "moderate", ago(days=1))
    meeting = schedule(starts_at=timezone.now() + dt.timedelta(hours=2))
    [item] = services.agenda_generate(actor=chair, meeting=meeting)
    services.item_record(
        actor=chair,
        item=item,
        discussion="Seen with older males at the retail park.",
        agreed_level="moderate",
        decisions="Strategy discussion and safety plan.",
        next_review_on=meeting.date + dt.timedelta(days=28),
    )
    action = services.action_create(
        actor=chair,
        description="Share the retail park sightings with the school",
        owner=users["ppu_coordinator"],
        due_on=timezone.localdate() + dt.timedelta(days=7),
        item=item,
    )
    services.action_complete(
        actor=users["ppu_coordinator"], action=action, note="Sent to the designated lead."
    )
    item.refresh_from_db()
    action.refresh_from_db()
    return child, meeting, item, action


def test_child_discussed_and_action_appear_for_the_chair(
    discussed: tuple[Person, Meeting, AgendaItem, Action], chair: Any
) -> None:
    child, meeting, _item, action = discussed
    entries = hub_entries(chair, child)
    by_title = {e.title: e for e in entries}
    assert set(by_title) == {
        "Discussed at MACE operational meeting",
        f"Hub action {action.reference} agreed",
        f"Hub action {action.reference} completed",
    }
    met = by_title["Discussed at MACE operational meeting"]
    assert met.when == meeting.starts_at
    assert met.url == reverse("hub:meeting", args=[meeting.pk])
    assert meeting.reference in met.detail and "OFFICIAL-SENSITIVE" in met.detail
    assert "Agreed risk level: Moderate" in met.detail
    assert "Strategy discussion and safety plan." in met.detail
    agreed = by_title[f"Hub action {action.reference} agreed"]
    assert agreed.url == reverse("hub:action-detail", args=[action.pk])
    assert "Share the retail park sightings" in agreed.detail
    done = by_title[f"Hub action {action.reference} completed"]
    assert done.when == action.completed_at
    assert "Sent to the designated lead." in done.detail


def test_an_undiscussed_item_and_a_person_of_concern(
    make_person: Callable[..., Person], schedule: Callable[..., Meeting], chair: Any
) -> None:
    poc = make_person(given_name="Vince", family_name="Example", category="person_of_concern")
    meeting = schedule(meeting_type="mace_strategic", title="Retail park problem")
    AgendaItem.objects.create(
        meeting=meeting,
        kind="person_flagged",
        subject=poc.entity,
        key=f"person-{poc.pk}",
        title=poc.entity.label,
        reason="Linked to 2 children at moderate or significant risk",
    )
    [entry] = hub_entries(chair, poc)
    assert entry.title == "On the agenda of MACE strategic meeting"
    assert "Retail park problem." in entry.detail
    assert "Linked to 2 children" in entry.detail


def test_who_sees_which_entries(
    discussed: tuple[Person, Meeting, AgendaItem, Action], users: dict[str, Any]
) -> None:
    child, meeting, _item, action = discussed
    # Invited to the meeting (trust representative): the meeting, not the police action.
    social_worker = users["social_worker"]
    assert [e.source for e in hub_entries(social_worker, child)] == ["Hub meetings"]
    # The action's owner (police) was not listed at the meeting but owns an action in it,
    # so sees both, as the meeting and action pages do.
    ppu = users["ppu_coordinator"]
    assert {e.source for e in hub_entries(ppu, child)} == {"Hub meetings", "Hub actions"}
    # Denied: a trust practitioner may see the child but neither the meeting nor the action.
    practitioner = users["practitioner"]
    assert any(e.title == "Record created" for e in chronology_for(practitioner, child, []))
    assert hub_entries(practitioner, child) == []
    client = client_for(practitioner)
    assert client.get(reverse("hub:meeting", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("hub:action-detail", args=[action.pk])).status_code == 404


def test_profile_page_renders_the_entries(
    discussed: tuple[Person, Meeting, AgendaItem, Action], chair: Any, users: dict[str, Any]
) -> None:
    child, meeting, _item, action = discussed
    url = reverse("pole:person-detail", args=[child.pk])
    page = client_for(chair).get(url).content.decode()
    assert "Discussed at MACE operational meeting" in page
    assert "from Hub meetings" in page and "from Hub actions" in page
    assert f'href="{reverse("hub:meeting", args=[meeting.pk])}"' in page
    assert f'href="{reverse("hub:action-detail", args=[action.pk])}"' in page
    assert f"Hub action {action.reference} completed" in page
    denied = client_for(users["practitioner"]).get(url)
    assert denied.status_code == 200
    html = denied.content.decode()
    assert "Tia Example" in html
    assert "from Hub meetings" not in html and "from Hub actions" not in html
    assert "Discussed at" not in html and action.reference not in html
    assert reverse("hub:meeting", args=[meeting.pk]) not in html
    # The agreed level joins the trajectory, but not the meeting's discussion.
    assert "older males" not in html


def test_profile_query_count_does_not_grow_with_entries(
    discussed: tuple[Person, Meeting, AgendaItem, Action],
    schedule: Callable[..., Meeting],
    chair: Any,
    users: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    child = discussed[0]
    url = reverse("pole:person-detail", args=[child.pk])
    client = client_for(chair)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(5):
        meeting = schedule(starts_at=ago(days=30 * (n + 1)), title=f"Earlier MACE {n}")
        item = AgendaItem.objects.create(
            meeting=meeting,
            kind="review_due",
            subject=child.entity,
            key=f"child-{child.pk}",
            title=child.entity.label,
        )
        services.action_create(
            actor=chair,
            description=f"Follow-up {n}",
            owner=users["social_worker"],
            due_on=timezone.localdate(),
            item=item,
        )
    with django_assert_max_num_queries(len(one)):
        page = client.get(url).content.decode()
    assert page.count("MACE operational meeting") == 6
    assert page.count("Hub action ACT-") == 7
