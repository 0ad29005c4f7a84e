"""A newcomer or a user who mistypes an address sees Cairn's GOV.UK-styled error pages,
never Django's debug pages (which list every URL pattern)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, RequestFactory

from cairn.core import views as core_views
from cairn.core.errors import server_error

ROOT = Path(__file__).resolve().parents[2]


def test_unknown_address_gets_the_govuk_404_page(db: object) -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Page not found" in text
    assert "govuk-heading-l" in text
    assert "URLconf" not in text and "urlpatterns" not in text


def test_the_demo_runs_with_debug_off_unless_asked() -> None:
    def debug_under(extra: dict[str, str]) -> str:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"} | extra
        env["DJANGO_SETTINGS_MODULE"] = "cairn.settings.demo"
        code = (
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
        )
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert debug_under({}) == "False"
    assert debug_under({"DJANGO_DEBUG": "1"}) == "True"


def test_a_form_sent_without_its_csrf_token_gets_the_govuk_page(db: object) -> None:
    response = Client(enforce_csrf_checks=True).post("/accounts/sign-in/", {"username": "x"})
    assert response.status_code == 403
    text = response.content.decode()
    assert '<h1 class="govuk-heading-l">This form has expired</h1>' in text
    assert "Nothing was saved." in text
    assert "CSRF verification failed" not in text


def test_a_server_error_gets_the_govuk_500_page(
    users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(user: object) -> list[object]:
        raise RuntimeError("a bug")

    monkeypatch.setattr(core_views, "tools_for", broken)
    client = Client(raise_request_exception=False)
    client.force_login(users["analyst"])
    response = client.get("/tools/")
    assert response.status_code == 500
    text = response.content.decode()
    assert '<h1 class="govuk-heading-l">Sorry, there is a problem with the service</h1>' in text
    assert "govuk-frontend.min.css" in text


def test_a_bad_request_to_the_token_pages_is_an_html_page(db: object) -> None:
    response = Client().get("/api/tokens/", HTTP_HOST="evil.invalid")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def _raised(exc: BaseException, request: Any) -> Any:
    try:
        raise exc
    except BaseException:
        return server_error(request)


def test_the_error_pages_render_without_touching_the_database() -> None:
    """No database fixture: a query while rendering would fail this test. Real driver
    errors (SQLite refusing a write, failing to open a file) stand for a database in
    maintenance and one that is unreachable."""
    request = RequestFactory().get("/people/")
    read_only = sqlite3.connect(":memory:")
    read_only.execute("PRAGMA query_only = ON")
    with pytest.raises(sqlite3.OperationalError) as refused:
        read_only.execute("CREATE TABLE t (x)")
    with pytest.raises(sqlite3.OperationalError) as unreachable:
        sqlite3.connect("/nonexistent-dir/cairn.sqlite3")

    page = _raised(refused.value, request)
    assert page.status_code == 503
    assert "Cairn is read-only for maintenance" in page.content.decode()
    page = _raised(unreachable.value, request)
    assert page.status_code == 503
    assert "Cairn cannot reach its database" in page.content.decode()
    page = _raised(RuntimeError("a bug"), request)
    assert page.status_code == 500
    assert "Sorry, there is a problem with the service" in page.content.decode()
