"""The Hub chair keeps the Hub's set-up: from the Hub page they open the set-up, change a
threshold (a bad value first: the error summary shows and what was typed stays), add a
member agency with its representative and deputy, and see both on the summary. axe on
each page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.audit.models import AuditEvent
from cairn.hub import services
from cairn.hub.models import HubMember, HubSetup


def test_chair_changes_a_threshold_and_adds_a_member_agency(
    page: Any,
    users: dict[str, Any],
    agencies: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    chair = users["hub_chair"]
    chair.first_name, chair.last_name = "Cora", "Chair"
    chair.save(update_fields=["first_name", "last_name"])
    rep, deputy = users["social_worker"], users["mash_screener"]
    rep.first_name, rep.last_name = "Rhian", "Representative"
    rep.save(update_fields=["first_name", "last_name"])
    deputy.first_name, deputy.last_name = "Dev", "Deputy"
    deputy.save(update_fields=["first_name", "last_name"])
    services.setup_update(actor=chair, name="Testshire Exploitation Hub", chair=chair)
    services.member_set(
        actor=chair, agency=agencies["police"], representative=users["ppu_coordinator"]
    )

    page.goto("/accounts/sign-in/")
    login_as(page, chair)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Hub").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exploitation Hub")
    page.get_by_role("link", name="Hub set-up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hub set-up")
    expect(page.get_by_test_id("frequent-missing")).to_contain_text("3 episodes within 90 days")
    assert_accessible(page)

    # Change a threshold: an impossible value first.
    page.get_by_role("link", name="Change frequent missing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the Hub set-up")
    assert_accessible(page)
    count = page.get_by_label("Frequent missing: number of episodes")
    count.fill("0")
    page.get_by_role("button", name="Save set-up").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text(
        "The number of missing episodes must be a whole number between 1 and 20"
    )
    expect(page).to_have_title(re.compile(r"^Error: Change the Hub set-up"))
    expect(page.get_by_label("Frequent missing: number of episodes")).to_have_value("0")
    expect(page.get_by_label("Name of the Hub")).to_have_value("Testshire Exploitation Hub")
    assert_accessible(page)
    assert HubSetup.objects.get(pk=1).frequent_missing_count == 3

    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Frequent missing: number of episodes")).to_be_focused()
    page.get_by_label("Frequent missing: number of episodes").fill("4")
    page.get_by_role("button", name="Save set-up").click()
    expect(page.get_by_role("alert")).to_contain_text("Hub set-up saved")
    expect(page.get_by_test_id("frequent-missing")).to_contain_text("4 episodes within 90 days")
    assert_accessible(page)
    assert HubSetup.objects.get(pk=1).frequent_missing_count == 4

    # Add a member agency: the police are already a member, so they are not offered.
    page.get_by_role("link", name="Add a member agency").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a member agency")
    agency = page.get_by_label("Agency")
    expect(agency.locator("option", has_text="Testshire Police")).to_have_count(0)
    assert_accessible(page)
    agency.select_option(label="Testshire Children's Trust")
    page.get_by_label("Representative").select_option(
        label="Rhian Representative (Testshire Children's Trust)"
    )
    page.get_by_label("Deputy (optional)").select_option(
        label="Dev Deputy (Testshire Children's Trust)"
    )
    page.get_by_role("button", name="Add member agency").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Testshire Children's Trust added as a member agency"
    )
    members = page.get_by_test_id("members")
    row = members.get_by_role("row", name="Testshire Children's Trust")
    expect(row).to_contain_text("Rhian Representative")
    expect(row).to_contain_text("Dev Deputy")
    expect(members).to_contain_text("Testshire Police")
    assert_accessible(page)

    member = HubMember.objects.get(agency=agencies["trust"])
    assert (member.representative, member.deputy) == (rep, deputy)
    assert (
        AuditEvent.objects.filter(
            event="hub.setup_changed", actor=chair, object_type="hub.hubmember"
        ).count()
        == 2
    )  # the police member set up above, and the trust added in the browser
