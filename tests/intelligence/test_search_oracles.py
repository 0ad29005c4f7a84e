"""Search must not be an oracle. A recipient of the sanitised version must not recover
what the FIB removed (the original place or date) by filtering, and nobody may learn that
a POLE record they cannot see is linked to intelligence (a hidden id answers exactly as a
missing one). Both channels: the API and the search page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from cairn.intelligence import services
from cairn.intelligence.models import Submission, SubmissionEntity
from cairn.pole.models import Entity

from ..api.conftest import ApiClient

pytestmark = pytest.mark.django_db

REMOVED_PLACE = "Example Road"  # in `where`, not in the sanitised text


@pytest.fixture
def shared(graded: Submission, users: dict[str, Any]) -> Submission:
    """The graded entry, seen a long time ago, disseminated to the children's trust, with
    its vehicle linked as a police-only record (as the FIB's links are)."""
    fib = users["fib_officer"]
    Submission.objects.filter(pk=graded.pk).update(when_on=dt.date.today() - dt.timedelta(days=200))
    services.mentions_link(
        actor=fib,
        submission=graded,
        answers=[services.LinkAnswer(0, "new", belongs_to="none")],
    )
    services.submission_disseminate(
        actor=fib,
        submission=graded,
        recipient_kind="agency",
        agency=users["social_worker"].agency,
        reason="Safeguarding planning",
        conditions_met=True,
    )
    return graded


def _count(api: ApiClient, **params: Any) -> int:
    response = api.get("/intelligence/search", **params)
    assert response.status_code == 200, response.content
    return int(response.json()["count"])


def _page_ids(user: Any, **params: Any) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/intelligence/search/", params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", ["analyst", "social_worker"])
def test_area_filter_reads_only_the_sanitised_version(
    api_as: Any, users: dict[str, Any], shared: Submission, role: str
) -> None:
    reader = users[role]
    api = api_as(reader)
    # A word the sanitised version keeps still narrows the search...
    assert _count(api, area="Corsa") == 1
    # ...but a fragment of the removed place answers exactly as a random string does.
    for fragment in (REMOVED_PLACE, "Example", "Exa"):
        assert _count(api, area=fragment) == _count(api, area="Qzxv Wibble") == 0
        assert _count(api, q=fragment) == _count(api, q="Qzxv Wibble") == 0
        assert shared.reference not in _page_ids(reader, area=fragment)
    assert shared.reference in _page_ids(reader, area="Corsa")


def test_the_fib_still_filters_on_the_original_place(
    api_as: Any, users: dict[str, Any], shared: Submission
) -> None:
    assert _count(api_as(users["fib_officer"]), area=REMOVED_PLACE) == 1


@pytest.mark.parametrize("role", ["analyst", "social_worker"])
def test_date_filters_do_not_reveal_the_original_date(
    api_as: Any, users: dict[str, Any], shared: Submission, role: str
) -> None:
    """The date seen is part of the original: a recipient's date filter reads the date
    the entry was submitted, and results do not show the original date."""
    api = api_as(users[role])
    seen = dt.date.today() - dt.timedelta(days=200)
    around_seen = {"date_from": (seen - dt.timedelta(days=1)).isoformat()}
    around_seen["date_to"] = (seen + dt.timedelta(days=1)).isoformat()
    elsewhere = {"date_from": "2001-01-01", "date_to": "2001-01-03"}
    assert _count(api, **around_seen) == _count(api, **elsewhere) == 0
    assert _count(api, date_from=dt.date.today().isoformat()) == 1
    result = api.get("/intelligence/search", q="Corsa").json()["results"][0]
    assert result["when_on"] is None
    fib = api_as(users["fib_officer"])
    assert _count(fib, **around_seen) == 1
    assert fib.get("/intelligence/search", q="Corsa").json()["results"][0]["when_on"]


def test_a_hidden_entity_id_answers_as_a_missing_one(
    api_as: Any, users: dict[str, Any], shared: Submission
) -> None:
    vehicle_id = SubmissionEntity.objects.get(submission=shared).entity_id
    assert Entity.objects.get(pk=vehicle_id).police_only
    missing_id = vehicle_id + 10_000
    partner = users["social_worker"]  # reads the entry, cannot see the police-only record
    api = api_as(partner)
    hidden = api.get("/intelligence/search", entity_id=vehicle_id)
    missing = api.get("/intelligence/search", entity_id=missing_id)
    assert hidden.status_code == missing.status_code == 200
    assert hidden.json() == missing.json()
    assert hidden.json()["count"] == 0
    assert shared.reference not in _page_ids(partner, entity=vehicle_id)
    # A police analyst may see the record, so the filter works for them.
    assert _count(api_as(users["analyst"]), entity_id=vehicle_id) == 1
    assert shared.reference in _page_ids(users["analyst"], entity=vehicle_id)
