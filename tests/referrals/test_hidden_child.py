"""A referral names a child (and perhaps a concern) held in other records. A recipient who
may not see the child's record (a police-only child referred to the MASH) gets the
referral, but never the child's record id, name or concern through it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from cairn.pole import services as pole_services
from cairn.referrals import services

from .conftest import mash_details

pytestmark = pytest.mark.django_db


def test_a_recipient_who_cannot_see_the_child_gets_no_id_or_name(
    api_as: Any, users: dict[str, Any]
) -> None:
    ppu, screener = users["ppu_coordinator"], users["mash_screener"]
    child = pole_services.person_create(
        actor=ppu,
        given_name="Orla",
        family_name="Policeonly",
        category="child",
        date_of_birth=dt.date(2012, 2, 2),
        police_only=True,
    )
    referral = services.referral_create(actor=ppu, kind="mash", child=child, details=mash_details())
    api = api_as(screener)
    assert api.get(f"/people/{child.pk}").status_code == 404
    detail = api.get(f"/referrals/{referral.pk}").json()
    assert detail["child_id"] is None
    listed = api.get("/referrals", box="inbox").json()["results"]
    assert [r["child_id"] for r in listed] == [None]
    web = Client()
    web.force_login(screener)
    for url in (f"/referrals/{referral.pk}/", "/referrals/"):
        page = web.get(url).content.decode()
        assert "Policeonly" not in page
        assert f"/people/{child.pk}/" not in page
        assert "a child you cannot see" in page.lower()
    # The sender still sees the child.
    own = api_as(ppu).get(f"/referrals/{referral.pk}").json()
    assert own["child_id"] == child.pk
    sent = Client()
    sent.force_login(ppu)
    assert "Orla Policeonly" in sent.get(f"/referrals/{referral.pk}/").content.decode()
