"""The IG audit viewer: who may see it, filters, the audit of its own use, the event
page, the CSV export, and a query-count guard."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cairn.accounts.models import User
from cairn.accounts.roles import Role
from cairn.audit import services as audit
from cairn.audit.export import HEADER
from cairn.audit.models import AuditEvent

from .helpers import tamper

pytestmark = pytest.mark.django_db

LOG = reverse("audit:log")
EXPORT = reverse("audit:export")
OTHER_ROLES = [role.value for role in Role if role != Role.IG_ADMIN]
UTC = dt.UTC


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ig(users: dict[str, User]) -> Client:
    return _client(users["ig_admin"])


def _rows(html: str) -> int:
    table = html.split('data-testid="audit-table"', 1)
    if len(table) == 1:
        return 0
    body = table[1].split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return body.count('<tr class="govuk-table__row">')


def _views_by(user: User) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event="audit.viewed", actor=user).order_by("chain_index"))


# --- who may see it --------------------------------------------------------------------


def test_ig_admin_sees_the_log(ig: Client, users: dict[str, User]) -> None:
    audit.record(
        actor=users["social_worker"], event="person.viewed", subject=4101, justification="Visit"
    )
    response = ig.get(LOG)
    assert response.status_code == 200
    assert response.context["nav"] == "audit"
    html = response.content.decode()
    assert "Audit log" in html
    assert users["social_worker"].username in html
    assert "Visit" in html
    assert "Download these events as CSV" in html


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_get_404(users: dict[str, User], role: str) -> None:
    event = audit.record(actor=users[role], event="person.viewed", subject=1)
    client = _client(users[role])
    assert client.get(LOG).status_code == 404
    assert client.get(EXPORT).status_code == 404
    assert client.get(reverse("audit:event", args=[event.chain_index])).status_code == 404
    assert not AuditEvent.objects.filter(event__in=["audit.viewed", "audit.exported"]).exists()


@pytest.mark.parametrize("url", [LOG, EXPORT, reverse("audit:event", args=[1])])
def test_signed_out_users_are_sent_to_sign_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_inactive_ig_admin_is_refused(users: dict[str, User]) -> None:
    user = users["ig_admin"]
    client = _client(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(LOG)
    assert response.status_code in (302, 404)
    assert not _views_by(user)


def test_log_is_read_only(ig: Client) -> None:
    assert ig.post(LOG).status_code == 405


# --- the listing and its own audit ------------------------------------------------------


def test_viewing_is_audited_with_the_filters(ig: Client, users: dict[str, User]) -> None:
    audit.record(actor=users["analyst"], event="person.viewed", subject=4242)
    response = ig.get(
        LOG, {"user": users["analyst"].username, "subject": "4242", "action": "consultation"}
    )
    assert response.status_code == 200
    viewed = _views_by(users["ig_admin"])
    assert len(viewed) == 1
    assert viewed[0].action == "consultation"
    assert viewed[0].subject_id == 4242
    assert viewed[0].details == {
        "filters": {
            "user": users["analyst"].username,
            "subject_id": 4242,
            "action": "consultation",
        },
        "page": 1,
        "results": 1,
    }
    # The page was fetched before the viewing was recorded.
    assert _rows(response.content.decode()) == 1


def test_newest_first_and_paginated(ig: Client, users: dict[str, User]) -> None:
    actor = users["social_worker"]
    for n in range(30):
        audit.record(
            actor=actor, event="person.viewed", subject=7000 + n, justification=f"reason {n:02d}"
        )
    response = ig.get(LOG, {"user": actor.username})
    html = response.content.decode()
    assert _rows(html) == 25
    assert html.index("reason 29") < html.index("reason 28")
    assert "reason 04" not in html
    assert "Page 1 of 2" in html
    assert 'rel="next"' in html
    page2 = ig.get(LOG, {"user": actor.username, "page": 2}).content.decode()
    assert _rows(page2) == 5
    assert "reason 04" in page2 and "reason 00" in page2
    assert f"user={actor.username}" in page2  # pagination keeps the filters


def test_table_shows_every_column(ig: Client, users: dict[str, User]) -> None:
    actor = users["fib_officer"]
    event = audit.record(
        actor=actor,
        event="entity.shared",
        obj=actor,
        subject=8123,
        recipient="Testshire Academy",
        justification="Safeguarding referral",
    )
    html = ig.get(LOG, {"event": "entity.shared"}).content.decode()
    for text in (
        actor.username,
        "FIB officer",
        "Testshire Police",
        "Disclosure",
        "entity.shared",
        f"accounts.user #{actor.pk}",
        "8123",
        "Testshire Academy",
        "Safeguarding referral",
        reverse("audit:event", args=[event.chain_index]),
    ):
        assert text in html, text


def test_request_id_is_shown_and_filterable(ig: Client, users: dict[str, User]) -> None:
    ig.get(LOG)  # writes an audit.viewed row carrying this request's id
    viewed = _views_by(users["ig_admin"])[0]
    assert len(viewed.request_id) == 32
    response = ig.get(LOG, {"request": viewed.request_id})
    html = response.content.decode()
    assert viewed.request_id in html
    assert _rows(html) == 1


def test_empty_state(ig: Client) -> None:
    response = ig.get(LOG, {"user": "nobody_at_all"})
    html = response.content.decode()
    assert "No audit events match these filters" in html
    assert _rows(html) == 0
    assert "Download these events as CSV" not in html


# --- filters ---------------------------------------------------------------------------


@pytest.fixture
def varied(users: dict[str, User]) -> dict[str, AuditEvent]:
    """Events by different users, about different people, at different times."""
    times = {
        "march": dt.datetime(2026, 3, 10, 12, 0, tzinfo=UTC),
        # 23:30 UTC on 1 July is 00:30 on 2 July in London (BST).
        "july_late": dt.datetime(2026, 7, 1, 23, 30, tzinfo=UTC),
        "august": dt.datetime(2026, 8, 20, 9, 0, tzinfo=UTC),
    }
    events = {}
    with time_machine.travel(times["march"], tick=False):
        events["march"] = audit.record(
            actor=users["social_worker"], event="person.viewed", subject=9001, justification="m"
        )
    with time_machine.travel(times["july_late"], tick=False):
        events["july_late"] = audit.record(
            actor=users["fib_officer"],
            event="entity.shared",
            subject=9002,
            recipient="Testshire Academy",
        )
    with time_machine.travel(times["august"], tick=False):
        events["august"] = audit.record(
            actor=users["social_worker"], event="person.changed", subject=9002, justification="a"
        )
    return events


def _listed(client: Client, params: dict[str, Any]) -> set[int]:
    response = client.get(LOG, params)
    assert response.status_code == 200
    assert response.context["form"].is_valid(), response.context["form"].errors
    return {event.chain_index for event in response.context["page_obj"]}


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def test_filter_by_user(ig: Client, users: dict[str, User], varied: dict[str, AuditEvent]) -> None:
    assert _listed(ig, {"user": users["social_worker"].username}) == {
        varied["march"].chain_index,
        varied["august"].chain_index,
    }


def test_filter_by_user_finds_a_renamed_account(
    ig: Client, users: dict[str, User], varied: dict[str, AuditEvent]
) -> None:
    user = users["fib_officer"]
    user.username = "fib_renamed"
    user.save(update_fields=["username"])
    assert _listed(ig, {"user": "fib_renamed"}) == {varied["july_late"].chain_index}


def test_filter_by_system_user(ig: Client, varied: dict[str, AuditEvent]) -> None:
    failed = audit.record_system(
        event="auth.sign_in_failed", justification="Failed sign-in attempt"
    )
    assert _listed(ig, {"user": "system"}) == {failed.chain_index}


def test_filter_by_subject(ig: Client, varied: dict[str, AuditEvent]) -> None:
    assert _listed(ig, {"subject": "9002"}) == {
        varied["july_late"].chain_index,
        varied["august"].chain_index,
    }


def test_filter_by_subject_finds_a_real_person(
    ig: Client, make_person: Any, users: dict[str, User]
) -> None:
    person = make_person(given_name="Skye", family_name="Fictional")
    listed = _listed(ig, {"subject": str(person.pk)})
    events = set(AuditEvent.objects.filter(chain_index__in=listed).values_list("event", flat=True))
    assert "person.created" in events


def test_filter_by_action(ig: Client, varied: dict[str, AuditEvent]) -> None:
    assert _listed(ig, {"action": "disclosure"}) == {varied["july_late"].chain_index}
    assert varied["august"].chain_index in _listed(ig, {"action": "alteration"})
    assert varied["march"].chain_index not in _listed(ig, {"action": "alteration"})


def test_filter_by_event_name(ig: Client, varied: dict[str, AuditEvent]) -> None:
    assert _listed(ig, {"event": "person.changed"}) == {varied["august"].chain_index}


def test_filter_by_date_range_uses_london_days(ig: Client, varied: dict[str, AuditEvent]) -> None:
    july_2 = dt.date(2026, 7, 2)
    assert _listed(ig, {**_date("date_from", july_2), **_date("date_to", july_2)}) == {
        varied["july_late"].chain_index
    }
    assert _listed(ig, _date("date_to", dt.date(2026, 7, 1))) == {varied["march"].chain_index}
    assert varied["march"].chain_index not in _listed(ig, _date("date_from", dt.date(2026, 3, 11)))


def test_filters_combine(ig: Client, users: dict[str, User], varied: dict[str, AuditEvent]) -> None:
    params = {
        "user": users["social_worker"].username,
        "subject": "9002",
        **_date("date_from", dt.date(2026, 8, 1)),
    }
    assert _listed(ig, params) == {varied["august"].chain_index}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"subject": "abc"}, "Data subject must be a person ID"),
        ({"action": "rewriting"}, "Select a processing operation from the list"),
        ({"event": "no.such_event"}, "Select an event from the list"),
        (
            {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2026"},
            "Date from must be a real date",
        ),
        (
            {**_date("date_from", dt.date(2026, 5, 2)), **_date("date_to", dt.date(2026, 5, 1))},
            "Date to must be the same as or after date from",
        ),
    ],
)
def test_invalid_filters_show_errors_and_list_nothing(
    ig: Client,
    users: dict[str, User],
    varied: dict[str, AuditEvent],
    params: dict[str, str],
    message: str,
) -> None:
    response = ig.get(LOG, params)
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert message in html
    assert response.context["page_obj"] is None
    assert not _views_by(users["ig_admin"])


# --- the event page --------------------------------------------------------------------


def test_event_page_shows_the_hashes_and_is_audited(ig: Client, users: dict[str, User]) -> None:
    first = audit.record(actor=users["analyst"], event="person.viewed", subject=31)
    event = audit.record(
        actor=users["analyst"], event="person.viewed", subject=32, justification="Check"
    )
    response = ig.get(reverse("audit:event", args=[event.chain_index]))
    assert response.status_code == 200
    html = response.content.decode()
    assert event.hash in html
    assert event.prev_hash == first.hash
    assert first.hash in html
    assert "Contents match hash" in html and "may have been altered" not in html
    viewed = _views_by(users["ig_admin"])
    assert len(viewed) == 1
    assert viewed[0].object_type == "audit.auditevent"
    assert viewed[0].object_id == str(event.pk)
    assert viewed[0].subject_id == 32


def test_event_page_flags_an_edited_row(ig: Client, users: dict[str, User]) -> None:
    event = audit.record(actor=users["analyst"], event="person.viewed", subject=33)
    with tamper() as cursor:
        cursor.execute("UPDATE audit_auditevent SET subject_id = 34 WHERE id = %s", [event.pk])
    html = ig.get(reverse("audit:event", args=[event.chain_index])).content.decode()
    assert "may have been altered" in html


def test_missing_event_is_404(ig: Client) -> None:
    assert ig.get(reverse("audit:event", args=[999999])).status_code == 404


# --- export ------------------------------------------------------------------------------


def _csv(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_export_streams_csv_and_is_audited(
    ig: Client, users: dict[str, User], varied: dict[str, AuditEvent]
) -> None:
    response = ig.get(EXPORT, {"subject": "9002"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cairn-audit-')
    rows = _csv(response)
    assert rows[0] == HEADER
    assert [int(row[0]) for row in rows[1:]] == [
        varied["july_late"].chain_index,
        varied["august"].chain_index,
    ]
    assert rows[1][HEADER.index("recipient")] == "Testshire Academy"
    assert rows[2][HEADER.index("hash")] == varied["august"].hash
    exported = AuditEvent.objects.get(event="audit.exported")
    assert exported.action == "disclosure"
    assert exported.actor == users["ig_admin"]
    assert exported.subject_id == 9002
    assert exported.recipient == f"CSV download by {users['ig_admin'].username}"
    assert exported.details["filters"] == {"subject_id": 9002}
    assert exported.details["rows"] == 2
    assert exported.details["up_to_index"] == exported.chain_index - 1


def test_export_of_everything_excludes_its_own_event(
    ig: Client, varied: dict[str, AuditEvent]
) -> None:
    rows = _csv(ig.get(EXPORT))
    exported = AuditEvent.objects.get(event="audit.exported")
    assert [int(row[0]) for row in rows[1:]] == list(range(1, exported.chain_index))


def test_export_neutralises_spreadsheet_formulas(ig: Client, users: dict[str, User]) -> None:
    audit.record(actor=users["analyst"], event="person.viewed", justification='=HYPERLINK("x")')
    rows = _csv(ig.get(EXPORT, {"event": "person.viewed"}))
    assert rows[1][HEADER.index("justification")] == '\'=HYPERLINK("x")'


def test_export_with_invalid_filters_goes_back_to_the_form(ig: Client) -> None:
    response = ig.get(EXPORT, {"subject": "abc"})
    assert response.status_code == 302
    assert response["Location"] == f"{LOG}?subject=abc"
    assert not AuditEvent.objects.filter(event="audit.exported").exists()


def test_export_needs_its_own_permission(
    ig: Client, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """View without export: the link is hidden and the export is 404."""
    original = User.has_perm

    def has_perm(self: User, perm: str, obj: Any = None) -> bool:
        return perm != "audit.export_auditevent" and original(self, perm, obj)

    monkeypatch.setattr(User, "has_perm", has_perm)
    audit.record(actor=users["analyst"], event="person.viewed")
    assert "Download these events as CSV" not in ig.get(LOG).content.decode()
    assert ig.get(EXPORT).status_code == 404
    assert not AuditEvent.objects.filter(event="audit.exported").exists()


# --- query counts ----------------------------------------------------------------------


def _fill(users: dict[str, User], count: int) -> None:
    roles = list(users)
    for n in range(count):
        audit.record(
            actor=users[roles[n % len(roles)]], event="person.viewed", subject=n, justification="q"
        )


def test_log_page_query_count_is_bounded(
    ig: Client, users: dict[str, User], django_assert_max_num_queries: Any
) -> None:
    _fill(users, 40)
    with django_assert_max_num_queries(17):  # +1: the two-step verification check
        response = ig.get(LOG)
    assert _rows(response.content.decode()) == 25


def test_log_page_queries_do_not_grow_with_rows(ig: Client, users: dict[str, User]) -> None:
    _fill(users, 2)
    with CaptureQueriesContext(connection) as few:
        ig.get(LOG)
    _fill(users, 40)
    with CaptureQueriesContext(connection) as many:
        response = ig.get(LOG)
    assert _rows(response.content.decode()) == 25
    assert len(many) == len(few)


def test_event_page_query_count_is_bounded(
    ig: Client, users: dict[str, User], django_assert_max_num_queries: Any
) -> None:
    event = audit.record(actor=users["analyst"], event="person.viewed")
    with django_assert_max_num_queries(16):  # +1: the two-step verification check
        assert ig.get(reverse("audit:event", args=[event.chain_index])).status_code == 200


def test_times_are_shown_in_london_time(ig: Client, varied: dict[str, AuditEvent]) -> None:
    html = ig.get(LOG, {"event": "entity.shared"}).content.decode()
    local = varied["july_late"].occurred_at.astimezone(ZoneInfo("Europe/London"))
    assert local.strftime("%H:%M") == "00:30"
    assert "2 Jul 2026 00:30:00" in html


# --- finding a data subject by name ------------------------------------------------------


def test_ig_finds_who_viewed_a_child_by_name(
    ig: Client, users: dict[str, User], make_person: Any
) -> None:
    """IG is asked "who viewed this child?" with a name, not an id."""
    child = make_person(given_name="Philomena", family_name="Lookuptest", hub_shared=True)
    viewer = _client(users["social_worker"])
    assert viewer.get(reverse("pole:person-detail", args=[child.pk])).status_code == 200
    found = ig.get(LOG, {"name": "Philomena Lookuptest"}).content.decode()
    assert 'data-testid="subject-lookup"' in found
    assert f"?subject={child.pk}" in found
    lookup = AuditEvent.objects.get(event="audit.subject_lookup", actor=users["ig_admin"])
    assert lookup.details["ids"] == [child.pk]
    assert "Philomena" not in str(lookup.details)  # the name typed is not kept in the log
    events = ig.get(LOG, {"subject": child.pk}).content.decode()
    assert users["social_worker"].username in events


def test_the_name_lookup_never_reveals_a_police_only_person_to_a_partner_ig(
    ig: Client, users: dict[str, User], make_person: Any
) -> None:
    make_person(
        actor=users["fib_officer"],
        given_name="Hidden",
        family_name="Policeonlyperson",
        police_only=True,
        category="person_of_concern",
    )
    page = ig.get(LOG, {"name": "Hidden Policeonlyperson"}).content.decode()
    assert 'data-testid="subject-lookup-empty"' in page
    assert "Policeonlyperson" not in page.split("subject-lookup-empty", 1)[1]


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_only_ig_may_look_up_subjects(role: str, users: dict[str, User], make_person: Any) -> None:
    make_person(given_name="Philomena", family_name="Lookuptest", hub_shared=True)
    response = _client(users[role]).get(LOG, {"name": "Philomena Lookuptest"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(event="audit.subject_lookup").exists()


def test_events_about_police_only_records_are_withheld_from_a_partner_ig(
    ig: Client, users: dict[str, User], make_person: Any
) -> None:
    """Found by an outside tester: a Children's Trust IG admin could not find a police-only
    person by name but read the events about them (a justification quoting the grading,
    the links made) by filtering on the id. Those events are for police IG: withheld from
    the list, the event page and the export, the same answer as for no events at all."""
    from cairn.audit import services as audit

    hidden = make_person(
        actor=users["fib_officer"],
        given_name="Hidden",
        family_name="Policeonlyperson",
        police_only=True,
        category="person_of_concern",
    )
    event = audit.record(
        actor=users["fib_officer"],
        event="intel.entity_linked",
        subject=hidden,
        justification="Seen together repeatedly (FIB intelligence report, graded 2/B/P)",
    )
    listed = ig.get(LOG, {"subject": hidden.pk}).content.decode()
    assert "graded 2/B/P" not in listed
    assert 'data-testid="audit-table"' not in listed
    assert ig.get(reverse("audit:event", args=[event.chain_index])).status_code == 404
    exported = ig.get(reverse("audit:export"), {"subject": hidden.pk})
    content = b"".join(exported.streaming_content) if exported.streaming else exported.content
    assert b"graded 2/B/P" not in content
    # Police information governance sees them.
    users["ig_admin"].agency = users["fib_officer"].agency
    users["ig_admin"].save(update_fields=["agency"])
    police_ig = _client(users["ig_admin"])
    assert "graded 2/B/P" in police_ig.get(LOG, {"subject": hidden.pk}).content.decode()
    assert police_ig.get(reverse("audit:event", args=[event.chain_index])).status_code == 200
