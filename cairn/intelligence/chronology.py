"""Crimes recorded from intelligence in a child's chronology: "crime reported, reference
...". The entry says only that a crime was recorded and its reference (as a concern's
crime reference does), never the intelligence, so anyone who may see the child's
concerns sees it; the entry itself stays behind the intelligence access layer."""

from __future__ import annotations

from django.urls import reverse

from cairn.concerns.access import visible_concerns
from cairn.core.types import Actor
from cairn.pole import chronology
from cairn.pole.models import Person

from .models import CrimeReferral, CrimeReferralStatus


@chronology.register
def crime_entries(user: Actor, person: Person) -> list[chronology.ChronologyEntry]:
    if not user.has_perm("concerns.view_concern"):
        return []
    referrals = list(
        CrimeReferral.objects.filter(child=person, status=CrimeReferralStatus.RECORDED)
        .select_related("closed_by__agency")
        .order_by("-closed_at")
    )
    if not referrals:
        return []
    concern_ids = {r.concern_id for r in referrals if r.concern_id}
    visible = set(visible_concerns(user).filter(pk__in=concern_ids).values_list("pk", flat=True))
    entries = []
    for referral in referrals:
        assert referral.closed_at is not None
        agency = referral.closed_by.agency if referral.closed_by else None
        entries.append(
            chronology.ChronologyEntry(
                when=referral.closed_at,
                title=f"Crime reported, reference {referral.crime_reference}",
                detail=f"Recorded by {agency.name}" if agency else "",
                source="Crime recording",
                url=reverse("concerns:detail", args=[referral.concern_id])
                if referral.concern_id in visible
                else "",
            )
        )
    return entries
