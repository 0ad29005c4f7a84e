"""Issue 18 item 6: with the database hanging, every gunicorn worker used to wait out its
timeout and users got a raw "Internal Server Error", static files and sign-in included.
Here gunicorn runs the shipped config against a database that never answers (a port that
accepts and never replies) or cannot be opened (SQLite in a missing directory): static
files and the sign-in page are served without it, and anything that needs it gets the
GOV.UK "Cairn cannot reach its database" page, or JSON from the API, within seconds."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from .conftest import Gunicorn, blackholed_port, fetch, gunicorn

CONNECT_TIMEOUT = 2  # seconds: libpq's minimum
# Connect timeout plus a generous margin for a loaded machine; far below gunicorn's
# worker timeout (40 s) and the 60 s the issue reports.
QUICKLY = CONNECT_TIMEOUT + 4
SESSION = {"Cookie": "sessionid=" + "k" * 32}
TOKEN = {"Authorization": "Bearer cairn_" + "t" * 40}
HEADING = "Cairn cannot reach its database"


@pytest.fixture(scope="module", params=["postgres-hangs", "sqlite-cannot-open"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Gunicorn]:
    tmp = tmp_path_factory.mktemp(request.param)
    if request.param == "postgres-hangs":
        with blackholed_port() as port:
            env = {
                "DATABASE_URL": f"postgres://cairn@127.0.0.1:{port}/cairn",
                "CAIRN_DB_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
            }
            with gunicorn(tmp, env) as served:
                yield served
    else:
        env = {"DATABASE_URL": f"sqlite:///{tmp / 'missing' / 'cairn.sqlite3'}"}
        with gunicorn(tmp, env) as served:
            yield served


def test_static_files_are_served_without_the_database(server: Gunicorn) -> None:
    reply = fetch(f"{server.url}/static/vendor/govuk-frontend/govuk-frontend.min.css")
    assert reply.status == 200
    assert "govuk-" in reply.body
    assert reply.seconds < 1


def test_the_sign_in_page_is_served_without_the_database(server: Gunicorn) -> None:
    reply = fetch(f"{server.url}/accounts/sign-in/")
    assert reply.status == 200
    assert 'name="username"' in reply.body
    assert reply.seconds < QUICKLY


def test_a_signed_in_page_gets_the_govuk_503_page_quickly(server: Gunicorn) -> None:
    reply = fetch(f"{server.url}/", headers=SESSION)
    assert reply.status == 503, reply.body[:500]
    assert f'<h1 class="govuk-heading-l">{HEADING}</h1>' in reply.body
    assert "govuk-frontend.min.css" in reply.body
    assert "If a child is in immediate danger, call 999." in reply.body
    assert reply.headers["Retry-After"] == "30"
    # One connect timeout, not one per look at the session.
    assert reply.seconds < QUICKLY
    assert "Internal Server Error" not in reply.body


def test_signing_in_gets_the_503_page_not_a_server_error(server: Gunicorn) -> None:
    page = fetch(f"{server.url}/accounts/sign-in/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    cookie = re.search(r"csrftoken=([^;]+)", page.headers.get("Set-Cookie", ""))
    assert token and cookie
    reply = fetch(
        f"{server.url}/accounts/sign-in/",
        method="POST",
        data=f"username=someone&password=secret-words-here&csrfmiddlewaretoken={token[1]}".encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie[1]}",
            "Referer": f"{server.url}/accounts/sign-in/",
        },
    )
    assert reply.status == 503, reply.body[:500]
    assert HEADING in reply.body
    assert "What you sent may not have been saved." in reply.body
    assert reply.seconds < 2 * QUICKLY


def test_the_api_answers_503_json_quickly(server: Gunicorn) -> None:
    reply = fetch(f"{server.url}/api/v1/me", headers=TOKEN)
    assert reply.status == 503
    assert reply.headers["Content-Type"].startswith("application/json")
    assert (
        reply.body == '{"detail": "Cairn cannot reach its database: try again in a few minutes."}'
    )
    assert reply.headers["Retry-After"] == "30"
    assert reply.seconds < QUICKLY


def test_the_server_log_says_why(server: Gunicorn) -> None:
    fetch(f"{server.url}/api/v1/me", headers=TOKEN)
    log = server.output()
    assert "Service Unavailable" in log
    assert re.search(r"connection timeout expired|unable to open database file", log)


def test_readiness_says_the_database_is_unavailable_quickly(server: Gunicorn) -> None:
    """Load balancers take the instance out: /readyz is 503 naming the database, while
    /healthz (the process is up) stays 200."""
    ready = fetch(f"{server.url}/readyz")
    assert ready.status == 503
    assert '"database": "unavailable"' in ready.body
    assert '"ready": false' in ready.body
    assert ready.seconds < QUICKLY
    assert fetch(f"{server.url}/healthz").status == 200
