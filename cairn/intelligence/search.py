"""Full-text search over sanitised intelligence only (never the original or the source).

PostgreSQL: a stored generated column `sanitised_search = to_tsvector('english',
sanitised_text)` with a GIN index (migration 0003) matched with a websearch query and ranked
with ts_rank on the stored vector. SQLite (the demo): an FTS5 table
`intelligence_fts(rowid = submission id)` kept in sync by the sanitise service; if the
SQLite build lacks FTS5, a LIKE fallback over each word. See ADR 0010."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, cast

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.expressions import RawSQL

from .access import sanitised_visible
from .models import Submission, SubmissionEntity

FTS_TABLE = "intelligence_fts"
# PostgreSQL only: GENERATED ALWAYS AS (to_tsvector('english', sanitised_text)) STORED.
STORED_VECTOR = '"intelligence_submission"."sanitised_search"'
WORD = re.compile(r"\w+", re.UNICODE)
# A search counts at most this many matches (see SearchPaginator).
COUNT_CAP = 1000
# A best-match search with more matches than this is shown newest first (see paginate).
RANK_LIMIT = 5_000
RELEVANCE, NEWEST = "relevance", "newest"
SORTS = ((RELEVANCE, "Best match first"), (NEWEST, "Newest first"))


@dataclass
class Filters:
    q: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    source_grade: str = ""
    intel_grade: str = ""
    entity_id: int | None = None
    area: str = ""
    sort: str = RELEVANCE


def fts_available() -> bool:
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=%s", [FTS_TABLE])
        return cursor.fetchone() is not None


def fts_sync(submission_id: int, text: str) -> None:
    """Keep the SQLite FTS5 row for one submission in step with its sanitised text."""
    if not fts_available():
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM intelligence_fts WHERE rowid = %s", [submission_id])
        if text.strip():
            cursor.execute(
                "INSERT INTO intelligence_fts(rowid, body) VALUES (%s, %s)", [submission_id, text]
            )


def _text_filter(qs: QuerySet[Submission], q: str, *, rank: bool) -> QuerySet[Submission]:
    words = WORD.findall(q)
    if not words:
        return qs
    if connection.vendor == "postgresql":
        # The stored, generated tsvector column (migration 0003) with its GIN index: the
        # match, its recheck and ts_rank read it instead of recomputing to_tsvector per row.
        vector = RawSQL(STORED_VECTOR, [], output_field=SearchVectorField())  # noqa: S611 - constant
        query = SearchQuery(q, search_type="websearch", config="english")
        qs = qs.alias(search=vector).filter(search=query)
        if not rank:
            return qs  # newest first, as ordered by search()
        return qs.annotate(rank=SearchRank(vector, query)).order_by("-rank", "-submitted_at")
    if fts_available():
        match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM intelligence_fts WHERE intelligence_fts MATCH %s", [match]
            )
            ids = [row[0] for row in cursor.fetchall()]
        return qs.filter(pk__in=ids)
    for word in words:
        qs = qs.filter(sanitised_text__icontains=word)
    return qs


def search(user: Any, filters: Filters) -> QuerySet[Submission]:
    qs = sanitised_visible(user)
    if filters.date_from:
        qs = qs.filter(when_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(when_on__lte=filters.date_to)
    if filters.source_grade:
        qs = qs.filter(source_grade=filters.source_grade)
    if filters.intel_grade:
        qs = qs.filter(intel_grade=filters.intel_grade)
    if filters.area:
        qs = qs.filter(where__icontains=filters.area)
    if filters.entity_id:
        qs = qs.filter(
            Exists(
                SubmissionEntity.objects.filter(
                    submission_id=OuterRef("pk"), entity_id=filters.entity_id
                )
            )
        )
    qs = qs.order_by("-submitted_at", "-pk")
    return _text_filter(qs, filters.q, rank=filters.sort != NEWEST)


def paginate(user: Any, filters: Filters, per_page: int = 25) -> SearchPaginator:
    """The search, paged. A text search that asks for the best match first but matches
    more than RANK_LIMIT reports is shown newest first instead (`paginator.order` says
    which, `paginator.broad` why): ranking must read every match (two common words match
    about 100,000 of 1M reports: p95 ~300 ms; 5,000 rank in ~20 ms), while
    newest first stops at the first page, and the page tells the user to add words or a
    filter to rank by relevance."""
    paginator = SearchPaginator(search(user, filters), per_page)
    # Only PostgreSQL ranks (SQLite's FTS5 table filters; the demo lists newest first).
    ranked = filters.q and filters.sort != NEWEST and connection.vendor == "postgresql"
    paginator.order = RELEVANCE if ranked else NEWEST
    if paginator.order == RELEVANCE and paginator.too_many_to_rank:
        newest = SearchPaginator(search(user, replace(filters, sort=NEWEST)), per_page)
        newest.__dict__["_matches"] = paginator._matches  # already counted
        newest.order, newest.broad = NEWEST, True
        return newest
    return paginator


class SearchPaginator(Paginator):
    """Pages search results but counts at most COUNT_CAP matches: an exact count of a broad
    query (tens of thousands of matches) would visit every matching row just to print the
    total. Past the cap the page says "more than 1,000" and the first 1,000 can be paged;
    more words or a filter narrow the rest. The same capped count (to RANK_LIMIT) says
    whether a best-match search is narrow enough to rank."""

    order: str = RELEVANCE
    broad: bool = False  # True: a best-match search too broad to rank, shown newest first

    @cached_property
    def _matches(self) -> int:
        qs = cast(QuerySet[Submission], self.object_list)
        return qs.order_by().values("pk")[: max(COUNT_CAP, RANK_LIMIT) + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._matches, COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self._matches > COUNT_CAP

    @property
    def too_many_to_rank(self) -> bool:
        return self._matches > RANK_LIMIT

    @property
    def cap_label(self) -> str:
        return f"{COUNT_CAP:,}"

    @property
    def rank_limit_label(self) -> str:
        return f"{RANK_LIMIT:,}"
