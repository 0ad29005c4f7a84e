"""The referrals and disruption hooks: an overdue MASH decision reaches the agenda, and the
dashboard counts MASH outcomes and the disruption tactics the viewer may see (by the
disruption access layer's rule, shares included)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from cairn.hub import dashboard, services
from cairn.hub.models import Meeting
from cairn.pole.models import Person

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (apps.is_installed("cairn.referrals") and apps.is_installed("cairn.disruption")),
        reason="referrals and disruption apps not installed",
    ),
]


def test_overdue_mash_decision_on_the_agenda(
    make_person: Callable[..., Person],
    users: dict[str, Any],
    schedule: Callable[..., Meeting],
    chair: Any,
) -> None:
    from cairn.referrals.models import Referral

    sw = users["social_worker"]
    late = make_person(given_name="Mae", family_name="Waiting")
    in_time = make_person(given_name="Tim", family_name="Intime")
    now = timezone.now()
    for child, due in ((late, now - dt.timedelta(hours=3)), (in_time, now + dt.timedelta(hours=5))):
        Referral.objects.create(
            kind="mash",
            status="submitted",
            child=child,
            sender=sw,
            sender_agency=sw.agency,
            submitted_at=now - dt.timedelta(days=1),
            due_at=due,
        )
    items = services.agenda_generate(actor=chair, meeting=schedule())
    mash = [i for i in items if i.kind == "overdue_mash"]
    assert [i.title for i in mash] == ["Mae Waiting"]
    assert mash[0].reason.startswith("MASH decision on MASH-")


def test_referral_outcomes_and_disruption_panels(
    make_person: Callable[..., Person], users: dict[str, Any]
) -> None:
    from cairn.disruption.models import Tactic
    from cairn.referrals.models import MashDecision, Referral

    sw = users["social_worker"]
    child = make_person()
    now = timezone.now()
    for outcome, in_time in (("early_help", True), ("s47", True), ("s47", False)):
        referral = Referral.objects.create(
            kind="mash", status="accepted", child=child, sender=sw, sender_agency=sw.agency
        )
        MashDecision.objects.create(
            referral=referral,
            outcome=outcome,
            rationale="x",
            decided_by=users["mash_screener"],
            decided_at=now - dt.timedelta(days=2),
            within_timescale=in_time,
        )
    police = users["fib_officer"]
    for kind, police_only in (("cawn", True), ("cawn", True), ("cawn", False)):
        Tactic.objects.create(
            tactic_type=kind,
            title="Test",
            owner=police,
            owning_agency=police.agency,
            police_only=police_only,
            created_by=police,
        )
    panels = {p.key: p for p in dashboard.panels(users["hub_chair"])}
    outcomes = {b.label: b.value for b in panels["referral_outcomes"].rows}
    assert outcomes["Section 47 enquiry with a strategy discussion"] == 2
    assert outcomes["Early help"] == 1
    assert dict(panels["referral_outcomes"].figures)["Decided within 1 working day"] == "67%"
    assert sum(b.value for b in panels["disruption"].rows) == 3
    # A Trust MASH screener sees only the tactics shared beyond the police.
    trust_view = {p.key: p for p in dashboard.panels(users["mash_screener"])}
    assert sum(b.value for b in trust_view["disruption"].rows) == 1


def test_disruption_panel_counts_what_the_disruption_access_layer_shows(
    make_person: Callable[..., Person],
    make_user: Callable[..., Any],
    users: dict[str, Any],
    agencies: dict[str, Any],
) -> None:
    """The panel counts exactly the tactics the tracker would list for the viewer: a
    police-only tactic shared with the viewer's agency counts, an unshared one does not,
    and a shared one naming a record the viewer may not see does not either."""
    from cairn.disruption.access import visible_tactics
    from cairn.disruption.models import Tactic, TacticSubject
    from cairn.disruption.services import tactics

    police = users["ppu_coordinator"]

    def police_only_tactic(title: str) -> Tactic:
        return Tactic.objects.create(
            tactic_type="cawn",
            title=title,
            owner=police,
            owning_agency=police.agency,
            police_only=True,
            created_by=police,
        )

    shared = police_only_tactic("Shared with the Trust")
    unshared = police_only_tactic("Kept by the police")
    naming_hidden = police_only_tactic("Shared, but names a police-only person")
    suspect = make_person(
        actor=police, given_name="Hidden", category="person_of_concern", police_only=True
    )
    TacticSubject.objects.create(tactic=naming_hidden, entity_id=suspect.pk, role="target")
    for tactic in (shared, naming_hidden):
        tactics.tactic_share(
            actor=police, tactic=tactic, agency=agencies["trust"], reason="Safety planning"
        )

    def counted(user: Any) -> int:
        panel = {p.key: p for p in dashboard.panels(user)}["disruption"]
        return sum(bar.value for bar in panel.rows)

    screener = users["mash_screener"]  # Trust, Hub-wide
    practitioner = users["practitioner"]  # Trust, own agency only
    school = make_user("practitioner", agency="school")
    assert set(visible_tactics(screener)) == {shared}
    assert counted(screener) == 1
    assert set(visible_tactics(practitioner)) == {shared}
    assert counted(practitioner) == 1
    assert not visible_tactics(school).exists() and counted(school) == 0
    assert unshared not in visible_tactics(screener)
    assert counted(users["hub_chair"]) == 3  # police see all three
