"""Two tabs saving the same draft's step (or two people a plan) at the same moment
(issue 18 #2): each page changed a different answer, and both changes are kept, whichever
save locks the record first. The second save's service finds it changed under its lock
(DraftChanged) and the view reconciles again with the newer one (`cairn.core.step_guard`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cairn.concerns import services as concern_services
from cairn.disruption.services import plans
from cairn.intelligence import services as intel_services
from cairn.pole import services as pole_services
from cairn.referrals import services as referral_services

from ..concerns.conftest import complete_payload
from ..core.tabs import Tab
from ..disruption.conftest import future
from ..intelligence.conftest import intel_data
from ..referrals.conftest import mash_details
from .conftest import ROUNDS, race

pytestmark = pytest.mark.django_db(transaction=True)


def _both(tab1: Tab, tab2: Tab, one: dict[str, Any], two: dict[str, Any]) -> None:
    outcomes = race(lambda: tab1.send(**one), lambda: tab2.send(**two))
    for outcome in outcomes:
        assert outcome.ok, outcome.error
        assert outcome.value.status_code == 302


def test_fib_draft_saved_from_two_tabs_at_once(make_user: Any) -> None:
    partner = make_user("practitioner", agency="school", username="school_dsl")
    for n in range(ROUNDS):
        draft = intel_services.submission_start(actor=partner)
        intel_services.submission_save_draft(
            actor=partner, submission=draft, data=intel_data(mentions=[])
        )
        url = reverse("intelligence:edit", args=[draft.pk])
        tab1, tab2 = Tab(partner, url), Tab(partner, url)

        _both(
            tab1,
            tab2,
            {"where": f"Tab 1 where {n}", "action": "save"},
            {"further_information": f"Tab 2 more {n}", "action": "save"},
        )

        draft.refresh_from_db()
        assert (draft.where, draft.further_information) == (f"Tab 1 where {n}", f"Tab 2 more {n}")


def test_concern_step_saved_from_two_tabs_at_once(users: dict[str, Any], make_person: Any) -> None:
    worker = users["social_worker"]
    child = make_person(given_name="Amber", family_name="Testcase", category="child")
    for n in range(ROUNDS):
        concern = concern_services.concern_start(actor=worker, child=child)
        concern_services.concern_save_draft(
            actor=worker, concern=concern, data=complete_payload(child.pk)
        )
        url = reverse("concerns:step", args=[concern.pk, "details"])
        tab1, tab2 = Tab(worker, url), Tab(worker, url)

        _both(
            tab1,
            tab2,
            {"narrative": f"Tab 1: seen with older men, round {n}"},
            {"observed_where": f"Tab 2 place {n}"},
        )

        concern.refresh_from_db()
        assert concern.draft["narrative"] == f"Tab 1: seen with older men, round {n}"
        assert concern.draft["observed_where"] == f"Tab 2 place {n}"


def test_referral_saved_from_two_tabs_at_once(users: dict[str, Any], make_person: Any) -> None:
    worker = users["social_worker"]
    child = make_person(given_name="Amber", family_name="Testcase", category="child")
    for n in range(ROUNDS):
        referral = referral_services.referral_start(actor=worker, kind="mash", child=child)
        details = {**mash_details(), "recipient_agency": users["mash_screener"].agency_id}
        referral_services.referral_save_draft(actor=worker, referral=referral, details=details)
        url = reverse("referrals:edit", args=[referral.pk])
        tab1, tab2 = Tab(worker, url), Tab(worker, url)

        _both(
            tab1,
            tab2,
            {"child_address": f"Tab 1 address {n}", "action": "save"},
            {"child_views": f"Tab 2 views {n}", "action": "save"},
        )

        referral.refresh_from_db()
        assert referral.details["child_address"] == f"Tab 1 address {n}"
        assert referral.details["child_views"] == f"Tab 2 views {n}"


def test_plan_changed_by_two_people_at_once(users: dict[str, Any], make_user: Any) -> None:
    ppu = users["ppu_coordinator"]
    colleague = make_user("ppu_coordinator", username="ppu_two")
    poc = pole_services.person_create(
        actor=ppu, given_name="Dean", family_name="Fictional", category="person_of_concern"
    )
    for n in range(ROUNDS):
        plan = plans.plan_save(
            actor=ppu, person_of_concern=poc, objectives="Stop contact", review_on=future(60)
        )
        url = reverse("disruption:plan-edit", args=[plan.pk])
        mine, theirs = Tab(ppu, url), Tab(colleague, url)
        later = future(30 + n)

        _both(
            mine,
            theirs,
            {"objectives": f"Stop contact; round {n}"},
            {
                "review_on_day": str(later.day),
                "review_on_month": str(later.month),
                "review_on_year": str(later.year),
            },
        )

        plan.refresh_from_db()
        assert (plan.objectives, plan.review_on) == (f"Stop contact; round {n}", later)
