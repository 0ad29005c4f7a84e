"""Disclosing without an agency's approval (ADR 0025, amendment): no override covers any
part a police agency holds (police-only or not); another agency's unapproved part must be
taken over by the handling IG first (reason, audit, that agency told and its "approve
your part" answered), after which the handler reads, redacts and withholds it. A record
withheld by the handler stays visible to, and can be put back by, its holding agency.
Through the services, the pages and the API; allowed and denied users."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import User
from cairn.api_auth import services as token_services
from cairn.audit.models import AuditEvent
from cairn.concerns.models import Concern, ConcernStatus
from cairn.core.concurrency import Conflict
from cairn.missing.models import MissingEpisode
from cairn.notifications.models import Notification
from cairn.pole.models import Person
from cairn.rights import services
from cairn.rights.models import BundleItem, PartTakeover, SubjectAccessRequest

from ..api.conftest import ApiClient

SCHOOL_NOTE = "Told the head of year about the older boy at the gates"
POLICE_NOTE = "Stays out overnight at a flat on Mill Road"


@pytest.fixture
def child(
    make_person: Callable[..., Person], users: dict[str, User], agencies: dict[str, Any]
) -> Person:
    """A Trust child with a school concern and a police missing episode (police-held, not
    police-only: partners' bundles hold it)."""
    person = make_person(
        given_name="Idris", family_name="Takeoverexample", date_of_birth=dt.date(2012, 2, 22)
    )
    Concern.objects.create(
        child=person,
        status=ConcernStatus.SUBMITTED,
        reporter=users["social_worker"],
        reporter_agency=agencies["school"],
        narrative=SCHOOL_NOTE,
    )
    MissingEpisode.objects.create(
        child=person,
        owning_agency=agencies["police"],
        recorded_by=users["fib_officer"],
        reported_at=timezone.now(),
        circumstances=POLICE_NOTE,
    )
    return person


@pytest.fixture
def sar(
    users: dict[str, User],
    child: Person,
    police_ig: User,
    school_ig: User,
    subject_sar: Callable[..., SubjectAccessRequest],
) -> SubjectAccessRequest:
    """Confirmed by the Trust's IG once the police's and the school's IG exist (they are
    asked to approve their parts)."""
    ig = users["ig_admin"]
    return subject_sar(ig, child)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user: User) -> ApiClient:
    return ApiClient(token_services.token_create(actor=user, name="t").secret)


def _item(sar: SubjectAccessRequest, record_type: str) -> BundleItem:
    return sar.items.get(record_type=record_type)


def _disclose(user: User, sar: SubjectAccessRequest) -> SubjectAccessRequest:
    return services.sar_disclose(actor=user, sar_id=sar.pk, recipient="Idris", method="post")


REASON = "The school did not answer before the time limit"


def test_no_override_covers_a_police_agencys_part_even_when_not_police_only(
    users: dict[str, User], sar: SubjectAccessRequest, police_ig: User, school_ig: User
) -> None:
    ig = users["ig_admin"]
    episode = _item(sar, "missing_episode")
    assert not episode.police_only
    services.sar_approve(actor=school_ig, sar_id=sar.pk, confirmed=True)
    with pytest.raises(ValidationError) as exc:
        _disclose(ig, sar)
    assert "Testshire Police must approve or withhold its part" in str(exc.value)
    # The police part cannot be taken over, by the service or the page.
    with pytest.raises(ValidationError) as exc:
        services.sar_take_over(
            actor=ig, sar_id=sar.pk, agency_id=police_ig.agency_id, reason=REASON
        )
    assert "never taken over" in str(exc.value)
    url = reverse("rights:sar-take-over", args=[sar.pk, police_ig.agency_id])
    assert _client(ig).get(url).status_code == 404
    page = _client(ig).get(reverse("rights:sar-detail", args=[sar.pk])).content.decode()
    assert 'data-testid="police-part"' in page
    assert url not in page
    # The handler withholding the police record does not settle it: the police decide.
    services.sar_withhold(
        actor=ig, sar_id=sar.pk, item_id=episode.pk, exemption="other", reason="Unsure"
    )
    with pytest.raises(ValidationError):
        _disclose(ig, sar)
    # Police IG withholding it itself does; so does its approval.
    services.sar_unwithhold(
        actor=police_ig, sar_id=sar.pk, item_id=episode.pk, reason="We will decide this one"
    )
    services.sar_withhold(
        actor=police_ig,
        sar_id=sar.pk,
        item_id=episode.pk,
        exemption="prejudice_investigation",
        reason="Live investigation",
    )
    done = _disclose(ig, sar)
    assert done.status == "disclosed"


