"""Full-text search over sanitised intelligence only (never the original or the source).

PostgreSQL: a stored generated column `sanitised_search = to_tsvector('english',
sanitised_text || sanitised_keys)` with a GIN index (migrations 0003 and 0006) matched with a
websearch query and ranked with ts_rank on the stored vector. SQLite (the demo): an FTS5
table `intelligence_fts(rowid = submission id)` kept in sync by the sanitise service; if the
SQLite build lacks FTS5, a LIKE fallback over each word. See ADR 0010.

Registrations, postcodes and phone numbers match however they are typed: the document
holds the sanitised text plus the canonical key of each one in it (`document_keys`), and a
query's identifiers match either as typed or by their key (`_split_query`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import cached_property
from typing import cast

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from cairn.core.types import Actor
from cairn.pole import normalise
from cairn.pole.access import visible_entity_ids

from .access import is_fib, sanitised_visible
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


def document_keys(text: str) -> str:
    """What the search document adds to a sanitised text: the canonical key of each
    registration, postcode and phone number in it ("NM19KXT NM11AA 447700900123"). Derived
    from the sanitised text only, so it never holds anything the FIB removed."""
    return " ".join(normalise.search_keys(text))


def fts_sync(submission_id: int, text: str) -> None:
    """Keep the SQLite FTS5 row for one submission in step with its sanitised text."""
    if not fts_available():
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM intelligence_fts WHERE rowid = %s", [submission_id])
        if text.strip():
            body = f"{text}\n{document_keys(text)}"
            cursor.execute(
                "INSERT INTO intelligence_fts(rowid, body) VALUES (%s, %s)", [submission_id, body]
            )


def _split_query(q: str) -> tuple[str, list[normalise.TextIdentifier]]:
    """The query without its registrations, postcodes and phone numbers, and those
    identifiers (each matched as typed or by its key). An identifier after '-' (websearch's
    "not") stays in the text, so excluding still excludes."""
    found = [i for i in normalise.text_identifiers(q) if not q[: i.start].endswith("-")]
    rest = q
    for item in reversed(found):
        rest = rest[: item.start] + " " + rest[item.end :]
    return rest, found


def _fts_phrase(text: str) -> str:
    return '"' + " ".join(WORD.findall(text)).replace('"', '""') + '"'


def _pg_query(rest: str, found: list[normalise.TextIdentifier]) -> SearchQuery | None:
    parts: list[SearchQuery] = []
    if WORD.findall(rest):
        parts.append(SearchQuery(rest, search_type="websearch", config="english"))
    for item in found:
        typed = SearchQuery(item.text, search_type="phrase", config="english")
        parts.append(typed | SearchQuery(item.key, search_type="plain", config="english"))
    query = None
    for part in parts:
        query = part if query is None else query & part
    return query


def _text_filter(qs: QuerySet[Submission], q: str, *, rank: bool) -> QuerySet[Submission]:
    if not WORD.findall(q):
        return qs
    rest, found = _split_query(q)
    if connection.vendor == "postgresql":
        # The stored, generated tsvector column (migrations 0003, 0006) with its GIN index:
        # the match, its recheck and ts_rank read it instead of recomputing to_tsvector.
        vector = RawSQL(STORED_VECTOR, [], output_field=SearchVectorField())  # noqa: S611 - constant
        query = _pg_query(rest, found)
        if query is None:
            return qs
        qs = qs.alias(search=vector).filter(search=query)
        if not rank:
            return qs  # newest first, as ordered by search()
        return qs.annotate(rank=SearchRank(vector, query)).order_by("-rank", "-submitted_at")
    if fts_available():
        terms = [_fts_phrase(w) for w in WORD.findall(rest)]
        terms += [f"({_fts_phrase(i.text)} OR {_fts_phrase(i.key)})" for i in found]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM intelligence_fts WHERE intelligence_fts MATCH %s",
                [" AND ".join(terms)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        return qs.filter(pk__in=ids)
    for word in WORD.findall(rest):
        qs = qs.filter(sanitised_text__icontains=word)
    for item in found:
        qs = qs.filter(
            Q(sanitised_text__icontains=item.text) | Q(sanitised_keys__icontains=item.key)
        )
    return qs


def _area_spellings(area: str) -> set[str]:
    """A postcode typed as an area matches written with or without its space."""
    spellings = {area.strip()}
    if normalise.is_postcode(area):
        canonical = normalise.postcode(area)
        spellings |= {canonical, canonical.replace(" ", "")}
    return spellings


def search(user: Actor, filters: Filters) -> QuerySet[Submission]:
    """Every filter reads what the searcher may read. The FIB holds the original, so its
    date and area filters read the date seen and the place; anyone else reads only the
    sanitised version (the grading, the sanitised text and the date submitted), so no
    filter answers a question about what the FIB removed. A POLE record the searcher
    cannot see matches nothing, exactly as a record that does not exist."""
    qs = sanitised_visible(user)
    fib = is_fib(user)
    day = "when_on" if fib else "submitted_at__date"
    if filters.date_from:
        qs = qs.filter(**{f"{day}__gte": filters.date_from})
    if filters.date_to:
        qs = qs.filter(**{f"{day}__lte": filters.date_to})
    if filters.source_grade:
        qs = qs.filter(source_grade=filters.source_grade)
    if filters.intel_grade:
        qs = qs.filter(intel_grade=filters.intel_grade)
    if filters.area:
        place = "where" if fib else "sanitised_text"
        either = Q()
        for spelling in _area_spellings(filters.area):
            either |= Q(**{f"{place}__icontains": spelling})
        qs = qs.filter(either)
    if filters.entity_id and not visible_entity_ids(user, [filters.entity_id]):
        qs = qs.none()
    elif filters.entity_id:
        qs = qs.filter(
            Exists(
                SubmissionEntity.objects.filter(
                    submission_id=OuterRef("pk"), entity_id=filters.entity_id
                )
            )
        )
    qs = qs.order_by("-submitted_at", "-pk")
    return _text_filter(qs, filters.q, rank=filters.sort != NEWEST)


def paginate(user: Actor, filters: Filters, per_page: int = 25) -> SearchPaginator:
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
