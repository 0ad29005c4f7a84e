from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from cairn.referrals.demo import load_demo
from cairn.referrals.models import Referral, ReferralKind, ReferralStatus
from cairn.referrals.selectors import overdue_q

pytestmark = pytest.mark.django_db


def test_demo_referrals_cover_every_state() -> None:
    call_command("demo_data", seed=2026, stdout=io.StringIO())
    load_demo(seed=1)  # the demo command may already have loaded them: then a no-op
    count = Referral.objects.count()
    load_demo(seed=1)
    assert Referral.objects.count() == count
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(ReferralStatus.values)
    assert set(Referral.objects.values_list("kind", flat=True)) == set(ReferralKind.values)
    overdue = Referral.objects.filter(overdue_q(timezone.now()))
    assert {r.kind for r in overdue} == {"mash", "nrm", "ppu"}
    assert Referral.objects.filter(kind="ppu", escalated_at__isnull=False).exists()
    assert Referral.objects.filter(mash_decision__outcome="s47").exists()
