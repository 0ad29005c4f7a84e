"""The demo hub's organisations and sign-ins: created if absent, never changed if present."""

from __future__ import annotations

from cairn.accounts.models import Agency, Team, User
from cairn.audit import services as audit

from .constants import AGENCIES, DEMO_PASSWORD, DEMO_USERNAMES, DEMO_USERS


def ensure_agencies() -> dict[str, Agency]:
    """The demo agencies (and their teams) keyed by AgencySpec.key; created if absent."""
    agencies: dict[str, Agency] = {}
    for spec in AGENCIES:
        agency, _ = Agency.objects.get_or_create(
            name=spec.name,
            defaults={
                "short_name": spec.short_name,
                "kind": spec.kind,
                "is_first_responder": spec.is_first_responder,
                "is_hub_member": True,
            },
        )
        for team_name in spec.teams:
            Team.objects.get_or_create(
                agency=agency,
                name=team_name,
                defaults={"email": f"{team_name.lower().replace(' ', '-')}@northmoor.example"},
            )
        agencies[spec.key] = agency
    return agencies


def demo_users_exist() -> bool:
    return User.objects.filter(username__in=DEMO_USERNAMES).exists()


def ensure_demo_users(agencies: dict[str, Agency]) -> dict[str, User]:
    """One sign-in per role (plus partner practitioners), all with DEMO_PASSWORD."""
    users: dict[str, User] = {}
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            agency = agencies[spec.agency]
            user = User(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{spec.username.replace('.', '-')}@northmoor.example",
                agency=agency,
                team=Team.objects.filter(agency=agency, name=spec.team).first(),
                role=spec.role,
                job_title=spec.job_title,
                is_staff=spec.is_staff,
            )
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()
            audit.record_system(
                event="accounts.user_created",
                justification="Demo account created by the demo loader",
                details={"username": spec.username, "role": spec.role, "agency": agency.name},
            )
        users[spec.username] = user
    return users
