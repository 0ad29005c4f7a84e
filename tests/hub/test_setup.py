"""The Hub set-up pages: the chair and system admins change the name, chair, terms of
reference and thresholds, and add, change and remove member agencies; everyone else gets
403 on the change pages (casework roles still read the summary). Every write is audited;
bad input keeps what was typed; removal is refused while the agency is listed at a meeting
whose minutes are not final."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.roles import Role
from cairn.audit.models import AuditEvent
from cairn.hub import services
from cairn.hub.models import HubMember, HubSetup, Meeting

pytestmark = pytest.mark.django_db

MANAGERS = ("hub_chair", "system_admin")
DENIED = ("social_worker", "analyst", "practitioner")


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def setup_post(chair_user: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Testshire Exploitation Hub",
        "chair": chair_user.pk,
        "terms_of_reference": "We meet monthly.",
        "frequent_missing_count": "4",
        "frequent_missing_days": "60",
        "flag_linked_children": "3",
        "default_lookback_days": "35",
    }
    data.update(overrides)
    return data


@pytest.fixture
def police_member(users: dict[str, Any], agencies: dict[str, Any]) -> HubMember:
    return HubMember.objects.create(
        agency=agencies["police"], representative=users["ppu_coordinator"]
    )


def select_html(html: str, name: str) -> str:
    start = html.index(f'name="{name}"')
    return html[start : html.index("</select>", start)]


def change_urls(member: HubMember) -> list[str]:
    return [
        reverse("hub:setup-edit"),
        reverse("hub:member-add"),
        reverse("hub:member-edit", args=[member.pk]),
        reverse("hub:member-remove", args=[member.pk]),
    ]


# Who may open each page -------------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGERS)
def test_managers_open_every_set_up_page(
    role: str, users: dict[str, Any], police_member: HubMember
) -> None:
    client = client_for(users[role])
    summary = client.get(reverse("hub:setup"))
    assert summary.status_code == 200
    html = summary.content.decode()
    assert "Hub set-up" in html
    assert reverse("hub:setup-edit") in html
    assert reverse("hub:member-edit", args=[police_member.pk]) in html
    assert reverse("hub:member-remove", args=[police_member.pk]) in html
    assert reverse("hub:member-add") in html
    for url in change_urls(police_member):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", DENIED)
def test_other_roles_cannot_change_the_set_up(
    role: str, users: dict[str, Any], police_member: HubMember
) -> None:
    client = client_for(users[role])
    for url in change_urls(police_member):
        assert client.get(url).status_code == 403, url
        assert client.post(url, setup_post(users["hub_chair"])).status_code == 403, url
    assert HubMember.objects.filter(pk=police_member.pk).exists()
    assert not HubSetup.objects.exists()
    assert not AuditEvent.objects.filter(event="hub.setup_changed").exists()
    # They still read the members and terms of reference, without the Change links.
    summary = client.get(reverse("hub:setup"))
    assert summary.status_code == 200
    html = summary.content.decode()
    assert "Hub members and terms of reference" in html
    assert "Testshire Police" in html
    assert reverse("hub:setup-edit") not in html
    assert reverse("hub:member-edit", args=[police_member.pk]) not in html


def test_ig_admin_and_anonymous_are_kept_out(users: dict[str, Any]) -> None:
    ig = client_for(users["ig_admin"])
    assert ig.get(reverse("hub:setup")).status_code == 403
    assert ig.get(reverse("hub:setup-edit")).status_code == 403
    response = Client().get(reverse("hub:setup-edit"))
    assert response.status_code == 302
    assert "sign-in" in response["Location"]


def test_unknown_member_is_404_for_a_manager(users: dict[str, Any]) -> None:
    client = client_for(users["hub_chair"])
    assert client.get(reverse("hub:member-edit", args=[999])).status_code == 404
    assert client.get(reverse("hub:member-remove", args=[999])).status_code == 404


def test_hub_home_links_to_the_set_up_for_the_chair_only(users: dict[str, Any]) -> None:
    chair_home = client_for(users["hub_chair"]).get(reverse("hub:home")).content.decode()
    assert ">Hub set-up</a>" in chair_home
    worker_home = client_for(users["social_worker"]).get(reverse("hub:home")).content.decode()
    assert ">Hub set-up</a>" not in worker_home
    assert "Hub members and terms of reference" in worker_home


def test_system_admin_reaches_the_set_up_from_home(users: dict[str, Any]) -> None:
    html = client_for(users["system_admin"]).get(reverse("core:home")).content.decode()
    assert reverse("hub:setup") in html
    worker = client_for(users["social_worker"]).get(reverse("core:home")).content.decode()
    assert f'href="{reverse("hub:setup")}"' not in worker


# Changing the set-up ----------------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGERS)
def test_manager_changes_the_set_up_and_it_is_audited(role: str, users: dict[str, Any]) -> None:
    actor, chair = users[role], users["hub_chair"]
    response = client_for(actor).post(reverse("hub:setup-edit"), setup_post(chair))
    assert response.status_code == 302
    assert response["Location"] == reverse("hub:setup")
    row = HubSetup.objects.get(pk=1)
    assert (row.name, row.chair, row.terms_of_reference) == (
        "Testshire Exploitation Hub",
        chair,
        "We meet monthly.",
    )
    assert (
        row.frequent_missing_count,
        row.frequent_missing_days,
        row.flag_linked_children,
        row.default_lookback_days,
    ) == (4, 60, 3, 35)
    event = AuditEvent.objects.get(event="hub.setup_changed")
    assert event.actor == actor
    assert event.object_type == "hub.hubsetup"
    assert event.details["changed"]["frequent_missing_count"] == {"from": 3, "to": 4}
    assert event.details["changed"]["chair"] == {"from": None, "to": chair.username}


def test_the_form_starts_from_the_current_set_up(users: dict[str, Any]) -> None:
    chair = users["hub_chair"]
    HubSetup.objects.create(pk=1, name="Old Hub", chair=chair, frequent_missing_days=45)
    html = client_for(chair).get(reverse("hub:setup-edit")).content.decode()
    assert 'value="Old Hub"' in html
    assert 'value="45"' in html
    assert f'<option value="{chair.pk}" selected>' in select_html(html, "chair")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("frequent_missing_count", "0", "between 1 and 20"),
        ("frequent_missing_count", "21", "between 1 and 20"),
        ("frequent_missing_count", "2.5", "must be a whole number"),
        ("frequent_missing_days", "6", "between 7 and 365"),
        ("frequent_missing_days", "366", "between 7 and 365"),
        ("flag_linked_children", "-1", "between 1 and 20"),
        ("default_lookback_days", "181", "between 7 and 180"),
        ("default_lookback_days", "a month", "must be a whole number"),
        ("default_lookback_days", "", "Enter the number of days the first agenda looks back"),
        ("name", "", "Enter the Hub&#x27;s name"),
    ],
)
def test_bad_thresholds_are_refused_and_keep_what_was_typed(
    field: str, value: str, message: str, users: dict[str, Any]
) -> None:
    chair = users["hub_chair"]
    post = setup_post(chair, **{field: value})
    response = client_for(chair).post(reverse("hub:setup-edit"), post)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert f'href="#id_{field}"' in html
    # What was typed is still in the form (the bad value and the other fields).
    if value:
        assert f'value="{value}"' in html
    assert 'value="Testshire Exploitation Hub"' in html or field == "name"
    assert "We meet monthly." in html
    assert not HubSetup.objects.exists()
    assert not AuditEvent.objects.filter(event="hub.setup_changed").exists()


def test_chair_must_be_a_hub_chair(users: dict[str, Any]) -> None:
    chair = users["hub_chair"]
    response = client_for(chair).post(
        reverse("hub:setup-edit"), setup_post(chair, chair=users["social_worker"].pk)
    )
    assert response.status_code == 200
    assert "Choose someone whose role is Hub chair" in response.content.decode()
    assert not HubSetup.objects.exists()


def test_setup_service_validates_without_the_form(users: dict[str, Any]) -> None:
    chair = users["hub_chair"]
    with pytest.raises(ValidationError) as exc:
        services.setup_update(
            actor=chair, frequent_missing_days=400, chair=users["analyst"], name=" "
        )
    assert set(exc.value.message_dict) == {"frequent_missing_days", "chair", "name"}
    with pytest.raises(PermissionDenied):
        services.setup_update(actor=users["social_worker"], frequent_missing_count=5)
    assert not AuditEvent.objects.filter(event="hub.setup_changed").exists()


# Member agencies --------------------------------------------------------------------------


def test_add_member_offers_only_agencies_not_yet_members(
    users: dict[str, Any], agencies: dict[str, Any], police_member: HubMember
) -> None:
    html = client_for(users["hub_chair"]).get(reverse("hub:member-add")).content.decode()
    agency_select = select_html(html, "agency")
    assert "Testshire Children&#x27;s Trust" in agency_select
    assert "Testshire Academy" in agency_select
    assert "Testshire Police" not in agency_select
    # Posting an agency that is already a member is refused.
    response = client_for(users["hub_chair"]).post(
        reverse("hub:member-add"),
        {"agency": agencies["police"].pk, "representative": users["fib_officer"].pk},
    )
    assert response.status_code == 200
    assert "Choose an agency that is not already a member" in response.content.decode()
    police_member.refresh_from_db()
    assert police_member.representative == users["ppu_coordinator"]


@pytest.mark.parametrize("role", MANAGERS)
def test_manager_adds_a_member_agency_and_it_is_audited(
    role: str, users: dict[str, Any], agencies: dict[str, Any]
) -> None:
    actor = users[role]
    trust = agencies["trust"]
    response = client_for(actor).post(
        reverse("hub:member-add"),
        {
            "agency": trust.pk,
            "representative": users["social_worker"].pk,
            "deputy": users["mash_screener"].pk,
        },
    )
    assert response.status_code == 302
    member = HubMember.objects.get(agency=trust)
    assert member.representative == users["social_worker"]
    assert member.deputy == users["mash_screener"]
    assert member.joined_on == timezone.localdate()
    event = AuditEvent.objects.get(event="hub.setup_changed")
    assert event.actor == actor
    assert event.object_type == "hub.hubmember"
    assert event.details["member"] == "added"
    assert event.details["representative"] == users["social_worker"].username
    summary = client_for(actor).get(reverse("hub:setup")).content.decode()
    assert "Testshire Children&#x27;s Trust" in summary
    assert str(users["mash_screener"]) in summary


@pytest.mark.parametrize(
    ("representative", "deputy", "field", "message"),
    [
        ("ppu_coordinator", "", "representative", "Choose someone from Testshire Children"),
        ("social_worker", "social_worker", "deputy", "someone other than the representative"),
        ("social_worker", "fib_officer", "deputy", "Choose someone from Testshire Children"),
        ("system_admin", "", "representative", "Choose someone who uses the Hub"),
        ("", "", "representative", "Choose the agency&#x27;s representative"),
    ],
)
def test_member_people_must_be_hub_users_of_the_agency(
    representative: str,
    deputy: str,
    field: str,
    message: str,
    users: dict[str, Any],
    agencies: dict[str, Any],
) -> None:
    post = {
        "agency": agencies["trust"].pk,
        "representative": users[representative].pk if representative else "",
        "deputy": users[deputy].pk if deputy else "",
        "joined_on_day": "3",
        "joined_on_month": "2",
        "joined_on_year": "2025",
    }
    response = client_for(users["hub_chair"]).post(reverse("hub:member-add"), post)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert f'href="#id_{field}"' in html
    # What was typed is kept: the agency, the people and the date.
    assert f'<option value="{agencies["trust"].pk}" selected>' in select_html(html, "agency")
    if representative and representative != "system_admin":
        rep_select = select_html(html, "representative")
        assert f'<option value="{users[representative].pk}" selected>' in rep_select
    assert 'value="2025"' in html
    assert not HubMember.objects.exists()
    assert not AuditEvent.objects.filter(event="hub.setup_changed").exists()


def test_manager_changes_a_members_representatives(
    users: dict[str, Any], make_user: Callable[..., Any], police_member: HubMember
) -> None:
    chair = users["hub_chair"]
    url = reverse("hub:member-edit", args=[police_member.pk])
    page = client_for(chair).get(url).content.decode()
    # Only people from the member's own agency are offered.
    assert str(users["fib_officer"]) in page
    assert str(users["social_worker"]) not in page
    response = client_for(chair).post(
        url,
        {"representative": users["fib_officer"].pk, "deputy": users["ppu_coordinator"].pk},
    )
    assert response.status_code == 302
    police_member.refresh_from_db()
    assert police_member.representative == users["fib_officer"]
    assert police_member.deputy == users["ppu_coordinator"]
    event = AuditEvent.objects.get(event="hub.setup_changed")
    assert event.details["member"] == "changed"
    assert event.details["before"] == {
        "representative": users["ppu_coordinator"].username,
        "deputy": None,
    }


def test_changing_a_member_refuses_someone_from_another_agency(
    users: dict[str, Any], police_member: HubMember
) -> None:
    response = client_for(users["hub_chair"]).post(
        reverse("hub:member-edit", args=[police_member.pk]),
        {"representative": users["social_worker"].pk},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    police_member.refresh_from_db()
    assert police_member.representative == users["ppu_coordinator"]
    assert not AuditEvent.objects.filter(event="hub.setup_changed").exists()


@pytest.mark.parametrize("role", MANAGERS)
def test_manager_removes_a_member_after_confirming(
    role: str, users: dict[str, Any], police_member: HubMember
) -> None:
    client = client_for(users[role])
    url = reverse("hub:member-remove", args=[police_member.pk])
    page = client.get(url).content.decode()
    assert "Remove Testshire Police from the Hub" in page
    assert "Remove member agency" in page
    assert HubMember.objects.filter(pk=police_member.pk).exists()  # GET changes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert not HubMember.objects.filter(pk=police_member.pk).exists()
    event = AuditEvent.objects.get(event="hub.setup_changed")
    assert event.actor == users[role]
    assert event.object_id == str(police_member.pk)
    assert event.details["member"] == "removed"
    assert event.details["agency"] == "Testshire Police"


def test_removal_is_refused_while_the_agency_is_at_an_open_meeting(
    users: dict[str, Any], police_member: HubMember
) -> None:
    chair = users["hub_chair"]
    meeting = services.meeting_schedule(
        actor=chair, starts_at=timezone.now() + dt.timedelta(days=3), title="March MACE"
    )
    client = client_for(chair)
    url = reverse("hub:member-remove", args=[police_member.pk])
    page = client.get(url).content.decode()
    assert "cannot be removed yet" in page
    assert meeting.reference in page
    assert "Remove member agency" not in page
    response = client.post(url)
    assert response.status_code == 200
    assert "cannot be removed yet" in response.content.decode()
    assert HubMember.objects.filter(pk=police_member.pk).exists()
    assert not AuditEvent.objects.filter(event="hub.setup_changed").exists()
    with pytest.raises(ValidationError):
        services.member_remove(actor=chair, member=police_member)
    # Once the minutes are final the agency can leave.
    Meeting.objects.filter(pk=meeting.pk).update(status="finalised")
    services.member_remove(actor=chair, member=police_member)
    assert not HubMember.objects.filter(pk=police_member.pk).exists()


def test_member_services_need_the_permission(
    users: dict[str, Any], agencies: dict[str, Any], police_member: HubMember
) -> None:
    worker = users["social_worker"]
    with pytest.raises(PermissionDenied):
        services.member_set(
            actor=worker, agency=agencies["trust"], representative=users["social_worker"]
        )
    with pytest.raises(PermissionDenied):
        services.member_remove(actor=worker, member=police_member)
    assert list(HubMember.objects.all()) == [police_member]


def test_member_set_new_refuses_an_existing_member(
    users: dict[str, Any], agencies: dict[str, Any], police_member: HubMember
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.member_set(
            actor=users["hub_chair"],
            agency=agencies["police"],
            representative=users["fib_officer"],
            new=True,
        )
    assert "agency" in exc.value.message_dict


def test_inactive_chair_is_not_offered(
    users: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    gone = make_user(Role.HUB_CHAIR, username="old_chair", is_active=False)
    html = client_for(users["hub_chair"]).get(reverse("hub:setup-edit")).content.decode()
    chairs = select_html(html, "chair")
    assert f'<option value="{gone.pk}"' not in chairs
    assert f'<option value="{users["hub_chair"].pk}"' in chairs
