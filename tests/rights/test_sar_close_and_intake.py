"""The tester's findings on a request's life outside disclosure: withdrawing or closing
it (confirmed, audited, final, and no longer holding up disposal), the warning for a
second open request about the same person, the authority check when a parent, carer or
representative asks, and the search that still finds a record whose date of birth was
given wrongly. Through the services and the pages, as the handling IG and as others."""

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
from cairn.accounts.roles import Role
from cairn.audit.models import AuditEvent
from cairn.concerns.models import Concern, ConcernStatus
from cairn.core.concurrency import Conflict
from cairn.pole.models import Person
from cairn.retention.selectors import person_blockers
from cairn.rights import selectors, services
from cairn.rights.models import SarStatus, SubjectAccessRequest

NOTE = "The requester emailed on 3 March to withdraw the request."


@pytest.fixture
def jade(make_person: Callable[..., Person], users: dict[str, User], agencies: Any) -> Person:
    person = make_person(
        given_name="Jade", family_name="Examplesmith", date_of_birth=dt.date(2010, 3, 14)
    )
    Concern.objects.create(
        child=person,
        status=ConcernStatus.SUBMITTED,
        reporter=users["practitioner"],
        reporter_agency=agencies["school"],
        narrative="Seen leaving school with an older man.",
    )
    return person


def _log(actor: User, **kwargs: Any) -> SubjectAccessRequest:
    kwargs.setdefault("requester", "Jade Examplesmith")
    kwargs.setdefault("requester_kind", "subject")
    kwargs.setdefault("given_name", "Jade")
    kwargs.setdefault("family_name", "Examplesmith")
    kwargs.setdefault("date_of_birth", dt.date(2010, 3, 14))
    kwargs.setdefault("other_names", "")
    kwargs.setdefault("received_on", timezone.localdate())
    return services.sar_log(actor=actor, **kwargs)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- withdraw or close without disclosure -----------------------------------------------


def test_close_asks_for_confirmation_then_closes_audits_and_lists_the_outcome(
    users: dict[str, User], jade: Person
) -> None:
    ig = users["ig_admin"]
    sar = _log(ig)
    services.sar_confirm(actor=ig, sar_id=sar.pk, person_ids=[jade.pk])
    assert person_blockers([jade.pk])[jade.pk] == ["sar"]
    client = _client(ig)
    url = reverse("rights:sar-close", args=[sar.pk])
    assert client.get(url).status_code == 200
    short = client.post(url, {"reason": "withdrawn", "note": "Withdrawn"})
    assert "at least 20 characters" in short.content.decode()
    assert ">Withdrawn</textarea>" in short.content.decode()  # what was typed is kept
    # A valid form only asks: nothing is closed yet.
    asked = client.post(url, {"reason": "withdrawn", "note": NOTE})
    assert "Are you sure" in asked.content.decode() and "cannot be undone" in (
        asked.content.decode()
    )
    sar.refresh_from_db()
    assert sar.status == SarStatus.REVIEW
    done = client.post(url, {"reason": "withdrawn", "note": NOTE, "confirmed": "yes"})
    assert done.status_code == 302
    sar.refresh_from_db()
    assert (sar.status, sar.close_reason, sar.close_note) == ("withdrawn", "withdrawn", NOTE)
    assert sar.closed_by == ig and sar.closed_at is not None
    row = AuditEvent.objects.get(event="rights.sar_closed")
    assert (row.subject_id, row.details["before"]) == (jade.pk, "review")
    # No longer holds up disposal of the record it covered.
    assert person_blockers([jade.pk]).get(jade.pk, []) == []
    # Listed under its own tab, with the outcome; gone from the open ones.
    closed = client.get(reverse("rights:sar-list") + "?status=closed").content.decode()
    assert sar.reference in closed and "The requester withdrew the request" in closed
    assert sar.reference not in client.get(reverse("rights:sar-list")).content.decode()
    # Final: nothing more is done on it.
    assert client.get(url).status_code == 404
    with pytest.raises(Conflict):
        services.sar_extend(actor=ig, sar_id=sar.pk, months=1, reason="More time")
    item = sar.items.get(record_type="concern")
    with pytest.raises(Conflict):
        services.sar_withhold(
            actor=ig, sar_id=sar.pk, item_id=item.pk, exemption="other", reason="x"
        )
    with pytest.raises(Conflict):
        services.sar_disclose(actor=ig, sar_id=sar.pk, recipient="Jade", method="post")


