"""The audit request id: a client's X-Request-ID is ignored unless the connection comes
from a configured trusted proxy."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from cairn.audit.models import AuditEvent
from cairn.core.middleware import is_trusted_proxy

pytestmark = pytest.mark.django_db

CHOSEN = "attacker-chosen-id-0001"


def _sign_in_event(client: Client, user: Any, **extra: Any) -> AuditEvent:
    from ..factories import TEST_PASSWORD

    client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": TEST_PASSWORD},
        headers={"X-Request-ID": CHOSEN},
        **extra,
    )
    return AuditEvent.objects.filter(event="auth.signed_in", actor=user).latest("chain_index")


def test_header_from_an_ordinary_client_is_ignored(
    client: Client, users: dict[str, Any], settings: Any
) -> None:
    settings.CAIRN_TRUSTED_PROXIES = []
    event = _sign_in_event(client, users["social_worker"])
    assert event.request_id != CHOSEN and len(event.request_id) == 32


def test_header_from_an_untrusted_address_is_ignored(
    client: Client, users: dict[str, Any], settings: Any
) -> None:
    settings.CAIRN_TRUSTED_PROXIES = ["10.0.0.0/8"]
    event = _sign_in_event(client, users["social_worker"], REMOTE_ADDR="192.0.2.7")
    assert event.request_id != CHOSEN


def test_header_from_a_trusted_proxy_is_kept(
    client: Client, users: dict[str, Any], settings: Any
) -> None:
    settings.CAIRN_TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::1"]
    event = _sign_in_event(client, users["social_worker"], REMOTE_ADDR="10.1.2.3")
    assert event.request_id == CHOSEN


def test_trusted_proxy_matching() -> None:
    assert is_trusted_proxy("2001:db8::1", ["2001:db8::1"])
    assert not is_trusted_proxy("not an address", ["0.0.0.0/0"])
    assert not is_trusted_proxy("192.0.2.1", [])
    with pytest.raises(ImproperlyConfigured, match="CAIRN_TRUSTED_PROXIES"):
        is_trusted_proxy("192.0.2.1", ["nonsense"])
