"""Rights requests: the one-calendar-month clock and its extension, the correction by the
owning agency (old values kept in the audit), refusals, the IG list, and who may act."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.audit.models import AuditEvent
from cairn.core.concurrency import Conflict
from cairn.core.dates import add_months
from cairn.notifications.models import Notification
from cairn.pole.models import Entity, Person
from cairn.retention.models import RecordType
from cairn.retention.selectors import review_entry
from cairn.rights import services
from cairn.rights.models import Restriction, RightsRequest

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),  # no 31 February: the month's last day
        (dt.date(2028, 1, 30), dt.date(2028, 2, 29)),  # a leap year
        (dt.date(2026, 3, 15), dt.date(2026, 4, 15)),
        (dt.date(2026, 12, 20), dt.date(2027, 1, 20)),
    ],
)
def test_one_calendar_month(received: dt.date, due: dt.date) -> None:
    assert add_months(received, 1) == due


def test_clock_overdue_and_extension(
    users: dict[str, Any], child: Person, log_request: Any
) -> None:
    ig = users["ig_admin"]
    with time_machine.travel(dt.datetime(2026, 2, 2, 10, tzinfo=dt.UTC), tick=False):
        rr = log_request(child, received_on=dt.date(2026, 1, 31))
        assert rr.due_on == dt.date(2026, 2, 28)
        assert not rr.overdue
        page = _client(ig).get(reverse("rights:detail", args=[rr.pk])).content.decode()
        assert "28 February 2026" in page
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC), tick=False):
        rr.refresh_from_db()
        assert rr.overdue
        listing = _client(ig).get(reverse("rights:list")).content.decode()
        assert "Overdue" in listing and "1 open request is overdue" in listing
        response = _client(ig).post(
            reverse("rights:detail", args=[rr.pk]),
            {"action": "extend", "reason": "Records held by three teams"},
        )
        assert response.status_code == 302
        rr.refresh_from_db()
        assert rr.due_on == dt.date(2026, 4, 30)
        assert rr.extension_reason == "Records held by three teams"
        assert not rr.overdue
        with pytest.raises(Conflict):
            services.request_extend(actor=ig, request_id=rr.pk, reason="Again")
    event = AuditEvent.objects.get(event="rights.request_extended")
    assert event.details == {"before": "2026-02-28", "after": "2026-04-30"}


def test_logging_tells_the_owning_agency(
    users: dict[str, Any], child: Person, log_request: Any
) -> None:
    rr = log_request(child)
    told = set(
        Notification.objects.filter(kind="rights_request").values_list(
            "recipient__username", flat=True
        )
    )
    assert users["social_worker"].username in told  # the Trust owns the record
    assert users["fib_officer"].username not in told
    assert users["analyst"].username not in told  # may not change records
    assert AuditEvent.objects.filter(event="rights.request_logged", subject_id=child.pk).exists()
    assert (
        rr.reference in _client(users["social_worker"]).get(reverse("rights:list")).content.decode()
    )
    assert (
        _client(users["fib_officer"]).get(reverse("rights:detail", args=[rr.pk])).status_code == 404
    )


def test_rectification_by_the_owner_keeps_the_old_value_in_the_audit(
    users: dict[str, Any], child: Person, log_request: Any
) -> None:
    rr = log_request(child)
    sw = _client(users["social_worker"])
    url = reverse("rights:rectify", args=[rr.pk])
    assert sw.get(url).status_code == 200
    form = {
        "given_name": "Tamsin",
        "family_name": "Withheldcase",
        "date_of_birth_day": "4",
        "date_of_birth_month": "6",
        "date_of_birth_year": "2012",
        "sex": child.sex,
        "ethnicity": child.ethnicity,
        "first_language": "",
        "description": "",
        "note": "The date of birth is now 4 June 2012.",
    }
    response = sw.post(url, form)
    assert response.status_code == 302, response.content.decode()
    child.refresh_from_db()
    assert child.date_of_birth == dt.date(2012, 6, 4)
    change = AuditEvent.objects.get(event="person.changed", subject_id=child.pk)
    # The old and new values are kept beside the chain, erasable at disposal (ADR 0024).
    assert change.details["fields"] == ["date_of_birth"]
    assert "2012" not in str(change.details)
    kept = change.personal_values.values
    assert kept["before"] == {"date_of_birth": "2012-05-04"}
    assert kept["after"] == {"date_of_birth": "2012-06-04"}
    assert change.justification == f"Rectification {rr.reference}"
    rr.refresh_from_db()
    assert (rr.status, rr.outcome) == ("closed", "corrected")
    # IG is told, and has the reply to send.
    assert Notification.objects.filter(recipient=users["ig_admin"], object_id=str(rr.pk)).exists()
    page = _client(users["ig_admin"]).get(reverse("rights:detail", args=[rr.pk])).content.decode()
    assert "We have corrected the record" in page
    assert "4 June 2012" in page


@pytest.mark.parametrize("role", ["ig_admin", "ppu_coordinator", "hub_chair", "analyst"])
def test_rectification_refused_for_others(
    users: dict[str, Any], child: Person, log_request: Any, role: str
) -> None:
    """Only the owning agency corrects: not IG, nor a Hub-wide police role who may
    otherwise change a shared record."""
    rr = log_request(child)
    assert _client(users[role]).get(reverse("rights:rectify", args=[rr.pk])).status_code == 404
    with pytest.raises(Http404):
        services.request_rectify(
            actor=users[role], request_id=rr.pk, note="x", given_name="Changed"
        )
    child.refresh_from_db()
    assert child.given_name == "Tamsin"


def test_refused_with_reason_and_reply(
    users: dict[str, Any], child: Person, log_request: Any
) -> None:
    rr = log_request(child)
    reason = "The record accurately records what was reported by the school."
    response = _client(users["social_worker"]).post(
        reverse("rights:detail", args=[rr.pk]), {"action": "refuse", "reason": reason}
    )
    assert response.status_code == 302
    rr.refresh_from_db()
    assert (rr.outcome, rr.outcome_reason) == ("refused", reason)
    page = _client(users["ig_admin"]).get(reverse("rights:detail", args=[rr.pk])).content.decode()
    assert "Information Commissioner" in page
    with pytest.raises(Conflict):
        services.request_refuse(actor=users["social_worker"], request_id=rr.pk, reason="Again")


def test_restriction_request_applied_from_the_request_page(
    users: dict[str, Any], child: Person, log_request: Any
) -> None:
    rr = log_request(child, "restriction", grounds="Contests the record")
    response = _client(users["ig_admin"]).post(
        reverse("rights:detail", args=[rr.pk]),
        {"action": "restrict", "reason": "Accuracy contested"},
    )
    assert response.status_code == 302
    rr.refresh_from_db()
    child.entity.refresh_from_db()
    assert rr.outcome == "restricted"
    assert child.entity.restricted_since is not None
    # A second submit of the same form finds the request answered.
    again = _client(users["ig_admin"]).post(
        reverse("rights:detail", args=[rr.pk]),
        {"action": "restrict", "reason": "Accuracy contested"},
    )
    assert again.status_code == 409


def test_ig_logs_a_request_through_the_form(users: dict[str, Any], child: Person) -> None:
    ig = _client(users["ig_admin"])
    form = {
        "person": str(child.pk),
        "kind": "restriction",
        "requester": "Tamsin Withheldcase",
        "requester_kind": "subject",
        "grounds": "Contests the record",
        "received_on_day": str(timezone.localdate().day),
        "received_on_month": str(timezone.localdate().month),
        "received_on_year": str(timezone.localdate().year),
    }
    assert ig.post(reverse("rights:new"), form).status_code == 302
    # A record IG may not identify looks the same as one that does not exist.
    missing = ig.post(reverse("rights:new"), {**form, "person": "987654"})
    assert "no person record with that ID" in missing.content.decode()


def test_a_request_for_someone_else_needs_their_authority_checked(
    users: dict[str, Any], child: Person
) -> None:
    """A parent or representative may not have the child's rights to exercise: whoever logs
    the request confirms the check, as for a subject access request, and nothing typed is
    lost when they have not."""
    ig = _client(users["ig_admin"])
    today = timezone.localdate()
    form = {
        "person": str(child.pk),
        "kind": "rectification",
        "requester": "Mrs Q. Exampleparent",
        "requester_kind": "parent",
        "grounds": "Her date of birth is wrong",
        "received_on_day": str(today.day),
        "received_on_month": str(today.month),
        "received_on_year": str(today.year),
    }
    refused = ig.post(reverse("rights:new"), form)
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "Confirm you have checked that the parent or carer has parental responsibility" in body
    assert "Her date of birth is wrong" in body and "Mrs Q. Exampleparent" in body
    assert not RightsRequest.objects.exists()
    representative = ig.post(reverse("rights:new"), {**form, "requester_kind": "representative"})
    assert "written authority to act for the data subject" in representative.content.decode()
    assert not RightsRequest.objects.exists()

    logged = ig.post(reverse("rights:new"), {**form, "authority_checked": "on"})
    assert logged.status_code == 302
    rr = RightsRequest.objects.get()
    assert rr.authority_checked is True
    event = AuditEvent.objects.filter(event="rights.request_logged").latest("pk")
    assert event.details["authority_checked"] is True
    assert (
        "Identity and parental responsibility checked"
        in ig.get(reverse("rights:detail", args=[rr.pk])).content.decode()
    )


def test_a_data_subject_request_is_not_acted_on_until_ig_confirms_their_identity(
    users: dict[str, Any], child: Person, log_request: Any
) -> None:
    """UK GDPR Art. 12(6): the request may be logged when received (the clock starts),
    but nothing is corrected or restricted until IG confirms the identity check; the
    page says what is missing and the service refuses, whoever acts."""
    ig, sw = _client(users["ig_admin"]), _client(users["social_worker"])
    rr = log_request(child, requester_kind="subject", authority_checked=False)
    assert rr.authority_checked is False
    page = ig.get(reverse("rights:detail", args=[rr.pk])).content.decode()
    assert "Identity not checked" in page and 'value="confirm_identity"' in page
    fields = {
        "given_name": child.given_name,
        "family_name": child.family_name,
        "date_of_birth_day": "4",
        "date_of_birth_month": "6",
        "date_of_birth_year": "2012",
        "sex": child.sex,
        "ethnicity": child.ethnicity,
        "note": "Date of birth corrected to 4 June 2012",
    }
    refused = sw.post(reverse("rights:rectify", args=[rr.pk]), fields)
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "must first confirm they have checked the requester&#x27;s identity" in body
    assert "Date of birth corrected to 4 June 2012" in body  # nothing typed is lost
    child.refresh_from_db()
    assert child.date_of_birth == dt.date(2012, 5, 4)
    with pytest.raises(ValidationError, match="identity"):
        services.request_rectify(
            actor=users["social_worker"], request_id=rr.pk, note="x", date_of_birth=None
        )
    restriction = log_request(
        child, "restriction", requester_kind="subject", authority_checked=False
    )
    restrict = ig.post(
        reverse("rights:detail", args=[restriction.pk]),
        {"action": "restrict", "reason": "Accuracy contested by the child"},
    )
    assert "must first confirm" in restrict.content.decode()
    assert Entity.objects.get(pk=child.pk).restricted_since is None

    # The practitioner may not confirm it; IG does, audited, and then it can be acted on.
    assert (
        sw.post(reverse("rights:detail", args=[rr.pk]), {"action": "confirm_identity"}).status_code
        == 404
    )
    confirmed = ig.post(reverse("rights:detail", args=[rr.pk]), {"action": "confirm_identity"})
    assert confirmed.status_code == 302
    rr.refresh_from_db()
    assert rr.authority_checked is True
    assert AuditEvent.objects.filter(
        event="rights.identity_confirmed", object_id=str(rr.pk)
    ).exists()
    assert "Identity checked" in ig.get(reverse("rights:detail", args=[rr.pk])).content.decode()
    again = ig.post(reverse("rights:detail", args=[rr.pk]), {"action": "confirm_identity"})
    assert again.status_code == 409
    assert sw.post(reverse("rights:rectify", args=[rr.pk]), fields).status_code == 302
    child.refresh_from_db()
    assert child.date_of_birth == dt.date(2012, 6, 4)


def test_received_dates_within_the_last_year_only(
    users: dict[str, Any], child: Person, log_request: Any
) -> None:
    """1 January 1900 would be shown overdue and counted on the dashboard: refused, as a
    date in the future or over 12 months ago is, on the form too (nothing typed lost)."""
    today = timezone.localdate()
    for day in (dt.date(1900, 1, 1), today - dt.timedelta(days=366), today + dt.timedelta(1)):
        with pytest.raises(ValidationError, match="date received must be"):
            log_request(child, received_on=day)
    assert log_request(child, received_on=today - dt.timedelta(days=365)).pk
    form = {
        "person": str(child.pk),
        "kind": "restriction",
        "requester": "Tamsin Withheldcase",
        "requester_kind": "subject",
        "grounds": "Contests the record",
        "received_on_day": "1",
        "received_on_month": "1",
        "received_on_year": "1900",
    }
    response = _client(users["ig_admin"]).post(reverse("rights:new"), form)
    body = response.content.decode()
    assert response.status_code == 200
    assert "must be within the last 12 months" in body and "Contests the record" in body
    assert RightsRequest.objects.count() == 1


def test_list_pages_and_empty_state(
    users: dict[str, Any], make_person: Any, log_request: Any, django_assert_max_num_queries: Any
) -> None:
    ig = _client(users["ig_admin"])
    assert "There are no open requests" in ig.get(reverse("rights:list")).content.decode()
    for n in range(27):
        log_request(make_person(given_name=f"Kid{n}"))
    with django_assert_max_num_queries(20):
        first = ig.get(reverse("rights:list"))
    body = first.content.decode()
    assert "27 open requests" in body
    assert body.count('href="/rights/') >= 25
    second = ig.get(reverse("rights:list"), {"page": 2}).content.decode()
    assert "Kid" in second
    closed = ig.get(reverse("rights:list"), {"status": "closed"}).content.decode()
    assert "No requests have been answered yet" in closed
    assert _client(users["analyst"]).get(reverse("rights:list")).status_code == 404


def test_restricting_is_the_owning_agencys_decision(
    users: dict[str, Any], make_user: Any, make_person: Any, log_request: Any
) -> None:
    """The Trust's IG may log a request about a Hub-shared police record (a requester may
    write to any agency), but restricting it is for the police: its IG or its casework
    roles, who are told. The police IG does not read the Trust's requests about the
    Trust's own records."""
    police_ig = make_user("ig_admin", agency="police", username="ig_police_rights")
    police_record = make_person(
        actor=users["fib_officer"],
        given_name="Matthias",
        family_name="Policeheld",
        category="person_of_concern",
        hub_shared=True,
    )
    trust_ig = users["ig_admin"]
    rr = log_request(police_record, "restriction", grounds="Says the address is wrong")
    assert Notification.objects.filter(recipient=police_ig, object_id=str(rr.pk)).exists()
    with pytest.raises(Http404):
        services.restriction_apply(
            actor=trust_ig,
            person_id=police_record.pk,
            reason="Accuracy contested",
            request_id=rr.pk,
        )
    page = _client(trust_ig).get(reverse("rights:detail", args=[rr.pk])).content.decode()
    assert "Restrict processing" not in page
    services.restriction_apply(
        actor=police_ig, person_id=police_record.pk, reason="Accuracy contested", request_id=rr.pk
    )
    assert Person.objects.get(pk=police_record.pk).entity.restricted_since is not None

    trust_child = make_person(given_name="Tegan", family_name="Trustheld", hub_shared=True)
    own = log_request(trust_child, "rectification")
    police = _client(police_ig)
    assert own.reference not in police.get(reverse("rights:list")).content.decode()
    closed = police.get(reverse("rights:list"), {"status": "closed"}).content.decode()
    assert rr.reference in closed  # answered by the restriction
    assert _client(police_ig).get(reverse("rights:detail", args=[own.pk])).status_code == 404


