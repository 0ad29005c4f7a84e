"""The vendored front end really loads in the browser (so axe checks the styled page), without
GOV.UK's restricted typeface; and the axe check itself fails when a page has a problem."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import check_accessible

EXPECTED_ASSETS = (
    "/static/vendor/govuk-frontend/govuk-frontend.min.css",
    "/static/vendor/moj-frontend/moj-frontend.min.css",
    "/static/cairn/cairn.css",
    "/static/cairn/init.mjs",
    "/static/vendor/govuk-frontend/govuk-frontend.min.js",
    "/static/vendor/moj-frontend/moj-frontend.min.js",
)


def test_vendored_css_and_js_load_and_no_gov_uk_font_is_requested(
    page: Any, users: dict[str, Any], login_as: Callable[..., None]
) -> None:
    statuses: dict[str, int] = {}
    page.on("response", lambda r: statuses.__setitem__(urlsplit(r.url).path, r.status))

    login_as(page, users["social_worker"])
    page.goto("/people/")
    page.wait_for_load_state("networkidle")

    for asset in EXPECTED_ASSETS:
        assert statuses.get(asset) == 200, f"{asset} did not load: {statuses.get(asset)}"
    assert not [
        path for path in statuses if "/fonts/" in path or path.endswith((".woff", ".woff2"))
    ]

    # GOV.UK Frontend's CSS is applied, in Arial; its JavaScript ran.
    heading = page.get_by_role("heading", level=1)
    font = heading.evaluate("el => getComputedStyle(el).fontFamily")
    assert font.lower().startswith("arial")
    assert heading.evaluate("el => getComputedStyle(el).fontWeight") == "700"
    expect(page.locator("body")).to_have_class(
        "govuk-template__body js-enabled govuk-frontend-supported"
    )


def test_axe_check_fails_on_a_serious_problem(
    page: Any, users: dict[str, Any], login_as: Callable[..., None]
) -> None:
    login_as(page, users["social_worker"])
    check_accessible(page)

    # An image with no text alternative is a critical axe violation.
    page.evaluate(
        """() => {
            const img = document.createElement("img");
            img.src = "/static/cairn/cairn.svg";
            document.querySelector("main").appendChild(img);
        }"""
    )
    with pytest.raises(AssertionError, match=r"\[critical\] image-alt"):
        check_accessible(page)
