"""Changes to user accounts. Every change is audited with the fields' values before and
after (never a password hash). A change that would newly give someone police or
intelligence data access (a police agency, a Hub-wide or FIB role, reactivating such an
account, superuser) is not applied: it waits as an AccountChangeRequest until a second
system admin approves it, and nobody approves a change they asked for or that is to their
own account. The admin site saves users through here, so it cannot bypass the rule."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from cairn.audit import services as audit
from cairn.core.types import Actor

from .models import AccountChangeRequest, Agency, ChangeRequestStatus, Team, User
from .roles import HUB_WIDE_ROLES, AgencyKind, Role

# Fields that decide what a user may see; a change granting more waits for approval.
ACCESS_FIELDS = ("agency", "team", "role", "is_active", "is_staff", "is_superuser")
PERSON_FIELDS = ("username", "first_name", "last_name", "email", "job_title", "phone")
AUDITED_FIELDS = (*PERSON_FIELDS, *ACCESS_FIELDS)
FOREIGN_KEYS = frozenset({"agency", "team"})
# Roles that read police intelligence or the whole Hub's caseload (see intelligence/access.py),
# and the roles that administer accounts or read the audit log: a system admin who could
# make another system admin alone could approve their own grants through it.
SENSITIVE_ROLES = frozenset(HUB_WIDE_ROLES | {Role.FIB_OFFICER, Role.SYSTEM_ADMIN, Role.IG_ADMIN})
APPROVE_PERMISSION = "accounts.approve_change"


def field_values(user: User, fields: tuple[str, ...] = AUDITED_FIELDS) -> dict[str, Any]:
    """The user's values for `fields`, JSON-ready (agency and team as ids)."""
    return {f: getattr(user, f"{f}_id" if f in FOREIGN_KEYS else f) for f in fields}


def sensitive_access(values: dict[str, Any]) -> set[str]:
    """What police or intelligence access these account values give, in words."""
    if not values.get("is_active"):
        return set()
    grants: set[str] = set()
    agency_id = values.get("agency")
    if (
        agency_id is not None
        and Agency.objects.filter(pk=agency_id, kind=AgencyKind.POLICE).exists()
    ):
        grants.add("membership of a police agency")
    if values.get("role") in SENSITIVE_ROLES:
        grants.add(f"the {Role(values['role']).label} role")
    if values.get("is_staff"):
        grants.add("the admin site (accounts and reference data)")
    if values.get("is_superuser"):
        grants.add("superuser (every permission)")
    return grants


Names = dict[str, dict[Any, str]]


def names_for(*value_maps: dict[str, Any]) -> Names:
    """Agency and team names for every id in these value maps: two queries in all."""
    ids: dict[str, set[Any]] = {"agency": set(), "team": set()}
    for values in value_maps:
        for field in ids:
            if values.get(field) is not None:
                ids[field].add(values[field])
    teams = Team.objects.select_related("agency").filter(pk__in=ids["team"])
    return {
        "agency": {a.pk: a.name for a in Agency.objects.filter(pk__in=ids["agency"])},
        "team": {t.pk: str(t) for t in teams},
    }


def display_value(field: str, value: Any, names: Names | None = None) -> str:
    """A value as a person reads it, for audit details and the approval pages."""
    if value is None or value == "":
        return "(none)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field in FOREIGN_KEYS:
        name = (names if names is not None else names_for({field: value}))[field].get(value)
        return f"{name} (#{value})" if name else f"#{value}"
    if field == "role":
        try:
            return str(Role(value).label)
        except ValueError:
            return str(value)
    return str(value)


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, str]]:
    changed = [f for f in after if before.get(f) != after[f]]
    names = names_for(before, after)
    return {
        "before": {f: display_value(f, before.get(f), names) for f in changed},
        "after": {f: display_value(f, after[f], names) for f in changed},
    }


def _supersede_pending(*, actor: User, user: User) -> None:
    for old in AccountChangeRequest.objects.select_for_update().filter(
        user=user, status=ChangeRequestStatus.PENDING
    ):
        old.status = ChangeRequestStatus.SUPERSEDED
        old.decided_by = actor
        old.decided_at = timezone.now()
        old.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record(
            actor=actor,
            event="accounts.change_superseded",
            obj=old,
            justification=f"A later change to {user.get_username()} replaced it",
            details={"request": old.pk, "username": user.get_username()},
        )


