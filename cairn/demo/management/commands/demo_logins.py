"""`manage.py demo_logins`: the demo sign-ins, their roles and agencies, and the password."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cairn.accounts.models import User
from cairn.demo.constants import DEMO_PASSWORD, DEMO_USERNAMES, demo_url


def login_rows() -> list[tuple[str, str, str]]:
    """(username, role, agency) for each demo sign-in that exists, in the cast's order."""
    users = {
        user.username: user
        for user in User.objects.filter(username__in=DEMO_USERNAMES).select_related("agency")
    }
    rows = []
    for name in DEMO_USERNAMES:
        user = users.get(name)
        if user is not None:
            agency = user.agency
            rows.append((name, user.role_label, agency.name if agency is not None else ""))
    return rows


class Command(BaseCommand):
    help = "Print the demo sign-ins (username, role, agency), the shared password and the URL."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = login_rows()
        if not rows:
            self.stdout.write("No demo sign-ins exist: run `manage.py demo_data` first.")
            return
        header = ("Username", "Role", "Agency")
        widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(3)]
        line = "  ".join("-" * w for w in widths)
        self.stdout.write("Demo sign-ins (all synthetic):")
        self.stdout.write("")
        self.stdout.write(
            "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()
        )
        self.stdout.write(line)
        for row in rows:
            cells = (c.ljust(w) for c, w in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())
        self.stdout.write("")
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
        self.stdout.write(f"Open {demo_url()}")
