"""Password sign-in and the user of each request, without Django's permission tables.

Cairn's permissions are the role map in `cairn/accounts/rules.py` (answered by the rules
backend); nothing grants Django's per-user or per-group permission rows (no form, admin
page or service writes them). Django's ModelBackend (and the single sign-on backend built
on it) still read both tables on every page that asked about a permission the role lacks
(two queries per page: the Tools link and the navigation ask about a dozen), to find
them empty. These backends sign in and load users as before, but hold no permissions of
their own, and load the user with their agency (every page shows it, every audit row
names it)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from .models import User


class RoleMapPermissionsOnly:
    """Mixed into a ModelBackend: no permissions from Django's tables."""

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return False

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return False


def user_with_agency(user_id: Any) -> User | None:
    try:
        return User._default_manager.select_related("agency").get(pk=user_id)
    except User.DoesNotExist:
        return None


class AccountBackend(RoleMapPermissionsOnly, ModelBackend):
    """Password sign-in (after axes' lockout check)."""

    def get_user(self, user_id: Any) -> User | None:
        user = user_with_agency(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
