"""A crime referral names its subject by what they are: "Child" under 18 when it was seen
or heard, "Adult" at 18 or over, "Person" when no age is known (the FIB refers crimes
against adults too; the referral's field is called `child` for the usual case)."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.test import Client

from cairn.intelligence import services
from cairn.intelligence.models import CrimeReferral

from .conftest import CRIME, REASON, intel_data

pytestmark = pytest.mark.django_db


def _refer(partner: Any, fib: Any, **data: Any) -> CrimeReferral:
    entry = services.submission_create(
        actor=partner, data=intel_data(what=CRIME, intel_only_reason=REASON, **data)
    )
    return services.submission_refer_crime(
        actor=fib, submission=entry, note="Assault disclosed to a teacher."
    )


def _label(ppu: Any, referral: CrimeReferral) -> str:
    client = Client()
    client.force_login(ppu)
    response = client.get(f"/intelligence/crime-recording/{referral.pk}/")
    page = html.unescape(response.content.decode())
    found = re.search(r'data-testid="subject-label">([^<]*)<', page)
    assert found is not None
    return found.group(1)


def test_the_subject_is_labelled_by_age(
    partner: Any, users: dict[str, Any], make_person: Any
) -> None:
    fib, ppu = users["fib_officer"], users["ppu_coordinator"]
    years = dt.timedelta(days=365)
    adult = make_person(
        actor=partner,
        given_name="Dean",
        family_name="Adultcase",
        category="person_of_concern",
        date_of_birth=dt.date.today() - 30 * years,
    )
    child = make_person(
        actor=partner, given_name="Skye", date_of_birth=dt.date.today() - 14 * years
    )
    unknown = make_person(actor=partner, given_name="Ray", category="other")
    about_adult = _refer(partner, fib, subject_id=adult.pk)
    assert _label(ppu, about_adult) == "Adult"
    assert "Child" not in _label(ppu, about_adult)
    assert _label(ppu, _refer(partner, fib, subject_id=child.pk)) == "Child"
    assert _label(ppu, _refer(partner, fib, subject_id=unknown.pk)) == "Person"
    assert _label(ppu, _refer(partner, fib)) == "Person"  # no record linked
    # Age when it happened: 17 then, 18 now, is a child in this referral.
    turned = make_person(
        actor=partner,
        given_name="Jo",
        date_of_birth=dt.date.today() - 18 * years - dt.timedelta(days=10),
    )
    seen = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    assert _label(ppu, _refer(partner, fib, subject_id=turned.pk, when_on=seen)) == "Child"
    # The confirmation before recording says whose chronology it will show in.
    client = Client()
    client.force_login(ppu)
    confirm = client.post(
        f"/intelligence/crime-recording/{about_adult.pk}/",
        {"action": "record", "crime_reference": "43/1/26"},
    )
    assert "the adult's chronology" in html.unescape(confirm.content.decode())
