"""Issue 18 item 7: with the database read-only for maintenance, every signed-in page
gave Django's bare "Bad Request (400)", because renewing the session failed. Now pages
that only read still work (the renewal is skipped), anything that must write, including
the consultation row a record's page writes (DPA 2018 s.62), gets a clear GOV.UK "Cairn is
read-only for maintenance" page, and the API answers 503 JSON with the same message.

The connection is made read-only as maintenance makes it: PostgreSQL's
default_transaction_read_only (`ALTER DATABASE cairn SET default_transaction_read_only =
on`, or a hot-standby replica), SQLite's query_only. Transactional tests, so requests run
in autocommit as in production."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.contrib.sessions.models import Session
from django.core.handlers.exception import response_for_exception
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from cairn.api_auth import services as token_services
from cairn.api_auth.models import ApiToken
from cairn.audit.models import AuditEvent
from cairn.core.sessions import SessionStore
from cairn.pole.models import Vehicle

from ..factories import TEST_PASSWORD
from .conftest import read_only_database

pytestmark = pytest.mark.django_db(transaction=True)

HEADING = '<h1 class="govuk-heading-l">Cairn is read-only for maintenance</h1>'
API_DETAIL = (
    "Cairn is read-only for maintenance: nothing can be saved until it finishes. Try again later."
)


def signed_in(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def assert_read_only_page(response: Any) -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == "300"
    html = response.content.decode()
    assert HEADING in html
    assert "If a child is in immediate danger, call 999." in html
    return html


def test_pages_that_only_read_still_work(users: dict[str, Any]) -> None:
    worker = users["social_worker"]
    client = signed_in(worker)
    # Make the renewal due (an unchanged session is only rewritten once its expiry is stale).
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(minutes=20))
    session = Session.objects.get()
    with read_only_database():
        home = client.get("/")
        tools = client.get("/tools/")
    assert home.status_code == 200
    assert worker.get_full_name() in home.content.decode()
    assert tools.status_code == 200
    # The renewal was skipped, not half-done: the session is as it was.
    assert Session.objects.get().expire_date == session.expire_date


def test_opening_a_record_fails_closed_because_the_view_cannot_be_logged(
    users: dict[str, Any], make_person: Any
) -> None:
    child = make_person()
    client = signed_in(users["social_worker"])
    before = AuditEvent.objects.count()
    with read_only_database():
        response = client.get(f"/people/{child.pk}/")
    html = assert_read_only_page(response)
    assert "it cannot record anything until the maintenance finishes" in html
    assert child.given_name not in html  # nothing of the record is shown
    assert AuditEvent.objects.count() == before


def test_a_change_gets_the_read_only_page_and_nothing_is_saved(users: dict[str, Any]) -> None:
    client = signed_in(users["social_worker"])
    with read_only_database():
        response = client.post("/api/tokens/", {"name": "Weekly report", "lifetime_days": 90})
    html = assert_read_only_page(response)
    assert "Nothing you sent has been saved." in html
    assert not ApiToken.objects.exists()


def test_signing_in_gets_the_read_only_page(users: dict[str, Any]) -> None:
    worker = users["social_worker"]
    client = Client(raise_request_exception=False)
    with read_only_database():
        response = client.post(
            "/accounts/sign-in/", {"username": worker.username, "password": TEST_PASSWORD}
        )
    assert_read_only_page(response)
    assert not Session.objects.exists()


def test_signing_out_forgets_the_session_in_the_browser(users: dict[str, Any]) -> None:
    """Signing out cannot be recorded (audit row, session deleted), but a shared computer
    must not stay signed in: the browser's session cookie is removed."""
    client = signed_in(users["social_worker"])
    with read_only_database():
        response = client.post("/accounts/sign-out/")
        html = assert_read_only_page(response)
        assert "it has removed your sign-in from this browser" in html
        assert response.cookies["sessionid"].value == ""
        after = client.get("/")
    assert after.status_code == 302 and after["Location"].startswith("/accounts/sign-in/")


def test_a_changed_session_that_cannot_be_saved_is_not_a_bad_request(
    users: dict[str, Any],
) -> None:
    """The issue's 400: the session middleware turns a failed save into
    SessionInterrupted. A session whose contents changed must still be saved, so it fails,
    and the 400 handler names the read-only database instead."""
    client = signed_in(users["social_worker"])
    request = RequestFactory().get("/")
    request.session = SessionStore(client.session.session_key)
    request.session["seen"] = True  # a change, not just a renewal
    with read_only_database():
        try:
            SessionMiddleware(lambda r: HttpResponse()).process_response(request, HttpResponse())
        except Exception as exc:  # SessionInterrupted, raised from the database's refusal
            response = response_for_exception(request, exc)
        else:
            pytest.fail("a changed session was saved to a read-only database")
    assert_read_only_page(response)


def test_the_api_reads_and_refuses_writes_with_503_json(users: dict[str, Any]) -> None:
    worker = users["social_worker"]
    issued = token_services.token_create(actor=worker, name="Script")
    headers = {"Authorization": f"Bearer {issued.secret}"}
    client = Client(raise_request_exception=False)
    with read_only_database():
        me = client.get("/api/v1/me", headers=headers)
        created = client.post(
            "/api/v1/vehicles",
            json.dumps({"registration": "RO12 ONL"}),
            content_type="application/json",
            headers=headers,
        )
    # A read works; only the token's last-used stamp had to wait.
    assert me.status_code == 200 and me.json()["username"] == worker.username
    assert ApiToken.objects.get().last_used_at is None
    assert created.status_code == 503
    assert created["Content-Type"].startswith("application/json")
    assert created.json() == {"detail": API_DETAIL}
    assert created["Retry-After"] == "300"
    assert not Vehicle.objects.exists()
