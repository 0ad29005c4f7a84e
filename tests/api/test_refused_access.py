"""Refused access is logged: IG can answer "who tried to see this child?" as well as "who
saw them?", on the web and through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from cairn.audit.models import AuditEvent

from .conftest import ApiClient


def test_a_refused_record_request_is_logged_with_its_subject(
    users: dict[str, Any], make_person: Any, api_as: Callable[[Any], ApiClient]
) -> None:
    hidden = make_person(
        actor=users["fib_officer"],
        given_name="Hidden",
        family_name="Refusaltest",
        category="person_of_concern",
        police_only=True,
    )
    worker = users["social_worker"]
    web = Client()
    web.force_login(worker)
    assert web.get(reverse("pole:person-detail", args=[hidden.pk])).status_code == 404
    assert api_as(worker).get(f"/people/{hidden.pk}").status_code == 404
    refused = list(AuditEvent.objects.filter(event="access.refused", actor=worker))
    assert len(refused) == 2
    assert {e.subject_id for e in refused} == {hidden.pk}
    assert {e.source for e in refused} == {"web", "api"}
    assert all(e.details["status"] == 404 for e in refused)
    # The user still cannot tell hidden from missing: the same answer, the same page.
    missing = web.get(reverse("pole:person-detail", args=[hidden.pk + 10_000]))
    assert missing.status_code == 404


def test_unknown_addresses_and_anonymous_requests_are_not_access_attempts(
    users: dict[str, Any],
) -> None:
    web = Client()
    web.force_login(users["social_worker"])
    assert web.get("/no-such-page/").status_code == 404
    assert Client().get(reverse("pole:person-detail", args=[1])).status_code == 302
    assert not AuditEvent.objects.filter(event="access.refused", subject_id__isnull=False).exists()
