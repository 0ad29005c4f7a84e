"""The six requests of the load benchmark's hub mix (bench/load.py, bench/profile_hub.py):
their query counts pinned, the permission answers every page relies on unchanged for
every role, and a consultation row for each personal-data view.

The counts are this test environment's (SQLite or PostgreSQL; two-step not required, so no
authenticator lookup); bench/profile_hub.py gives the production settings' counts."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cairn.accounts.models import User
from cairn.accounts.roles import Role
from cairn.accounts.rules import PERMISSIONS
from cairn.api_auth import services as tokens
from cairn.audit.models import AuditEvent
from cairn.concerns import selectors as concern_selectors
from cairn.concerns import services as concern_services
from cairn.concerns.models import Concern
from cairn.hub import dashboard

pytestmark = pytest.mark.django_db


def _payload(child_id: int) -> dict[str, Any]:
    return {
        "child_id": child_id,
        "reporter_role": "Social worker",
        "observed_on": (dt.date.today() - dt.timedelta(days=3)).isoformat(),
        "observed_where": "Outside the school gates",
        "narrative": "Has new trainers and a second phone and will not say where from.",
        "exploitation_types": ["cce"],
        "immediate_danger": False,
        "crime_disclosed": False,
    }


def test_every_role_has_exactly_the_role_maps_permissions(users: dict[str, User]) -> None:
    """Permissions come from the role map alone: every role, every permission, asked
    twice (the second answer is the remembered one)."""
    for role, user in users.items():
        fresh = User.objects.get(pk=user.pk)
        for _ in range(2):
            for name, roles in PERMISSIONS.items():
                assert fresh.has_perm(name) == (Role(role) in roles), (role, name)


def test_a_remembered_answer_follows_the_role_and_active_flag(users: dict[str, User]) -> None:
    user = User.objects.get(pk=users["social_worker"].pk)
    assert user.has_perm("concerns.add_concern")
    assert not user.has_perm("intelligence.manage_fib")
    user.role = Role.FIB_OFFICER
    assert user.has_perm("intelligence.manage_fib")
    user.is_active = False
    assert not user.has_perm("intelligence.manage_fib")


def test_django_permission_rows_grant_nothing(users: dict[str, User]) -> None:
    """Cairn never writes Django's permission tables; a row put there by hand gives no
    access the role does not have."""
    user = users["practitioner"]
    assert not user.has_perm("auth.view_permission")
    user.user_permissions.add(Permission.objects.get(codename="view_permission"))
    assert not User.objects.get(pk=user.pk).has_perm("auth.view_permission")


@pytest.fixture
def hub(users: dict[str, User], make_person: Any) -> dict[str, Any]:
    sw = users["social_worker"]
    child = make_person(actor=sw, given_name="Rowan", family_name="Testcase", hub_shared=True)
    for _ in range(2):
        concern = concern_services.concern_create(actor=sw, data=_payload(child.pk))
        concern_services.risk_decision_record(
            actor=sw, concern=concern, level="moderate", rationale="Pattern of going missing"
        )
    clients = {}
    for role in ("social_worker", "fib_officer", "hub_chair"):
        client = Client()
        client.force_login(users[role])
        clients[role] = client
    return {"child": child, "clients": clients}


def _queries(client: Client, url: str) -> tuple[int, Any]:
    client.get(url)  # warm: the first request of a client fills per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response


@pytest.mark.parametrize(
    ("role", "page", "most"),
    [
        ("social_worker", "inbox", 11),
        ("social_worker", "person_search", 12),
        ("social_worker", "child_profile", 24),
        ("fib_officer", "intel_search", 12),
        ("hub_chair", "dashboard", 9),
    ],
)
def test_hub_mix_page_queries_are_pinned(
    hub: dict[str, Any], users: dict[str, User], role: str, page: str, most: int
) -> None:
    urls = {
        "inbox": reverse("notifications:inbox"),
        "person_search": reverse("pole:person-search") + "?q=Testcase",
        "child_profile": reverse("pole:person-detail", args=[hub["child"].pk]),
        "intel_search": reverse("intelligence:search") + "?q=Testcase",
        "dashboard": reverse("hub:dashboard"),
    }
    before = AuditEvent.objects.count()
    count, response = _queries(hub["clients"][role], urls[page])
    assert count <= most, f"{page}: {count} queries"
    # Each view of these pages is recorded (consultation or view event), cached or not.
    assert AuditEvent.objects.count() - before == 2
    if page == "child_profile":
        assert "Rowan" in response.content.decode()


def test_concern_post_queries_are_pinned(hub: dict[str, Any], users: dict[str, User]) -> None:
    sw = users["social_worker"]
    secret = tokens.token_create(actor=sw, name="test", lifetime_days=1).secret
    api = Client()

    def post() -> Any:
        return api.post(
            "/api/v1/concerns",
            data=json.dumps(_payload(hub["child"].pk)),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )

    assert post().status_code == 201
    with CaptureQueriesContext(connection) as captured:
        response = post()
    assert response.status_code == 201
    assert len(captured) <= 30, len(captured)
    # The one text check serves both: the same screening and pathways as each worked out
    # on its own.
    body = response.json()
    concern = Concern.objects.get(pk=body["id"])
    alone, _ = concern_selectors.concern_screening(concern, concern.child)
    assert body["screening"] == {
        "suggested_level": alone.suggested_level,
        "reasons": alone.reasons,
    }
    codes = [r.code for r in concern_selectors.pathways_for(concern, sw)]
    assert [p["code"] for p in body["pathways"]] == codes


def test_dashboard_panels_are_rendered_once_per_count_and_match_a_fresh_render(
    hub: dict[str, Any], users: dict[str, User]
) -> None:
    chair = users["hub_chair"]
    counted = dashboard.panels_for_page(chair)
    html = dashboard.panels_html(counted)
    again = dashboard.panels_for_page(chair)
    assert again.at == counted.at
    assert dashboard.panels_html(again) == html
    fresh = dashboard.panels_html(dashboard.Counted(counted.panels, counted.at))
    assert fresh == html
    page = hub["clients"]["hub_chair"].get(reverse("hub:dashboard")).content.decode()
    assert html in page
    # Another user's count, and so its HTML, is its own.
    other = dashboard.panels_for_page(users["social_worker"])
    assert other.key != counted.key


def test_inbox_consultation_names_the_subjects_of_every_record_type(
    hub: dict[str, Any], users: dict[str, User], make_person: Any
) -> None:
    """The inbox's consultation row names the data subjects of the records its
    notifications are about, of every type (read in one statement now)."""
    from django.utils import timezone

    from cairn.missing.models import MissingEpisode
    from cairn.notifications.models import Notification

    sw = users["social_worker"]
    child = hub["child"]
    other = make_person(actor=sw, given_name="Ash", family_name="Testcase")
    concern = Concern.objects.filter(child=child).first()
    assert concern is not None
    episode = MissingEpisode.objects.create(
        child=other, reported_at=timezone.now(), owning_agency=sw.agency, recorded_by=sw
    )
    for object_type, object_id in [
        ("concerns.concern", str(concern.pk)),
        ("missing.missingepisode", str(episode.pk)),
        ("missing.missingepisode", "not-a-number"),
        ("", ""),
    ]:
        Notification.objects.create(
            recipient=sw,
            kind="test",
            title="About a record",
            object_type=object_type,
            object_id=object_id,
        )
    hub["clients"]["social_worker"].get(reverse("notifications:inbox"))
    row = AuditEvent.objects.filter(event="notification.listed").latest("pk")
    assert row.details["subjects"] == sorted({child.pk, other.pk})
