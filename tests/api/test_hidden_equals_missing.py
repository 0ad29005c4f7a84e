"""No existence oracle: every API read that takes a POLE record id (a person, child or
entity, in the path or as a filter) answers a record the caller may not see exactly as it
answers one that does not exist. The operations are found in the OpenAPI schema, so a new
endpoint is covered without being listed here."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cairn.api import api as ninja_api
from cairn.disruption.services import markers
from cairn.intelligence import services as intel_services
from cairn.missing import services as missing_services
from cairn.pole import services as pole_services

from ..intelligence.conftest import intel_data
from .conftest import ApiClient

pytestmark = pytest.mark.django_db

# Parameter names that carry a POLE record id.
POLE_PARAMS = {"person_id", "entity_id", "child_id"}


def pole_reads() -> list[tuple[str, str, str]]:
    """(operation id, path, parameter) for every GET taking a POLE record id."""
    found = []
    for path, methods in ninja_api.get_openapi_schema()["paths"].items():
        op = methods.get("get")
        if op is None:
            continue
        for param in op.get("parameters", []):
            if param["name"] in POLE_PARAMS:
                found.append((op["operationId"], path, param["name"]))
    return found


def test_the_known_filters_are_discovered() -> None:
    ops = {op for op, _, _ in pole_reads()}
    assert {
        "cairn_intelligence_api_search_sanitised",
        "cairn_disruption_api_tactic_list",
        "cairn_concerns_api_concern_list",
        "cairn_pole_api_person_detail",
    } <= ops


@pytest.mark.parametrize("role", ["social_worker", "mash_screener", "practitioner"])
def test_a_hidden_record_answers_as_a_missing_one(
    users: dict[str, Any], token_for: Callable[..., str], role: str
) -> None:
    ppu = users["ppu_coordinator"]
    hidden = pole_services.person_create(
        actor=ppu,
        given_name="Orla",
        family_name="Policeonly",
        category="child",
        date_of_birth=dt.date(2012, 2, 2),
        police_only=True,
    )
    # Records about the hidden child that a leaky filter would return.
    markers.marker_add(
        actor=ppu,
        entity_id=hidden.pk,
        marker_type="vulnerable",
        reason="At risk",
        review_on=timezone.localdate() + dt.timedelta(days=30),
    )
    missing_services.episode_record(
        actor=ppu, child=hidden, reported_at=timezone.now() - dt.timedelta(hours=3)
    )
    # Intelligence linked to the hidden child, shared with the trust and the Hub.
    fib = users["fib_officer"]
    intel = intel_services.submission_create(
        actor=users["analyst"],
        data=intel_data(
            mentions=[{"kind": "person", "given_name": "Orla", "family_name": "Policeonly"}]
        ),
    )
    intel_services.mentions_link(
        actor=fib,
        submission=intel,
        answers=[intel_services.LinkAnswer(0, str(hidden.pk), belongs_to="none")],
    )
    intel_services.submission_evaluate(
        actor=fib, submission=intel, source_grade="2", intel_grade="B", handling="P"
    )
    intel_services.submission_sanitise(actor=fib, submission=intel, text="A car at a school.")
    for kind, agency in (("agency", users["social_worker"].agency), ("hub", None)):
        intel_services.submission_disseminate(
            actor=fib, submission=intel, recipient_kind=kind, agency=agency, reason="Safeguarding"
        )
    missing = hidden.pk + 10_000
    user = users[role]
    api = ApiClient(token_for(user))
    for op, path, param in pole_reads():
        template = path.removeprefix("/api/v1")

        def call(record_id: int, template: str = template, param: str = param) -> Any:
            if "{" + param + "}" in template:
                return api.get(re.sub(r"\{" + param + r"\}", str(record_id), template))
            return api.get(template, **{param: record_id})

        if "{" in re.sub(r"\{" + param + r"\}", "", template):
            continue  # needs another record's id too: covered by its own tests
        seen, absent = call(hidden.pk), call(missing)
        assert (seen.status_code, seen.content) == (absent.status_code, absent.content), (
            f"{op} ({param}) tells a record {role} may not see from a missing one: "
            f"{seen.status_code} {seen.content[:200]!r} vs {absent.status_code}"
        )