def test_intake_refuses_a_second_open_request_and_a_disposed_record(
    users: dict[str, Any], child: Person, log_request: Any
) -> None:
    from django.core.exceptions import ValidationError

    from cairn.pole.models import Entity

    first = log_request(child)
    with pytest.raises(ValidationError) as exc:
        log_request(child, requester="Another Relative")
    assert first.reference in exc.value.message_dict["person"][0]
    log_request(child, "restriction")  # another kind is another request
    Entity.objects.filter(pk=child.pk).update(disposed_at=timezone.now())
    with pytest.raises(Http404):
        log_request(child, "restriction", requester="Late Asker")


def test_reply_speaks_of_the_person_and_says_when_a_restriction_was_lifted(
    users: dict[str, Any], child: Person, restrict: Any, lift: Any
) -> None:
    restriction = restrict(child)
    rr = restriction.request
    page = _client(users["ig_admin"]).get(reverse("rights:detail", args=[rr.pk])).content.decode()
    assert "information we hold about Tamsin Withheldcase" in page  # a representative asked
    assert "We have restricted the record" in page
    lift(child)
    page = _client(users["ig_admin"]).get(reverse("rights:detail", args=[rr.pk])).content.decode()
    assert "Lifted" in page and "have since lifted the restriction" in page
    assert "We have restricted the record" not in page


