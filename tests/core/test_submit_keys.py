"""A creating form sent again with the same one-time submit key (a double click, a resent
POST, the back button) creates nothing new: it goes where the first went. Runs on any
database; tests/concurrency/test_submit_keys.py sends the copies at the same moment."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cairn.audit.models import AuditEvent
from cairn.concerns import services as concern_services
from cairn.concerns.models import RiskDecision
from cairn.core.models import SubmitKey
from cairn.core.submit_keys import purge_expired
from cairn.notifications.models import Notification
from cairn.pole.models import Person

from ..concerns.conftest import complete_payload
from .submit_scenarios import SCENARIOS, repeated_notifications

KEY_INPUT = re.compile(r'<input type="hidden" name="submit_key" value="([A-Za-z0-9_-]+)">')


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def key_from(client: Client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    found = KEY_INPUT.findall(page.content.decode())
    assert found, "the form carries no submit key"
    return str(found[-1])


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_same_form_sent_twice_creates_one_record(
    name: str, users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    scenario = SCENARIOS[name](users, make_person)
    client = client_for(scenario.user)
    key = key_from(client, scenario.url)
    notified = Notification.objects.count()

    first = client.post(scenario.url, {**scenario.data, "submit_key": key})
    assert first.status_code == 302, first.content.decode()[:2000]
    after_first = Notification.objects.count()
    second = client.post(scenario.url, {**scenario.data, "submit_key": key})
    third = client.post(scenario.url, {**scenario.data, "submit_key": key})

    assert scenario.count() == 1
    for again in (second, third):
        assert again.status_code == 303
        assert again["Location"] == first["Location"]
    assert Notification.objects.count() == after_first
    assert repeated_notifications() == []
    if name == "screening":
        assert after_first == notified + 1  # the PPU co-ordinator, once
    assert AuditEvent.objects.filter(event="web.submit_replayed").count() == 2
    # A new form (a new key) is a new record, as the user asked.
    if name != "screening":  # the same decision moments later is the same decision
        # (The same person again is warned of first, and must be confirmed.)
        confirm = {"confirm_new": "1"} if name == "person" else {}
        fresh_key = key_from(client, scenario.url)
        fresh = client.post(scenario.url, {**scenario.data, **confirm, "submit_key": fresh_key})
        assert fresh.status_code == 302
        assert scenario.count() == 2


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_a_key_refused_by_validation_still_works(
    name: str, users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    scenario = SCENARIOS[name](users, make_person)
    client = client_for(scenario.user)
    key = key_from(client, scenario.url)

    refused = client.post(scenario.url, {**scenario.data, **scenario.invalid, "submit_key": key})
    assert refused.status_code == 200
    assert "There is a problem" in refused.content.decode()
    # What the user typed is kept, and the page carries a key for the next try.
    assert KEY_INPUT.search(refused.content.decode())
    assert scenario.count() == 0
    assert not SubmitKey.objects.filter(key=key).exists()

    corrected = client.post(scenario.url, {**scenario.data, "submit_key": key})
    assert corrected.status_code == 302
    assert scenario.count() == 1


def test_a_key_is_the_users_own(
    users: dict[str, Any], make_person: Callable[..., Person], make_user: Callable[..., Any]
) -> None:
    """Another user sending the same key (never drawn for them) is not sent to the first
    user's result: their POST is their own."""
    scenario = SCENARIOS["meeting"](users, make_person)
    chair = client_for(scenario.user)
    key = key_from(chair, scenario.url)
    assert chair.post(scenario.url, {**scenario.data, "submit_key": key}).status_code == 302
    deputy = client_for(make_user("hub_chair", username="deputy_chair"))
    response = deputy.post(scenario.url, {**scenario.data, "submit_key": key})
    assert response.status_code == 302
    assert scenario.count() == 2
    assert SubmitKey.objects.filter(key=key).count() == 2


def test_a_key_used_on_another_form_is_refused(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    meeting = SCENARIOS["meeting"](users, make_person)
    client = client_for(meeting.user)
    key = key_from(client, meeting.url)
    assert client.post(meeting.url, {**meeting.data, "submit_key": key}).status_code == 302
    person = SCENARIOS["person"](users, make_person)
    response = client.post(person.url, {**person.data, "submit_key": key})
    assert response.status_code == 409
    assert not Person.objects.filter(family_name="Exampleson").exists()


@pytest.mark.parametrize("key", ["", "short", "x" * 65, "bad key with spaces!!", "'><script>"])
def test_a_missing_or_malformed_key_is_an_ordinary_post(
    key: str, users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    scenario = SCENARIOS["meeting"](users, make_person)
    client = client_for(scenario.user)
    response = client.post(scenario.url, {**scenario.data, "submit_key": key})
    assert response.status_code == 302
    assert scenario.count() == 1
    assert not SubmitKey.objects.exists()


def test_old_keys_are_purged(users: dict[str, Any]) -> None:
    SubmitKey.objects.create(
        user=users["hub_chair"],
        key="a" * 32,
        path="/hub/meetings/new/",
        location="/hub/",
        created_at=timezone.now() - dt.timedelta(hours=25),
    )
    SubmitKey.objects.create(
        user=users["hub_chair"], key="b" * 32, path="/hub/meetings/new/", created_at=timezone.now()
    )
    assert purge_expired() == 1
    assert list(SubmitKey.objects.values_list("key", flat=True)) == ["b" * 32]


def test_risk_decision_repeated_in_the_service_is_recorded_once(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    worker = users["social_worker"]
    child = make_person(given_name="Amber", date_of_birth=dt.date(2011, 6, 1))
    concern = concern_services.concern_create(actor=worker, data=complete_payload(child.pk))
    decide = concern_services.risk_decision_record
    first = decide(actor=worker, concern=concern, level="significant", rationale="Agree")
    again = decide(actor=worker, concern=concern, level="significant", rationale=" Agree ")
    assert again.pk == first.pk
    assert RiskDecision.objects.filter(concern=concern).count() == 1
    assert Notification.objects.filter(kind="risk.raised").count() == 1
    # A different decision is a new one.
    changed = decide(actor=worker, concern=concern, level="moderate", rationale="Agree")
    assert changed.pk != first.pk


TEMPLATES = Path(__file__).resolve().parents[2] / "cairn" / "templates"
# Forms that create or change nothing a double submit could repeat: signing in and out and
# setting up two-step sign-in (each once per session by nature).
WITHOUT_KEY = {
    "base.html",
    "accounts/sign_in.html",
    "accounts/two_step_setup.html",
    "accounts/two_step_verify.html",
}


def test_every_post_form_carries_a_submit_key() -> None:
    missing = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = str(path.relative_to(TEMPLATES))
        html = path.read_text()
        forms = re.findall(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", html, re.S | re.I)
        if name in WITHOUT_KEY:
            continue
        missing += [name for form in forms if "{% submit_key %}" not in form]
    assert missing == []
