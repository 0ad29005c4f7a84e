"""IG opens the dashboard from the home page in a real browser (issue 16, item 6): the
panels, a chart's table, the CSV download and a panel's way through to the records behind
it. axe and the 320 px check on the page."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect


def test_ig_reads_the_dashboard_downloads_it_and_follows_a_panel(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
    make_person: Callable[..., Any],
) -> None:
    make_person(given_name="Wren", family_name="Dashboardcase")
    login_as(page, users["ig_admin"])
    page.get_by_role("link", name="Information governance dashboard").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Information governance dashboard")
    for key in ("reviews", "sars", "restrictions", "shares", "held", "held-agency"):
        expect(page.get_by_test_id(f"panel-{key}")).to_be_visible()
    held = page.get_by_test_id("panel-held-agency")
    expect(held.get_by_role("row", name="Testshire Children's Trust")).to_be_visible()
    page.get_by_text("Records held, by category as a table").click()
    expect(page.get_by_test_id("panel-held").get_by_role("table")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert {r["section"] for r in rows} >= {
        "Retention reviews of your agency's records",
        "Records held, by category and agency",
    }

    page.get_by_role("link", name="Open the retention review queue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("review")
