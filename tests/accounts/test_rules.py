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