def test_restricting_and_lifting_do_not_restart_the_retention_clock(
    users: dict[str, Any], child: Person, restrict: Any
) -> None:
    """Retention runs from the record's last use; a restriction is not a use of it."""
    long_ago = timezone.now() - dt.timedelta(days=800)
    Entity.objects.filter(pk=child.pk).update(updated_at=long_ago)
    before = review_entry(users["ig_admin"], RecordType.PERSON, child.pk).last_activity_on
    restrict(child)
    services.restriction_lift(
        actor=users["ig_admin"], person_id=child.pk, reason="Checked and accurate"
    )
    assert Entity.objects.get(pk=child.pk).updated_at == long_ago
    assert review_entry(users["ig_admin"], RecordType.PERSON, child.pk).last_activity_on == before


def test_a_correction_or_lift_lost_to_someone_else_keeps_what_was_typed(
    users: dict[str, Any], child: Person, log_request: Any, restrict: Any, lift: Any
) -> None:
    """The loser of a race (here in turn: tests/concurrency/test_rights.py runs it at
    once on PostgreSQL) sees its form again with a 409, not "Page not found"."""
    sw = _client(users["social_worker"])
    rr = log_request(child)
    services.request_refuse(
        actor=users["social_worker"], request_id=rr.pk, reason="The record is accurate"
    )
    lost = sw.post(
        reverse("rights:rectify", args=[rr.pk]),
        {
            "given_name": "Tamsin",
            "family_name": "Typedagain",
            "sex": child.sex,
            "ethnicity": child.ethnicity,
            "note": "Corrected the family name",
        },
    )
    assert lost.status_code == 409
    body = lost.content.decode()
    assert "Someone else changed this record" in body and "already been answered" in body
    assert 'value="Typedagain"' in body and "Corrected the family name" in body
    # Opening the page afresh for an answered request is still not found.
    assert sw.get(reverse("rights:rectify", args=[rr.pk])).status_code == 404

    restrict(child)
    lift(child)
    url = reverse("rights:lift", args=[child.pk])
    lost = sw.post(url, {"reason": "Checked with the school: accurate"})
    assert lost.status_code == 409
    body = lost.content.decode()
    assert "Someone else changed this record" in body and "already been lifted" in body
    assert "Checked with the school: accurate" in body
    assert sw.get(url).status_code == 404
    # Someone who may not lift it learns nothing either way.
    assert _client(users["fib_officer"]).post(url, {"reason": "Checked it all"}).status_code == 404


