"""Disposal of a concern and of an intelligence entry on their own (ADR 0024): every field
that held free text is emptied in the database, the links they asserted lose them as a
source (a link only they asserted goes), the record is withheld from every everyday read,
a tombstone shows, the audit chain verifies; blockers refuse, a second submit is a
conflict, and nobody but the owning agency's IG may do it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cairn.audit.models import AuditEvent
from cairn.concerns import services as concern_services
from cairn.concerns.access import access_concern_by_id
from cairn.concerns.models import (
    Concern,
    IndicatorObservation,
    PathwayDecision,
    RiskDecision,
)
from cairn.intelligence import search as intel_search
from cairn.intelligence import services as intel
from cairn.intelligence.access import access_submission_by_id
from cairn.intelligence.linking import INTEL_SOURCE
from cairn.intelligence.models import (
    CrimeReferral,
    Dissemination,
    SourceRecord,
    Submission,
    SubmissionEntity,
)
from cairn.pole import chronology
from cairn.pole import services as pole
from cairn.pole.models import Entity, Link, LinkSource, Person
from cairn.referrals.models import Referral
from cairn.retention import selectors, services
from cairn.retention.models import Outcome, RecordType, ReviewDecision, Tombstone
from cairn.retention.selectors import BLOCKER_TEXT
from cairn.rights import services as rights
from cairn.rights.models import SubjectAccessRequest

from ..concerns.conftest import complete_payload
from ..intelligence.conftest import intel_data

pytestmark = pytest.mark.django_db

LONG_AGO = dt.timedelta(days=8 * 365)
NARRATIVE = "Zennor was seen getting into a silver car with two older men near the lido."
WHAT = "Orrin Exampleby was seen handing parcels to two children at the Northmoor lido."
SANITISED = "Exampleby was seen handing parcels to children at the lido."
REASON = "No further action for many years; no risk identified"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# A Trust concern about a young person now past 25 (the Trust's rule: to the 25th birthday).


@pytest.fixture
def concern_world(
    users: dict[str, Any], make_person: Callable[..., Person], rules: None
) -> dict[str, Any]:
    sw = users["social_worker"]
    child = make_person(
        given_name="Zennor", family_name="Oldcase", date_of_birth=dt.date(1996, 5, 1)
    )
    payload = complete_payload(child.pk, narrative=NARRATIVE, observed_time="17:30")
    payload["indicators"][0]["evidence"] = "Zennor told me about the silver car herself"
    concern = concern_services.concern_create(actor=sw, data=payload)
    concern_services.risk_decision_record(
        actor=sw, concern=concern, level="moderate", rationale="Zennor's account of the car"
    )
    concern.refresh_from_db()
    concern_services.pathway_decisions_record(
        actor=sw,
        concern=concern,
        decisions={
            code: (False, f"Zennor's {code} step not needed: already known")
            for code in ("emergency", "crime_report", "fib", "ppu", "mash", "nrm")
        },
    )
    concern.refresh_from_db()
    # The links the concern asserted: one only it asserted, one a hand note asserts too.
    sourced = list(LinkSource.objects.filter(source_type="concerns.concern", source_id=concern.pk))
    assert len(sourced) == 2
    shared_link = sourced[0].link
    pole.link_record(
        actor=sw,
        from_entity_id=shared_link.from_entity_id,
        to_entity_id=shared_link.to_entity_id,
        link_type=shared_link.link_type,
        source_note="Seen together by the youth worker",
    )
    return {
        "child": child,
        "concern": concern,
        "shared_link": shared_link.pk,
        "own_link": sourced[1].link_id,
    }


def _dispose_web(ig: Any, slug: str, record_id: int, **extra: str) -> Any:
    return _client(ig).post(
        reverse("retention:dispose", args=[slug, record_id]),
        {"reason": REASON, "confirm": "on", **extra},
    )


def test_concern_disposal_erases_its_text_and_withholds_it(
    users: dict[str, Any], concern_world: dict[str, Any]
) -> None:
    ig, sw = users["ig_admin"], users["social_worker"]
    concern, child = concern_world["concern"], concern_world["child"]
    queue = {(e.record_type, e.record_id): e for e in selectors.review_queue(ig)}
    entry = queue[(RecordType.CONCERN, concern.pk)]
    assert entry.blockers == [] and entry.rule is not None and entry.rule.code == "csc-25"
    # Before: in the reporter's list and the child's chronology.
    assert concern.reference in _client(sw).get(reverse("concerns:list")).content.decode()
    assert any(
        e.url == reverse("concerns:detail", args=[concern.pk])
        for e in chronology.chronology_for(sw, child, [])
    )

    client = _client(ig)
    review = client.get(reverse("retention:review", args=["concern", concern.pk])).content.decode()
    assert "not available in Cairn yet" not in review
    assert reverse("retention:dispose", args=["concern", concern.pk]) in review
    page = client.get(reverse("retention:dispose", args=["concern", concern.pk])).content.decode()
    assert "Disposal cannot be undone" in page and "the evidence of its indicator" in page
    response = _dispose_web(ig, "concern", concern.pk)
    assert response.status_code == 302, response.content.decode()
    tombstone = Tombstone.objects.get(record_type=RecordType.CONCERN, record_id=concern.pk)
    assert response["Location"] == reverse("retention:tombstone", args=[tombstone.pk])

    # The concern's row stays, its free text gone.
    row = Concern.objects.get(pk=concern.pk)
    assert row.disposed_at is not None
    assert "Zennor" not in row.narrative and row.narrative.startswith("[Disposed")
    assert (row.observed_where, row.reporter_role, row.crime_reference) == ("", "", "")
    assert row.observed_time is None and row.draft == {}
    # Its observations (indicator and date stay), decisions and risk rationale.
    observations = IndicatorObservation.objects.filter(concern=concern)
    assert observations.count() == 2
    assert set(observations.values_list("evidence", "source")) == {("", "")}
    pathway = PathwayDecision.objects.filter(concern=concern)
    assert pathway.exists()
    assert set(pathway.values_list("note", "recommendation_reason")) == {("", "")}
    risk = RiskDecision.objects.get(concern=concern)
    assert "Zennor" not in risk.rationale and risk.level == "moderate"
    # Links: the one only it asserted is gone; the shared one stays, with the other source.
    assert not Link.objects.filter(pk=concern_world["own_link"]).exists()
    shared = Link.objects.get(pk=concern_world["shared_link"])
    assert [s.note for s in shared.sources.all()] == ["Seen together by the youth worker"]
    assert not LinkSource.objects.filter(source_type="concerns.concern", source_id=concern.pk)
    # The child's record is untouched.
    child.refresh_from_db()
    assert child.given_name == "Zennor" and Entity.objects.get(pk=child.pk).disposed_at is None

    # Gone from everyday reads: the reporter's list, the page (404), the chronology.
    listing = _client(sw).get(reverse("concerns:list")).content.decode()
    assert concern.reference not in listing
    assert _client(sw).get(reverse("concerns:detail", args=[concern.pk])).status_code == 404
    with pytest.raises(Http404):
        access_concern_by_id(sw, concern.pk)
    # As the next request reads it: a page's reads are kept on its Person object for the
    # length of that request (cairn/concerns/selectors.py), so read the child afresh.
    child = Person.objects.get(pk=child.pk)
    entries = chronology.chronology_for(sw, child, [])
    assert not any(e.url == reverse("concerns:detail", args=[concern.pk]) for e in entries)
    assert NARRATIVE not in str([e.detail for e in entries])
    # And from the retention queue.
    assert (RecordType.CONCERN, concern.pk) not in {
        (e.record_type, e.record_id) for e in selectors.review_queue(ig)
    }

    # Decision, tombstone, audit.
    decision = ReviewDecision.objects.get(record_type=RecordType.CONCERN, record_id=concern.pk)
    assert decision.outcome == Outcome.DISPOSE and decision.reason == REASON
    assert tombstone.decision == decision
    assert tombstone.removed["observations_redacted"] == 2
    assert tombstone.removed["links"] == 1 and tombstone.removed["link_sources"] == 2
    erasure = AuditEvent.objects.get(event="retention.disposed")
    assert erasure.action == "erasure" and erasure.subject_id == child.pk
    assert erasure.details["record_id"] == concern.pk
    assert "Zennor" not in str(erasure.details) and "silver" not in str(erasure.details)
    call_command("audit_verify")
    shown = _client(ig).get(response["Location"]).content.decode()
    assert f"Concern {concern.pk} was disposed of" in shown and "Zennor" not in shown
    assert "Indicator observations&#x27; evidence: 2" in shown


def test_a_second_submit_disposes_once(
    users: dict[str, Any], concern_world: dict[str, Any]
) -> None:
    ig = users["ig_admin"]
    concern = concern_world["concern"]
    assert _dispose_web(ig, "concern", concern.pk).status_code == 302
    again = _dispose_web(ig, "concern", concern.pk)
    assert again.status_code == 409
    assert "already been disposed of" in again.content.decode()
    assert Tombstone.objects.count() == 1
    assert ReviewDecision.objects.filter(outcome=Outcome.DISPOSE).count() == 1
    # The confirmation and review pages of a disposed concern: missing.
    client = _client(ig)
    assert client.get(reverse("retention:dispose", args=["concern", concern.pk])).status_code == 404
    assert client.get(reverse("retention:review", args=["concern", concern.pk])).status_code == 404
    with pytest.raises(ValidationError):  # the service, called again: a conflict
        services.concern_dispose(actor=ig, concern_id=concern.pk, reason="again")


def _open_referral(users: dict[str, Any], w: dict[str, Any]) -> None:
    sw = users["social_worker"]
    Referral.objects.create(
        kind="mash",
        status="submitted",
        child=w["child"],
        concern=w["concern"],
        sender=sw,
        sender_agency=sw.agency,
    )


def _still_screening(users: dict[str, Any], w: dict[str, Any]) -> None:
    Concern.objects.filter(pk=w["concern"].pk).update(status="screened")


def _child_restricted(users: dict[str, Any], w: dict[str, Any]) -> None:
    rights.restriction_apply(
        actor=users["ig_admin"], person_id=w["child"].pk, reason="Accuracy contested"
    )


def _open_sar(users: dict[str, Any], w: dict[str, Any]) -> None:
    child = w["child"]
    sar = SubjectAccessRequest.objects.create(
        requester="A. Requester",
        requester_kind="subject",
        given_name=child.given_name,
        family_name=child.family_name,
        received_on=timezone.localdate(),
        due_on=timezone.localdate() + dt.timedelta(days=30),
        created_by=users["ig_admin"],
    )
    sar.people.add(child)


@pytest.mark.parametrize(
    ("code", "make"),
    [
        ("concern_referral", _open_referral),
        ("concern_open", _still_screening),
        ("subject_restricted", _child_restricted),
        ("subject_sar", _open_sar),
    ],
)
def test_concern_blockers_show_and_refuse(
    users: dict[str, Any],
    concern_world: dict[str, Any],
    code: str,
    make: Callable[[dict[str, Any], dict[str, Any]], None],
) -> None:
    ig = users["ig_admin"]
    concern = concern_world["concern"]
    make(users, concern_world)
    client = _client(ig)
    queue = client.get(reverse("retention:queue")).content.decode()
    assert escape(BLOCKER_TEXT[code]) in queue
    review = client.get(reverse("retention:review", args=["concern", concern.pk])).content.decode()
    assert escape(BLOCKER_TEXT[code]) in review and 'data-testid="dispose-blocked"' in review
    with pytest.raises(ValidationError) as refused:
        services.concern_dispose(actor=ig, concern_id=concern.pk, reason="Due")
    assert BLOCKER_TEXT[code] in " ".join(refused.value.messages)
    response = _dispose_web(ig, "concern", concern.pk, reason="Typed reason")
    html = response.content.decode()
    assert response.status_code == 200
    assert "This record cannot be disposed of yet." in html and escape(BLOCKER_TEXT[code]) in html
    assert "Typed reason" in html
    assert not Tombstone.objects.exists()
    assert Concern.objects.get(pk=concern.pk).disposed_at is None


def test_a_reason_is_required(users: dict[str, Any], concern_world: dict[str, Any]) -> None:
    concern = concern_world["concern"]
    with pytest.raises(ValidationError) as refused:
        services.concern_dispose(actor=users["ig_admin"], concern_id=concern.pk, reason="  ")
    assert "Say why the record is disposed of" in " ".join(refused.value.messages)
    response = _client(users["ig_admin"]).post(
        reverse("retention:dispose", args=["concern", concern.pk]), {"reason": "Kept typing"}
    )
    assert response.status_code == 200
    assert "Confirm that you understand disposal cannot be undone" in response.content.decode()
    assert not Tombstone.objects.exists()


@pytest.mark.parametrize(
    "role", ["social_worker", "fib_officer", "hub_chair", "system_admin", "ig_police"]
)
def test_only_the_owning_agencys_ig_may_dispose_of_a_concern(
    users: dict[str, Any], ig_police: Any, concern_world: dict[str, Any], role: str
) -> None:
    user = ig_police if role == "ig_police" else users[role]
    concern = concern_world["concern"]
    client = _client(user)
    for name in ("retention:review", "retention:dispose"):
        assert client.get(reverse(name, args=["concern", concern.pk])).status_code == 404
    assert _dispose_web(user, "concern", concern.pk).status_code == 404
    assert not Tombstone.objects.exists()


# A police intelligence entry, disseminated and linked, last touched eight years ago.


@pytest.fixture
def entry_world(
    users: dict[str, Any], make_person: Callable[..., Person], rules: None
) -> dict[str, Any]:
    fib = users["fib_officer"]
    subject = make_person(
        actor=fib, given_name="Orrin", family_name="Exampleby", category="person_of_concern"
    )
    place = pole.location_create(actor=fib, name="Northmoor Lido", town="Northmoor")
    other = make_person(actor=fib, given_name="Tamsin", family_name="Otherperson")
    entry = intel.submission_create(
        actor=fib,
        data=intel_data(subject_id=subject.pk, subject_description="Orrin Exampleby", what=WHAT),
    )
    intel.submission_evaluate(
        actor=fib, submission=entry, source_grade="2", intel_grade="B", handling="P"
    )
    intel.submission_sanitise(actor=fib, submission=entry, text=SANITISED)
    intel.submission_disseminate(
        actor=fib, submission=entry, recipient_kind="ppu", reason="Orrin is a PPU nominal"
    )
    SubmissionEntity.objects.create(submission=entry, entity=place.entity, linked_by=fib)
    own = pole.link_record(
        actor=fib,
        from_entity_id=subject.pk,
        to_entity_id=place.pk,
        link_type="frequents",
        source_type=INTEL_SOURCE,
        source_id=str(entry.pk),
    ).link
    shared = pole.link_record(
        actor=fib,
        from_entity_id=subject.pk,
        to_entity_id=other.pk,
        link_type="associate",
        source_type=INTEL_SOURCE,
        source_id=str(entry.pk),
    ).link
    pole.link_record(
        actor=fib,
        from_entity_id=subject.pk,
        to_entity_id=other.pk,
        link_type="associate",
        source_note="Seen together in a patrol log",
    )
    Submission.objects.filter(pk=entry.pk).update(
        created_at=timezone.now() - LONG_AGO, updated_at=timezone.now() - LONG_AGO
    )
    entry.refresh_from_db()
    return {"entry": entry, "subject": subject, "own_link": own.pk, "shared_link": shared.pk}


def test_entry_disposal_erases_its_text_source_mentions_and_index(
    users: dict[str, Any], ig_police: Any, entry_world: dict[str, Any]
) -> None:
    fib, ppu = users["fib_officer"], users["ppu_coordinator"]
    entry = entry_world["entry"]
    assert SourceRecord.objects.filter(submission=entry).exists()
    assert list(intel_search.search(fib, intel_search.Filters(q="Exampleby"))) == [entry]
    assert list(intel_search.search(ppu, intel_search.Filters(q="Exampleby"))) == [entry]
    queue = {(e.record_type, e.record_id): e for e in selectors.review_queue(ig_police)}
    assert queue[(RecordType.SUBMISSION, entry.pk)].blockers == []

    response = _dispose_web(ig_police, "intelligence", entry.pk)
    assert response.status_code == 302, response.content.decode()
    tombstone = Tombstone.objects.get(record_type=RecordType.SUBMISSION, record_id=entry.pk)

    row = Submission.objects.get(pk=entry.pk)
    assert row.disposed_at is not None
    for name in services.SUBMISSION_TEXT:
        if name != "what":
            assert getattr(row, name) == "", name
    assert row.what.startswith("[Disposed") and "Exampleby" not in row.what
    assert (row.mentions, row.draft_source, row.check_result, row.when_time) == ([], {}, {}, None)
    assert not SourceRecord.objects.filter(submission_id=entry.pk).exists()
    assert not SubmissionEntity.objects.filter(submission_id=entry.pk).exists()
    assert set(Dissemination.objects.filter(submission=entry).values_list("reason", flat=True)) == {
        services.REDACTED
    }
    assert not Link.objects.filter(pk=entry_world["own_link"]).exists()
    kept = Link.objects.get(pk=entry_world["shared_link"])
    assert [s.note for s in kept.sources.all()] == ["Seen together in a patrol log"]
    assert not LinkSource.objects.filter(source_type=INTEL_SOURCE, source_id=str(entry.pk))
    # The subject keeps their record.
    subject = Person.objects.get(pk=entry_world["subject"].pk)
    assert subject.family_name == "Exampleby"

    # Search (the FIB's and a recipient's), the full-text index, the entry pages: gone.
    assert list(intel_search.search(fib, intel_search.Filters(q="Exampleby"))) == []
    assert list(intel_search.search(ppu, intel_search.Filters(q="lido"))) == []
    assert list(intel_search.search(fib, intel_search.Filters())) == []
    if intel_search.fts_available():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM intelligence_fts WHERE rowid = %s", [entry.pk])
            assert cursor.fetchone()[0] == 0
    for user in (fib, ppu):
        with pytest.raises(Http404):
            access_submission_by_id(user, entry.pk)
    assert _client(fib).get(reverse("intelligence:detail", args=[entry.pk])).status_code == 404

    erasure = AuditEvent.objects.get(event="retention.disposed")
    assert erasure.action == "erasure" and erasure.subject_id == entry_world["subject"].pk
    assert erasure.details["removed"]["source_record"] == 1
    assert "Exampleby" not in str(erasure.details) and "Petra" not in str(erasure.details)
    assert tombstone.removed["intelligence_mentions"] == 1 and tombstone.removed["links"] == 1
    call_command("audit_verify")
    shown = _client(ig_police).get(response["Location"]).content.decode()
    assert f"Intelligence entry {entry.pk} was disposed of" in shown
    assert "Exampleby" not in shown
    # A second submit: a conflict, not a second disposal.
    assert _dispose_web(ig_police, "intelligence", entry.pk).status_code == 409
    assert Tombstone.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text index")
def test_postgresql_full_text_index_no_longer_finds_the_entry(
    ig_police: Any, entry_world: dict[str, Any]
) -> None:
    entry = entry_world["entry"]
    sql = (
        "SELECT count(*) FROM intelligence_submission WHERE id = %s AND "
        "sanitised_search @@ plainto_tsquery('english', %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [entry.pk, "Exampleby"])
        assert cursor.fetchone()[0] == 1
    services.submission_dispose(actor=ig_police, submission_id=entry.pk, reason=REASON)
    with connection.cursor() as cursor:
        cursor.execute(sql, [entry.pk, "Exampleby"])
        assert cursor.fetchone()[0] == 0


def _crime_referral(users: dict[str, Any], w: dict[str, Any]) -> None:
    fib = users["fib_officer"]
    CrimeReferral.objects.create(
        submission=w["entry"], status="recorded", note="A crime", referred_by=fib
    )


def _with_the_fib(users: dict[str, Any], w: dict[str, Any]) -> None:
    Submission.objects.filter(pk=w["entry"].pk).update(status="triaged")


def _subject_restricted(users: dict[str, Any], w: dict[str, Any]) -> None:
    rights.restriction_apply(
        actor=users["ig_police"], person_id=w["subject"].pk, reason="Accuracy contested"
    )


def _subject_sar(users: dict[str, Any], w: dict[str, Any]) -> None:
    _open_sar(users, {"child": w["subject"]})


@pytest.mark.parametrize(
    ("code", "make"),
    [
        ("crime_referral", _crime_referral),
        ("fib_workflow", _with_the_fib),
        ("subject_restricted", _subject_restricted),
        ("subject_sar", _subject_sar),
    ],
)
def test_entry_blockers_show_and_refuse(
    users: dict[str, Any],
    ig_police: Any,
    entry_world: dict[str, Any],
    code: str,
    make: Callable[[dict[str, Any], dict[str, Any]], None],
) -> None:
    entry = entry_world["entry"]
    make({**users, "ig_police": ig_police}, entry_world)
    Submission.objects.filter(pk=entry.pk).update(updated_at=timezone.now() - LONG_AGO)
    review = (
        _client(ig_police)
        .get(reverse("retention:review", args=["intelligence", entry.pk]))
        .content.decode()
    )
    assert escape(BLOCKER_TEXT[code]) in review
    with pytest.raises(ValidationError) as refused:
        services.submission_dispose(actor=ig_police, submission_id=entry.pk, reason="Due")
    assert BLOCKER_TEXT[code] in " ".join(refused.value.messages)
    response = _dispose_web(ig_police, "intelligence", entry.pk)
    assert response.status_code == 200
    assert escape(BLOCKER_TEXT[code]) in response.content.decode()
    assert Submission.objects.get(pk=entry.pk).disposed_at is None
    assert SourceRecord.objects.filter(submission_id=entry.pk).exists()


@pytest.mark.parametrize("role", ["fib_officer", "ig_admin", "ppu_coordinator"])
def test_only_the_owning_agencys_ig_may_dispose_of_an_entry(
    users: dict[str, Any], entry_world: dict[str, Any], role: str
) -> None:
    entry = entry_world["entry"]
    user = users[role]
    client = _client(user)
    for name in ("retention:review", "retention:dispose"):
        assert client.get(reverse(name, args=["intelligence", entry.pk])).status_code == 404
    assert _dispose_web(user, "intelligence", entry.pk).status_code == 404
    assert not Tombstone.objects.exists()


def test_an_unknown_kind_is_404(users: dict[str, Any]) -> None:
    response = _client(users["ig_admin"]).get(reverse("retention:dispose", args=["thing", 1]))
    assert response.status_code == 404
