"""Missing episodes on a child's profile page: the section with the episodes and the
link to record one (for those who may), for each role that may see them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.missing import services
from cairn.pole.models import Person

from ..hub.conftest import ago

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_child_profile_shows_missing_episodes_and_chronology(
    make_person: Callable[..., Person], users: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    sw = users["social_worker"]
    child = make_person(given_name="Pia", family_name="Example")
    episode = services.episode_record(
        actor=sw,
        child=child,
        reported_at=ago(days=3),
        found_at=ago(days=2),
        police_risk_grading="high",
    )
    page = client_for(sw).get(reverse("pole:person-detail", args=[child.pk])).content.decode()
    assert 'data-testid="missing-section"' in page
    assert episode.reference in page and "Reported missing" in page
    assert reverse("missing:new", args=[child.pk]) in page
    analyst_page = (
        client_for(users["analyst"])
        .get(reverse("pole:person-detail", args=[child.pk]))
        .content.decode()
    )
    assert episode.reference in analyst_page
    assert reverse("missing:new", args=[child.pk]) not in analyst_page
