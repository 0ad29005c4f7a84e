"""`manage.py two_step_reset USERNAME --reason "..."`: remove a user's authenticator app
(lost phone). Audited; the user sets up a new one at their next sign-in."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from cairn.accounts.models import User
from cairn.audit import services as audit


class Command(BaseCommand):
    help = "Reset a user's two-step verification (for a lost phone). Check their identity first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--reason", required=True, help="Why, for the audit log.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user called {options['username']!r}.")
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        audit.record_system(
            event="auth.two_step_reset",
            justification=options["reason"][:500],
            details={"username": user.username, "devices_removed": removed},
        )
        self.stdout.write(f"Two-step verification reset for {user.username} ({removed} removed).")