def test_another_agencys_part_is_taken_over_before_disclosure(
    users: dict[str, User], sar: SubjectAccessRequest, police_ig: User, school_ig: User
) -> None:
    ig = users["ig_admin"]
    services.sar_approve(actor=police_ig, sar_id=sar.pk, confirmed=True)
    concern = _item(sar, "concern")
    item_url = reverse("rights:sar-item", args=[sar.pk, concern.pk])
    assert SCHOOL_NOTE not in _client(ig).get(item_url).content.decode()
    # Unapproved and not taken over: refused, whatever is typed.
    with pytest.raises(ValidationError) as exc:
        _disclose(ig, sar)
    assert "Testshire Academy has not approved its part" in str(exc.value)
    # A reason of a few characters is refused, on the page with what was typed kept.
    url = reverse("rights:sar-take-over", args=[sar.pk, school_ig.agency_id])
    response = _client(ig).post(url, {"reason": "too short"})
    assert response.status_code == 200
    assert "at least 20 characters" in response.content.decode()
    assert not PartTakeover.objects.exists()
    # Others may not take it over: the school itself, police IG, a caseworker.
    for other in (school_ig, police_ig, users["social_worker"]):
        with pytest.raises(Http404):
            services.sar_take_over(
                actor=other, sar_id=sar.pk, agency_id=school_ig.agency_id, reason=REASON
            )
        assert _client(other).post(url, {"reason": REASON}).status_code == 404
    assert Notification.objects.filter(
        recipient=school_ig, object_id=str(sar.pk), read_at__isnull=True
    ).exists()
    response = _client(ig).post(url, {"reason": REASON})
    assert response.status_code == 302
    takeover = PartTakeover.objects.get()
    assert takeover.agency_id == school_ig.agency_id and takeover.reason == REASON
    row = AuditEvent.objects.get(event="rights.sar_part_taken_over")
    assert REASON in row.justification and row.subject_id == sar.people.get().pk
    # The school is told, its "approve your part" answered; it cannot approve now.
    items = list(Notification.objects.filter(recipient=school_ig, object_id=str(sar.pk)))
    assert [n.read_at is None for n in items].count(True) == 1
    assert "took over your agency's part" in next(n.title for n in items if n.read_at is None)
    with pytest.raises(Conflict):
        services.sar_approve(actor=school_ig, sar_id=sar.pk, confirmed=True)
    with pytest.raises(Conflict):
        services.sar_take_over(
            actor=ig, sar_id=sar.pk, agency_id=school_ig.agency_id, reason=REASON
        )
    # The handler now reads it and may redact it; police IG still may not read it.
    assert SCHOOL_NOTE in _client(ig).get(item_url).content.decode()
    assert _client(police_ig).get(item_url).status_code == 404
    services.sar_redact(
        actor=ig,
        sar_id=sar.pk,
        item_id=concern.pk,
        phrase="older boy",
        exemption="third_party",
        reason="Another child",
    )
    detail = _api(ig).get(f"/rights/access-requests/{sar.pk}").json()
    part = next(p for p in detail["parts"] if p["agency"] == "Testshire Academy")
    assert part["taken_over"] and part["taken_over_reason"] == REASON and not part["police"]
    police_part = next(p for p in detail["parts"] if p["agency"] == "Testshire Police")
    assert police_part["police"] and not police_part["taken_over"]
    # Taken over is not approved: the officer who took it over opens each record and
    # approves the part, a step of its own (tester report 10, F4).
    with pytest.raises(ValidationError, match="must open each of its records"):
        _disclose(ig, sar)
    for item in sar.items.filter(agency_id=school_ig.agency_id):
        _client(ig).get(reverse("rights:sar-item", args=[sar.pk, item.pk]))
    services.sar_approve(actor=ig, sar_id=sar.pk, agency_id=school_ig.agency_id, confirmed=True)
    done = _disclose(ig, sar)
    assert "Testshire Academy's part taken over: " + REASON in done.override_reason
    row = AuditEvent.objects.get(event="rights.sar_disclosed")
    assert row.details["taken_over"] == [school_ig.agency_id]


