"""System-admin account changes: every change audited with before and after (never a
password hash); a change granting police or intelligence access waits for a second
system admin, who approves or rejects it on Cairn's own pages; the admin site cannot
bypass either rule."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.accounts import services
from cairn.accounts.models import AccountChangeRequest, Agency, ChangeRequestStatus, User
from cairn.accounts.roles import Role
from cairn.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(make_user: Any) -> tuple[User, User]:
    first = make_user(Role.SYSTEM_ADMIN, username="admin_one", is_staff=True)
    second = make_user(Role.SYSTEM_ADMIN, username="admin_two", is_staff=True)
    return first, second


def _form(user: User, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "job_title": user.job_title,
        "phone": user.phone,
        "agency": user.agency_id or "",
        "team": user.team_id or "",
        "role": user.role,
    }
    if user.is_active:
        data["is_active"] = "on"
    if user.is_staff:
        data["is_staff"] = "on"
    data.update(changes)
    return data


def _admin_edit(client: Client, actor: User, user: User, **changes: Any) -> Any:
    client.force_login(actor)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    response = client.post(url, _form(user, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_admin_password_change_is_audited_without_the_hash(
    client: Client, admins: tuple[User, User], users: dict[str, Any]
) -> None:
    admin_one, _ = admins
    target = users["social_worker"]
    client.force_login(admin_one)
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    new = "a-new-long-passphrase-for-testing"
    response = client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password(new)
    event = AuditEvent.objects.get(event="accounts.password_changed")
    assert event.actor == admin_one and event.object_id == str(target.pk)
    assert event.details == {"username": target.username, "usable_password": True}
    assert target.password not in str(event.details)


def test_admin_cannot_give_themselves_the_fib_role(
    client: Client, admins: tuple[User, User]
) -> None:
    admin_one, _ = admins
    _admin_edit(client, admin_one, admin_one, role=Role.FIB_OFFICER, job_title="Sneaky")
    admin_one.refresh_from_db()
    assert admin_one.role == Role.SYSTEM_ADMIN
    assert admin_one.job_title == "Sneaky"  # the harmless part is saved
    assert not admin_one.has_perm("intelligence.view_source")
    change = AccountChangeRequest.objects.get(user=admin_one)
    assert change.status == ChangeRequestStatus.PENDING
    assert change.changes == {"role": Role.FIB_OFFICER}
    assert change.grants == ["the FIB officer role"]
    saved = AuditEvent.objects.get(event="accounts.user_changed")
    assert saved.details["before"] == {"job_title": "(none)"}
    assert saved.details["after"] == {"job_title": "Sneaky"}
    asked = AuditEvent.objects.get(event="accounts.change_requested")
    assert asked.details["before"] == {"role": "System admin"}
    assert asked.details["after"] == {"role": "FIB officer"}
    # ...and cannot approve it, neither as the one who asked nor as its subject.
    response = client.post(
        reverse("accounts:change-request-decide", args=[change.pk, "approve"]), {}
    )
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "This change is to your own account" in page or "You asked for this change" in page
    admin_one.refresh_from_db()
    assert admin_one.role == Role.SYSTEM_ADMIN
    change.refresh_from_db()
    assert change.status == ChangeRequestStatus.PENDING


def test_the_admin_who_asked_cannot_approve_a_change_to_someone_else(
    admins: tuple[User, User], users: dict[str, Any]
) -> None:
    from django.core.exceptions import PermissionDenied

    admin_one, admin_two = admins
    target = _with(users["practitioner"], role=Role.FIB_OFFICER)
    change = services.user_save(actor=admin_one, user=target, created=False)
    assert change is not None
    with pytest.raises(PermissionDenied, match="You asked for this change"):
        services.change_request_approve(actor=admin_one, request_id=change.pk)
    services.change_request_approve(actor=admin_two, request_id=change.pk)
    target.refresh_from_db()
    assert target.role == Role.FIB_OFFICER


def test_second_admin_approves_a_move_into_a_police_agency(
    client: Client, admins: tuple[User, User], users: dict[str, Any], agencies: dict[str, Agency]
) -> None:
    admin_one, admin_two = admins
    target = users["social_worker"]
    _admin_edit(client, admin_one, target, agency=agencies["police"].pk)
    target.refresh_from_db()
    assert target.agency == agencies["trust"]
    change = AccountChangeRequest.objects.get(user=target)
    assert change.grants == ["membership of a police agency"]

    client.force_login(admin_two)
    listing = client.get(reverse("accounts:change-requests"))
    assert listing.status_code == 200
    assert "Testshire Police" in listing.content.decode()
    confirm = client.get(reverse("accounts:change-request-decide", args=[change.pk, "approve"]))
    assert "police and intelligence records" in confirm.content.decode()
    target.refresh_from_db()
    assert target.agency == agencies["trust"]  # the confirmation page changes nothing
    done = client.post(reverse("accounts:change-request-decide", args=[change.pk, "approve"]))
    assert done.status_code == 302, done.content.decode().split("govuk-error-summary__list")[-1][
        :400
    ]
    target.refresh_from_db()
    assert target.agency == agencies["police"] and target.is_police
    change.refresh_from_db()
    assert change.status == ChangeRequestStatus.APPROVED and change.decided_by == admin_two
    event = AuditEvent.objects.get(event="accounts.change_approved")
    assert event.actor == admin_two
    assert event.details["after"]["agency"].startswith("Testshire Police")
    assert event.details["requested_by"] == admin_one.username
    # Approving twice is refused with a clear message, not a 500.
    again = client.post(reverse("accounts:change-request-decide", args=[change.pk, "approve"]))
    assert "already been dealt with" in again.content.decode()


def test_second_admin_rejects_and_it_is_audited(
    client: Client, admins: tuple[User, User], users: dict[str, Any]
) -> None:
    admin_one, admin_two = admins
    target = users["practitioner"]
    _admin_edit(client, admin_one, target, role=Role.ANALYST)
    change = AccountChangeRequest.objects.get(user=target)
    client.force_login(admin_two)
    response = client.post(
        reverse("accounts:change-request-decide", args=[change.pk, "reject"]),
        {"note": "Not expected by their manager"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.PRACTITIONER
    event = AuditEvent.objects.get(event="accounts.change_rejected")
    assert event.justification == "Not expected by their manager"


def test_approval_refused_if_the_account_changed_since(
    client: Client, admins: tuple[User, User], users: dict[str, Any]
) -> None:
    admin_one, admin_two = admins
    target = users["practitioner"]
    _admin_edit(client, admin_one, target, role=Role.FIB_OFFICER)
    change = AccountChangeRequest.objects.get(user=target)
    target.refresh_from_db()
    _admin_edit(client, admin_one, target, is_active="")  # deactivated meanwhile
    client.force_login(admin_two)
    response = client.post(reverse("accounts:change-request-decide", args=[change.pk, "approve"]))
    assert "The account has changed since" in response.content.decode()
    target.refresh_from_db()
    assert target.role == Role.PRACTITIONER and not target.is_active


def test_reactivating_a_police_account_needs_approval(
    client: Client, admins: tuple[User, User], users: dict[str, Any]
) -> None:
    admin_one, _ = admins
    target = users["fib_officer"]
    target.is_active = False
    target.save()
    _admin_edit(client, admin_one, target, is_active="on")
    target.refresh_from_db()
    assert not target.is_active
    assert AccountChangeRequest.objects.get(user=target).changes == {"is_active": True}


def test_harmless_changes_apply_at_once_with_before_and_after(
    client: Client, admins: tuple[User, User], users: dict[str, Any]
) -> None:
    admin_one, _ = admins
    target = users["fib_officer"]
    _admin_edit(client, admin_one, target, role=Role.PRACTITIONER, phone="01234 567890")
    target.refresh_from_db()
    assert target.role == Role.PRACTITIONER and target.phone == "01234 567890"
    assert not AccountChangeRequest.objects.exists()
    event = AuditEvent.objects.get(event="accounts.user_changed")
    assert event.details["before"] == {"role": "FIB officer", "phone": "(none)"}
    assert event.details["after"] == {"role": "Practitioner", "phone": "01234 567890"}


def test_a_new_account_with_police_access_starts_inactive(
    admins: tuple[User, User], agencies: dict[str, Agency]
) -> None:
    admin_one, admin_two = admins
    user = User(username="new_fib", agency=agencies["police"], role=Role.FIB_OFFICER)
    change = services.user_save(actor=admin_one, user=user, created=True)
    assert change is not None and change.changes == {"is_active": True}
    user.refresh_from_db()
    assert not user.is_active
    services.change_request_approve(actor=admin_two, request_id=change.pk)
    user.refresh_from_db()
    assert user.is_active and user.role == Role.FIB_OFFICER


def test_admin_cannot_turn_an_agency_into_police(
    client: Client, admins: tuple[User, User], agencies: dict[str, Agency]
) -> None:
    admin_one, _ = admins
    trust = agencies["trust"]
    client.force_login(admin_one)
    client.post(
        reverse("admin:accounts_agency_change", args=[trust.pk]),
        {
            "name": trust.name,
            "short_name": "X",
            "kind": "police",
            "is_first_responder": "on",
            "is_hub_member": "on",
        },
    )
    trust.refresh_from_db()
    assert trust.kind != "police" and trust.short_name == "X"
    event = AuditEvent.objects.get(event="admin.record_changed")
    assert event.details["before"] == {"short_name": "TCT"}
    assert event.details["after"] == {"short_name": "X"}


@pytest.mark.parametrize("role", [r for r in Role if r != Role.SYSTEM_ADMIN])
def test_only_system_admins_see_the_approval_pages(
    role: Role, client: Client, admins: tuple[User, User], users: dict[str, Any]
) -> None:
    admin_one, _ = admins
    change = services.user_save(
        actor=admin_one, user=_with(users["practitioner"], role=Role.FIB_OFFICER), created=False
    )
    assert change is not None
    client.force_login(users[role.value])
    assert client.get(reverse("accounts:change-requests")).status_code == 404
    assert client.get(reverse("accounts:change-request", args=[change.pk])).status_code == 404
    url = reverse("accounts:change-request-decide", args=[change.pk, "approve"])
    assert client.post(url).status_code == 404
    change.refresh_from_db()
    assert change.status == ChangeRequestStatus.PENDING


def _with(user: User, **values: Any) -> User:
    for name, value in values.items():
        setattr(user, name, value)
    return user


def test_demo_style_direct_creation_still_works(agencies: dict[str, Agency]) -> None:
    """Bootstrapping from the command line (the demo loader, createsuperuser) creates users
    directly; the approval rule governs the admin site and the services, not the ORM."""
    user = User.objects.create_user(
        username="demo_fib", password="x" * 20, agency=agencies["police"], role=Role.FIB_OFFICER
    )
    assert user.is_active and user.has_perm("intelligence.view_source")


def test_the_waiting_list_has_a_fixed_number_of_queries(
    client: Client,
    admins: tuple[User, User],
    make_user: Any,
    agencies: dict[str, Agency],
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin_one, admin_two = admins
    client.force_login(admin_two)

    def ask(n: int) -> None:
        for i in range(n):
            user = make_user(Role.PRACTITIONER, username=f"worker{i}_{n}")
            services.user_save(
                actor=admin_one, user=_with(user, agency=agencies["police"]), created=False
            )

    ask(1)
    client.get(reverse("accounts:change-requests"))  # warm: session, sites, templates
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("accounts:change-requests"))
    ask(5)
    with CaptureQueriesContext(connection) as six:
        page = client.get(reverse("accounts:change-requests"))
    assert page.content.decode().count("Review<span") == 6
    assert len(six.captured_queries) == len(one.captured_queries)


def test_admin_site_adds_a_user_through_the_service(
    client: Client, admins: tuple[User, User]
) -> None:
    admin_one, _ = admins
    client.force_login(admin_one)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "new_worker",
            "usable_password": "true",
            "password1": "a-long-passphrase-for-tests",
            "password2": "a-long-passphrase-for-tests",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="new_worker")
    assert user.is_active and user.role == Role.PRACTITIONER
    event = AuditEvent.objects.get(event="accounts.user_created")
    assert event.details["after"]["username"] == "new_worker"
    assert "password" not in event.details["after"]


def test_admin_changing_their_own_password_is_audited(
    client: Client, admins: tuple[User, User]
) -> None:
    from ..factories import TEST_PASSWORD

    admin_one, _ = admins
    client.force_login(admin_one)
    page = client.get(reverse("admin:password_change"))
    assert page.status_code == 200 and "Old password" in page.content.decode()
    new = "another-long-passphrase-for-tests"
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    admin_one.refresh_from_db()
    assert admin_one.check_password(new)
    event = AuditEvent.objects.get(event="accounts.password_changed")
    assert event.actor == admin_one and event.object_id == str(admin_one.pk)
    # Still signed in (the session hash was updated).
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_forms_render(client: Client, admins: tuple[User, User]) -> None:
    """The admin's forms render (Django's form templates are found by the renderer)."""
    admin_one, _ = admins
    client.force_login(admin_one)
    for url in [
        reverse("admin:accounts_user_change", args=[admin_one.pk]),
        reverse("admin:accounts_user_add"),
        reverse("admin:auth_user_password_change", args=[admin_one.pk]),
        reverse("admin:accounts_agency_add"),
        reverse("admin:password_change"),
    ]:
        assert client.get(url).status_code == 200, url


def test_nobody_approves_a_change_to_their_own_account(
    admins: tuple[User, User], make_user: Any
) -> None:
    from django.core.exceptions import PermissionDenied

    admin_one, admin_two = admins
    change = services.user_save(
        actor=admin_two, user=_with(admin_one, role=Role.ANALYST), created=False
    )
    assert change is not None
    with pytest.raises(PermissionDenied, match="your own account"):
        services.change_request_approve(actor=admin_one, request_id=change.pk)
    third = make_user(Role.SYSTEM_ADMIN, username="admin_three")
    services.change_request_approve(actor=third, request_id=change.pk)
    admin_one.refresh_from_db()
    assert admin_one.role == Role.ANALYST


def test_one_admin_cannot_make_a_second_admin_to_approve_their_own_grants(
    client: Client, admins: tuple[User, User], users: dict[str, Any], agencies: dict[str, Agency]
) -> None:
    """Found by an outside tester: an admin made a new system admin in the admin site (it
    took effect at once), then used it to approve their own FIB grant. Making a system
    admin, an IG admin or giving admin-site access now waits for a second admin too."""
    admin_one, admin_two = admins
    client.force_login(admin_one)
    add = reverse("admin:accounts_user_add")
    response = client.post(
        add,
        {
            "username": "shadow_admin",
            "password1": "A-long-unusual-passphrase-9",
            "password2": "A-long-unusual-passphrase-9",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    shadow = User.objects.get(username="shadow_admin")
    _admin_edit(
        client,
        admin_one,
        shadow,
        role=Role.SYSTEM_ADMIN,
        is_active="on",
        is_staff="on",
        agency=agencies["trust"].pk,
    )
    shadow.refresh_from_db()
    assert shadow.role != Role.SYSTEM_ADMIN and not shadow.is_staff
    pending = AccountChangeRequest.objects.get(user=shadow, status=ChangeRequestStatus.PENDING)
    assert "the System admin role" in pending.grants
    assert "the admin site (accounts and reference data)" in pending.grants

    # Even if the shadow account held the role, approving the asker's own grant through it
    # is what a second, existing admin must do: here the real second admin approves.
    target = _with(users["practitioner"], role=Role.FIB_OFFICER)
    change = services.user_save(actor=admin_one, user=target, created=False)
    assert change is not None
    services.change_request_approve(actor=admin_two, request_id=pending.pk)
    shadow.refresh_from_db()
    assert shadow.role == Role.SYSTEM_ADMIN and shadow.is_staff


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.IG_ADMIN])
def test_granting_an_administrative_role_waits_for_a_second_admin(
    admins: tuple[User, User], users: dict[str, Any], role: Role
) -> None:
    admin_one, _ = admins
    target = _with(users["social_worker"], role=role)
    change = services.user_save(actor=admin_one, user=target, created=False)
    assert change is not None
    target.refresh_from_db()
    assert target.role == Role.SOCIAL_WORKER
