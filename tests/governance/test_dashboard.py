"""The IG dashboard: each panel counts what it says from the records as they stand (one
record of each kind made here, so a wrong filter shows), the CSV carries the page's
figures and is audited, and nobody but IG opens it (web 404, API 404)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import User
from cairn.accounts.roles import Role
from cairn.api_auth import services as token_services
from cairn.audit.models import AuditEvent
from cairn.governance import selectors
from cairn.pole import services as pole_services
from cairn.pole.models import Person
from cairn.rights import services as rights

from ..api.conftest import ApiClient
from ..retention.conftest import age

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _panel(overview: selectors.Overview, key: str) -> dict[str, Any]:
    panel = next(p for p in overview.panels if p.key == key)
    return {
        **{bar.label: bar.value for bar in panel.rows},
        **dict(panel.figures),
    }


@pytest.fixture
def ig_police(make_user: Callable[..., User]) -> User:
    return make_user(Role.IG_ADMIN, agency="police", username="ig_police_dash")


@pytest.fixture
def police_records(
    users: dict[str, User], make_person: Callable[..., Person], rules: None
) -> dict[str, Person]:
    """One police record overdue for review (last touched eight years ago: MoPI group 3
    ends after six), one due later, both people of concern."""
    old = make_person(
        actor=users["fib_officer"],
        given_name="Quillon",
        family_name="Dashold",
        category="person_of_concern",
        date_of_birth=dt.date(1990, 3, 3),
    )
    age(old, timezone.now() - dt.timedelta(days=8 * 365))
    recent = make_person(
        actor=users["fib_officer"],
        given_name="Ravenna",
        family_name="Dashnew",
        category="person_of_concern",
        date_of_birth=dt.date(1991, 4, 4),
    )
    return {"old": old, "recent": recent}


@pytest.fixture
def rules(agencies: dict[str, Any]) -> None:
    from cairn.retention import services

    for agency in agencies.values():
        services.rules_seed(actor=None, agency=agency)


def test_retention_panel_counts_the_viewers_agency_only(
    ig_police: User, users: dict[str, User], police_records: dict[str, Person]
) -> None:
    figures = _panel(selectors.overview(ig_police), "reviews")  # type: ignore[arg-type]
    assert figures["Overdue (due date passed)"] == 1
    assert figures["In the review queue now"] == 1
    assert figures["Of those, blocked from disposal"] == 0
    # The recent record falls due years from now; nothing lacks a rule.
    assert figures["Due later"] == 1
    assert figures["No retention rule applies"] == 0
    # The Trust's IG sees none of the police records in its retention panel.
    trust = _panel(selectors.overview(users["ig_admin"]), "reviews")  # type: ignore[arg-type]
    assert trust["Overdue (due date passed)"] == 0 and trust["Due later"] == 0


def test_a_blocked_record_is_counted_as_blocked(
    ig_police: User, users: dict[str, User], police_records: dict[str, Person]
) -> None:
    rights.restriction_apply(
        actor=ig_police,
        person_id=police_records["old"].pk,
        reason="Accuracy contested by the subject",
        request_id=None,
    )
    # Restricting touches the record; put its clock back where it was.
    age(police_records["old"], timezone.now() - dt.timedelta(days=8 * 365))
    figures = _panel(selectors.overview(ig_police), "reviews")  # type: ignore[arg-type]
    assert figures["In the review queue now"] == 1
    assert figures["Of those, blocked from disposal"] == 1
    restrictions = _panel(selectors.overview(ig_police), "restrictions")  # type: ignore[arg-type]
    assert restrictions["Testshire Police"] == 1
    assert restrictions["Restrictions in force"] == 1


def test_subject_access_requests_by_clock(users: dict[str, User]) -> None:
    ig = users["ig_admin"]
    today = timezone.localdate()

    def log(name: str, received: dt.date) -> Any:
        return rights.sar_log(
            actor=ig,
            requester=f"{name} Sarclock",
            requester_kind="subject",
            given_name=name,
            family_name="Sarclock",
            date_of_birth=None,
            other_names="",
            received_on=received,
        )

    log("Overdue", today - dt.timedelta(days=70))
    log("Soon", today - dt.timedelta(days=26))
    ended = log("Withdrawn", today - dt.timedelta(days=90))
    rights.sar_close(
        actor=ig,
        sar_id=ended.pk,
        reason="withdrawn",
        note="The requester wrote to withdraw the request.",
        confirmed=True,
    )
    dup = log("Duplicate", today - dt.timedelta(days=20))
    closed = rights.sar_close(
        actor=ig,
        sar_id=dup.pk,
        reason="duplicate",
        note="Logged twice by mistake: see the other request.",
        confirmed=True,
    )
    assert closed.status == "closed"
    fresh = log("Fresh", today)
    rights.sar_extend(actor=ig, sar_id=fresh.pk, months=2, reason="Complex: many records")
    figures = _panel(selectors.overview(ig), "sars")  # type: ignore[arg-type]
    assert figures["Overdue"] == 1
    assert figures["Due within 7 days"] == 1
    assert figures["Due in more than 7 days"] == 1
    assert figures["Open with an extension"] == 1
    assert figures["Disclosed in the last 12 months"] == 0
    assert figures["Withdrawn or closed without disclosure in the last 12 months"] == 2
    assert figures["Open requests"] == 3


def test_disclosures_by_basis_and_records_held(
    users: dict[str, User], agencies: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    child = make_person(given_name="Sable", family_name="Dashshare")
    pole_services.person_share(
        actor=users["social_worker"],
        person_id=child.pk,
        agency=agencies["school"],
        reason="Safety plan at school",
    )
    overview = selectors.overview(users["ig_admin"])
    assert overview is not None
    shares = _panel(overview, "shares")
    assert shares["Disclosures"] == 1
    assert shares["Of those, exceptional (no agreement covered them)"] == 0
    held = {
        row.agency: dict(zip(overview.categories, row.counts, strict=True)) for row in overview.held
    }
    assert held["Testshire Children's Trust"]["People"] == 1
    assert overview.held_total == sum(row.total for row in overview.held)


def test_page_csv_and_api_carry_the_same_figures_and_are_audited(
    ig_police: User, police_records: dict[str, Person]
) -> None:
    client = _client(ig_police)
    page = client.get(reverse("governance:dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Retention reviews of your agency&#x27;s records" in html
    assert "Quillon" not in html and "Dashold" not in html  # counts only
    assert AuditEvent.objects.filter(event="governance.dashboard_viewed", actor=ig_police).exists()

    response = client.get(reverse("governance:dashboard-csv"))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))  # type: ignore[attr-defined]
    overdue = [r for r in rows if r["measure"] == "Overdue (due date passed)"]
    assert [r["value"] for r in overdue] == ["1"]
    assert any(r["agency"] == "Testshire Police" and r["measure"] == "People" for r in rows)
    assert AuditEvent.objects.filter(
        event="governance.dashboard_exported", actor=ig_police
    ).exists()

    token = token_services.token_create(actor=ig_police, name="dash").secret
    body = ApiClient(token).get("/governance/dashboard").json()
    reviews = next(p for p in body["panels"] if p["key"] == "reviews")
    assert {"label": "Overdue (due date passed)", "value": 1} in reviews["rows"]
    police = next(h for h in body["held"] if h["agency"] == "Testshire Police")
    assert police["counts"]["People"] == 2


@pytest.mark.parametrize("role", [r for r in Role if r != Role.IG_ADMIN])
def test_nobody_else_opens_it(role: Role, make_user: Callable[..., User]) -> None:
    user = make_user(role, username=f"dash_{role.value}")
    client = _client(user)
    assert client.get(reverse("governance:dashboard")).status_code == 404
    assert client.get(reverse("governance:dashboard-csv")).status_code == 404
    assert not AuditEvent.objects.filter(event__startswith="governance.").exists()


def test_signed_out_is_sent_to_sign_in() -> None:
    response = Client().get(reverse("governance:dashboard"))
    assert response.status_code == 302 and "/accounts/" in response["Location"]