def test_disclosure_resolves_every_agencys_approve_your_part(
    users: dict[str, User], sar: SubjectAccessRequest, police_ig: User, school_ig: User
) -> None:
    ig = users["ig_admin"]
    services.sar_approve(actor=police_ig, sar_id=sar.pk, confirmed=True)
    services.sar_approve(actor=school_ig, sar_id=sar.pk, confirmed=True)
    # A second police IG account added after the approval was asked: still answered.
    _disclose(ig, sar)
    assert not Notification.objects.filter(
        object_id=str(sar.pk), kind="rights_request", read_at__isnull=True
    ).exists()


def test_a_handlers_withholding_is_seen_and_undone_by_the_holding_agency(
    users: dict[str, User], sar: SubjectAccessRequest, police_ig: User, school_ig: User
) -> None:
    ig = users["ig_admin"]
    episode = _item(sar, "missing_episode")
    url = reverse("rights:sar-item", args=[sar.pk, episode.pk])
    handler = _client(ig)
    response = handler.post(
        url,
        {
            "action": "withhold",
            "withhold-exemption": "prejudice_investigation",
            "withhold-reason": "May prejudice the police inquiry",
        },
    )
    assert response.status_code == 302
    # Said as what it is (outside tester: withholding said "Redaction recorded.").
    done = handler.get(url).content.decode()
    assert "The record is withheld from the disclosure." in done
    assert "Redaction recorded." not in done
    # The handler sees what it withheld, without the police's words, and cannot undo it
    # (it may not read the record: putting it back is the police's call).
    page = _client(ig).get(url).content.decode()
    assert "May prejudice the police inquiry" in page and POLICE_NOTE not in page
    assert 'data-testid="unwithhold"' not in page
    with pytest.raises(Http404):
        services.sar_unwithhold(actor=ig, sar_id=sar.pk, item_id=episode.pk, reason="x" * 20)
    # Police IG is told, sees the exemption, reason and who withheld it, and can undo it.
    note = Notification.objects.get(recipient=police_ig, title__contains="withheld a record")
    assert note.url == url
    page = _client(police_ig).get(url).content.decode()
    assert "May prejudice the police inquiry" in page and "Testshire Children" in page
    assert 'data-testid="unwithhold"' in page and POLICE_NOTE in page
    detail = _api(police_ig).get(f"/rights/access-requests/{sar.pk}").json()
    item = next(i for i in detail["items"] if i["id"] == episode.pk)
    assert item["withheld_reason"] == "May prejudice the police inquiry"
    assert item["withheld_by_agency"] == "Testshire Children's Trust"
    # The school (holds nothing of it) and a caseworker: not found.
    for other in (school_ig, users["social_worker"]):
        with pytest.raises(Http404):
            services.sar_unwithhold(
                actor=other, sar_id=sar.pk, item_id=episode.pk, reason="Put it back please"
            )
        assert _client(other).post(url, {"action": "unwithhold"}).status_code == 404
    response = _client(police_ig).post(url, {"action": "unwithhold", "undo-reason": "x"})
    assert response.status_code == 200 and "at least 10 characters" in response.content.decode()
    response = _client(police_ig).post(
        url, {"action": "unwithhold", "undo-reason": "Nothing here prejudices the inquiry"}
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert not episode.withheld and episode.withheld_by is None
    row = AuditEvent.objects.get(event="rights.sar_withholding_undone")
    assert row.actor == police_ig
    assert row.details["exemption"] == "prejudice_investigation"
    assert row.details["withheld_by"] == ig.pk
    with pytest.raises(Conflict):
        services.sar_unwithhold(
            actor=police_ig, sar_id=sar.pk, item_id=episode.pk, reason="Put it back again"
        )


def test_the_handler_may_undo_its_own_withholding_of_a_record_it_reads(
    users: dict[str, User], sar: SubjectAccessRequest
) -> None:
    ig = users["ig_admin"]
    person = _item(sar, "person")  # the Trust's own record
    services.sar_withhold(
        actor=ig, sar_id=sar.pk, item_id=person.pk, exemption="other", reason="Checking"
    )
    services.sar_unwithhold(
        actor=ig, sar_id=sar.pk, item_id=person.pk, reason="Checked: nothing to withhold"
    )
    person.refresh_from_db()
    assert not person.withheld
