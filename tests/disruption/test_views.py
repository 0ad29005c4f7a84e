"""Disruption pages: allowed and denied users for each, the CAWN flow (eligible and not),
service, breach, printable notice, markers, other tactics, sightings, profiles, plans."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cairn.audit.models import AuditEvent
from cairn.disruption.models import Cawn, Marker, Tactic, TacticShare
from cairn.disruption.services import cawns, markers
from cairn.pole.models import Person

from .conftest import future, past

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def date_fields(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


@pytest.fixture
def cawn(ppu: Any, child: Person, poc: Person) -> Cawn:
    return cawns.cawn_issue(
        actor=ppu,
        child=child,
        person_of_concern=poc,
        authorised_by="parent",
        authorised_by_name="Pat Testcase",
        review_on=future(90),
    )


def test_index_allowed_and_denied(users: dict[str, Any], cawn: Cawn) -> None:
    response = client_for(users["ppu_coordinator"]).get("/disruption/")
    assert response.status_code == 200
    assert cawn.tactic.reference in response.content.decode()
    assert client_for(users["system_admin"]).get("/disruption/").status_code == 403
    assert client_for(users["ig_admin"]).get("/disruption/").status_code == 403
    trust = client_for(users["social_worker"]).get("/disruption/")
    assert trust.status_code == 200 and cawn.tactic.reference not in trust.content.decode()
    assert Client().get("/disruption/").status_code == 302


def test_index_filters_by_type(ppu: Any, cawn: Cawn, poc: Person) -> None:
    markers.marker_add(
        actor=ppu, entity_id=poc.pk, marker_type="cse", reason="R", review_on=future(10)
    )
    body = client_for(ppu).get("/disruption/?tactic_type=marker").content.decode()
    assert "Marker on" in body and "CAWN: Dean" not in body


def test_detail_allowed_denied_and_audited(users: dict[str, Any], cawn: Cawn) -> None:
    url = f"/disruption/tactics/{cawn.tactic_id}/"
    response = client_for(users["fib_officer"]).get(url)
    assert response.status_code == 200
    assert "Not served yet" in response.content.decode()
    assert AuditEvent.objects.filter(event="tactic.viewed", actor=users["fib_officer"]).exists()
    assert client_for(users["social_worker"]).get(url).status_code == 404
    assert client_for(users["practitioner"]).get("/disruption/tactics/999999/").status_code == 404


def test_cawn_flow_for_an_eligible_child(ppu: Any, child: Person, poc: Person) -> None:
    client = client_for(ppu)
    page = client.get(f"/disruption/cawn/new/{child.pk}/").content.decode()
    assert "Eligible: the child is 14" in page
    assert "Dean Fictional" in page  # linked person of concern offered
    response = client.post(
        f"/disruption/cawn/new/{child.pk}/",
        {
            "person_of_concern": poc.pk,
            "authorised_by": "parent",
            "authorised_by_name": "Pat Testcase",
            **date_fields("review_on", future(90)),
        },
    )
    cawn = Cawn.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/disruption/tactics/{cawn.tactic_id}/"
    served_on = past(1)
    response = client.post(
        f"/disruption/tactics/{cawn.tactic_id}/service/",
        {
            "served_by_name": "PC Example",
            **date_fields("served_on", served_on),
            "served_time": "14:30",
            "served_place": "Testshire police station",
            **date_fields("copied_to_social_care_on", served_on),
        },
    )
    assert response.status_code == 302
    cawn.refresh_from_db()
    assert cawn.served_by_name == "PC Example"
    assert timezone.localtime(cawn.served_at).strftime("%H:%M") == "14:30"
    response = client.post(
        f"/disruption/tactics/{cawn.tactic_id}/breach/",
        {**date_fields("occurred_on", past(0)), "evidence": "Seen together at the parade"},
    )
    assert response.status_code == 302
    page = client.get(f"/disruption/tactics/{cawn.tactic_id}/").content.decode()
    assert "Seen together at the parade" in page
    assert "Served by PC Example" in page


def test_cawn_form_errors_are_shown(ppu: Any, child: Person, poc: Person) -> None:
    response = client_for(ppu).post(
        f"/disruption/cawn/new/{child.pk}/",
        {
            "person_of_concern": poc.pk,
            "authorised_by": "parent",
            **date_fields("review_on", past(2)),
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Review date must be in the future" in body
    assert "Enter the name of the person who authorised the notice" in body
    assert not Cawn.objects.exists()


def test_cawn_for_an_ineligible_child_explains(ppu: Any, older_child: Person) -> None:
    client = client_for(ppu)
    body = client.get(f"/disruption/cawn/new/{older_child.pk}/").content.decode()
    assert "A CAWN cannot be issued for Robin Exampleton" in body
    assert "Not eligible: the child is 16" in body
    assert "warning letter" in body
    response = client.post(f"/disruption/cawn/new/{older_child.pk}/", {"authorised_by": "parent"})
    assert response.status_code == 200 and not Cawn.objects.exists()


def test_cawn_pages_denied_to_non_police(users: dict[str, Any], child: Person, cawn: Cawn) -> None:
    assert (
        client_for(users["social_worker"]).get(f"/disruption/cawn/new/{child.pk}/").status_code
        == 403
    )
    url = f"/disruption/tactics/{cawn.tactic_id}/service/"
    assert client_for(users["social_worker"]).get(url).status_code == 404
    # The analyst sees the CAWN but may not change it: refused as if it were missing.
    assert client_for(users["analyst"]).get(url).status_code == 404


def test_printable_notice_html_and_pdf(ppu: Any, cawn: Cawn, users: dict[str, Any]) -> None:
    client = client_for(ppu)
    html = client.get(f"/disruption/tactics/{cawn.tactic_id}/notice/")
    assert html.status_code == 200
    assert "Child Abduction Warning Notice" in html.content.decode()
    assert "disruption/notice.css" in html.content.decode()
    pdf = client.get(f"/disruption/tactics/{cawn.tactic_id}/notice/?format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(event="tactic.printed").count() == 2
    denied = client_for(users["social_worker"]).get(f"/disruption/tactics/{cawn.tactic_id}/notice/")
    assert denied.status_code == 404


def test_marker_pages(ppu: Any, poc: Person, users: dict[str, Any]) -> None:
    client = client_for(ppu)
    response = client.post(
        f"/disruption/markers/new/{poc.pk}/",
        {
            "marker_type": "cse",
            "reason": "Associating with children",
            **date_fields("review_on", future(30)),
        },
    )
    marker = Marker.objects.get()
    assert response.status_code == 302
    response = client.post(
        f"/disruption/tactics/{marker.tactic_id}/review/",
        {**date_fields("next_review_on", future(60)), "note": "Still active"},
    )
    assert response.status_code == 302
    response = client.post(
        f"/disruption/tactics/{marker.tactic_id}/remove/", {"reason": "Moved away"}
    )
    assert response.status_code == 302
    marker.refresh_from_db()
    assert marker.removal_reason == "Moved away"
    # Markers are a police tool: refused before the record is looked up (403).
    assert (
        client_for(users["social_worker"]).get(f"/disruption/markers/new/{poc.pk}/").status_code
        == 403
    )


def test_marker_review_date_in_the_past_is_refused(ppu: Any, poc: Person) -> None:
    response = client_for(ppu).post(
        f"/disruption/markers/new/{poc.pk}/",
        {"marker_type": "cse", "reason": "R", **date_fields("review_on", past(1))},
    )
    assert "Review date must be in the future" in response.content.decode()


def test_overdue_marker_shows_as_overdue(ppu: Any, poc: Person) -> None:
    marker = markers.marker_add(
        actor=ppu, entity_id=poc.pk, marker_type="cse", reason="R", review_on=past(3)
    )
    client = client_for(ppu)
    assert (
        "Review overdue" in client.get(f"/disruption/tactics/{marker.tactic_id}/").content.decode()
    )
    index = client.get("/disruption/").content.decode()
    assert 'data-testid="overdue"' in index and marker.tactic.reference in index


@pytest.mark.parametrize(
    ("tactic_type", "extra"),
    [
        ("drugs_warrant", {"address": "1 Example Parade"}),
        (
            "enforcement_visit",
            {"premises": "Fictional Fried Chicken", **date_fields("visited_on", past(1))},
        ),
        (
            "hotel_notice",
            {**date_fields("starts_on", past(1)), **date_fields("expires_on", future(60))},
        ),
        (
            "closure_order",
            {**date_fields("starts_on", past(1)), **date_fields("expires_on", future(90))},
        ),
        ("licensing_review", {}),
    ],
)
def test_other_tactics_at_a_location(
    ppu: Any, location: Any, tactic_type: str, extra: dict[str, str]
) -> None:
    client = client_for(ppu)
    assert client.get(f"/disruption/new/{location.pk}/").status_code == 200
    response = client.post(
        f"/disruption/new/{location.pk}/{tactic_type}/",
        {"title": "At the takeaway", "status": "planned", **extra},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    tactic = Tactic.objects.get()
    assert tactic.tactic_type == tactic_type
    assert (
        client.get(f"/disruption/locations/{location.pk}/").content.decode().count(tactic.reference)
        == 1
    )


def test_hotel_notice_over_six_months_is_refused_on_the_page(ppu: Any, location: Any) -> None:
    response = client_for(ppu).post(
        f"/disruption/new/{location.pk}/hotel_notice/",
        {
            "title": "Hotel",
            "status": "planned",
            **date_fields("starts_on", past(1)),
            **date_fields("expires_on", future(200)),
        },
    )
    assert "at most 6 months" in response.content.decode()
    assert not Tactic.objects.exists()


def test_immigration_check_on_a_person(ppu: Any, poc: Person) -> None:
    response = client_for(ppu).post(
        f"/disruption/new/{poc.pk}/immigration_check/",
        {
            "title": "Check",
            "status": "done",
            "outcome": "Referred",
            **date_fields("checked_on", past(1)),
            "result_choice": "unclear",
            "referred_to_immigration_enforcement": "on",
            **date_fields("referred_on", past(1)),
        },
    )
    assert response.status_code == 302
    assert Tactic.objects.get().immigration.referred_to_immigration_enforcement


def test_police_tactic_types_denied_to_partners(users: dict[str, Any], make_person: Any) -> None:
    sw = users["social_worker"]
    adult = make_person(given_name="Lee", category="person_of_concern", actor=sw)
    client = client_for(sw)
    assert client.get(f"/disruption/new/{adult.pk}/drugs_warrant/").status_code == 403
    assert client.get(f"/disruption/new/{adult.pk}/cpn/").status_code == 200
    assert client.get(f"/disruption/new/{adult.pk}/nonsense/").status_code == 404


def test_sighting_pages(ppu: Any, child: Person, users: dict[str, Any]) -> None:
    client = client_for(ppu)
    for hours in (3, 30):
        seen = timezone.localtime() - dt.timedelta(hours=hours)
        response = client.post(
            f"/disruption/sightings/new/?child={child.pk}",
            {
                "registration": "NM15 ABC",
                **date_fields("seen_on", seen.date()),
                "seen_time": seen.strftime("%H:%M"),
                "place": "Outside the school gates",
                "occupants": "Two adult men",
                "direction": "Towards the ring road",
            },
        )
        assert response.status_code == 302
    page = client.get("/disruption/sightings/").content.decode()
    assert "NM15ABC" in page and "seen 2 times" in page and "Amber Testcase" in page
    vehicle_url = response["Location"]
    assert "Outside the school gates" in client.get(vehicle_url).content.decode()
    assert client_for(users["social_worker"]).get("/disruption/sightings/new/").status_code == 403
    assert client_for(users["social_worker"]).get(vehicle_url).status_code == 404


def test_location_profile_and_assessment(ppu: Any, location: Any, users: dict[str, Any]) -> None:
    client = client_for(ppu)
    response = client.post(
        f"/disruption/locations/{location.pk}/assessment/",
        {
            **date_fields("assessed_on", past(1)),
            "summary": "Young people gather late.",
            "action_1": "Licensing visit",
            "owner_1": "Licensing team",
            **date_fields("due_1", future(7)),
        },
    )
    assert response.status_code == 302
    page = client.get(f"/disruption/locations/{location.pk}/").content.decode()
    assert "Young people gather late." in page and "Licensing visit" in page
    assert AuditEvent.objects.filter(event="location.profile_viewed").exists()
    # The location was created by police, not police-only: a Hub-wide MASH screener sees it.
    assert (
        client_for(users["mash_screener"]).get(f"/disruption/locations/{location.pk}/").status_code
        == 200
    )
    assert (
        client_for(users["system_admin"]).get(f"/disruption/locations/{location.pk}/").status_code
        == 403
    )
    assert (
        client_for(users["practitioner"]).get(f"/disruption/locations/{location.pk}/").status_code
        == 404
    )


def test_plan_pages(ppu: Any, poc: Person, cawn: Cawn, users: dict[str, Any]) -> None:
    client = client_for(ppu)
    response = client.post(
        f"/disruption/plans/new/{poc.pk}/",
        {
            "objectives": "Stop contact with children",
            "tactics": [cawn.tactic_id],
            **date_fields("review_on", future(30)),
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Stop contact with children" in page and cawn.tactic.reference in page
    assert (
        client_for(users["practitioner"]).get(f"/disruption/plans/new/{poc.pk}/").status_code == 403
    )
    assert client_for(users["social_worker"]).get(response["Location"]).status_code == 404


def test_person_profile_sections(ppu: Any, poc: Person, child: Person, cawn: Cawn) -> None:
    client = client_for(ppu)
    poc_page = client.get(f"/people/{poc.pk}/").content.decode()
    assert 'data-testid="disruption-section"' in poc_page
    assert cawn.tactic.reference in poc_page
    assert "Amber Testcase" in poc_page  # linked child
    assert "Make a disruption plan" in poc_page
    child_page = client.get(f"/people/{child.pk}/").content.decode()
    assert "Issue a child abduction warning notice" in child_page
    assert "CAWN: Eligible" in child_page


def test_share_page(ppu: Any, cawn: Cawn, agencies: dict[str, Any], users: dict[str, Any]) -> None:
    url = f"/disruption/tactics/{cawn.tactic_id}/share/"
    assert client_for(users["analyst"]).get(url).status_code == 403
    response = client_for(ppu).post(
        url, {"agency": agencies["trust"].pk, "reason": "Safety planning"}
    )
    assert response.status_code == 302
    assert TacticShare.objects.get().agency == agencies["trust"]
    assert (
        client_for(users["social_worker"]).get(f"/disruption/tactics/{cawn.tactic_id}/").status_code
        == 200
    )


def test_update_page(ppu: Any, cawn: Cawn, users: dict[str, Any]) -> None:
    url = f"/disruption/tactics/{cawn.tactic_id}/update/"
    response = client_for(ppu).post(url, {"status": "cancelled", "outcome": "Child moved"})
    assert response.status_code == 302
    cawn.tactic.refresh_from_db()
    assert cawn.tactic.status == "cancelled"
    # Seen but not changeable: 404, exactly as for a tactic that does not exist.
    assert (
        client_for(users["analyst"]).get(f"/disruption/tactics/{cawn.tactic_id}/").status_code
        == 200
    )
    assert client_for(users["analyst"]).get(url).status_code == 404
    assert client_for(users["analyst"]).get("/disruption/tactics/999999/update/").status_code == 404


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_tracker_query_count_does_not_grow_with_tactics(ppu: Any, poc: Person) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            markers.marker_add(
                actor=ppu, entity_id=poc.pk, marker_type="cse", reason="R", review_on=past(2)
            )

    client = client_for(ppu)
    add(2)
    few = _queries(client, "/disruption/")
    person_few = _queries(client, f"/people/{poc.pk}/")
    add(6)
    assert _queries(client, "/disruption/") == few
    assert _queries(client, f"/people/{poc.pk}/") <= person_few + 2


def test_removing_a_marker_someone_already_removed_explains_it(ppu: Any, poc: Person) -> None:
    """The second of two removals (sent from a page opened before the first) is told the
    marker was already removed and by whom: a 409 page, not a server or permission error."""
    marker = markers.marker_add(
        actor=ppu, entity_id=poc.pk, marker_type="cse", reason="CSE risk", review_on=future(30)
    )
    url = f"/disruption/tactics/{marker.tactic_id}/remove/"
    client = client_for(ppu)
    assert client.post(url, {"reason": "Moved away"}).status_code == 302
    again = client.post(url, {"reason": "In prison"})
    assert again.status_code == 409
    page = again.content.decode()
    assert "Someone else changed this record" in page
    assert "This marker was already removed by" in page
    marker.refresh_from_db()
    assert marker.removal_reason == "Moved away"
