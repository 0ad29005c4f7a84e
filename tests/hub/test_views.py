"""Hub pages: who may open each one (allowed and denied), the chair's flow through a
meeting, my actions and overdue, missing episodes, Philomena, dashboard, problem profile,
minutes print and PDF. Forbidden and missing both give 404 where a record is involved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cairn.audit.models import AuditEvent
from cairn.hub import dashboard, services
from cairn.hub.models import Action, AgendaItem, Meeting
from cairn.missing.models import MissingEpisode
from cairn.pole import services as pole_services
from cairn.pole.models import Person

from .conftest import ago

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def setup_meeting(
    make_person: Callable[..., Person],
    decide: Callable[..., Any],
    schedule: Callable[..., Meeting],
    chair: Any,
    members: Any,
) -> tuple[Meeting, AgendaItem, Person]:
    child = make_person(given_name="Jade", family_name="Example")
    decide(child, "emerging", ago(days=40))
    decide(child, "significant", ago(days=1))
    meeting = schedule()
    [item] = services.agenda_generate(actor=chair, meeting=meeting)
    return meeting, item, child


def test_a_risk_level_is_agreed_only_for_an_item_about_a_child(
    setup_meeting: tuple[Meeting, AgendaItem, Person],
    make_person: Callable[..., Person],
    chair: Any,
) -> None:
    """One rule (AgendaItem.child) for the page and the service: the page offers a risk
    level exactly when the service accepts one, whatever kind of item it is."""
    meeting, risk_item, _child = setup_meeting
    other_child = make_person(given_name="Ola", family_name="Otherbusiness")
    adult = make_person(given_name="Dean", family_name="Adult", category="person_of_concern")
    about_child, about_adult = (
        AgendaItem.objects.create(
            meeting=meeting, kind="other", subject=person.entity, key=key, title=key
        )
        for person, key in ((other_child, "other-child"), (adult, "other-adult"))
    )
    client = client_for(chair)
    for item, offered in ((risk_item, True), (about_child, True), (about_adult, False)):
        page = client.get(reverse("hub:item", args=[meeting.pk, item.pk])).content.decode()
        assert ('name="agreed_level"' in page) is offered, item.key
        assert ("Philomena profile" in page) is offered, item.key
    services.item_record(actor=chair, item=about_child, discussion="Ok", agreed_level="moderate")
    assert AgendaItem.objects.get(pk=about_child.pk).agreed_level == "moderate"
    with pytest.raises(ValidationError) as refused:
        services.item_record(
            actor=chair, item=about_adult, discussion="Ok", agreed_level="moderate"
        )
    assert refused.value.message_dict["agreed_level"] == [
        "A risk level can only be agreed for a child"
    ]


def test_hub_pages_denied_to_admin_roles(users: dict[str, Any]) -> None:
    for role in ("system_admin", "ig_admin"):
        client = client_for(users[role])
        for name in ("hub:home", "hub:actions", "missing:list", "hub:dashboard"):
            assert client.get(reverse(name)).status_code == 403, (role, name)
    assert Client().get(reverse("hub:home")).status_code == 302


def test_chair_runs_the_meeting(
    setup_meeting: tuple[Meeting, AgendaItem, Person],
    chair: Any,
    users: dict[str, Any],
    make_user: Any,
) -> None:
    meeting, item, _child = setup_meeting
    client = client_for(chair)
    page = client.get(reverse("hub:meeting", args=[meeting.pk]))
    assert page.status_code == 200
    assert "Jade Example" in page.content.decode()
    assert "Risen from emerging to significant" in page.content.decode()
    url = reverse("hub:item", args=[meeting.pk, item.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "form": "item",
            "discussion": "Reviewed the park sightings.",
            "agreed_level": "significant",
            "decisions": "Refer to MASH",
        },
    )
    assert response.status_code == 302
    due = timezone.localdate() + dt.timedelta(days=7)
    response = client.post(
        url,
        {
            "form": "action",
            "action-description": "Visit the family",
            "action-owner": users["social_worker"].pk,
            "action-due_on_day": due.day,
            "action-due_on_month": due.month,
            "action-due_on_year": due.year,
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.owner == users["social_worker"] and action.item == item
    # Errors come back on the page, with the GOV.UK error summary.
    bad = client.post(url, {"form": "action", "action-description": ""})
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()
    # An owner who may not see the child: told beside the owner, what was typed kept.
    school = make_user("practitioner", agency="school", username="school_dsl")
    refused = client.post(
        url,
        {
            "form": "action",
            "action-description": "Check attendance this week",
            "action-owner": school.pk,
            "action-due_on_day": due.day,
            "action-due_on_month": due.month,
            "action-due_on_year": due.year,
        },
    ).content.decode()
    assert "cannot see this record" in refused and "Check attendance this week" in refused
    assert Action.objects.count() == 1
    finalise = reverse("hub:finalise", args=[meeting.pk])
    # The meeting is tomorrow: its minutes cannot be final yet, even when confirmed.
    early = client.get(finalise).content.decode()
    assert "This meeting has not taken place yet" in early
    client.post(finalise, {"confirm": "yes"})
    meeting.refresh_from_db()
    assert meeting.status != "finalised"
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(hours=2))
    # Finalising asks first; nothing changes until the chair confirms.
    asked = client.post(finalise)
    assert asked.status_code == 200 and "Finalise the minutes?" in asked.content.decode()
    meeting.refresh_from_db()
    assert meeting.status != "finalised"
    assert client.post(finalise, {"confirm": "yes"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "finalised"
    minutes = client.get(reverse("hub:minutes", args=[meeting.pk]))
    assert "OFFICIAL-SENSITIVE" in minutes.content.decode()
    pdf = client.get(reverse("hub:minutes-pdf", args=[meeting.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    response = client.post(
        reverse("hub:distribute", args=[meeting.pk]),
        {"agencies": [users["social_worker"].agency_id]},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(event="hub.minutes_distributed").count() == 1


def test_non_chair_cannot_run_and_sees_only_their_meetings(
    setup_meeting: tuple[Meeting, AgendaItem, Person],
    users: dict[str, Any],
    make_user: Callable[..., Any],
) -> None:
    meeting, item, _ = setup_meeting
    invited = client_for(users["social_worker"])  # the Trust's representative
    assert invited.get(reverse("hub:meeting", args=[meeting.pk])).status_code == 200
    assert invited.get(reverse("hub:item", args=[meeting.pk, item.pk])).status_code == 404
    assert invited.post(reverse("hub:agenda-generate", args=[meeting.pk])).status_code == 404
    assert invited.get(reverse("hub:meeting-new")).status_code == 403
    outsider = client_for(make_user("practitioner", agency="school", username="teacher"))
    assert outsider.get(reverse("hub:meeting", args=[meeting.pk])).status_code == 404
    assert outsider.get(reverse("hub:minutes", args=[meeting.pk])).status_code == 404
    assert outsider.get(reverse("hub:meeting", args=[999999])).status_code == 404


def test_my_actions_and_overdue(chair: Any, users: dict[str, Any]) -> None:
    owner = users["social_worker"]
    action = services.action_create(
        actor=chair,
        description="Call the school",
        owner=owner,
        due_on=timezone.localdate() + dt.timedelta(days=2),
    )
    client = client_for(owner)
    page = client.get(reverse("hub:actions")).content.decode()
    assert "Call the school" in page and 'data-testid="overdue"' not in page
    Action.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    page = client.get(reverse("hub:actions") + "?state=overdue").content.decode()
    assert "Call the school" in page and 'data-testid="overdue"' in page
    # A colleague sees it under their agency's actions, not under their own.
    colleague = client_for(users["practitioner"])
    assert "Call the school" not in colleague.get(reverse("hub:actions")).content.decode()
    assert (
        "Call the school" in colleague.get(reverse("hub:actions") + "?view=agency").content.decode()
    )
    # Someone from another agency cannot open it.
    police = client_for(users["fib_officer"])
    assert police.get(reverse("hub:action-detail", args=[action.pk])).status_code == 404
    response = client.post(reverse("hub:action-detail", args=[action.pk]), {"note": "Done"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "complete"


def test_missing_episode_pages(
    make_person: Callable[..., Person], users: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    sw = users["social_worker"]
    child = make_person(given_name="Lola", family_name="Example")
    phone = pole_services.phone_create(actor=sw, number="07700 900123")
    pole_services.link_record(
        actor=sw,
        from_entity_id=child.pk,
        to_entity_id=phone.pk,
        link_type="uses_phone",
        source_note="Told by carer",
    )
    client = client_for(sw)
    reported = timezone.localtime() - dt.timedelta(days=2)
    response = client.post(
        reverse("missing:new", args=[child.pk]),
        {
            "reported_on_day": reported.day,
            "reported_on_month": reported.month,
            "reported_on_year": reported.year,
            "reported_time": "21:30",
            "police_risk_grading": "medium",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    episode = MissingEpisode.objects.get()
    detail = reverse("missing:detail", args=[episode.pk])
    found = timezone.localtime() - dt.timedelta(days=1)
    response = client.post(
        detail,
        {
            "form": "return",
            "ret-found_on_day": found.day,
            "ret-found_on_month": found.month,
            "ret-found_on_year": found.year,
            "ret-found_time": "08:00",
            "ret-where_found": "Train station",
        },
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.rhi_due_at is not None and episode.where_found == "Train station"
    assert "Due" in client.get(detail).content.decode()
    profile = client.get(reverse("hub:philomena", args=[child.pk])).content.decode()
    assert "07700 900123" in profile or "+447700900123" in profile
    assert AuditEvent.objects.filter(event="hub.philomena_viewed", subject_id=child.pk).exists()
    # Another agency's practitioner cannot see the Trust's child or the episode.
    teacher = client_for(make_user("practitioner", agency="school", username="teacher"))
    assert teacher.get(detail).status_code == 404
    assert teacher.get(reverse("hub:philomena", args=[child.pk])).status_code == 404
    assert teacher.get(reverse("missing:new", args=[child.pk])).status_code == 404
    analyst = client_for(users["analyst"])
    assert analyst.get(reverse("missing:new", args=[child.pk])).status_code == 403


def test_dashboard_and_problem_profile_access(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    sw = users["social_worker"]
    child = make_person(given_name="Zoe")
    flat = pole_services.location_create(actor=sw, name="Flat 2", postcode="TS9 9ZZ")
    pole_services.link_record(
        actor=sw,
        from_entity_id=child.pk,
        to_entity_id=flat.pk,
        link_type="stays_at",
        source_note="Test",
    )
    chair = client_for(users["hub_chair"])
    page = chair.get(reverse("hub:dashboard")).content.decode()
    assert "<svg" in page and "as a table" in page
    profile = chair.get(reverse("hub:problem-profile") + "?postcode=TS9").content.decode()
    assert "Zoe" in profile and "Flat 2" in profile
    network = chair.get(reverse("hub:problem-profile") + f"?entity={child.pk}").content.decode()
    assert "Flat 2" in network
    pdf = chair.get(reverse("hub:problem-profile") + "?postcode=TS9&format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(event="hub.problem_profile_viewed").count() == 3
    for role in ("practitioner", "social_worker"):
        client = client_for(users[role])
        assert client.get(reverse("hub:dashboard")).status_code == 403
        assert client.get(reverse("hub:problem-profile")).status_code == 403


def test_dashboard_page_keeps_a_users_count_for_a_minute_and_recounts_on_request(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    """The counts are aggregates over the whole caseload: the page reuses one user's count
    for a minute, says when it was counted, recounts on request, and never shows one
    user the count made for another."""
    chair = client_for(users["hub_chair"])
    first = chair.get(reverse("hub:dashboard"))
    assert 'data-testid="counted-at"' in first.content.decode()
    with CaptureQueriesContext(connection) as reused:
        again = chair.get(reverse("hub:dashboard"))
    assert again.status_code == 200
    assert not [q for q in reused.captured_queries if "concerns_riskdecision" in q["sql"]]
    # Each view is still audited.
    assert AuditEvent.objects.filter(event="hub.dashboard_viewed").count() == 2
    with CaptureQueriesContext(connection) as recounted:
        assert chair.get(reverse("hub:dashboard") + "?recount=1").status_code == 200
    assert [q for q in recounted.captured_queries if "concerns_riskdecision" in q["sql"]]
    with CaptureQueriesContext(connection) as another_user:
        dashboard.panels_for_page(users["analyst"])
    assert [q for q in another_user.captured_queries if "concerns_riskdecision" in q["sql"]]


@pytest.mark.parametrize("typed", ["ts99zz", "TS9 9ZZ", "ts9  9zz", "TS9 9", "ts9"])
def test_problem_profile_area_takes_a_postcode_however_typed(
    users: dict[str, Any], make_person: Callable[..., Person], typed: str
) -> None:
    sw = users["social_worker"]
    child = make_person(given_name="Zoe")
    flat = pole_services.location_create(actor=sw, name="Flat 2", postcode="TS9 9ZZ")
    pole_services.link_record(
        actor=sw,
        from_entity_id=child.pk,
        to_entity_id=flat.pk,
        link_type="stays_at",
        source_note="Test",
    )
    page = client_for(users["hub_chair"]).get(reverse("hub:problem-profile"), {"postcode": typed})
    assert "Flat 2" in page.content.decode()
