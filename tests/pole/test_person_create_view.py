"""Adding a person in the browser: validation keeps what was typed, and likely
duplicates are shown before a second record is created."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cairn.pole.models import Person

pytestmark = pytest.mark.django_db

VALID = {
    "category": "child",
    "given_name": "Priya",
    "family_name": "Exampleson",
    "aliases": "Pree, PJ",
    "date_of_birth_day": "4",
    "date_of_birth_month": "11",
    "date_of_birth_year": "2012",
    "sex": "female",
    "ethnicity": "asian_indian",
    "looked_after": "no",
}


def test_create_person(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["social_worker"])
    response = client.post(reverse("pole:person-create"), VALID)
    person = Person.objects.get(family_name="Exampleson")
    assert response.status_code == 302
    assert response["Location"] == reverse("pole:person-detail", args=[person.pk])
    assert person.date_of_birth.isoformat() == "2012-11-04"
    assert sorted(person.names.filter(kind="nickname").values_list("given_name", flat=True)) == [
        "PJ",
        "Pree",
    ]


def test_validation_errors_keep_input(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["social_worker"])
    data = {
        **VALID,
        "given_name": "",
        "aliases": "",
        "date_of_birth_day": "40",
        "estimated_age": "abc",
    }
    response = client.post(reverse("pole:person-create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter the person&#x27;s first name" in html
    assert "Date of birth must be a real date" in html
    assert 'value="Exampleson"' in html
    assert 'value="40"' in html
    assert not Person.objects.exists()


def test_dob_and_estimated_age_conflict(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["social_worker"])
    response = client.post(reverse("pole:person-create"), {**VALID, "estimated_age": "14"})
    assert "not both" in response.content.decode()


def test_possible_duplicate_warning_then_confirm(
    client: Client, users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    existing = make_person(given_name="Priya", family_name="Exampleson")
    client.force_login(users["social_worker"])
    response = client.post(reverse("pole:person-create"), VALID)
    html = response.content.decode()
    assert response.status_code == 200
    assert "may already have a record" in html
    assert reverse("pole:person-detail", args=[existing.pk]) in html
    assert 'value="Priya"' in html
    assert Person.objects.count() == 1
    response = client.post(reverse("pole:person-create"), {**VALID, "confirm_new": "1"})
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_duplicate_warning_never_reveals_invisible_records(
    client: Client, users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    make_person(
        actor=users["fib_officer"],
        given_name="Priya",
        family_name="Exampleson",
        police_only=True,
        category="person_of_concern",
    )
    client.force_login(users["social_worker"])
    response = client.post(reverse("pole:person-create"), VALID)
    assert response.status_code == 302


@pytest.mark.parametrize("role", ["system_admin", "ig_admin"])
def test_create_denied(client: Client, users: dict[str, Any], role: str) -> None:
    client.force_login(users[role])
    assert client.get(reverse("pole:person-create")).status_code == 403
    assert client.post(reverse("pole:person-create"), VALID).status_code == 403
    assert not Person.objects.exists()


def test_a_nickname_alone_is_enough_and_is_matched_as_one(
    client: Client, users: dict[str, Any], make_person: Callable[..., Any]
) -> None:
    """A street name may be all anyone knows: it is accepted alone, held as a nickname
    (and as the name until a real one is known), and first looked up among the nicknames
    the user may see."""
    lily = make_person(
        given_name="Lily",
        family_name="Pricetest",
        category="person_of_concern",
        aliases=[("nickname", "Deano", "")],
    )
    client.force_login(users["social_worker"])
    typed = {**VALID, "given_name": "", "family_name": "", "aliases": "Deano"}
    typed.update(date_of_birth_day="", date_of_birth_month="", date_of_birth_year="")
    page = client.post(reverse("pole:person-create"), typed)
    assert page.status_code == 200
    html = page.content.decode()
    assert lily.full_name in html and "known as \u201cDeano\u201d (nickname)" in html
    made = client.post(reverse("pole:person-create"), {**typed, "confirm_new": "1"})
    assert made.status_code == 302
    person = Person.objects.exclude(pk=lily.pk).get()
    assert person.given_name == "Deano" and person.family_name == ""
    assert list(person.names.filter(kind="nickname").values_list("given_name", flat=True)) == [
        "Deano"
    ]


def test_the_form_and_the_guide_say_the_same_about_a_nickname_alone(
    client: Client, users: dict[str, Any]
) -> None:
    """Outside tester 3: the form said to leave First name blank, the guide to type the
    nickname there. Both now say what the form does (the test above): blank, and the
    nickname under Nicknames or aliases."""
    client.force_login(users["social_worker"])
    html = client.get(reverse("pole:person-create")).content.decode()
    assert "leave this blank and put it under Nicknames or aliases" in html
    guide = (Path(settings.BASE_DIR) / "docs" / "guide" / "practitioner.md").read_text()
    assert "leave **First\n   name** blank and put it under **Nicknames or aliases**" in guide
    assert "put it as the\n   first name" not in guide
