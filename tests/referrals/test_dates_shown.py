"""Found by an outside tester: the NRM referral showed the child's date of birth as
"2011-06-01" (the draft keeps dates as ISO strings). Dates are shown as people write them,
on the page and in the PDF (which share the answers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.referrals import documents
from cairn.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_nrm_date_of_birth_is_a_long_date(
    send: Callable[..., Referral], users: dict[str, Any]
) -> None:
    referral = send("nrm")
    assert referral.details["date_of_birth"] == "2011-06-01"  # stored as ISO
    rows = {a.name: a.value for a in documents.answers(referral)}
    assert rows["date_of_birth"] == "1 June 2011"
    client = Client()
    client.force_login(users["social_worker"])
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "1 June 2011" in page
    assert "2011-06-01" not in page
