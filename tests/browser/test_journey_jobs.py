"""A system admin checks the background jobs in a real browser (issue 17, item 4): Tools,
the status page empty, "Run now" for one job, its run recorded. axe and the 320 px check
on each page; other roles do not see the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.core.models import JobRun


def test_system_admin_runs_a_job_now_and_sees_it_recorded(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    login_as(page, users["system_admin"])
    page.get_by_role("link", name="Tools").click()
    page.get_by_role("link", name="Background jobs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Background jobs")
    expect(page.get_by_test_id("jobs-empty")).to_be_visible()
    assert_accessible(page)

    row = page.locator('tr[data-job="hub_reminders"]')
    expect(row).to_contain_text("Not run yet")
    row.get_by_role("button", name="Run now").click()
    expect(page.get_by_text("Hub action reminders has been queued to run now.")).to_be_visible()
    # The test settings run tasks at once, so the run has finished by the time it shows.
    expect(row.get_by_text("Succeeded")).to_be_visible()
    expect(row).to_contain_text(f"by {users['system_admin']}")
    expect(page.get_by_test_id("jobs-empty")).to_have_count(0)
    assert_accessible(page)
    run = JobRun.objects.get(job="hub_reminders")
    assert run.requested_by == users["system_admin"]


def test_the_jobs_page_is_not_offered_to_a_practitioner(
    page: Any, users: dict[str, Any], login_as: Callable[..., None]
) -> None:
    login_as(page, users["practitioner"])
    response = page.goto("/tools/jobs/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Background jobs")
