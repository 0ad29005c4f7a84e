"""The idle timeout without a write per page: an unchanged session is rewritten only when
its stored expiry is more than a minute old (cairn/core/sessions.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cairn.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _session_writes(queries: list[dict[str, Any]]) -> list[str]:
    return [
        q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]
    ]


def test_a_page_soon_after_the_last_does_not_rewrite_the_session(
    users: dict[str, Any], settings: Any
) -> None:
    client = _signed_in(users["social_worker"])
    before = Session.objects.get().expire_date
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/tools/").status_code == 200
    assert _session_writes(queries.captured_queries) == []
    assert Session.objects.get().expire_date == before


def test_a_stale_expiry_is_pushed_back_to_the_full_idle_timeout(
    users: dict[str, Any], settings: Any
) -> None:
    client = _signed_in(users["social_worker"])
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(minutes=25))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/tools/").status_code == 200
    assert len(_session_writes(queries.captured_queries)) == 1
    left = Session.objects.get().expire_date - timezone.now()
    assert dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 30) < left
    assert left <= dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_an_expired_session_is_signed_out(users: dict[str, Any]) -> None:
    client = _signed_in(users["social_worker"])
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/tools/")
    assert response.status_code == 302
    assert "/accounts/" in response["Location"] or "login" in response["Location"]


def test_a_changed_session_is_always_saved(users: dict[str, Any]) -> None:
    """Signing out changes the session, so it is written even within the minute."""
    client = _signed_in(users["social_worker"])
    assert Session.objects.count() == 1
    client.post(reverse("accounts:logout"))
    assert Session.objects.filter(expire_date__gt=timezone.now()).count() == 0


def test_a_value_changed_in_place_is_saved_even_within_the_minute(
    users: dict[str, Any],
) -> None:
    """Code that changes a nested value without marking the session modified (the OpenID
    Connect library removes a used sign-in state that way) still has it saved."""
    client = _signed_in(users["social_worker"])
    key = client.session.session_key
    first = SessionStore(key)
    first["states"] = {"a": 1, "b": 2}
    first.save()
    again = SessionStore(key)
    del again["states"]["a"]  # in place: `modified` stays False
    assert again.modified is False
    again.save()
    assert SessionStore(key)["states"] == {"b": 2}
