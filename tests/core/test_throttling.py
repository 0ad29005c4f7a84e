"""Rate limits (cairn/core/throttling.py): the API as a whole and the expensive web pages
and API calls (searches, exports, identity matching) answer 429 with Retry-After once a
user passes the configured rate. Test settings turn limits off; each test here turns
them on with low rates and starts from an empty cache."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client, override_settings

from cairn.accounts.models import User
from cairn.api_auth import services as token_services
from cairn.core.throttling import parse_rate

pytestmark = pytest.mark.django_db

RATES = {"api": "", "search": "2/min", "export": "1/min", "match": "1/min"}


def limits(**rates: str) -> Any:
    return override_settings(CAIRN_THROTTLE_ENABLED=True, CAIRN_THROTTLE_RATES={**RATES, **rates})


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bearer(user: User) -> dict[str, str]:
    secret = token_services.token_create(actor=user, name="Throttle test").secret
    return {"Authorization": f"Bearer {secret}"}


def assert_web_429(response: Any) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Too many requests</h1>' in html
    assert "Try again in 1 minute." in html


def test_person_search_page_is_limited_per_user(users: dict[str, User]) -> None:
    worker = signed_in(users["social_worker"])
    with limits():
        assert worker.get("/people/", {"q": "Amber"}).status_code == 200
        assert worker.get("/people/", {"q": "Amber"}).status_code == 200
        assert_web_429(worker.get("/people/", {"q": "Amber"}))
        # Another user has their own allowance.
        assert signed_in(users["practitioner"]).get("/people/").status_code == 200


def test_limits_are_off_when_disabled(users: dict[str, User]) -> None:
    worker = signed_in(users["social_worker"])
    with override_settings(CAIRN_THROTTLE_ENABLED=False, CAIRN_THROTTLE_RATES=RATES):
        for _ in range(5):
            assert worker.get("/people/", {"q": "Amber"}).status_code == 200


def test_the_window_slides(users: dict[str, User]) -> None:
    worker = signed_in(users["social_worker"])
    with limits(), time_machine.travel("2026-06-01 10:00:00Z", tick=False) as traveller:
        worker.get("/people/")
        worker.get("/people/")
        assert worker.get("/people/").status_code == 429
        traveller.shift(61)
        assert worker.get("/people/").status_code == 200


def test_intelligence_search_page_is_limited(users: dict[str, User]) -> None:
    analyst = signed_in(users["analyst"])
    with limits(search="1/min"):
        assert analyst.get("/intelligence/search/", {"q": "car"}).status_code == 200
        assert_web_429(analyst.get("/intelligence/search/", {"q": "car"}))


def test_audit_export_is_limited(users: dict[str, User]) -> None:
    ig = signed_in(users["ig_admin"])
    with limits():
        assert ig.get("/audit/export.csv").status_code == 200
        assert_web_429(ig.get("/audit/export.csv"))


def test_person_create_limits_the_matching_post_only(users: dict[str, User]) -> None:
    worker = signed_in(users["social_worker"])
    form = {"given_name": "Amber", "family_name": "Testcase", "category": "child"}
    with limits():
        worker.post("/people/new/", form)
        assert_web_429(worker.post("/people/new/", form))
        # Opening the blank form does no matching and is not counted.
        assert worker.get("/people/new/").status_code == 200


def test_api_as_a_whole_is_limited_with_json(users: dict[str, User]) -> None:
    headers = bearer(users["social_worker"])
    client = Client()
    with limits(api="2/min"):
        assert client.get("/api/v1/me", headers=headers).status_code == 200
        assert client.get("/api/v1/indicators", headers=headers).status_code == 200
        response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert int(response["Retry-After"]) > 0
    assert response.json()["detail"].startswith("Too many requests")


def test_api_and_web_search_share_one_allowance(users: dict[str, User]) -> None:
    user = users["social_worker"]
    headers = bearer(user)
    with limits():
        assert signed_in(user).get("/people/", {"q": "Amber"}).status_code == 200
        assert Client().get("/api/v1/people", {"q": "Amber"}, headers=headers).status_code == 200
        response = Client().get("/api/v1/people", {"q": "Amber"}, headers=headers)
    assert response.status_code == 429
    assert "Retry-After" in response


def test_api_match_is_limited(users: dict[str, User]) -> None:
    headers = bearer(users["social_worker"])
    body = json.dumps({"given_name": "Amber", "family_name": "Testcase"})
    post: Callable[[], Any] = lambda: Client().post(  # noqa: E731
        "/api/v1/network/match", body, content_type="application/json", headers=headers
    )
    with limits():
        assert post().status_code == 200
        assert post().status_code == 429


def test_unauthenticated_api_calls_are_refused_before_counting(users: dict[str, User]) -> None:
    with limits(api="1/min"):
        for _ in range(3):
            assert Client().get("/api/v1/me").status_code == 401


@pytest.mark.parametrize(
    ("rate", "parsed"), [("30/min", (30, 60)), ("500/hour", (500, 3600)), ("100/5m", (100, 300))]
)
def test_parse_rate(rate: str, parsed: tuple[int, int]) -> None:
    assert parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["30", "x/min", "30/fortnight", "30/-5m"])
def test_parse_rate_refuses_nonsense(rate: str) -> None:
    with pytest.raises(ValueError, match="Invalid rate"):
        parse_rate(rate)


def test_only_the_pdf_of_a_printable_page_is_limited(users: dict[str, User]) -> None:
    analyst = signed_in(users["analyst"])
    with limits():
        for _ in range(3):  # the HTML page is not an export
            assert analyst.get("/hub/problem-profile/").status_code == 200
        analyst.get("/hub/problem-profile/", {"format": "pdf"})
        assert_web_429(analyst.get("/hub/problem-profile/", {"format": "pdf"}))


def test_the_openapi_document_declares_429() -> None:
    from cairn.api import api

    operations = [op for ops in api.get_openapi_schema()["paths"].values() for op in ops.values()]
    assert operations
    assert all("429" in {str(code) for code in op["responses"]} for op in operations)


def test_every_name_and_identifier_search_shares_the_search_limit(
    users: dict[str, User],
) -> None:
    """Found by an outside tester: the concern wizard's child search, object search (web and
    API) and the IG's find-a-person were never limited, so names, phone numbers and
    registrations could be enumerated. Each now counts against the search allowance; the
    pages without a query do not."""
    from cairn.concerns import services as concern_services

    worker = users["social_worker"]
    concern = concern_services.concern_start(actor=worker, child=None)
    searches = [
        (worker, f"/concerns/{concern.pk}/child/", "q", "Smith"),
        (worker, "/people/records/", "q", "NM19 KXT"),
        (users["ig_admin"], "/audit/", "name", "Smith"),
    ]
    for user, url, key, value in searches:
        cache.clear()
        client = signed_in(user)
        with limits():
            assert client.get(url).status_code == 200  # no query: not counted
            assert client.get(url, {key: value}).status_code == 200
            assert client.get(url, {key: value}).status_code == 200
            assert_web_429(client.get(url, {key: value}))
    cache.clear()
    headers = bearer(worker)
    api = Client()
    with limits():
        for _ in range(2):
            assert api.get("/api/v1/entities", {"q": "NM19KXT"}, headers=headers).status_code == 200
        refused = api.get("/api/v1/entities", {"q": "NM19KXT"}, headers=headers)
    assert refused.status_code == 429
    assert "detail" in json.loads(refused.content)
