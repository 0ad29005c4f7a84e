"""The pages shown when Cairn or its database fails (cairn/core/errors.py) are rendered
without the database, on their own GOV.UK layout: each must still pass axe and fit a
320 px screen. They are produced by the real handlers from real driver errors (SQLite
refusing a write, a database file that cannot be opened) and served from the live
server's address, so their stylesheets load as they would in production."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from cairn.core.errors import csrf_failure, server_error


def _raised(exc: BaseException, request: Any) -> HttpResponse:
    try:
        raise exc
    except BaseException:
        return server_error(request)


def error_pages() -> dict[str, HttpResponse]:
    read_only = sqlite3.connect(":memory:")
    read_only.execute("PRAGMA query_only = ON")
    with pytest.raises(sqlite3.OperationalError) as refused:
        read_only.execute("CREATE TABLE t (x)")
    with pytest.raises(sqlite3.OperationalError) as unreachable:
        sqlite3.connect("/nonexistent-dir/cairn.sqlite3")
    get, post = RequestFactory().get("/people/"), RequestFactory().post("/people/new/")
    return {
        "unavailable": _raised(unreachable.value, post),
        "read-only-page": _raised(refused.value, get),
        "read-only-change": _raised(refused.value, post),
        "server-error": _raised(RuntimeError("a bug"), get),
        "form-expired": csrf_failure(post),
    }


STYLED = """() => [...document.styleSheets].some(
  sheet => (sheet.href || '').includes('govuk-frontend') && sheet.cssRules.length > 100)"""


def serve(body: str, status: int) -> Callable[[Any], None]:
    def fulfil(route: Any) -> None:
        route.fulfill(status=status, body=body, content_type="text/html; charset=utf-8")

    return fulfil


def test_the_error_pages_are_accessible(
    page: Any, assert_accessible: Callable[[Any], None]
) -> None:
    for name, response in error_pages().items():
        body = response.content.decode()
        page.route(f"**/error-page/{name}", serve(body, response.status_code))
        page.goto(f"/error-page/{name}")
        heading = page.get_by_role("heading", level=1).inner_text()
        assert heading in body, name
        # The GOV.UK stylesheet loaded (a styled page, so axe judges contrast properly).
        assert page.evaluate(STYLED), name
        assert_accessible(page)
