"""The role-to-permission map: what each role may do (object scoping is tested in pole)."""

from __future__ import annotations

from typing import Any

import pytest

from cairn.accounts.roles import Role
from cairn.accounts.rules import PERMISSIONS, permissions_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_has_perm_matches_the_map(role: Role, users: dict[str, Any]) -> None:
    user = users[role.value]
    for permission, roles in PERMISSIONS.items():
        assert user.has_perm(permission) is (role in roles), (role, permission)


def test_only_ig_admin_reads_the_audit_log() -> None:
    assert PERMISSIONS["audit.view_auditevent"] == frozenset({Role.IG_ADMIN})


def test_admins_cannot_see_case_records() -> None:
    for role in (Role.SYSTEM_ADMIN, Role.IG_ADMIN):
        assert "pole.view_person" not in permissions_for(role)


def test_inactive_user_has_no_permissions(users: dict[str, Any]) -> None:
    user = users["hub_chair"]
    user.is_active = False
    user.save()
    assert not user.has_perm("pole.view_person")


def test_system_admin_edits_hub_setup_in_admin_and_it_is_audited(
    client: Any, users: dict[str, Any]
) -> None:
    from cairn.audit.models import AuditEvent

    admin_user = users["system_admin"]
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    assert client.get("/admin/hub/hubsetup/").status_code == 200
    assert client.get("/admin/accounts/agency/").status_code == 200
    response = client.post(
        "/admin/accounts/agency/add/",
        {"name": "Testshire Youth Service", "short_name": "TYS", "kind": "youth_justice"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(event="admin.record_created")
    assert event.object_type == "accounts.agency"


def test_case_roles_cannot_use_the_admin(client: Any, users: dict[str, Any]) -> None:
    user = users["hub_chair"]
    client.force_login(user)
    assert client.get("/admin/hub/hubsetup/").status_code == 302
