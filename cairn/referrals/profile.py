"""The child's referrals on their profile page, with a "Make a referral" button."""

from __future__ import annotations

from django.utils import timezone

from cairn.core.types import Actor
from cairn.pole import profile_sections
from cairn.pole.models import Person

from .access import submitted_referrals_shown_about


@profile_sections.register
def referrals_section(user: Actor, person: Person) -> profile_sections.Section | None:
    if person.category != "child" or not user.has_perm("referrals.view_referral"):
        return None
    referrals = submitted_referrals_shown_about(
        user,
        person,
        related=("sender", "recipient_agency", "recipient_team"),
        order_by=("-submitted_at", "-pk"),
    )[:20]
    for referral in referrals:  # the child is this page's person: no read to name them
        referral.child = person
    return "referrals/_child_referrals.html", {
        "child": person,
        "referrals": referrals,
        "now": timezone.now(),
        "can_refer": user.has_perm("referrals.add_referral"),
    }
