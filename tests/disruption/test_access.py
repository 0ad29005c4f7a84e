"""Visibility of tactics to each agency: police-only tactics are invisible to other
agencies until shared (a logged disclosure); partner tactics follow agency and Hub rules;
a tactic never leaks a POLE record the user may not see."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from cairn.accounts.roles import AgencyKind
from cairn.audit.models import AuditEvent
from cairn.disruption.access import access_tactic_by_id, visible_plans, visible_tactics
from cairn.disruption.models import TacticShare
from cairn.disruption.services import cawns, plans, tactics
from cairn.pole import services as pole_services
from cairn.pole.models import EntityShare

from ..factories import AgencyFactory
from .conftest import future

pytestmark = pytest.mark.django_db

POLICE_ROLES = ["fib_officer", "ppu_coordinator", "analyst", "hub_chair"]
TRUST_ROLES = ["practitioner", "social_worker", "mash_screener"]


@pytest.fixture
def school_user(make_user: Any) -> Any:
    return make_user("practitioner", agency="school", username="teacher")


@pytest.fixture
def early_help_user(agencies: dict[str, Any], make_user: Any) -> Any:
    agencies["early_help"] = AgencyFactory(
        name="Testshire Early Help", short_name="TEH", kind=AgencyKind.EARLY_HELP
    )
    return make_user("practitioner", agency="early_help", username="eh_worker")


@pytest.fixture
def cawn(ppu: Any, child: Any, poc: Any) -> Any:
    return cawns.cawn_issue(
        actor=ppu,
        child=child,
        person_of_concern=poc,
        authorised_by="parent",
        authorised_by_name="Pat Testcase",
        review_on=future(90),
    )


def sees(user: Any, tactic: Any) -> bool:
    return visible_tactics(user).filter(pk=tactic.pk).exists()


def test_police_only_tactic_is_seen_by_police_only(
    users: dict[str, Any], cawn: Any, school_user: Any, early_help_user: Any
) -> None:
    tactic = cawn.tactic
    assert tactic.police_only
    for role in POLICE_ROLES:
        assert sees(users[role], tactic), role
    for role in TRUST_ROLES:
        assert not sees(users[role], tactic), role
    assert not sees(school_user, tactic)
    assert not sees(early_help_user, tactic)
    for role in ("ig_admin", "system_admin"):
        assert not sees(users[role], tactic), role
    with pytest.raises(Http404):
        access_tactic_by_id(users["social_worker"], tactic.pk)


def test_sharing_reveals_it_to_that_agency_only_and_is_logged(
    users: dict[str, Any], agencies: dict[str, Any], cawn: Any, ppu: Any, school_user: Any
) -> None:
    tactics.tactic_share(
        actor=ppu,
        tactic=cawn.tactic,
        agency=agencies["trust"],
        reason="Social care need it to safety-plan",
    )
    for role in TRUST_ROLES:
        assert sees(users[role], cawn.tactic), role
    assert not sees(school_user, cawn.tactic)
    event = AuditEvent.objects.get(event="tactic.shared")
    assert event.action == "disclosure"
    assert event.recipient == agencies["trust"].name
    assert event.object_id == str(cawn.tactic.pk)
    # The basis relied on: the Hub's one agreement; the records it names rely on the same.
    share = TacticShare.objects.get(tactic=cawn.tactic)
    assert share.disclosure is not None
    assert share.disclosure.kind == "tactic_share"
    assert share.disclosure.agreement is not None
    assert share.disclosure.lawful_basis == "ca2004_s11"
    record_shares = EntityShare.objects.filter(agency=agencies["trust"], basis="manual")
    assert record_shares.exists()
    assert {s.disclosure_id for s in record_shares} == {share.disclosure_id}


def test_only_police_with_the_permission_may_share(
    users: dict[str, Any], agencies: dict[str, Any], cawn: Any
) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        tactics.tactic_share(
            actor=users["analyst"], tactic=cawn.tactic, agency=agencies["trust"], reason="x"
        )
    assert not TacticShare.objects.exists()


def test_partner_tactic_follows_agency_and_hub_rules(
    users: dict[str, Any], school_user: Any, early_help_user: Any, make_person: Any
) -> None:
    sw = users["social_worker"]
    adult = make_person(given_name="Lee", category="person_of_concern", actor=sw)
    cpn = tactics.tactic_create(
        actor=sw, tactic_type="cpn", title="CPN", subjects=[(adult.pk, "target")]
    )
    assert not cpn.police_only
    assert sees(users["practitioner"], cpn)  # same agency
    assert sees(users["mash_screener"], cpn)  # Hub-wide
    for role in POLICE_ROLES:
        assert sees(users[role], cpn), role
    assert not sees(school_user, cpn)
    assert not sees(early_help_user, cpn)


def test_a_tactic_is_hidden_when_a_record_it_names_is_hidden(
    users: dict[str, Any], agencies: dict[str, Any], ppu: Any, make_person: Any
) -> None:
    child = make_person(given_name="Sam")
    hidden = pole_services.person_create(
        actor=ppu, given_name="Hidden", category="person_of_concern", police_only=True
    )
    tactic = tactics.tactic_create(
        actor=ppu,
        tactic_type="sro",
        title="SRO application",
        police_only=False,
        subjects=[(child.pk, "protected_child"), (hidden.pk, "target")],
        detail={"starts_on": "2026-01-01", "expires_on": "2028-01-01"},
    )
    assert sees(ppu, tactic)
    # The tactic is not police-only and the MASH screener is Hub-wide, but the person of
    # concern is a police-only record: the tactic must not leak it.
    assert not sees(users["mash_screener"], tactic)
    TacticShare.objects.create(
        tactic=tactic, agency=agencies["trust"], shared_by=ppu, reason="test"
    )
    assert not sees(users["social_worker"], tactic)


def test_plans_are_police_only_for_police(users: dict[str, Any], ppu: Any, poc: Any) -> None:
    plan = plans.plan_save(
        actor=ppu, person_of_concern=poc, objectives="Disrupt", review_on=future(30)
    )
    assert plan.police_only
    assert list(visible_plans(users["fib_officer"])) == [plan]
    assert list(visible_plans(users["mash_screener"])) == []
    assert list(visible_plans(users["system_admin"])) == []
