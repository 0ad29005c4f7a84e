"""Role-to-permission map. One table says which roles hold which permission; rules
predicates expose it to Django's `user.has_perm`. Object scoping (which records) is
the access layer's job (cairn/pole/access.py), not this file's."""

from __future__ import annotations

from typing import Any

import rules

from .roles import Role

R = Role
CASEWORK = {
    R.PRACTITIONER,
    R.FIB_OFFICER,
    R.PPU_COORDINATOR,
    R.MASH_SCREENER,
    R.SOCIAL_WORKER,
    R.ANALYST,
    R.HUB_CHAIR,
}

PERMISSIONS: dict[str, frozenset[Role]] = {
    # People, objects, locations and links (POLE).
    "pole.view_person": frozenset(CASEWORK),
    "pole.add_person": frozenset(CASEWORK),
    "pole.change_person": frozenset(CASEWORK - {R.ANALYST}),
    "pole.view_link": frozenset(CASEWORK),
    "pole.add_link": frozenset(CASEWORK),
    "pole.share_entity": frozenset(
        {R.FIB_OFFICER, R.PPU_COORDINATOR, R.MASH_SCREENER, R.SOCIAL_WORKER, R.HUB_CHAIR}
    ),
    # Concerns and screening.
    "concerns.add_concern": frozenset(CASEWORK),
    "concerns.view_concern": frozenset(CASEWORK),
    # The audit log (DPA 2018 s.62) is for information governance only.
    "audit.view_auditevent": frozenset({R.IG_ADMIN}),
    "audit.export_auditevent": frozenset({R.IG_ADMIN}),
    # Running the system.
    "accounts.manage_users": frozenset({R.SYSTEM_ADMIN}),
    **{
        f"accounts.{verb}_{model}": frozenset({R.SYSTEM_ADMIN})
        for verb in ("view", "add", "change")
        for model in ("agency", "team", "user")
    },
    "api.use": frozenset(CASEWORK | {R.IG_ADMIN}),
}


def roles_for(permission: str) -> frozenset[Role]:
    return PERMISSIONS.get(permission, frozenset())


def permissions_for(role: str) -> list[str]:
    return sorted(name for name, roles in PERMISSIONS.items() if role in roles)


def _has_role_in(roles: frozenset[Role]) -> Any:
    @rules.predicate
    def predicate(user: Any) -> bool:
        return bool(
            user is not None
            and getattr(user, "is_authenticated", False)
            and user.is_active
            and user.role in roles
        )

    return predicate


for _name, _roles in PERMISSIONS.items():
    rules.add_perm(_name, _has_role_in(_roles))
