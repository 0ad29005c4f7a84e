"""Who sees the information governance dashboard: IG admins with an agency (its retention
figures are their own agency's; the rest are Hub-wide counts that name nobody). Everyone
else: 404, as for a page that does not exist."""

from __future__ import annotations

from django.http import Http404

from cairn.core.types import Actor

PERMISSION = "governance.view_dashboard"


def can_view(user: Actor) -> bool:
    return bool(user.is_authenticated and user.has_perm(PERMISSION) and user.agency_id is not None)


def require_viewer(user: Actor) -> None:
    if not can_view(user):
        raise Http404("Page not found.")
