"""Actions of a location assessment: marked done and reopened by whoever may change the
assessment (its author, the owning agency, a Hub-wide role), each change audited; anyone
else is refused (404 when they cannot see the assessment, 403 when they only may read)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from cairn.audit.models import AuditEvent
from cairn.disruption.access import access_location_action_by_id, can_change_assessment
from cairn.disruption.models import LocationAction, LocationAssessment
from cairn.disruption.services import assessments

from .conftest import future, past

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def assessment(ppu: Any, location: Any) -> LocationAssessment:
    return assessments.assessment_record(
        actor=ppu,
        location_entity_id=location.pk,
        assessed_on=past(3),
        summary="Young people gather late; staff give free food.",
        actions=[("Licensing visit", "Licensing team", past(1)), ("CCTV check", "PCSO", None)],
    )


@pytest.fixture
def action(assessment: LocationAssessment) -> LocationAction:
    return assessment.actions.get(description="Licensing visit")


def audit_rows(event: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event=event))


def test_owner_marks_an_action_done_then_reopens_it(ppu: Any, action: LocationAction) -> None:
    assessments.location_action_complete(actor=ppu, action=action)
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()
    [done] = audit_rows("location_action.done")
    assert done.actor_id == ppu.pk
    assert done.object_id == str(action.assessment_id)
    assert done.details["action"] == action.pk
    with pytest.raises(ValidationError):  # already done
        assessments.location_action_complete(actor=ppu, action=action)

    assessments.location_action_reopen(actor=ppu, action=action)
    action.refresh_from_db()
    assert action.done_on is None
    assert len(audit_rows("location_action.reopened")) == 1
    with pytest.raises(ValidationError):  # not done any more
        assessments.location_action_reopen(actor=ppu, action=action)


def test_done_date_cannot_be_in_the_future_or_before_the_assessment(
    ppu: Any, action: LocationAction
) -> None:
    with pytest.raises(ValidationError):
        assessments.location_action_complete(actor=ppu, action=action, done_on=future(1))
    with pytest.raises(ValidationError):
        assessments.location_action_complete(actor=ppu, action=action, done_on=past(10))
    action.refresh_from_db()
    assert action.done_on is None
    assert not audit_rows("location_action.done")


@pytest.mark.parametrize("role", ["ppu_coordinator", "fib_officer", "hub_chair", "mash_screener"])
def test_who_may_change_the_actions(
    users: dict[str, Any], assessment: LocationAssessment, role: str
) -> None:
    """The owning agency (police) and Hub-wide roles with the permission."""
    user = users[role]
    assert can_change_assessment(user, assessment)
    found = access_location_action_by_id(user, assessment.actions.order_by("pk")[0].pk)
    assessments.location_action_complete(actor=user, action=found)
    assert audit_rows("location_action.done")[0].actor_id == user.pk


def test_who_may_not(users: dict[str, Any], make_user: Any, action: LocationAction) -> None:
    analyst = users["analyst"]  # Hub-wide and may read it, but may not record
    assert access_location_action_by_id(analyst, action.pk) == action
    assert not can_change_assessment(analyst, action.assessment)
    with pytest.raises(PermissionDenied):
        assessments.location_action_complete(actor=analyst, action=action)
    teacher = make_user("practitioner", agency="school", username="teacher")
    for outsider in (users["social_worker"], teacher, users["system_admin"]):
        with pytest.raises(Exception) as exc:
            access_location_action_by_id(outsider, action.pk)
        assert exc.typename == "Http404"
        with pytest.raises(PermissionDenied):
            assessments.location_action_complete(actor=outsider, action=action)
    action.refresh_from_db()
    assert action.done_on is None
    assert not audit_rows("location_action.done")


def test_location_page_offers_done_and_reopen(
    ppu: Any, location: Any, action: LocationAction
) -> None:
    client = client_for(ppu)
    page_url = f"/disruption/locations/{location.pk}/"
    url = f"/disruption/locations/actions/{action.pk}/done/"
    page = client.get(page_url).content.decode()
    assert f'action="{url}"' in page
    assert 'Mark as done<span class="govuk-visually-hidden"> action: Licensing visit' in page
    assert "Overdue" in page
    assert client.get(url).status_code == 405  # a change is a POST

    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == page_url
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()
    page = client.get(page_url).content.decode()
    assert "Action marked as done: Licensing visit" in page
    assert 'Reopen<span class="govuk-visually-hidden"> action: Licensing visit' in page
    assert "Overdue" not in page

    client.post(url)  # done twice: explained, not an error page
    assert "This action was already marked as done" in client.get(page_url).content.decode()

    client.post(url, {"reopen": "1"})
    action.refresh_from_db()
    assert action.done_on is None
    events = AuditEvent.objects.filter(event__startswith="location_action.")
    assert [e.event for e in events.order_by("chain_index")] == [
        "location_action.done",
        "location_action.reopened",
    ]


def test_location_action_pages_denied(
    users: dict[str, Any], location: Any, action: LocationAction
) -> None:
    url = f"/disruption/locations/actions/{action.pk}/done/"
    analyst = client_for(users["analyst"])
    page = analyst.get(f"/disruption/locations/{location.pk}/").content.decode()
    assert "Licensing visit" in page and "Mark as done" not in page
    assert analyst.post(url).status_code == 403
    assert client_for(users["social_worker"]).post(url).status_code == 404
    assert client_for(users["system_admin"]).post(url).status_code == 403
    missing = "/disruption/locations/actions/999999/done/"
    assert client_for(users["ppu_coordinator"]).post(missing).status_code == 404
    action.refresh_from_db()
    assert action.done_on is None
    assert not AuditEvent.objects.filter(event__startswith="location_action.").exists()
