"""Pages: the submission form with its check, the submitter's view (no grading), the
FIB's queue and workflow pages, recipients' sanitised view, search; allowed and denied."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cairn.audit.models import AuditEvent
from cairn.intelligence import services
from cairn.intelligence.models import Status, Submission

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


PLAIN_NO = {"anyone_in_danger": "no", "crime_described": "no"}


def form_data(**overrides: Any) -> dict[str, Any]:
    day = dt.date.today() - dt.timedelta(days=1)
    data = {
        "subject_description": "Skye Examplewood, born 14 February 2012",
        "what": "Grey Corsa NM12 XYZ parked outside the school at 15:15 on Monday, engine running.",
        "where": "Testshire Academy",
        "when_on_day": day.day,
        "when_on_month": day.month,
        "when_on_year": day.year,
        "when_time": "15:15",
        "how_known": "first_hand",
        "source_is_submitter": "on",
        "action": "check",
    }
    data.update(overrides)
    return data


def test_partner_submits_through_the_form(partner: Any, users: dict[str, Any]) -> None:
    client = client_for(partner)
    assert client.get("/intelligence/new/").status_code == 200
    response = client.post("/intelligence/new/")
    draft = Submission.objects.get(submitter=partner)
    # The two plain questions come first; two noes go on to the details.
    assert response.url == f"/intelligence/{draft.pk}/questions/"
    assert b"Is anyone in danger right now?" in client.get(response.url).content
    response = client.post(response.url, PLAIN_NO)
    assert response.url == f"/intelligence/{draft.pk}/edit/"
    response = client.post(f"/intelligence/{draft.pk}/edit/", form_data(add="vehicle"))
    assert response.url == f"/intelligence/{draft.pk}/details/add/vehicle/"
    client.post(
        f"/intelligence/{draft.pk}/details/add/vehicle/",
        {"registration": "NM12 XYZ", "make": "Vauxhall"},
    )
    response = client.post(f"/intelligence/{draft.pk}/edit/", form_data())
    assert response.url == f"/intelligence/{draft.pk}/check/"
    page = client.get(response.url)
    assert b"No problems found" in page.content
    response = client.post(f"/intelligence/{draft.pk}/check/", {})
    assert response.status_code == 302, response.content.decode()[-6000:]
    assert response.url == f"/intelligence/{draft.pk}/"
    draft.refresh_from_db()
    assert draft.status == Status.NEW and draft.mentions[0]["registration"] == "NM12 XYZ"


def test_crime_disclosure_is_blocked_with_route(partner: Any) -> None:
    client = client_for(partner)
    client.post("/intelligence/new/")
    draft = Submission.objects.get(submitter=partner)
    client.post(f"/intelligence/{draft.pk}/questions/", PLAIN_NO)
    client.post(
        f"/intelligence/{draft.pk}/edit/",
        form_data(what="She told me that the driver hit her in the car on Monday."),
    )
    page = client.get(f"/intelligence/{draft.pk}/check/")
    assert b"This looks like a crime, not intelligence" in page.content
    assert b"call 999 now" in page.content and b"101" in page.content and b"MASH" in page.content
    response = client.post(f"/intelligence/{draft.pk}/check/", {})
    assert response.status_code == 200
    assert b"Give the crime reference" in response.content
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    response = client.post(f"/intelligence/{draft.pk}/check/", {"crime_reference": "TP/1/26"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.NEW


def test_submitter_sees_original_but_not_grading(graded: Submission, partner: Any) -> None:
    page = client_for(partner).get(f"/intelligence/{graded.pk}/")
    assert page.status_code == 200
    assert b'data-testid="original-text"' in page.content
    assert b"2/B/P" not in page.content and b"Year 9 pupil from a school" not in page.content
    assert b"Evaluate (3x5x2)" not in page.content


def test_draft_pages_are_the_authors_only(partner: Any, users: dict[str, Any]) -> None:
    draft = services.submission_start(actor=partner)
    for user in (users["fib_officer"], users["practitioner"]):
        client = client_for(user)
        assert client.get(f"/intelligence/{draft.pk}/edit/").status_code == 404
        assert client.get(f"/intelligence/{draft.pk}/check/").status_code == 404


def test_fib_pages_allowed_for_fib_and_404_for_others(
    graded: Submission, partner: Any, users: dict[str, Any]
) -> None:
    fib = client_for(users["fib_officer"])
    for path in ("", "triage/", "evaluate/", "sanitise/", "link/", "disseminate/", "source/"):
        assert fib.get(f"/intelligence/{graded.pk}/{path}").status_code == 200, path
    assert fib.get("/intelligence/fib/?tab=evaluated").status_code == 200
    for user in (partner, users["analyst"], users["ppu_coordinator"]):
        client = client_for(user)
        for path in ("triage/", "evaluate/", "sanitise/", "link/", "disseminate/", "source/"):
            assert client.get(f"/intelligence/{graded.pk}/{path}").status_code == 404, path
    assert client_for(partner).get("/intelligence/fib/").status_code == 403
    assert client_for(users["ig_admin"]).get(f"/intelligence/{graded.pk}/").status_code == 404


def test_fib_grades_sanitises_links_and_disseminates(
    submit: Callable[..., Submission], partner: Any, users: dict[str, Any]
) -> None:
    submission = submit(partner)
    fib = client_for(users["fib_officer"])
    base = f"/intelligence/{submission.pk}/"
    assert (
        fib.post(
            base + "evaluate/",
            {
                "source_grade": "2",
                "intel_grade": "B",
                "handling": "C",
                "marking": "official_sensitive",
            },
        ).status_code
        == 200
    )
    fib.post(
        base + "evaluate/",
        {"source_grade": "2", "intel_grade": "B", "handling": "P", "marking": "official"},
    )
    editor = fib.get(base + "sanitise/")
    assert b"A grey Vauxhall Corsa collected Skye" in editor.content
    assert b"Petra Sourceperson" not in editor.content.split(b"Sanitised text")[1]
    fib.post(base + "sanitise/", {"text": "A grey car collects a pupil from school."})
    # The vehicle now; the phone left for later.
    fib.post(
        base + "link/",
        {"record_0": "new", "owner_0": "none", "type_0": "owns_vehicle", "record_1": "skip"},
    )
    fib.post(base + "disseminate/", {"recipient_kind": "ppu", "reason": "For the PPU"})
    submission.refresh_from_db()
    assert submission.grade == "2/B/P" and submission.status == Status.DISSEMINATED
    assert submission.entities.count() == 1
    ppu_page = client_for(users["ppu_coordinator"]).get(base)
    assert b"A grey car collects a pupil from school." in ppu_page.content
    assert b"A grey Vauxhall Corsa collected Skye" not in ppu_page.content
    assert b"2/B/P" in ppu_page.content


def test_source_view_is_audited(
    submit: Callable[..., Submission], partner: Any, users: dict[str, Any]
) -> None:
    submission = submit(partner)
    page = client_for(users["fib_officer"]).get(f"/intelligence/{submission.pk}/source/")
    assert b"Petra Sourceperson" in page.content
    assert AuditEvent.objects.filter(
        event="intel.source_viewed", actor=users["fib_officer"]
    ).exists()


def test_search_page_is_scoped(graded: Submission, users: dict[str, Any], partner: Any) -> None:
    analyst = client_for(users["analyst"]).get("/intelligence/search/", {"q": "Vauxhall"})
    assert graded.reference.encode() in analyst.content
    ppu = client_for(users["ppu_coordinator"]).get("/intelligence/search/", {"q": "Vauxhall"})
    assert graded.reference.encode() not in ppu.content and b"0 results" in ppu.content
    mine = client_for(partner).get("/intelligence/search/", {"q": "Vauxhall"})
    assert graded.reference.encode() not in mine.content


def test_list_shows_own_and_shared(graded: Submission, partner: Any, users: dict[str, Any]) -> None:
    assert graded.reference.encode() in client_for(partner).get("/intelligence/").content
    services.submission_disseminate(
        actor=users["fib_officer"], submission=graded, recipient_kind="hub", reason="MACE"
    )
    page = client_for(users["hub_chair"]).get("/intelligence/")
    assert b'data-testid="shared"' in page.content and graded.reference.encode() in page.content


def _intelligence_links(page: Any) -> list[str]:
    """Where the menu's and the home page's Intelligence links go."""
    import re

    html = page.content.decode()
    return re.findall(r'href="([^"]+)" data-testid="(?:nav|home)-intelligence"', html)


def test_fib_officer_lands_on_the_queue_and_can_still_reach_the_list(
    users: dict[str, Any],
) -> None:
    client = client_for(users["fib_officer"])
    assert _intelligence_links(client.get("/")) == ["/intelligence/fib/", "/intelligence/fib/"]
    queue = client.get("/intelligence/fib/")
    assert queue.status_code == 200
    assert b'<h1 class="govuk-heading-l">FIB queue</h1>' in queue.content
    assert b'href="/intelligence/" data-testid="own-list"' in queue.content
    assert client.get("/intelligence/").status_code == 200


def test_partner_keeps_the_list(partner: Any) -> None:
    client = client_for(partner)
    assert _intelligence_links(client.get("/")) == ["/intelligence/", "/intelligence/"]
    assert client.get("/intelligence/").status_code == 200
    assert client.get("/intelligence/fib/").status_code == 403


def test_new_from_concern_prefills(users: dict[str, Any], make_person: Callable[..., Any]) -> None:
    from cairn.concerns import services as concern_services

    from ..concerns.conftest import complete_payload

    sw = users["social_worker"]
    concern = concern_services.concern_create(actor=sw, data=complete_payload(make_person().pk))
    client = client_for(sw)
    page = client.get(f"/intelligence/new/?concern={concern.pk}")
    assert b"pre-filled from concern" in page.content
    # One subject per entry: the submitter must say who it is about.
    unanswered = client.post("/intelligence/new/", {"concern": concern.pk})
    assert unanswered.status_code == 200
    assert b"Select who this entry is about" in unanswered.content
    assert not Submission.objects.filter(submitter=sw).exists()
    response = client.post(
        "/intelligence/new/", {"concern": concern.pk, "subject_id": str(concern.child_id)}
    )
    draft = Submission.objects.get(submitter=sw)
    assert draft.concern == concern and draft.what == concern.narrative
    assert draft.subject_id == concern.child_id
    assert response.status_code == 302
    # Someone who may not see the concern gets 404.
    assert (
        client_for(users["ig_admin"]).get(f"/intelligence/new/?concern={concern.pk}").status_code
        == 403
    )


def test_queue_and_list_pages_have_bounded_queries(
    submit: Callable[..., Submission],
    partner: Any,
    users: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(6):
        submit(partner)
    fib = client_for(users["fib_officer"])
    # 18 for the page, plus one for the two-step verification check on unverified sessions.
    with django_assert_max_num_queries(19):
        assert fib.get("/intelligence/fib/").status_code == 200
    mine = client_for(partner)
    with django_assert_max_num_queries(19):
        assert mine.get("/intelligence/").status_code == 200


def test_sending_again_after_it_was_sent_goes_to_the_entry(
    submit: Callable[..., Submission], partner: Any
) -> None:
    submission = submit(partner)
    again = client_for(partner).post(f"/intelligence/{submission.pk}/check/")
    assert again.status_code == 302
    assert again["Location"] == f"/intelligence/{submission.pk}/"
    assert Submission.objects.get(pk=submission.pk).status == Status.NEW


def test_back_after_sending_takes_the_submitter_to_the_entry(
    submit: Callable[..., Submission], partner: Any, users: dict[str, Any]
) -> None:
    """Found by an outside tester: Back after submitting answered "Page not found" (the
    draft's pages are for drafts). The submitter lands on the sent entry, told it was sent;
    nothing is saved, sent or deleted again. Anyone else still gets 404."""
    submission = submit(partner)
    sent_at = submission.submitted_at
    mine = client_for(partner)
    for page in ("check", "edit", "questions", "report-crime", "details/add/vehicle", "discard"):
        response = mine.get(f"/intelligence/{submission.pk}/{page}/")
        assert response.status_code == 302, page
        assert response["Location"] == f"/intelligence/{submission.pk}/"
    landed = mine.get(f"/intelligence/{submission.pk}/check/", follow=True)
    assert f"Intelligence {submission.reference} has already been sent" in landed.content.decode()
    # A resent discard or edit does nothing to the sent entry.
    mine.post(f"/intelligence/{submission.pk}/discard/", {"confirm": "yes"})
    mine.post(f"/intelligence/{submission.pk}/edit/", form_data(what="Changed after sending."))
    submission.refresh_from_db()
    assert submission.status == Status.NEW
    assert submission.submitted_at == sent_at
    assert "Changed after sending" not in submission.what
    assert (
        AuditEvent.objects.filter(event="intel.submitted", object_id=str(submission.pk)).count()
        == 1
    )
    for other in (users["fib_officer"], users["social_worker"]):
        assert client_for(other).get(f"/intelligence/{submission.pk}/check/").status_code == 404
