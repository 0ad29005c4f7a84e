"""Names as people say them, at entry (outside tester on the demo): "Danny Stuart" with no
age or date of birth reached no Daniel Stewart (Stuart STRT, Stewart STWRT; Danny TN,
Daniel TNL), and an offer on an estimated age did not say the age fitted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cairn.network.matching.online import match_person

pytestmark = pytest.mark.django_db


def test_danny_stuart_with_nothing_else_is_offered_daniel_stewart(
    users: dict[str, Any], make_person: Any
) -> None:
    fib = users["fib_officer"]
    daniel = make_person(
        actor=fib, given_name="Daniel", family_name="Stewart", date_of_birth=dt.date(1984, 5, 2)
    )
    # Same consonants, other vowels, or another surname: not the name said.
    others = {
        make_person(actor=fib, given_name="Daniel", family_name=family).pk
        for family in ("Street", "Stott", "Streat")
    }
    found = match_person(fib, {"given_name": "Danny", "family_name": "Stuart"})
    assert [m.person.pk for m in found] == [daniel.pk]
    assert any("sounds the same (Stuart / Stewart)" in r for r in found[0].reasons)
    assert not others & {m.person.pk for m in found}
    # A full date far from his still rules him out.
    assert (
        match_person(
            fib,
            {"given_name": "Danny", "family_name": "Stuart", "date_of_birth": dt.date(2010, 1, 1)},
        )
        == []
    )


def test_stuart_typed_in_full_meets_stewart_in_the_index(
    users: dict[str, Any], make_person: Any
) -> None:
    """The same first name and the surname respelt: found through the sound keys alone."""
    fib = users["fib_officer"]
    daniel = make_person(actor=fib, given_name="Daniel", family_name="Stewart")
    found = match_person(fib, {"given_name": "Daniel", "family_name": "Stuart"})
    assert [m.person.pk for m in found] == [daniel.pk]


def test_an_estimated_age_that_fits_is_said(users: dict[str, Any], make_person: Any) -> None:
    today = dt.date.today()
    sw = users["social_worker"]
    olivia = make_person(
        given_name="Olivia",
        family_name="Brown",
        date_of_birth=dt.date(today.year - 15, 2, 3),
        sex="female",
    )
    found = match_person(sw, {"given_name": "Liv", "family_name": "Broun", "estimated_age": 15})
    assert [m.person.pk for m in found] == [olivia.pk]
    assert "first name a known nickname" in found[0].reasons
    assert "the age typed fits their date of birth" in found[0].reasons
    # An age that does not fit is not said to (and, a generation out, is no match).
    found = match_person(sw, {"given_name": "Liv", "family_name": "Brown", "estimated_age": 19})
    assert found and "the age typed fits their date of birth" not in found[0].reasons
    far = {"given_name": "Liv", "family_name": "Broun", "estimated_age": 60}
    assert match_person(sw, far) == []
    # A recorded estimated age (no date of birth) that fits is said as such.
    ruby = make_person(
        given_name="Ruby",
        family_name="Testwell",
        estimated_age=14,
        estimated_age_on=today,
    )
    found = match_person(sw, {"given_name": "Ruby", "family_name": "Testwel", "estimated_age": 14})
    assert [m.person.pk for m in found] == [ruby.pk]
    assert "the age typed fits their recorded age" in found[0].reasons