def test_closing_needs_a_reason_a_note_and_confirmation(users: dict[str, User]) -> None:
    ig = users["ig_admin"]
    sar = _log(ig)
    for kwargs, field in [
        ({"reason": "bored", "note": NOTE, "confirmed": True}, "reason"),
        ({"reason": "manifestly_excessive", "note": "Too many", "confirmed": True}, "note"),
        ({"reason": "identity_not_verified", "note": NOTE, "confirmed": False}, "confirmed"),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.sar_close(actor=ig, sar_id=sar.pk, **kwargs)
        assert field in exc.value.message_dict
    closed = services.sar_close(
        actor=ig, sar_id=sar.pk, reason="identity_not_verified", note=NOTE, confirmed=True
    )
    assert closed.status == SarStatus.CLOSED  # IG's decision, not a withdrawal
    assert not closed.is_open
    with pytest.raises(Conflict):
        services.sar_close(actor=ig, sar_id=sar.pk, reason="withdrawn", note=NOTE, confirmed=True)
    # Logged again later, the closed one is no duplicate.
    assert _log(ig).possible_duplicate_of is None


@pytest.mark.parametrize("who", ["owning_agency_ig", "social_worker", "police_ig"])
def test_only_the_handling_ig_may_close(
    users: dict[str, User], make_user: Callable[..., User], jade: Person, who: str
) -> None:
    ig = users["ig_admin"]
    sar = _log(ig)
    services.sar_confirm(actor=ig, sar_id=sar.pk, person_ids=[jade.pk])
    actor = {
        # Sees the request to approve its part, but does not handle it.
        "owning_agency_ig": make_user(Role.IG_ADMIN, "school", username="ig_school_close"),
        "social_worker": users["social_worker"],
        "police_ig": make_user(Role.IG_ADMIN, "police", username="ig_police_close"),
    }[who]
    assert _client(actor).get(reverse("rights:sar-close", args=[sar.pk])).status_code == 404
    response = _client(actor).post(
        reverse("rights:sar-close", args=[sar.pk]),
        {"reason": "withdrawn", "note": NOTE, "confirmed": "yes"},
    )
    assert response.status_code == 404
    with pytest.raises(Http404):
        services.sar_close(
            actor=actor, sar_id=sar.pk, reason="withdrawn", note=NOTE, confirmed=True
        )
    sar.refresh_from_db()
    assert sar.status == SarStatus.REVIEW


# -- a second open request for the same person -------------------------------------------


def test_a_second_open_request_warns_and_is_logged_only_when_confirmed(
    users: dict[str, User],
) -> None:
    ig = users["ig_admin"]
    first = _log(ig)
    with pytest.raises(ValidationError) as exc:
        _log(ig, given_name=" jade ", family_name="EXAMPLESMITH")
    assert first.reference in exc.value.message_dict["confirm_duplicate"][0]
    # Another date of birth is another person.
    assert _log(ig, date_of_birth=dt.date(2011, 1, 1)).possible_duplicate_of is None
    client = _client(ig)
    data = {
        "requester": "Jade Examplesmith",
        "requester_kind": "subject",
        "given_name": "Jade",
        "family_name": "Examplesmith",
        "date_of_birth_day": "14",
        "date_of_birth_month": "3",
        "date_of_birth_year": "2010",
        "received_on_day": str(timezone.localdate().day),
        "received_on_month": str(timezone.localdate().month),
        "received_on_year": str(timezone.localdate().year),
    }
    warned = client.post(reverse("rights:sar-new"), data).content.decode()
    print(warned[warned.find("govuk-error-summary") :][:1500])
    assert f"{first.reference} is already open" in warned
    assert 'name="confirm_duplicate"' in warned and 'value="Examplesmith"' in warned
    assert SubjectAccessRequest.objects.count() == 2
    logged = client.post(reverse("rights:sar-new"), {**data, "confirm_duplicate": "on"})
    assert logged.status_code == 302
    second = SubjectAccessRequest.objects.latest("pk")
    assert second.possible_duplicate_of == first
    listed = client.get(reverse("rights:sar-list")).content.decode()
    assert f"Possible duplicate of {first.reference}" in listed
    row = AuditEvent.objects.filter(event="rights.sar_logged").latest("pk")
    assert row.details["possible_duplicate_of"] == first.pk


def test_another_agencys_open_request_is_not_revealed(
    users: dict[str, User], make_user: Callable[..., User]
) -> None:
    _log(users["ig_admin"])
    police_ig = make_user(Role.IG_ADMIN, "police", username="ig_police_dup")
    assert _log(police_ig).possible_duplicate_of is None


# -- parental responsibility or authority --------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("parent", "parental responsibility"),
        ("representative", "written authority"),
    ],
)
def test_someone_asking_for_another_must_have_their_authority_checked(
    users: dict[str, User], kind: str, message: str
) -> None:
    ig = users["ig_admin"]
    with pytest.raises(ValidationError) as exc:
        _log(ig, requester="Sam Examplesmith (mother)", requester_kind=kind)
    assert message in exc.value.message_dict["authority_checked"][0]
    client = _client(ig)
    today = timezone.localdate()
    data = {
        "requester": "Sam Examplesmith (mother)",
        "requester_kind": kind,
        "given_name": "Jade",
        "received_on_day": str(today.day),
        "received_on_month": str(today.month),
        "received_on_year": str(today.year),
    }
    page = client.post(reverse("rights:sar-new"), data).content.decode()
    assert message in page and 'value="Sam Examplesmith (mother)"' in page
    assert (
        client.post(reverse("rights:sar-new"), {**data, "authority_checked": "on"}).status_code
        == 302
    )
    sar = SubjectAccessRequest.objects.get()
    assert sar.authority_checked and sar.requester_kind == kind
    assert AuditEvent.objects.get(event="rights.sar_logged").details["authority_checked"]
    detail = client.get(reverse("rights:sar-detail", args=[sar.pk])).content.decode()
    assert "checked" in detail


