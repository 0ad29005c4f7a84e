"""Vehicle loose ends: "request a marker" on a sighting becomes a task for the marker
owners (a request in status "requested", an inbox item, an audit row), shown on the
vehicle page; the vehicle page shows make, model, colour and the linked people the viewer
may see (a hidden person is neither named nor counted)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from cairn.audit.models import AuditEvent
from cairn.disruption.models import MarkerRequest, VehicleSighting
from cairn.disruption.services import markers, vehicles
from cairn.notifications.models import Notification
from cairn.pole import services as pole_services
from cairn.pole.models import Person

from .conftest import future

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sight(actor: Any, **kw: Any) -> VehicleSighting:
    data: dict[str, Any] = {
        "registration": "NM15 ABC",
        "seen_at": timezone.now() - dt.timedelta(hours=2),
        "place": "Outside the school gates",
    }
    data.update(kw)
    return vehicles.sighting_record(actor=actor, **data)


def test_requesting_a_marker_creates_a_task_for_the_marker_owner(
    ppu: Any, users: dict[str, Any]
) -> None:
    sighting = sight(ppu, marker_requested=True)
    request = MarkerRequest.objects.get()
    assert request.sighting_id == sighting.pk
    assert request.vehicle_id == sighting.vehicle_id
    assert request.status == "requested" and request.requested_by == ppu
    note = Notification.objects.get(kind="disruption.marker_requested")
    assert note.recipient == users["fib_officer"]
    assert "NM15ABC" in note.title or "NM15 ABC" in note.title
    assert note.url == f"/disruption/vehicles/{sighting.vehicle_id}/"
    # Only police marker owners get the task: nobody in the Children's Trust.
    assert not Notification.objects.filter(
        kind="disruption.marker_requested", recipient__agency__kind="childrens_trust"
    ).exists()
    event = AuditEvent.objects.get(event="marker.requested")
    assert event.actor_id == ppu.pk
    assert event.details["marker_request"] == request.pk


def test_a_sighting_without_a_request_creates_no_task(ppu: Any) -> None:
    sight(ppu)
    assert not MarkerRequest.objects.exists()
    assert not Notification.objects.filter(kind="disruption.marker_requested").exists()


def test_marker_request_is_made_once_per_sighting(ppu: Any) -> None:
    sighting = sight(ppu, marker_requested=True)
    again = markers.marker_request_create(actor=ppu, sighting=sighting)
    assert MarkerRequest.objects.count() == 1 and again.pk == MarkerRequest.objects.get().pk
    assert Notification.objects.filter(kind="disruption.marker_requested").count() == 1
    assert AuditEvent.objects.filter(event="marker.requested").count() == 1


def test_partner_cannot_request_a_marker(ppu: Any, users: dict[str, Any]) -> None:
    sighting = sight(ppu)
    with pytest.raises(PermissionDenied):
        markers.marker_request_create(actor=users["social_worker"], sighting=sighting)
    assert not MarkerRequest.objects.exists()


def test_adding_the_marker_answers_the_request(ppu: Any) -> None:
    sighting = sight(ppu, marker_requested=True)
    markers.marker_add(
        actor=ppu,
        entity_id=sighting.vehicle_id,
        marker_type="cse",
        reason="Seen near children repeatedly",
        review_on=future(90),
    )
    request = MarkerRequest.objects.get()
    assert request.status == "added"
    event = AuditEvent.objects.get(event="marker.added")
    assert event.details["answered_requests"] == [request.pk]


def test_request_from_the_sighting_page_shows_on_the_vehicle_page(
    ppu: Any, users: dict[str, Any]
) -> None:
    client = client_for(ppu)
    seen = timezone.localtime() - dt.timedelta(hours=3)
    response = client.post(
        "/disruption/sightings/new/",
        {
            "registration": "NM15 ABC",
            "seen_on_day": seen.day,
            "seen_on_month": seen.month,
            "seen_on_year": seen.year,
            "seen_time": seen.strftime("%H:%M"),
            "place": "Outside the school gates",
            "marker_requested": "on",
        },
    )
    assert response.status_code == 302
    request = MarkerRequest.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="marker-requests"' in page and "Requested" in page
    # The marker owner follows the inbox item to the same page.
    fib_page = client_for(users["fib_officer"]).get(f"/disruption/vehicles/{request.vehicle_id}/")
    assert fib_page.status_code == 200
    assert 'data-testid="marker-requests"' in fib_page.content.decode()
    # A partner may not see the police vehicle at all.
    denied = client_for(users["social_worker"]).get(response["Location"])
    assert denied.status_code == 404


def test_vehicle_page_shows_details_and_only_visible_people(
    ppu: Any, make_user: Any, make_person: Any, users: dict[str, Any]
) -> None:
    viewer = make_user("practitioner", agency="police", username="pc_viewer")
    vehicle = pole_services.vehicle_create(
        actor=ppu, registration="NM15 ABC", make="Vauxhall", model="Corsa", colour="Silver"
    )
    seen: Person = make_person(
        actor=viewer, given_name="Dean", family_name="Driver", category="person_of_concern"
    )
    # Owned by the Children's Trust and not shared: the police practitioner cannot see it.
    hidden: Person = make_person(
        actor=users["social_worker"],
        given_name="Hidden",
        family_name="Passenger",
        category="child",
    )
    for person, link_type in ((seen, "owns_vehicle"), (hidden, "seen_in_vehicle")):
        pole_services.link_record(
            actor=ppu,
            from_entity_id=person.pk,
            to_entity_id=vehicle.pk,
            link_type=link_type,
            source_note="Patrol stop",
        )
    url = f"/disruption/vehicles/{vehicle.pk}/"
    page = client_for(viewer).get(url).content.decode()
    assert 'data-testid="vehicle-make">Vauxhall<' in page
    assert 'data-testid="vehicle-model">Corsa<' in page
    assert 'data-testid="vehicle-colour">Silver<' in page
    people = page[page.index('data-testid="vehicle-people"') :]
    people = people[: people.index("</ul>")]
    assert "Dean Driver" in people and "keeper or driver of" in people
    assert "Hidden" not in page and "Passenger" not in page
    assert people.count("<li>") == 1
    # A Hub-wide role sees both.
    both = client_for(ppu).get(url).content.decode()
    assert "Dean Driver" in both and "Hidden Passenger" in both
    event = AuditEvent.objects.filter(event="vehicle.profile_viewed", actor_id=viewer.pk)
    assert event.count() == 1
