"""Search counts at most search.COUNT_CAP matches (a broad query must not count every
match); below the cap the count is exact. Runs on SQLite (FTS5) and PostgreSQL (the stored
tsvector column of migration 0003)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cairn.intelligence import search, services
from cairn.intelligence.models import Submission


@pytest.fixture
def three_graded(
    submit: Callable[..., Submission], partner: Any, users: dict[str, Any]
) -> list[Submission]:
    fib = users["fib_officer"]
    out = []
    for n in range(3):
        submission = submit(partner)
        services.submission_evaluate(
            actor=fib, submission=submission, source_grade="2", intel_grade="B", handling="P"
        )
        services.submission_sanitise(
            actor=fib, submission=submission, text=f"A grey Vauxhall Corsa seen at gate {n}."
        )
        out.append(submission)
    return out


def test_count_exact_below_cap(three_graded: list[Submission], users: dict[str, Any]) -> None:
    paginator = search.SearchPaginator(
        search.search(users["analyst"], search.Filters(q="Vauxhall")), 25
    )
    assert paginator.count == 3 and not paginator.capped
    assert {s.pk for s in paginator.get_page(1)} == {s.pk for s in three_graded}


def test_count_capped_above_cap(
    three_graded: list[Submission], users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    paginator = search.SearchPaginator(
        search.search(users["analyst"], search.Filters(q="Vauxhall")), 1
    )
    assert paginator.count == 2 and paginator.capped
    assert paginator.num_pages == 2
    # A narrower search is exact again; a user who may see none counts none.
    narrow = search.SearchPaginator(
        search.search(users["analyst"], search.Filters(q="Vauxhall gate 1")), 25
    )
    assert narrow.count == 1 and not narrow.capped
    none = search.SearchPaginator(
        search.search(users["ppu_coordinator"], search.Filters(q="Vauxhall")), 25
    )
    assert none.count == 0 and not none.capped


def test_search_page_says_more_than(
    three_graded: list[Submission], users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    client = Client()
    client.force_login(users["analyst"])
    page = client.get("/intelligence/search/", {"q": "Vauxhall"}).content.decode()
    assert "More than 2 results" in page and 'data-testid="result-cap"' in page
    exact = client.get("/intelligence/search/", {"q": "gate 1"}).content.decode()
    assert "1 result<" in exact and "result-cap" not in exact


def _ranks() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"  # SQLite's FTS5 table filters, never ranks


def test_broad_best_match_search_is_shown_newest_first(
    three_graded: list[Submission], users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    # More than the count cap but few enough to rank: still best match first.
    ranked = search.paginate(users["analyst"], search.Filters(q="Vauxhall"), 25)
    assert ranked.capped and not ranked.broad
    assert ranked.order == (search.RELEVANCE if _ranks() else search.NEWEST)
    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    paginator = search.paginate(users["analyst"], search.Filters(q="Vauxhall"), 25)
    assert paginator.order == search.NEWEST and paginator.capped
    # Only a best-match search that had to fall back is "broad".
    assert paginator.broad is _ranks()
    newest_first = sorted(three_graded, key=lambda s: (s.submitted_at, s.pk), reverse=True)
    assert [s.pk for s in paginator.get_page(1)] == [s.pk for s in newest_first[:2]]
    # Narrow enough to rank: best match first (where the database ranks).
    narrow = search.paginate(users["analyst"], search.Filters(q="Vauxhall gate 1"), 25)
    assert narrow.order == (search.RELEVANCE if _ranks() else search.NEWEST)
    assert not narrow.broad and narrow.count == 1
    asked = search.paginate(users["analyst"], search.Filters(q="gate", sort="newest"), 25)
    assert asked.order == search.NEWEST and not asked.broad


def test_search_page_and_api_say_why_results_are_newest_first(
    three_graded: list[Submission], users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    client = Client()
    client.force_login(users["analyst"])
    page = client.get("/intelligence/search/", {"q": "Vauxhall"}).content.decode()
    assert "Newest first." in page
    assert ("so they are shown newest first" in page) is _ranks()
    # Choosing the order alone is not a search.
    assert (
        'data-testid="results"'
        not in client.get("/intelligence/search/", {"sort": "newest"}).content.decode()
    )
    body = client.get("/api/v1/intelligence/search", {"q": "Vauxhall"}).json()
    assert body["order"] == "newest" and body["count_capped"] is True
    assert body["order_reason"] == ("broad" if _ranks() else "requested")
    bad = client.get("/api/v1/intelligence/search", {"q": "Vauxhall", "sort": "oldest"})
    assert bad.status_code == 422
