"""Finding a vehicle by its registration typed another way, in a real browser: from Find a
person to the object search, the empty-search error summary, a result; axe on each page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.pole import services


def test_social_worker_finds_a_vehicle_typed_without_its_space(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    social_worker = users["social_worker"]
    services.vehicle_create(actor=social_worker, registration="NM19 KXT")
    services.vehicle_create(actor=users["fib_officer"], registration="LM21 ABC", police_only=True)
    login_as(page, social_worker)
    page.goto("/people/")
    page.get_by_role("link", name="Find a vehicle, phone, online account or place").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Find a vehicle, phone, account or place"
    )
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Enter a registration, phone number, handle or postcode"
    )
    assert_accessible(page)
    field = page.get_by_label("Registration, phone number, handle or postcode")
    field.fill("nm19kxt")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("table", name="1 record found")
    expect(results).to_contain_text("NM19KXT")
    assert_accessible(page)
    # A police-only vehicle answers as one nobody holds.
    page.get_by_label("Registration, phone number, handle or postcode").fill("lm21 abc")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="No records found")).to_be_visible()
