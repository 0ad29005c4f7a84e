"""The child's risk picture on the profile page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.concerns import services
from cairn.pole.models import Person

from .conftest import complete_payload

pytestmark = pytest.mark.django_db


def test_profile_shows_level_trajectory_signs_and_stages(
    client: Client, users: dict[str, Any], child: Person
) -> None:
    actor = users["social_worker"]
    first = services.concern_create(actor=actor, data=complete_payload(child.pk, boyfriend_stage=1))
    services.risk_decision_record(actor=actor, concern=first, level="emerging", rationale="Early")
    second = services.concern_create(
        actor=actor, data=complete_payload(child.pk, boyfriend_stage=3)
    )
    services.risk_decision_record(
        actor=actor, concern=second, level="significant", rationale="Worse"
    )
    client.force_login(users["hub_chair"])
    html = client.get(reverse("pole:person-detail", args=[child.pk])).content.decode()
    assert 'data-testid="current-level">Significant' in html
    assert html.count("<circle") == 2
    assert "<polyline" in html
    assert "Getting into cars with unknown adults" in html and "(2 times)" in html
    assert "stage 1. Ensnaring" in html and "stage 3. Taking control" in html
    assert "Child sexual exploitation (CSE)" in html
    assert f"Concern {first.reference} recorded by" in html


def test_profile_without_decisions_says_not_assessed(
    client: Client, users: dict[str, Any], child: Person
) -> None:
    client.force_login(users["social_worker"])
    html = client.get(reverse("pole:person-detail", args=[child.pk])).content.decode()
    assert "Not yet assessed" in html
    assert "Record a concern about Amber" in html


def test_adult_profile_has_no_risk_picture(
    client: Client, users: dict[str, Any], make_person: Any
) -> None:
    adult = make_person(given_name="Al", category="person_of_concern")
    client.force_login(users["social_worker"])
    html = client.get(reverse("pole:person-detail", args=[adult.pk])).content.decode()
    assert 'data-testid="risk-picture"' not in html
