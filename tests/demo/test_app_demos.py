"""Each app's demo loader, checked on one demo hub (`manage.py demo_data`, loaded once for
this module by the `demo_hub` fixture and rolled back after it; each test runs in its own
savepoint). Loading the hub costs seconds, so these checks share one load rather than
each loading it again; every app's demo must tell the story it claims and load only once."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cairn.accounts.models import User
from cairn.audit.verify import verify_chain
from cairn.concerns.demo import load_demo as load_concerns_demo
from cairn.concerns.models import Concern, IndicatorObservation, RiskDecision
from cairn.disruption import selectors as disruption_selectors
from cairn.disruption.demo import load_demo as load_disruption_demo
from cairn.disruption.models import (
    CawnBreach,
    DisruptionPlan,
    LocationAssessment,
    Tactic,
    TacticType,
)
from cairn.hub.demo import load_demo as load_hub_demo
from cairn.hub.models import Action, AgendaItem, HubMember, Meeting
from cairn.intelligence import selectors as intel_selectors
from cairn.intelligence.demo import load_demo as load_intelligence_demo
from cairn.intelligence.models import Status, Submission
from cairn.missing.demo import load_demo as load_missing_demo
from cairn.missing.models import MissingEpisode
from cairn.network import graph
from cairn.network.demo import load_demo as load_network_demo
from cairn.network.matching.comparisons import DEFAULT_PRIOR_WEIGHT
from cairn.network.models import CandidatePair, MatchModel
from cairn.notifications.models import Notification
from cairn.pole.models import Vehicle
from cairn.referrals.demo import load_demo as load_referrals_demo
from cairn.referrals.models import Referral, ReferralKind, ReferralStatus
from cairn.referrals.selectors import overdue_q
from cairn.retention import selectors as retention_selectors
from cairn.retention import services as retention_services
from cairn.retention.models import RecordType
from cairn.rights.models import PossibleEntry

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_concerns_include_a_boyfriend_model_progression(demo_hub: str) -> None:
    if not Concern.objects.exists():  # the demo command may already load app demos
        load_concerns_demo(seed=1)
    stages = {}
    for concern in Concern.objects.exclude(boyfriend_stage=None).order_by("observed_on"):
        stages.setdefault(concern.child_id, []).append(concern.boyfriend_stage)
    assert [1, 2, 3] in stages.values()
    child_id = next(k for k, v in stages.items() if v == [1, 2, 3])
    levels = list(
        RiskDecision.objects.filter(child_id=child_id, source="concern")
        .order_by("decided_at")
        .values_list("level", flat=True)
    )
    assert levels == ["emerging", "moderate", "significant"]
    assert Notification.objects.filter(kind="risk.raised").exists()
    assert any("county_lines" in c.exploitation_types for c in Concern.objects.all())
    # Idempotent: a second call adds nothing.
    count = Concern.objects.count()
    load_concerns_demo(seed=1)
    assert Concern.objects.count() == count


def test_demo_referrals_cover_every_state(demo_hub: str) -> None:
    load_referrals_demo(seed=1)  # the demo command may already have loaded them: then a no-op
    count = Referral.objects.count()
    load_referrals_demo(seed=1)
    assert Referral.objects.count() == count
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(ReferralStatus.values)
    assert set(Referral.objects.values_list("kind", flat=True)) == set(ReferralKind.values)
    overdue = Referral.objects.filter(overdue_q(timezone.now()))
    assert {r.kind for r in overdue} == {"mash", "nrm", "ppu"}
    assert Referral.objects.filter(kind="ppu", escalated_at__isnull=False).exists()
    assert Referral.objects.filter(mash_decision__outcome="s47").exists()


def test_hub_demo_tells_a_coherent_story(demo_hub: str) -> None:
    """Past minutes, an agenda for the next meeting with a risen child (and the overdue
    interview of the missing demo, loaded before it), actions in each state; loads only
    once."""
    load_hub_demo()
    past, upcoming = Meeting.objects.order_by("starts_at")
    assert past.status == "finalised" and past.distribution.exists()
    assert upcoming.status == "scheduled" and upcoming.starts_at > timezone.now()
    assert AgendaItem.objects.filter(meeting=past).exclude(recorded_at=None).exists()
    kinds = set(AgendaItem.objects.filter(meeting=upcoming).values_list("kind", flat=True))
    assert {"risk_raised", "overdue_action", "review_due", "overdue_rhi"} <= kinds
    assert AgendaItem.objects.filter(meeting=upcoming, reason__startswith="Risen").exists()
    statuses = [a.is_overdue() for a in Action.objects.filter(status="open")]
    assert True in statuses and False in statuses
    assert Action.objects.filter(status="complete").exists()
    assert HubMember.objects.count() >= 4
    # The owner's notice gives the due date the action has (the demo moves one into the
    # past after the notice was sent: the Inbox said "due 09 Dec", the action "Overdue").
    notices = Notification.objects.filter(kind="hub.action", object_type="hub.action")
    assert notices.exists()
    for notice in notices:
        action = Action.objects.get(pk=int(notice.object_id))
        assert f"due {action.due_on:%d %b %Y}" in notice.title
    # The past meeting's agenda was built before it, not today.
    assert past.agenda_generated_at is not None and past.agenda_generated_at < past.starts_at
    load_hub_demo()
    assert Meeting.objects.count() == 2


def test_missing_demo_covers_the_interview_states(demo_hub: str) -> None:
    """Return home interviews in time, late, overdue and declined, and a child missing often
    enough for the frequent-missing indicator; loads only once."""
    load_missing_demo()
    states = {e.rhi_state for e in MissingEpisode.objects.all()}
    assert {"completed_in_time", "late", "overdue"} <= states
    assert MissingEpisode.objects.filter(rhi_accepted=False).exists()
    assert IndicatorObservation.objects.filter(indicator__code="frequent_missing").exists()
    count = MissingEpisode.objects.count()
    load_missing_demo()
    assert MissingEpisode.objects.count() == count


def test_intelligence_demo_loads_every_state_and_correlations(demo_hub: str) -> None:
    # demo_data may already have loaded it (and a police SAR's possible entries, which
    # protect the entries they name).
    PossibleEntry.objects.all().delete()
    Submission.objects.all().delete()
    vehicles_before = Vehicle.objects.count()
    load_intelligence_demo()
    statuses = set(Submission.objects.values_list("status", flat=True))
    assert {
        Status.NEW,
        Status.TRIAGED,
        Status.EVALUATED,
        Status.DISSEMINATED,
        Status.CLOSED,
    } <= statuses
    assert Submission.objects.filter(legacy_grade="B24").exists()
    fib = User.objects.get(username="fib.demo")
    first = Submission.objects.filter(status=Status.DISSEMINATED).order_by("pk").first()
    assert first is not None
    # The car in the first report recurs in later ones, and is the demo hub's own record.
    correlations = intel_selectors.correlations(fib, first)
    assert any(c.count >= 1 and c.entity.kind == "vehicle" for c in correlations)
    assert Vehicle.objects.count() == vehicles_before
    # One entry escalated as danger now and not acted on: the FIB's "Act now" box and
    # home page alert have something to show a new user.
    [danger] = intel_selectors.danger_waiting(fib)
    assert danger.danger_told == "fib" and danger.submitter.username == "charity.demo"
    assert danger.further_information_given == ""
    load_intelligence_demo()  # idempotent
    assert Submission.objects.count() == 9


def test_network_demo_gives_the_network_view_and_review_queue_something(demo_hub: str) -> None:
    load_network_demo()  # the demo command may already have loaded it: idempotent either way
    load_network_demo()
    analyst = get_user_model().objects.get(username="analyst.demo")
    car = Vehicle.objects.get(registration_key="ZM71DMO")
    owner = car.entity.links_in.get(link_type="owns_vehicle").from_entity_id
    network = graph.neighbourhood(analyst, owner, hops=3)
    analysis = graph.analyse(network)
    assert any(node.id == car.pk and count >= 3 for node, count in analysis.shared)
    pair = CandidatePair.objects.get()
    assert pair.status == "pending" and pair.match_probability > 0.9
    assert pair.model_version == "default" and not MatchModel.objects.exists()
    # Each comparison carries its own weight, and with the prior they add up to the match
    # weight shown (outside tester 3: every reason said 0.0 beside "Match weight 15.2").
    weights = [part["weight"] for part in pair.explanation.values()]
    assert set(pair.explanation) <= {"given_name", "family_name", "dob", "postcode", "sex"}
    assert all(w != 0 for w in weights)
    prior = pair.match_weight - sum(weights)
    assert prior == pytest.approx(DEFAULT_PRIOR_WEIGHT, abs=0.05)


def test_disruption_demo_has_every_tactic_type(demo_hub: str) -> None:
    """Every tactic type, created through the services, coherently."""
    load_disruption_demo()
    types = set(Tactic.objects.values_list("tactic_type", flat=True))
    assert types == set(TacticType.values)
    assert CawnBreach.objects.count() == 1
    assert DisruptionPlan.objects.count() == 1
    assert LocationAssessment.objects.get().actions.count() == 2
    ppu = User.objects.get(username="ppu.demo")
    assert disruption_selectors.overdue_reviews(ppu).filter(tactic_type="marker").count() == 1
    assert len(disruption_selectors.repeated_sightings_near_children(ppu)) == 1
    before = Tactic.objects.count()
    load_disruption_demo()  # a second run adds nothing
    assert Tactic.objects.count() == before


def test_retention_demo_queues(demo_hub: Any) -> None:
    """Each IG admin has a non-empty retention queue: a MoPI group 3 record ready to
    dispose of, one blocked by a restriction, an intelligence entry ready to dispose of on
    its own, and a Trust care leaver's record."""
    police_ig = User.objects.get(username="igpolice.demo")
    queue = {e.label: e for e in retention_selectors.review_queue(police_ig)}
    lapsed = queue["Corwin Lapsedale"]
    assert lapsed.rule is not None and lapsed.rule.code == "mopi-3"
    assert lapsed.blockers == [] and lapsed.links == 2
    assert queue["Perrin Heldbackson"].blockers == ["restricted"]
    trust = {
        e.label: e for e in retention_selectors.review_queue(User.objects.get(username="ig.demo"))
    }
    assert trust["Delphine Carefinished"].rule.code == "csc-25"  # type: ignore[union-attr]

    retention_services.person_dispose(
        actor=police_ig, person_id=lapsed.record_id, reason="No action"
    )
    assert verify_chain().ok
    entries = [
        e
        for e in retention_selectors.review_queue(police_ig)
        if e.record_type == RecordType.SUBMISSION and e.blockers == []
    ]
    assert len(entries) == 1 and entries[0].rule.code == "mopi-3"  # type: ignore[union-attr]
    tombstone = retention_services.submission_dispose(
        actor=police_ig, submission_id=entries[0].record_id, reason="Closed, no action since"
    )
    assert tombstone.removed["source_record"] == 1
    assert Submission.objects.get(pk=entries[0].record_id).disposed_at is not None
    assert verify_chain().ok
    # The Trust's child was linked: its recorder is told.
    assert Notification.objects.filter(kind="retention.linked_disposed").count() == 1
