"""CAWN loose ends: the recipient must be identified (full name and date of birth) or
described with the reason why not; the notice's wording of the legal basis; the CAWN in
the recipient's own tactic list."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client

from cairn.audit.models import AuditEvent
from cairn.disruption.models import Cawn, Tactic, TacticSubject
from cairn.disruption.services import cawns
from cairn.pole import services as pole_services
from cairn.pole.models import Person

from .conftest import future, years_ago
from .test_api import cawn_body

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def deano(ppu: Any, child: Person) -> Person:
    """Known only by a nickname: no family name, no date of birth."""
    person = pole_services.person_create(
        actor=ppu, given_name="Deano", category="person_of_concern"
    )
    pole_services.link_record(
        actor=ppu,
        from_entity_id=person.pk,
        to_entity_id=child.pk,
        link_type="associate",
        source_note="Seen together",
    )
    return person


def issue(ppu: Any, child: Person, poc: Person, **kw: Any) -> Cawn:
    data: dict[str, Any] = {
        "authorised_by": "parent",
        "authorised_by_name": "Pat Testcase",
        "review_on": future(90),
    }
    data.update(kw)
    return cawns.cawn_issue(actor=ppu, child=child, person_of_concern=poc, **data)


def test_nickname_only_recipient_is_refused_with_clear_messages(
    ppu: Any, child: Person, deano: Person
) -> None:
    with pytest.raises(ValidationError) as exc:
        issue(ppu, child, deano)
    errors = exc.value.message_dict
    assert (
        "Deano's full name or date of birth is not recorded" in errors["recipient_description"][0]
    )
    assert errors["recipient_unknown_reason"] == [
        "Say why the full name or date of birth of the person the notice is served on is not known"
    ]
    assert not Tactic.objects.exists()
    assert not AuditEvent.objects.filter(event="cawn.issued").exists()


def test_name_without_date_of_birth_needs_a_description(
    ppu: Any, child: Person, make_person: Any
) -> None:
    no_dob = make_person(
        actor=ppu, given_name="Dean", family_name="Nodob", category="person_of_concern"
    )
    with pytest.raises(ValidationError) as exc:
        issue(ppu, child, no_dob, recipient_description="Tall, red jacket")
    assert set(exc.value.message_dict) == {"recipient_unknown_reason"}


def test_described_recipient_with_reason_is_accepted_and_printed(
    ppu: Any, child: Person, deano: Person
) -> None:
    cawn = issue(
        ppu,
        child,
        deano,
        recipient_description="White male, about 25, drives a silver hatchback",
        recipient_unknown_reason="Refused to give his details when stopped",
    )
    assert cawn.recipient_description.startswith("White male")
    event = AuditEvent.objects.get(event="cawn.issued")
    assert event.details["recipient_identified"] is False
    notice = client_for(ppu).get(f"/disruption/tactics/{cawn.tactic_id}/notice/")
    body = notice.content.decode()
    assert "Description of the person: White male, about 25" in body
    assert "not known because: Refused to give his details" in body


def test_identified_recipient_needs_no_description(ppu: Any, child: Person, poc: Person) -> None:
    cawn = issue(ppu, child, poc, recipient_description="ignored", recipient_unknown_reason="x")
    assert cawn.recipient_description == "" and cawn.recipient_unknown_reason == ""
    body = client_for(ppu).get(f"/disruption/tactics/{cawn.tactic_id}/notice/").content.decode()
    assert f"born {poc.date_of_birth:%-d %B %Y}" in body


def test_cawn_page_shows_the_recipient_errors(ppu: Any, child: Person, deano: Person) -> None:
    review = future(60)
    response = client_for(ppu).post(
        f"/disruption/cawn/new/{child.pk}/",
        {
            "person_of_concern": deano.pk,
            "authorised_by": "parent",
            "authorised_by_name": "Pat Testcase",
            "review_on_day": review.day,
            "review_on_month": review.month,
            "review_on_year": review.year,
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "full name or date of birth is not recorded" in body
    assert "Say why the full name or date of birth" in body
    assert not Cawn.objects.exists()
    response = client_for(ppu).post(
        f"/disruption/cawn/new/{child.pk}/",
        {
            "person_of_concern": deano.pk,
            "authorised_by": "parent",
            "authorised_by_name": "Pat Testcase",
            "review_on_day": review.day,
            "review_on_month": review.month,
            "review_on_year": review.year,
            "recipient_description": "Tall, red jacket, seen at the park",
            "recipient_unknown_reason": "Only known by his nickname",
        },
    )
    assert response.status_code == 302
    assert Cawn.objects.get().recipient_unknown_reason == "Only known by his nickname"


def test_api_refuses_an_unidentified_recipient(
    api_as: Any,
    ppu: Any,
    child: Person,
    deano: Person,
) -> None:
    api = api_as(ppu)
    response = api.post("/disruption/cawns", cawn_body(child, deano))
    assert response.status_code == 422
    assert "recipient_unknown_reason" in str(response.json())
    response = api.post(
        "/disruption/cawns",
        cawn_body(
            child,
            deano,
            recipient_description="Tall, red jacket",
            recipient_unknown_reason="Only known by a nickname",
        ),
    )
    assert response.status_code == 201, response.json()
    assert response.json()["detail"]["recipient_description"] == "Tall, red jacket"


def test_notice_wording_of_the_legal_basis(ppu: Any, child: Person, poc: Person) -> None:
    cawn = issue(ppu, child, poc)
    client = client_for(ppu)
    notice = client.get(f"/disruption/tactics/{cawn.tactic_id}/notice/").content.decode()
    assert "(Under 16 (s2" not in notice
    assert (
        "you may commit an offence, because the child is under 16 "
        "(section 2, Child Abduction Act 1984)." in notice
    )
    detail = client.get(f"/disruption/tactics/{cawn.tactic_id}/").content.decode()
    assert "The child is under 16 (section 2, Child Abduction Act 1984)" in detail
    pdf = client.get(f"/disruption/tactics/{cawn.tactic_id}/notice/?format=pdf")
    assert pdf.status_code == 200


def test_notice_wording_for_a_child_in_care(ppu: Any, make_person: Any, poc: Person) -> None:
    in_care = make_person(
        actor=ppu,
        given_name="Casey",
        family_name="Testcase",
        date_of_birth=years_ago(17),
        looked_after="care_order",
    )
    cawn = issue(ppu, in_care, poc)
    notice = client_for(ppu).get(f"/disruption/tactics/{cawn.tactic_id}/notice/")
    assert (
        "because the child is under 18 and in care (section 49, Children Act 1989)."
        in notice.content.decode()
    )


def test_cawn_in_the_recipients_tactic_list(
    ppu: Any, child: Person, make_person: Any, users: dict[str, Any]
) -> None:
    """The adult the notice is served on (here recorded as "other", found by search) sees
    it among the tactics on their profile; a partner who may not see the notice does not."""
    adult = make_person(
        actor=ppu,
        given_name="Dean",
        family_name="Adult",
        category="other",
        date_of_birth=years_ago(30),
    )
    cawn = issue(ppu, child, adult)
    page = client_for(ppu).get(f"/people/{adult.pk}/").content.decode()
    section = page[page.index('data-testid="disruption-section"') :]
    assert cawn.tactic.reference in section
    trust = client_for(users["social_worker"]).get(f"/people/{adult.pk}/")
    assert cawn.tactic.reference not in trust.content.decode()


def test_migration_puts_the_recipient_back_among_the_subjects(
    ppu: Any, child: Person, poc: Person
) -> None:
    """A CAWN recorded without its recipient as a subject (as older rows were) is missing
    from the recipient's list until the data migration repairs it."""
    cawn = issue(ppu, child, poc)
    TacticSubject.objects.filter(tactic_id=cawn.tactic_id, entity_id=poc.pk).delete()
    page = client_for(ppu).get(f"/people/{poc.pk}/").content.decode()
    assert cawn.tactic.reference not in page
    migration = importlib.import_module(
        "cairn.disruption.migrations.0004_missingcawn_cawn_recipient_subjects"
    )
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # idempotent
    assert (
        TacticSubject.objects.filter(
            tactic_id=cawn.tactic_id, entity_id=poc.pk, role="target"
        ).count()
        == 1
    )
    page = client_for(ppu).get(f"/people/{poc.pk}/").content.decode()
    assert cawn.tactic.reference in page