def test_the_data_subject_needs_no_authority_check(users: dict[str, User]) -> None:
    assert not _log(users["ig_admin"], requester_kind="subject").authority_checked


# -- a wrong date of birth -------------------------------------------------------------------


def test_a_wrong_date_of_birth_still_finds_the_record_flagged(
    users: dict[str, User], jade: Person
) -> None:
    ig = users["ig_admin"]
    sar = _log(ig, date_of_birth=dt.date(2010, 4, 13))  # month and day slipped
    found = selectors.sar_candidates(ig, sar)
    assert [c.person.pk for c in found] == [jade.pk]
    assert found[0].dob_differs
    page = _client(ig).get(reverse("rights:sar-detail", args=[sar.pk])).content.decode()
    assert "date of birth differs" in page
    # IG may confirm it on the requester's evidence.
    services.sar_confirm(actor=ig, sar_id=sar.pk, person_ids=[jade.pk])
    right = _log(ig, given_name="Jade", date_of_birth=dt.date(2010, 3, 14), confirm_duplicate=True)
    exact = selectors.sar_candidates(ig, right)
    assert exact and not exact[0].dob_differs


@pytest.mark.parametrize("status", ["open", "closed"])
def test_the_list_shows_duplicates_and_outcomes_in_a_fixed_number_of_queries(
    users: dict[str, User], django_assert_max_num_queries: Any, status: str
) -> None:
    ig = users["ig_admin"]
    for n in range(6):
        first = _log(ig, given_name=f"Kid{n}")
        second = _log(ig, given_name=f"Kid{n}", confirm_duplicate=True)
        services.sar_close(
            actor=ig, sar_id=second.pk, reason="manifestly_excessive", note=NOTE, confirmed=True
        )
        assert first.pk
    client = _client(ig)
    client.get(reverse("rights:sar-list"))  # warm the session and the caches
    with django_assert_max_num_queries(20):
        body = client.get(reverse("rights:sar-list"), {"status": status}).content.decode()
    assert "6 requests" in body
    if status == "closed":
        assert body.count("Manifestly excessive") == 6
        assert body.count("Possible duplicate of") == 6
