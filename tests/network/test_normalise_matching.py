"""The normalisers added for identity matching (nicknames, partial dates of birth,
registration confusables), property-based with hypothesis."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from cairn.pole import normalise

GROUP_NAMES = sorted(normalise.NICKNAMES)
dates = st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2030, 12, 31))
regs = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ", min_size=2, max_size=9)


def test_known_uk_nicknames() -> None:
    assert normalise.are_nickname_variants("Jay", "Jason")
    assert normalise.are_nickname_variants("Bex", "Rebecca")
    assert normalise.are_nickname_variants("BECKY", "rebecca")
    assert normalise.are_nickname_variants("Liam", "William")
    assert normalise.are_nickname_variants("Liv", "Olivia")
    assert normalise.given_name_full_forms("Liv") == frozenset({"olivia"})
    assert not normalise.are_nickname_variants("Liv", "Oliver")
    assert not normalise.are_nickname_variants("Jason", "Rebecca")
    assert not normalise.are_nickname_variants("", "")
    assert normalise.given_name_variants("Zoë") == frozenset({"zoe"})


@given(st.sampled_from(GROUP_NAMES), st.data())
def test_nickname_variants_are_symmetric(name: str, data: st.DataObject) -> None:
    other = data.draw(st.sampled_from(sorted(normalise.given_name_variants(name))))
    assert normalise.are_nickname_variants(name, other)
    assert normalise.are_nickname_variants(other, name)


@given(st.text(max_size=30))
def test_variants_always_include_the_name_itself(text: str) -> None:
    variants = normalise.given_name_variants(text)
    key = normalise.name_key(text)
    assert (key in variants) if key else variants == frozenset()


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12))
def test_case_never_changes_variants(name: str) -> None:
    assert normalise.given_name_variants(name.upper()) == normalise.given_name_variants(name)
    assert normalise.given_name_variants(f" {name.title()}-") == normalise.given_name_variants(name)


@given(dates)
def test_partial_date_reads_full_dates_both_orders(d: dt.date) -> None:
    full = normalise.PartialDate(d.year, d.month, d.day)
    assert normalise.partial_date(f"{d.day}/{d.month}/{d.year}") == full
    assert normalise.partial_date(d.isoformat()) == full
    assert normalise.partial_date(f"{d.day:02d} {d.month:02d} {d.year}") == full
    assert full.as_date() == d and full.is_full


@given(dates)
def test_partial_date_year_or_month_only(d: dt.date) -> None:
    assert normalise.partial_date(str(d.year)) == normalise.PartialDate(d.year)
    assert normalise.partial_date(f"{d.month}/{d.year}") == normalise.PartialDate(d.year, d.month)
    assert normalise.partial_date(f"{d.year}-{d.month:02d}") == normalise.PartialDate(
        d.year, d.month
    )
    assert normalise.PartialDate(d.year, d.month).as_date() is None


@given(st.text(max_size=40))
def test_partial_date_never_raises_and_is_real(text: str) -> None:
    parsed = normalise.partial_date(text)
    if parsed is not None:
        assert 1900 <= parsed.year <= 2100
        if parsed.month is not None:
            assert 1 <= parsed.month <= 12
        if parsed.is_full:
            assert parsed.as_date() is not None


def test_partial_date_rejects_impossible_dates() -> None:
    assert normalise.partial_date("31/2/2012") is None
    assert normalise.partial_date("13/2012") is None
    assert normalise.partial_date("not known") is None


@given(dates, st.integers(min_value=0, max_value=17))
def test_birth_year_range_contains_the_true_year(born: dt.date, years_later: int) -> None:
    on = dt.date(min(born.year + years_later, 2100), 12, 31)
    age = on.year - born.year - 1 + (1 if (born.month, born.day) <= (12, 31) else 0)
    low, high = normalise.birth_year_range(None, age, on) or (0, 0)
    assert low <= born.year <= high
    assert normalise.birth_year_range(born) == (born.year, born.year)
    assert normalise.birth_year_range(None) is None


@given(dates, dates)
def test_date_typo_is_symmetric_and_never_identical(a: dt.date, b: dt.date) -> None:
    assert normalise.dates_differ_by_typo(a, b) == normalise.dates_differ_by_typo(b, a)
    assert not normalise.dates_differ_by_typo(a, a)


def test_date_typo_examples() -> None:
    assert normalise.dates_differ_by_typo(dt.date(2012, 3, 4), dt.date(2012, 4, 3))
    assert normalise.dates_differ_by_typo(dt.date(2012, 3, 4), dt.date(2012, 3, 14))
    assert normalise.dates_differ_by_typo(dt.date(2012, 3, 4), dt.date(2013, 3, 4))
    assert not normalise.dates_differ_by_typo(dt.date(2012, 3, 4), dt.date(2014, 7, 4))


@given(regs)
def test_registration_confusables(reg: str) -> None:
    key = normalise.registration(reg)
    swapped = key.replace("O", "0").replace("I", "1")
    assert not normalise.registrations_confusable(reg, reg)
    assert normalise.registrations_confusable(reg, swapped) == (bool(key) and swapped != key)
    assert normalise.registrations_confusable(swapped, reg) == normalise.registrations_confusable(
        reg, swapped
    )


def test_registration_confusable_examples() -> None:
    assert normalise.registrations_confusable("AB10 CDE", "AB1O CDE")
    assert normalise.registrations_confusable("XI12 ABC", "X112ABC")
    assert not normalise.registrations_confusable("AB12 CDE", "ab12cde")  # same mark
    assert not normalise.registrations_confusable("AB12 CDE", "AB12 CDF")
