"""A tactic's typed detail names POLE records (the person of an immigration check, the
vehicle and place of a sighting, a CAWN's child and person of concern, a marker's
record). Each must pass the same visibility as the tactic's subjects: a partner who can
see a shared tactic must never learn of a police-only record through its detail."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cairn.disruption.models import ImmigrationCheck, SubjectRole, Tactic, TacticSubject
from cairn.disruption.services import tactics
from cairn.pole import services as pole_services
from cairn.pole.models import Person

from .conftest import past, years_ago

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def hidden_person(ppu: Any) -> Person:
    """A police-only person: no partner agency may see them, even when shared."""
    return pole_services.person_create(
        actor=ppu,
        given_name="Quentin",
        family_name="Hiddenfield",
        category="person_of_concern",
        date_of_birth=years_ago(35),
        police_only=True,
    )


def _immigration_body(child: Person, person: Person) -> dict[str, Any]:
    return {
        "tactic_type": "immigration_check",
        "title": "Immigration check at the flat",
        "subjects": [{"entity_id": child.pk, "role": "protected_child"}],
        "detail": {
            "person_id": person.pk,
            "checked_on": past(2).isoformat(),
            "result": "unclear",
        },
    }


def test_shared_immigration_check_never_names_a_police_only_person(
    api_as: Any, ppu: Any, users: dict[str, Any], child: Person, hidden_person: Person
) -> None:
    """The attack: the person is not among the subjects, the tactic is shared with the
    trust, and the trust reads the person's id (API) and name (web page)."""
    response = api_as(ppu).post("/disruption/tactics", _immigration_body(child, hidden_person))
    assert response.status_code == 201, response.json()
    tactic = Tactic.objects.get(pk=response.json()["id"])
    trust = users["social_worker"].agency
    tactics.tactic_share(actor=ppu, tactic=tactic, agency=trust, reason="Joint planning")
    partner = users["social_worker"]
    # The person the detail names is now a subject, so it is checked both ways.
    assert TacticSubject.objects.filter(tactic=tactic, entity_id=hidden_person.pk).exists()
    api_response = api_as(partner).get(f"/disruption/tactics/{tactic.pk}")
    assert api_response.status_code == 404
    assert str(hidden_person.pk) not in api_response.content.decode()
    page = client_for(partner).get(f"/disruption/tactics/{tactic.pk}/")
    assert page.status_code == 404
    assert "Hiddenfield" not in page.content.decode()
    # The police officer who recorded it still sees the person.
    own = api_as(ppu).get(f"/disruption/tactics/{tactic.pk}").json()
    assert own["detail"]["person_id"] == hidden_person.pk


def test_a_detail_reference_recorded_before_the_fix_is_withheld(
    api_as: Any, ppu: Any, users: dict[str, Any], child: Person, hidden_person: Person
) -> None:
    """A tactic whose detail names a record that is not among its subjects (recorded
    before subjects were kept in step) shows "a person you cannot see" and null."""
    tactic = tactics.tactic_create(
        actor=ppu,
        tactic_type="immigration_check",
        title="Legacy check",
        subjects=[(child.pk, SubjectRole.PROTECTED_CHILD)],
        detail={"person_id": child.pk, "checked_on": past(3), "result": "no_issue"},
        police_only=False,
    )
    # Point the detail at the hidden person behind the service's back (old data).
    ImmigrationCheck.objects.filter(tactic=tactic).update(person=hidden_person)
    partner = users["social_worker"]
    tactics.tactic_share(actor=ppu, tactic=tactic, agency=partner.agency, reason="Planning")
    data = api_as(partner).get(f"/disruption/tactics/{tactic.pk}").json()
    assert data["detail"]["person_id"] is None
    page = client_for(partner).get(f"/disruption/tactics/{tactic.pk}/").content.decode()
    assert "Hiddenfield" not in page
    assert "a person you cannot see" in page.lower()
    # Police still see the name.
    own = client_for(ppu).get(f"/disruption/tactics/{tactic.pk}/").content.decode()
    assert "Quentin Hiddenfield" in own


def test_recording_a_tactic_about_an_unseen_person_is_refused(
    api_as: Any, users: dict[str, Any], ppu: Any, child: Person, hidden_person: Person
) -> None:
    """Write-time check: a writer cannot name a record they may not see (same answer as
    a record that does not exist)."""
    officer = users["fib_officer"]
    ok = api_as(officer).post("/disruption/tactics", _immigration_body(child, hidden_person))
    assert ok.status_code == 201
    sw = users["social_worker"]
    body = {
        "tactic_type": "licensing_review",
        "title": "Review",
        "subjects": [{"entity_id": hidden_person.pk, "role": "target"}],
    }
    denied = api_as(sw).post("/disruption/tactics", body)
    body["subjects"][0]["entity_id"] = 999_999
    missing = api_as(sw).post("/disruption/tactics", body)
    assert denied.status_code == missing.status_code == 404
    assert denied.json() == missing.json()
