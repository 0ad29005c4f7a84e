"""The profile's referrals read about an opened child (no join to re-check the record)
gives the same referrals as the full rule, for every role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404

from cairn.pole.access import access_person_by_id
from cairn.pole.models import Person
from cairn.referrals.access import visible_referrals, visible_referrals_about
from cairn.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_referrals_about_an_opened_child_match_the_full_rule(
    users: dict[str, Any], child: Person, send: Callable[..., Referral]
) -> None:
    sent = [send("mash"), send("ppu")]
    checked = 0
    for role, user in users.items():
        expected = set(visible_referrals(user).filter(child=child))
        assert set(visible_referrals_about(user, Person.objects.get(pk=child.pk))) == expected
        try:
            opened = access_person_by_id(user, child.pk)
        except Http404:
            continue
        assert set(visible_referrals_about(user, opened)) == expected, role
        checked += 1
    assert checked >= 3
    assert set(visible_referrals_about(users["social_worker"], child)) == set(sent)
