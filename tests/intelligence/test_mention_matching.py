"""A person named in an intelligence entry is matched at entry (issue 19, item 4): the
people the submitter may see are offered with the reasons, before the entry keeps a new
name; a police-only person is never offered to a partner, and choosing one is refused
like a missing record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.audit.models import AuditEvent
from cairn.intelligence import services
from cairn.intelligence.models import Submission

from .conftest import intel_data

pytestmark = pytest.mark.django_db


def _draft(actor: Any) -> Submission:
    return services.submission_start(actor=actor)


@pytest.fixture
def lily(make_person: Callable[..., Any], users: dict[str, Any]) -> Any:
    """Police hold Lily Price, known as "Deano", police-only."""
    return make_person(
        actor=users["fib_officer"],
        given_name="Lily",
        family_name="Pricetest",
        category="person_of_concern",
        aliases=[("nickname", "Deano", "")],
        police_only=True,
    )


def test_an_officer_adding_a_street_name_is_offered_the_person_known_by_it(
    users: dict[str, Any], lily: Any
) -> None:
    fib = users["fib_officer"]
    client = Client()
    client.force_login(fib)
    draft = _draft(fib)
    url = reverse("intelligence:mention-add", args=[draft.pk, "person"])
    before = AuditEvent.objects.filter(event="person.matched", actor=fib).count()
    page = client.post(url, {"nickname": "Deano"})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="mention-possible-matches"' in body
    assert f'name="use_existing" value="{lily.pk}"' in body
    assert "known as \u201cDeano\u201d (nickname)" in body
    # The candidates shown are a consultation, as at "Add a person".
    assert AuditEvent.objects.filter(event="person.matched", actor=fib).count() == before + 1
    draft.refresh_from_db()
    assert not draft.mentions  # nothing kept until the officer chooses

    response = client.post(url, {"nickname": "Deano", "use_existing": str(lily.pk)})
    assert response.status_code == 302
    draft.refresh_from_db()
    (mention,) = draft.mentions
    assert mention["entity_id"] == lily.pk and mention["nickname"] == "Deano"

    # "None of these": kept as typed; a new record only when the FIB links it.
    client.post(url, {"nickname": "Deano", "confirm_new": "1"})
    draft.refresh_from_db()
    assert len(draft.mentions) == 2 and "entity_id" not in draft.mentions[1]


def test_a_partner_is_not_offered_a_police_only_person(
    users: dict[str, Any], lily: Any, partner: Any
) -> None:
    client = Client()
    client.force_login(partner)
    draft = _draft(partner)
    url = reverse("intelligence:mention-add", args=[draft.pk, "person"])
    page = client.post(url, {"nickname": "Deano", "family_name": ""})
    # Nobody the partner may see: the mention is kept as typed, with no hint of Lily.
    assert page.status_code == 302
    draft.refresh_from_db()
    (mention,) = draft.mentions
    assert mention["nickname"] == "Deano" and "entity_id" not in mention
    # Choosing her by id is refused as if she did not exist.
    refused = client.post(url, {"nickname": "Deano", "use_existing": str(lily.pk)})
    assert refused.status_code == 404
    draft.refresh_from_db()
    assert len(draft.mentions) == 1


def test_the_api_offers_the_person_known_by_a_street_name_only_to_who_may_see_them(
    users: dict[str, Any], lily: Any, partner: Any, api_as: Callable[[Any], Any]
) -> None:
    """An API client naming a person in an entry or a concern asks POST /network/match with
    the mention's names (the nickname too), then sends the chosen record as `entity_id`."""
    found = api_as(users["fib_officer"]).post("/network/match", {"nickname": "Deano"})
    assert found.status_code == 200, found.content
    (match,) = found.json()
    assert match["person"]["id"] == lily.pk
    assert "known as \u201cDeano\u201d (nickname)" in match["reasons"]
    hidden = api_as(partner).post("/network/match", {"nickname": "Deano"})
    assert hidden.status_code == 200 and hidden.json() == []

    payload = intel_data(
        anyone_in_danger="no",
        crime_described="no",
        mentions=[{"kind": "person", "nickname": "Deano", "entity_id": lily.pk}],
    )
    made = api_as(users["fib_officer"]).post("/intelligence/submissions", payload)
    assert made.status_code in (200, 201), made.content
    (mention,) = Submission.objects.get(pk=made.json()["id"]).mentions
    assert mention["entity_id"] == lily.pk and mention["nickname"] == "Deano"
