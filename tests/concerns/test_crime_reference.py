"""Found by outside tester 12: a concern took the school's own log number ("CPOMS 55120")
as the crime reference, and the concern and the child's chronology, read by every Hub
agency, then said the crime was reported. The FIB form already refused it; a concern now
refuses it the same way, on the web step, at submit and through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cairn.concerns import services
from cairn.concerns.models import Concern, ConcernStatus
from cairn.intelligence.crime_rules import LOCAL_REFERENCE_IN_ENTRY, LOCAL_REFERENCE_MESSAGE
from cairn.pole.models import Person

from ..api.conftest import ApiClient
from .conftest import complete_payload
from .test_api import body

pytestmark = pytest.mark.django_db

LOGGED = (
    "She told me an older man asked her to send him a picture of herself with no clothes on. "
    "Logged on CPOMS ref 55120."
)


def _questions(concern: Concern) -> str:
    return reverse("concerns:step", args=[concern.pk, "questions"])


def test_the_web_step_refuses_a_school_system_number_and_keeps_it_typed(
    client: Client, users: dict[str, Any], child: Person
) -> None:
    concern = services.concern_start(actor=users["social_worker"], child=child)
    client.force_login(users["social_worker"])
    response = client.post(
        _questions(concern),
        {"immediate_danger": "no", "crime_disclosed": "yes", "crime_reference": "CPOMS 55120"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert LOCAL_REFERENCE_MESSAGE.replace("'", "&#x27;") in page
    assert 'value="CPOMS 55120"' in page
    # A police reference goes through.
    response = client.post(
        _questions(concern),
        {"immediate_danger": "no", "crime_disclosed": "yes", "crime_reference": "43/20511/26"},
    )
    assert response.status_code == 302


def test_submit_refuses_the_accounts_own_log_number_typed_bare(
    users: dict[str, Any], child: Person
) -> None:
    concern = services.concern_start(actor=users["social_worker"], child=child)
    data = complete_payload(
        child.pk, narrative=LOGGED, crime_disclosed="yes", crime_reference="55120"
    )
    errors = services.concern_save_draft(actor=users["social_worker"], concern=concern, data=data)
    assert errors["crime_reference"] == [LOCAL_REFERENCE_IN_ENTRY]
    with pytest.raises(ValidationError) as refused:
        services.concern_submit(actor=users["social_worker"], concern=concern, no_danger_now=True)
    assert refused.value.message_dict["crime_reference"] == [LOCAL_REFERENCE_IN_ENTRY]
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.DRAFT and concern.crime_reference == ""


def test_the_api_refuses_it_with_a_field_error(
    api_as: Callable[[Any], ApiClient], users: dict[str, Any], child: Person
) -> None:
    data = body(child.pk, narrative=LOGGED, crime_disclosed=True, crime_reference="CPOMS 55120")
    response = api_as(users["social_worker"]).post("/concerns", data)
    assert response.status_code == 422
    locs = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert locs[("body", "crime_reference")] == LOCAL_REFERENCE_MESSAGE
    assert not Concern.objects.exists()
    ok = body(child.pk, narrative=LOGGED, crime_disclosed=True, crime_reference="43/20511/26")
    assert api_as(users["social_worker"]).post("/concerns", ok).status_code == 201