@transaction.atomic
def user_save(*, actor: Actor, user: User, created: bool) -> AccountChangeRequest | None:
    """Save `user` as edited (in the admin site, or a new account). If the edit would newly
    grant police or intelligence access, its access fields are held back (a new account is
    saved inactive) and a change request waits for a second system admin; it is returned."""
    if created:
        before: dict[str, Any] = {}
        held = {**field_values(user, ACCESS_FIELDS), "is_active": False}
    else:
        stored = User.objects.select_for_update().get(pk=user.pk)
        before = field_values(stored)
        held = field_values(stored, ACCESS_FIELDS)
    after = field_values(user)
    requested_access = {f: after[f] for f in ACCESS_FIELDS}
    new_grants = sensitive_access(requested_access) - sensitive_access(before)
    request = None
    if new_grants:
        for name, value in held.items():
            setattr(user, f"{name}_id" if name in FOREIGN_KEYS else name, value)
    user.save()
    applied = field_values(user)
    audit.record(
        actor=actor,
        event="accounts.user_created" if created else "accounts.user_changed",
        obj=user,
        justification=f"Account {'created' if created else 'changed'}: {user.get_username()}",
        details={"username": user.get_username(), **_diff(before, applied)},
    )
    if new_grants:
        changes = {f: v for f, v in requested_access.items() if held[f] != v}
        _supersede_pending(actor=actor, user=user)
        request = AccountChangeRequest.objects.create(
            user=user,
            requested_by=actor,
            before=held,
            changes=changes,
            grants=sorted(new_grants),
        )
        audit.record(
            actor=actor,
            event="accounts.change_requested",
            obj=request,
            justification=f"Needs a second system admin: {', '.join(sorted(new_grants))}"[:500],
            details={
                "username": user.get_username(),
                "request": request.pk,
                **_diff(held, changes),
            },
        )
    return request


@transaction.atomic
def user_password_set(*, actor: Actor, user: User, password: str | None) -> None:
    """Set a user's password, or with None stop them signing in with one. Audited without
    the password or its hash."""
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(
        actor=actor,
        event="accounts.password_changed",
        obj=user,
        justification=f"Password {'set' if password else 'removed'} for {user.get_username()}",
        details={"username": user.get_username(), "usable_password": password is not None},
    )


def _request_for_decision(actor: Actor, request_id: int) -> AccountChangeRequest:
    if not actor.has_perm(APPROVE_PERMISSION):
        raise Http404
    request = (
        AccountChangeRequest.objects.select_for_update()
        .select_related("user", "requested_by")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise Http404
    if request.status != ChangeRequestStatus.PENDING:
        raise ValidationError(
            f"This change has already been dealt with ({request.get_status_display().lower()})."
        )
    return request


@transaction.atomic
def change_request_approve(*, actor: Actor, request_id: int) -> AccountChangeRequest:
    """Apply a waiting change. Refused to the admin who asked for it, to the user it
    changes, and if the account has changed since it was asked for."""
    request = _request_for_decision(actor, request_id)
    if actor.pk == request.requested_by_id:
        raise PermissionDenied("You asked for this change: another system admin must approve it.")
    if actor.pk == request.user_id:
        raise PermissionDenied(
            "This change is to your own account: another system admin must approve it."
        )
    user = User.objects.select_for_update().get(pk=request.user_id)
    current = field_values(user, ACCESS_FIELDS)
    if current != request.before:
        raise ValidationError(
            "The account has changed since this was asked for. Reject this change and make "
            "it again in the admin site."
        )
    for name, value in request.changes.items():
        if name in ACCESS_FIELDS:
            setattr(user, f"{name}_id" if name in FOREIGN_KEYS else name, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=[f for f in ACCESS_FIELDS if f in request.changes])
    request.status = ChangeRequestStatus.APPROVED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        event="accounts.change_approved",
        obj=user,
        justification=f"Approved change #{request.pk} to {user.get_username()}, asked for by "
        f"{request.requested_by.get_username()}"[:500],
        details={
            "username": user.get_username(),
            "request": request.pk,
            "requested_by": request.requested_by.get_username(),
            "grants": request.grants,
            **_diff(current, field_values(user, ACCESS_FIELDS)),
        },
    )
    return request


@transaction.atomic
def change_request_reject(*, actor: Actor, request_id: int, note: str = "") -> AccountChangeRequest:
    """Refuse a waiting change (the admin who asked may withdraw it this way)."""
    request = _request_for_decision(actor, request_id)
    request.status = ChangeRequestStatus.REJECTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note.strip()[:500]
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record(
        actor=actor,
        event="accounts.change_rejected",
        obj=request,
        justification=(note.strip() or f"Rejected change #{request.pk}")[:500],
        details={
            "username": request.user.get_username(),
            "request": request.pk,
            "requested_by": request.requested_by.get_username(),
            "grants": request.grants,
        },
    )
    return request
