"""A warning letter started from a child's page (for example because the child cannot
have a CAWN) is addressed to a person of concern: the persons of concern linked to the
child are offered (the only one pre-selected), and the letter names both."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cairn.disruption.models import SubjectRole, Tactic, TacticType
from cairn.pole import services as pole_services
from cairn.pole.models import Person

from .conftest import years_ago

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def link(ppu: Any, person: Person, child: Person) -> None:
    pole_services.link_record(
        actor=ppu,
        from_entity_id=person.pk,
        to_entity_id=child.pk,
        link_type="associate",
        source_note="Seen together by patrol",
    )


@pytest.fixture
def dean(ppu: Any, older_child: Person) -> Person:
    person = pole_services.person_create(
        actor=ppu,
        given_name="Dean",
        family_name="Fictional",
        category="person_of_concern",
        date_of_birth=years_ago(31),
    )
    link(ppu, person, older_child)
    return person


def letter_url(child: Person) -> str:
    return f"/disruption/new/{child.pk}/{TacticType.POC_LETTER}/"


def test_ineligible_child_leads_to_a_letter_to_the_linked_person(
    ppu: Any, older_child: Person, dean: Person
) -> None:
    client = client_for(ppu)
    cawn_page = client.get(f"/disruption/cawn/new/{older_child.pk}/").content.decode()
    assert "A CAWN cannot be issued" in cawn_page
    assert f'href="{letter_url(older_child)}"' in cawn_page

    page = client.get(letter_url(older_child)).content.decode()
    assert "Who is the letter to?" in page
    assert f'type="radio" value="{dean.pk}" checked' in page  # the only one, pre-selected
    assert "Warning letter to Dean Fictional about Robin Exampleton" in page

    response = client.post(
        letter_url(older_child),
        {"title": "Letter", "status": "planned", "person_of_concern": str(dean.pk)},
    )
    assert response.status_code == 302
    tactic = Tactic.objects.get()
    assert tactic.tactic_type == TacticType.POC_LETTER
    assert sorted(tactic.subjects.values_list("entity_id", "role")) == sorted(
        [(older_child.pk, SubjectRole.PROTECTED_CHILD), (dean.pk, SubjectRole.TARGET)]
    )
    assert "Dean Fictional" in client.get(response["Location"]).content.decode()


def test_several_linked_people_are_offered_and_one_must_be_chosen(
    ppu: Any, older_child: Person, dean: Person
) -> None:
    lee = pole_services.person_create(
        actor=ppu, given_name="Lee", family_name="Madeup", category="person_of_concern"
    )
    link(ppu, lee, older_child)
    client = client_for(ppu)
    page = client.get(letter_url(older_child)).content.decode()
    assert f'value="{dean.pk}"' in page and f'value="{lee.pk}"' in page
    assert " checked" not in page.split("Who is the letter to?")[1].split("</fieldset>")[0]
    # ?person= (a link from the person's row) pre-selects that one.
    chosen = client.get(letter_url(older_child), {"person": lee.pk}).content.decode()
    assert f'type="radio" value="{lee.pk}" checked' in chosen

    response = client.post(letter_url(older_child), {"title": "Letter", "status": "planned"})
    assert response.status_code == 200
    assert "Choose the person of concern the letter is to" in response.content.decode()
    assert not Tactic.objects.exists()


def test_letter_to_a_person_the_user_cannot_see_is_refused(
    ppu: Any, make_user: Any, make_person: Any, users: dict[str, Any]
) -> None:
    """A police officer who is not Hub-wide sees only their force's records."""
    officer = make_user("practitioner", agency="police", username="pc_example")
    child = make_person(
        actor=ppu, given_name="Robin", family_name="Exampleton", date_of_birth=years_ago(16)
    )
    hidden = make_person(
        actor=users["social_worker"], given_name="Secret", category="person_of_concern"
    )
    other = make_person(actor=ppu, given_name="Other", category="person_of_concern")
    client = client_for(officer)
    page = client.get(letter_url(child), {"person": hidden.pk})
    assert page.status_code == 404
    refused = client.post(
        letter_url(child),
        {"title": "Letter", "status": "planned", "person_of_concern": str(hidden.pk)},
    )
    assert refused.status_code == 404
    assert not Tactic.objects.exists()
    # A visible person (found by searching, say) may be named.
    named = client.post(
        letter_url(child),
        {"title": "Letter", "status": "planned", "person_of_concern": str(other.pk)},
    )
    assert named.status_code == 302
    assert Tactic.objects.get().subjects.filter(entity_id=other.pk, role="target").exists()


def test_letter_from_a_person_of_concern_needs_no_choice(ppu: Any, dean: Person) -> None:
    client = client_for(ppu)
    page = client.get(letter_url(dean)).content.decode()
    assert "Who is the letter to?" not in page
    response = client.post(letter_url(dean), {"title": "Letter", "status": "planned"})
    assert response.status_code == 302
    assert list(Tactic.objects.get().subjects.values_list("entity_id", "role")) == [
        (dean.pk, SubjectRole.TARGET)
    ]


def test_partners_cannot_start_a_warning_letter(
    users: dict[str, Any], older_child: Person, dean: Person
) -> None:
    assert client_for(users["social_worker"]).get(letter_url(older_child)).status_code == 403
