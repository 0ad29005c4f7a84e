"""A practitioner whose concern recorded two nights missing turns each sign into a missing
episode from the concern's next-steps page: the form starts from the sign's dates and
evidence, is accessible empty and with errors, and once saved the offer links to the
episode (with its 72-hour return home interview clock) instead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from cairn.concerns import services as concern_services
from cairn.missing.models import MissingEpisode
from cairn.pole import services as pole_services

from ..concerns.conftest import complete_payload


def test_practitioner_records_the_missing_signs_as_episodes(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    sw = users["social_worker"]
    child = pole_services.person_create(
        actor=sw,
        given_name="Mia",
        family_name="Example",
        category="child",
        date_of_birth=dt.date(2012, 5, 1),
    )
    night = timezone.localdate() - dt.timedelta(days=5)
    data = complete_payload(
        child.pk,
        indicators=[
            {
                "code": "missing_overnight",
                "observed_on": night.isoformat(),
                "evidence": "Did not come home on Friday night",
            },
            {
                "code": "frequent_missing",
                "observed_on": (night + dt.timedelta(days=2)).isoformat(),
                "evidence": "Missing again on Sunday night",
            },
        ],
    )
    concern = concern_services.concern_create(actor=sw, data=data)
    concern_services.risk_decision_record(
        actor=sw, concern=concern, level="significant", rationale="Two nights missing"
    )
    page.goto("/accounts/sign-in/")
    login_as(page, sw)

    page.goto(f"/concerns/{concern.pk}/next-steps/")
    offer = page.get_by_test_id("missing-signs")
    expect(offer).to_contain_text("Record these as missing episodes")
    expect(offer.get_by_test_id("sign-record")).to_have_count(2)
    offer.get_by_test_id("sign-record").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Record a missing episode from a concern"
    )
    expect(page.get_by_test_id("sign")).to_contain_text("Did not come home on Friday night")
    expect(page.locator("input[name='reported_on_day']")).to_have_value(str(night.day))
    found = night + dt.timedelta(days=1)
    expect(page.locator("input[name='found_on_day']")).to_have_value(str(found.day))
    assert_accessible(page)

    # Save without the times: a clear error, nothing recorded.
    page.get_by_role("button", name="Save episode").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    assert not MissingEpisode.objects.exists()

    page.locator("input[name='reported_time']").fill("22:00")
    page.locator("input[name='found_time']").fill("09:30")
    page.get_by_role("button", name="Save episode").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"recorded from concern {concern.reference}"
    )
    episode = MissingEpisode.objects.get()
    assert episode.concern_id == concern.pk
    assert episode.rhi_due_at == episode.found_at + dt.timedelta(hours=72)

    page.goto(f"/concerns/{concern.pk}/next-steps/")
    offer = page.get_by_test_id("missing-signs")
    expect(offer.get_by_test_id("sign-recorded")).to_have_text(f"recorded as {episode.reference}")
    expect(offer.get_by_test_id("sign-record")).to_have_count(1)
