"""The one envelope every list in the API answers with, and the one helper that fills it.

A list is `{count, page, pages, page_size, results}` (docs/guide/api.md, "Lists"): `count`
rows in all, this is page `page` of `pages`, up to `page_size` a page, and `results` the
rows of this page, each in the endpoint's typed item schema. A list may add keys of its
own beside these (intelligence search's `count_capped`, disclosures' `by_basis`), never
instead of them.

ninja's own `@paginate` is not used: it pages after the handler returns, but every list
here must record the consultation of exactly the rows shown (cairn.audit) before it
answers, and its envelope is `{items, count}`. `paginate` pages first, hands the page to
the caller's consultation, then converts the rows shown.

Inputs: `page` from 1 (0 or less, or not a number, is a 422 from the query's schema; a
page past the last answers the last page, as Django's `get_page` and the web lists do) and
`page_size` from 1 to MAX_PAGE_SIZE (anything else a 422), each endpoint's default in its
signature.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

from django.core.paginator import Page as DjangoPage
from django.core.paginator import Paginator
from ninja import Field, Query, Schema

if TYPE_CHECKING:
    from django.core.paginator import _SupportsPagination

ItemT = TypeVar("ItemT")
RowT = TypeVar("RowT")

MAX_PAGE = 100_000
MAX_PAGE_SIZE = 100

PageNo = Annotated[
    int,
    Query(ge=1, le=MAX_PAGE, description="Which page (from 1); past the last gives the last."),
]


def page_size_query(default: int) -> Any:
    """The `page_size` query parameter with this endpoint's default (1 to MAX_PAGE_SIZE)."""
    return Query(
        default,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Results a page, 1 to {MAX_PAGE_SIZE} (default {default}).",
    )


def page_size_field(default: int) -> Any:
    """The same, as a field of a query schema (`Query[SomeFilters]`)."""
    return Field(
        default,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Results a page, 1 to {MAX_PAGE_SIZE} (default {default}).",
    )


class Page(Schema, Generic[ItemT]):
    """One page of a list. Subclass it per list with the item schema, so the OpenAPI
    document names each (`class ConcernPage(Page[ConcernSummaryOut]): ...`)."""

    count: int = Field(description="How many results there are in all.")
    page: int = Field(description="This page's number, from 1.")
    pages: int = Field(description="How many pages there are (at least 1).")
    page_size: int = Field(description="Results a page (the last page may have fewer).")
    results: list[ItemT]


def paginate(
    rows: _SupportsPagination[RowT] | Paginator[RowT],
    page: int,
    page_size: int,
    out: Callable[[RowT], Any] | None = None,
    *,
    consult: Callable[[DjangoPage[RowT]], object] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Page `rows` (a queryset, a list or a ready Paginator, which keeps its own page
    size), record the consultation of the page shown with `consult`, and answer the
    envelope with each row through `out` (or as it is, for an item schema that reads model
    objects) and any `extra` keys."""
    paginator = rows if isinstance(rows, Paginator) else Paginator(rows, page_size)
    current = paginator.get_page(page)
    if consult is not None:
        consult(current)
    return {
        **(extra or {}),
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "page_size": paginator.per_page,
        "results": [out(row) for row in current] if out else list(current),
    }
