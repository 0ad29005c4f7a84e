"""Navigation at a 1280px-wide viewport: the FIB officer (the role with the most work
areas) sees the main menu on one row, with Tools, Inbox and Sign out in the header's
account area; the Tools page lists their tools and passes axe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect


def test_fib_officer_menu_fits_one_row_and_tools_page_is_accessible(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    assert page.viewport_size["width"] == 1280
    login_as(page, users["fib_officer"])
    page.goto("/")
    menu = page.get_by_role("navigation", name="Menu")
    items = menu.get_by_role("listitem")
    expect(items).to_have_count(7)
    boxes = [items.nth(i).bounding_box() for i in range(items.count())]
    assert all(box is not None for box in boxes)
    tops = {round(box["y"]) for box in boxes if box}
    assert len(tops) == 1, f"The menu wraps onto more than one row: {boxes}"
    expect(menu.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")

    account = page.get_by_role("navigation", name="Account")
    for name in ("Tools", "Inbox"):
        expect(account.get_by_role("link", name=name)).to_be_visible()
    expect(account.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page)

    account.get_by_role("link", name="Tools").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tools")
    expect(account.get_by_role("link", name="Tools")).to_have_attribute("aria-current", "page")
    expect(menu.locator("[aria-current]")).to_have_count(0)
    tools = page.get_by_test_id("tools")
    expect(tools.get_by_role("link")).to_have_text(
        [
            "Duplicate records",
            "Rectification and restriction requests",
            "Information-sharing agreements",
            "API documentation",
            "API tokens",
        ]
    )
    assert_accessible(page)

    tools.get_by_role("link", name="Duplicate records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible duplicate records")
    expect(account.get_by_role("link", name="Tools")).to_have_attribute("aria-current", "true")


def test_audit_log_through_tools_is_accessible_and_scrolls_in_its_region(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    login_as(page, users["ig_admin"])
    page.goto("/")
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Tools").click()
    page.get_by_test_id("tools").get_by_role("link", name="Audit log").click()
    table = page.get_by_test_id("audit-table")
    expect(table).to_be_visible()
    # The wide table stays inside the page column: its region scrolls, the page does not.
    region = page.locator(".cairn-table-scroll")
    region_box, main_box = region.bounding_box(), page.locator("main").bounding_box()
    assert region_box and main_box
    assert region_box["x"] + region_box["width"] <= main_box["x"] + main_box["width"] + 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)


def test_api_documentation_page_is_accessible(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    """Swagger UI as django-ninja ships it failed axe (no language or main landmark, white on
    light method badges, each operation's path a link inside its expand button)."""
    login_as(page, users["fib_officer"])
    page.goto("/tools/")
    page.get_by_test_id("tools").get_by_role("link", name="API documentation").click()
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    summary = page.locator(".opblock-summary-control").first
    expect(summary).to_be_visible()
    expect(page.get_by_role("main").locator(".opblock")).not_to_have_count(0)
    summary.click()
    expect(summary).to_have_attribute("aria-expanded", "true")
    assert_accessible(page)
