"""Found by an outside tester: the check page said "Seen 2026-12-01" for a sign, and a
submitted concern's "Recorded by" was to be the time it was submitted, not when its draft
was started."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.concerns import services
from cairn.concerns.models import Concern
from cairn.pole.models import Person

from .conftest import complete_payload

pytestmark = pytest.mark.django_db


def test_check_page_shows_when_signs_were_seen_as_long_dates(
    users: dict[str, Any], child: Person
) -> None:
    actor = users["social_worker"]
    concern = services.concern_start(actor=actor, child=child)
    data = complete_payload(child.pk)
    seen = dt.date.fromisoformat(data["indicators"][1]["observed_on"])
    services.concern_save_draft(actor=actor, concern=concern, data=data)
    client = Client()
    client.force_login(actor)
    page = client.get(reverse("concerns:step", args=[concern.pk, "check"])).content.decode()
    assert f"Seen {seen.day} {seen:%B %Y}" in page
    assert seen.isoformat() not in page


def test_recorded_by_shows_when_the_concern_was_submitted(
    users: dict[str, Any], child: Person
) -> None:
    actor = users["social_worker"]
    concern = services.concern_start(actor=actor, child=child)
    started = timezone.now() - dt.timedelta(hours=3, minutes=17)
    Concern.objects.filter(pk=concern.pk).update(created_at=started)
    concern.refresh_from_db()
    services.concern_save_draft(actor=actor, concern=concern, data=complete_payload(child.pk))
    services.concern_submit(actor=actor, concern=concern)
    concern.refresh_from_db()
    client = Client()
    client.force_login(actor)
    page = client.get(reverse("concerns:detail", args=[concern.pk])).content.decode()
    submitted = timezone.localtime(concern.submitted_at)
    began = timezone.localtime(started)
    row = page[page.index("Recorded by") : page.index("Observed")]
    assert f"{submitted.day} {submitted:%B %Y %H:%M}" in row
    assert f"{began:%H:%M}" not in row
