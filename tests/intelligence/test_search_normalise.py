"""Registrations, postcodes and phone numbers find an entry however they are typed, on
SQLite (FTS5) and PostgreSQL (the stored vector of migrations 0003 and 0006); search still
reads only the sanitised text, so an identifier the FIB removed is found in no spelling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from cairn.intelligence import search, services
from cairn.intelligence.models import Submission

from ..api.conftest import ApiClient

pytestmark = pytest.mark.django_db

SANITISED = (
    "A grey Vauxhall Corsa NM19 KXT was seen outside a flat in NM1 1AA. The driver uses "
    "07700 900123 and the Snapchat handle dan_x."
)
# Kept in the original (`what`), removed from the sanitised text.
REMOVED = "Silver Ford Focus LM21 ABC"


def _grade(fib: Any, submission: Submission, text: str) -> Submission:
    services.submission_evaluate(
        actor=fib, submission=submission, source_grade="2", intel_grade="B", handling="P"
    )
    services.submission_sanitise(actor=fib, submission=submission, text=text)
    return submission


@pytest.fixture
def entry(submit: Callable[..., Submission], partner: Any, users: dict[str, Any]) -> Submission:
    what = f"{REMOVED} collected Skye at 15:15. The driver is a man aged about 25."
    return _grade(users["fib_officer"], submit(partner, what=what), SANITISED)


@pytest.fixture
def other(submit: Callable[..., Submission], partner: Any, users: dict[str, Any]) -> Submission:
    """An entry that must never match: similar words, different identifiers."""
    text = "A grey Vauxhall Corsa NM19 KXA was seen in NM1 1AB; the driver uses 07700 900124."
    return _grade(users["fib_officer"], submit(partner), text)


def _found(user: Any, q: str) -> set[int]:
    return {s.pk for s in search.search(user, search.Filters(q=q))}


SPELLINGS = [
    "NM19 KXT",
    "NM19KXT",
    "nm19kxt",
    "nm19  kxt",
    "NM1 1AA",
    "NM11AA",
    "nm1 1aa",
    "nm11aa",
    "07700 900123",
    "07700900123",
    "+44 7700 900123",
    "+447700900123",
    "(07700) 900 123",
    "Corsa NM19KXT",
    "NM19KXT 07700900123 nm11aa",
    "grey NM19KXT Corsa",
]


@pytest.mark.parametrize("q", SPELLINGS)
@pytest.mark.parametrize("role", ["fib_officer", "analyst"])
def test_each_spelling_finds_the_entry(
    entry: Submission, other: Submission, users: dict[str, Any], role: str, q: str
) -> None:
    assert _found(users[role], q) == {entry.pk}


@pytest.mark.parametrize("q", SPELLINGS)
def test_each_spelling_ranked_and_newest_first(
    entry: Submission, other: Submission, users: dict[str, Any], q: str
) -> None:
    for sort in (search.RELEVANCE, search.NEWEST):
        paginator = search.paginate(users["analyst"], search.Filters(q=q, sort=sort))
        assert [s.pk for s in paginator.get_page(1)] == [entry.pk]


def test_words_and_exclusions_still_work(
    entry: Submission, other: Submission, users: dict[str, Any]
) -> None:
    analyst = users["analyst"]
    assert _found(analyst, "Vauxhall Corsa") == {entry.pk, other.pk}
    assert _found(analyst, "NM19KXT Ford") == set()  # every part must match
    if connection.vendor == "postgresql":  # websearch syntax; the SQLite demo ANDs words
        assert _found(analyst, "Corsa -NM19KXT") == {other.pk}


@pytest.mark.parametrize("q", ["LM21 ABC", "LM21ABC", "lm21abc", "Ford LM21ABC"])
@pytest.mark.parametrize("role", ["fib_officer", "analyst", "social_worker"])
def test_an_identifier_removed_by_sanitising_is_found_in_no_spelling(
    entry: Submission, users: dict[str, Any], api_as: Callable[[Any], ApiClient], role: str, q: str
) -> None:
    user = users[role]
    if role == "social_worker":
        services.submission_disseminate(
            actor=users["fib_officer"],
            submission=entry,
            recipient_kind="agency",
            agency=user.agency,
            reason="Safeguarding planning",
            conditions_met=True,
        )
        assert _found(user, "NM19KXT") == {entry.pk}  # they do see the sanitised version
    assert _found(user, q) == set()
    response = api_as(user).get("/intelligence/search", q=q)
    assert response.status_code == 200 and response.json()["count"] == 0


def test_api_and_page_normalise_the_query(
    entry: Submission, users: dict[str, Any], api_as: Callable[[Any], ApiClient]
) -> None:
    analyst = users["analyst"]
    response = api_as(analyst).get("/intelligence/search", q="NM19KXT")
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [entry.pk]
    client = Client()
    client.force_login(analyst)
    page = client.get("/intelligence/search/", {"q": "+44 7700 900123"})
    assert page.status_code == 200 and entry.reference in page.content.decode()


@pytest.mark.parametrize("area", ["NM1 1AA", "NM11AA", "nm11aa"])
def test_area_filter_takes_a_postcode_either_way(
    entry: Submission, other: Submission, users: dict[str, Any], area: str
) -> None:
    # The analyst's area filter reads the sanitised text, which has "NM1 1AA".
    found = {s.pk for s in search.search(users["analyst"], search.Filters(area=area))}
    assert found == {entry.pk}


def test_area_filter_for_the_fib_reads_the_original_place(
    submit: Callable[..., Submission], partner: Any, users: dict[str, Any]
) -> None:
    fib = users["fib_officer"]
    submission = _grade(fib, submit(partner, where="Flat 2, Example Road, NM11AA"), SANITISED)
    for area in ("NM1 1AA", "nm11aa"):
        found = {s.pk for s in search.search(fib, search.Filters(area=area))}
        assert found == {submission.pk}