def test_a_restriction_lost_to_someone_else_keeps_the_reason_typed(
    users: dict[str, Any], child: Person, log_request: Any, make_user: Any
) -> None:
    """Two IG restrict the same record from its request (in turn here; at once on
    PostgreSQL in tests/concurrency/test_rights.py): the second sees the page again with
    a 409 and its reason, not the bare Conflict page; one restriction, one audit row."""
    rr = log_request(child, "restriction", grounds="Contests the record")
    url = reverse("rights:detail", args=[rr.pk])
    second_ig = make_user("ig_admin", "trust", username="ig_second")
    first = _client(users["ig_admin"]).post(
        url, {"action": "restrict", "reason": "Accuracy contested by the family"}
    )
    assert first.status_code == 302
    lost = _client(second_ig).post(
        url, {"action": "restrict", "reason": "Contested: the school is checking the address"}
    )
    assert lost.status_code == 409
    body = lost.content.decode()
    assert "Someone else changed this record" in body and "already been answered" in body
    assert "Contested: the school is checking the address" in body
    assert 'data-testid="kept-reason"' in body
    assert "Processing restricted since" in body  # the page as it is now
    assert AuditEvent.objects.filter(event="rights.restricted", subject_id=child.pk).count() == 1
    assert Restriction.objects.get(person=child).reason == "Accuracy contested by the family"
    # Someone who may not restrict it learns nothing either way: not found, not 409.
    school_ig = make_user("ig_admin", "school", username="ig_school_restrict")
    for outsider in (users["fib_officer"], school_ig):
        denied = _client(outsider).post(url, {"action": "restrict", "reason": "Checked it all"})
        assert denied.status_code == 404


@pytest.mark.parametrize("reason", ["x", "n/a", "..........", "  ok  ", "?!?!?!?!?!?!"])
def test_restricting_and_lifting_need_a_meaningful_reason(
    users: dict[str, Any], child: Person, log_request: Any, restrict: Any, reason: str
) -> None:
    ig = _client(users["ig_admin"])
    rr = log_request(child, "restriction")
    refused = ig.post(
        reverse("rights:detail", args=[rr.pk]), {"action": "restrict", "reason": reason}
    )
    assert refused.status_code == 200
    assert "Give the reason in a few words (at least 10 characters)" in refused.content.decode()
    assert Entity.objects.get(pk=child.pk).restricted_since is None
    with pytest.raises(ValidationError, match="at least 10 characters"):
        services.restriction_apply(actor=users["ig_admin"], person_id=child.pk, reason=reason)

    services.restriction_apply(
        actor=users["ig_admin"], person_id=child.pk, reason="Accuracy contested", request_id=rr.pk
    )
    lift = ig.post(reverse("rights:lift", args=[child.pk]), {"reason": reason})
    assert lift.status_code == 200
    assert "Give the reason in a few words" in lift.content.decode()
    assert Entity.objects.get(pk=child.pk).restricted_since is not None
