"""Police IG answers a subject access request in a real browser and is offered the
entries that name the requester in words only (outside tester: an entry whose subject was
typed as "Kieran Wilson, about 30" was missing from his bundle): confirm his record, see
the possible entries with his name marked, try to disclose (refused, naming how many are
left), decide one "Not them" (an empty reason is refused, then given) and include the
other, which joins the bundle; then nothing is left to decide. The decision page shows
the whole entry, and a decided one offers to change it. axe and 320 px on each page, the
decision page included."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from cairn.intelligence.models import Status, Submission
from cairn.pole import services as pole
from cairn.rights import services


def test_police_ig_decides_entries_naming_the_requester(
    page: Any,
    users: dict[str, Any],
    agencies: dict[str, Any],
    login_as: Any,
    assert_accessible: Any,
    make_user: Any,
) -> None:
    fib = users["fib_officer"]
    police_ig = make_user("ig_admin", agency="police", username="ig_police")
    kieran = pole.person_create(
        actor=fib,
        given_name="Kieran",
        family_name="Wilson",
        category="person_of_concern",
        date_of_birth=dt.date(1996, 4, 2),
    )
    about_him = Submission.objects.create(
        status=Status.TRIAGED,
        submitter=fib,
        submitter_agency=agencies["police"],
        submitted_at=timezone.now(),
        subject_description="Kieran Wilson, about 30",
        what="Seen handing packages to younger boys outside the Co-op.",
    )
    someone_else = Submission.objects.create(
        status=Status.NEW,
        submitter=fib,
        submitter_agency=agencies["police"],
        submitted_at=timezone.now(),
        subject_description="Elderly man",
        what="The shop owner, a Mr Kieran Wilson aged about 70, called it in.",
    )
    sar = services.sar_log(
        actor=police_ig,
        requester="Kieran Wilson",
        requester_kind="subject",
        authority_checked=True,
        given_name="Kieran",
        family_name="Wilson",
        date_of_birth=dt.date(1996, 4, 2),
        other_names="",
        received_on=timezone.localdate(),
    )

    page.goto("/accounts/sign-in/")
    login_as(page, police_ig)
    page.goto(f"/rights/access/{sar.pk}/")
    page.get_by_label(f"record {kieran.pk}", exact=False).check()
    page.get_by_role("button", name="Confirm and build the bundle").click()
    section = page.get_by_test_id("possible-entries")
    expect(section).to_contain_text(f"INT-{about_him.pk:06d}")
    expect(section).to_contain_text(f"INT-{someone_else.pk:06d}")
    expect(section.locator("mark").first).to_have_text("Kieran Wilson")
    expect(page.get_by_test_id("possible-undecided")).to_have_text("2 still to decide")
    assert_accessible(page)

    # Disclosing now is refused, saying how many are left.
    page.get_by_label("Sent to", exact=True).fill("Kieran Wilson")
    page.get_by_label("Recorded post").check()
    page.get_by_role("button", name="Disclose").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "2 possible entries about them, not linked to their record, are still to be decided"
    )

    # The shop owner is not him: a reason is needed, and nothing typed is lost.
    page.get_by_role("link", name=f"INT-{someone_else.pk:06d}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("about Kieran Wilson?")
    expect(page.get_by_test_id("possible-entry").locator("mark")).to_have_text("Kieran Wilson")
    # The whole entry, not one sentence (tester 9, F5).
    expect(page.get_by_test_id("possible-entry-whole")).to_contain_text("Elderly man")
    expect(page.get_by_test_id("possible-entry-whole")).to_contain_text("called it in")
    assert_accessible(page)
    page.get_by_test_id("possible-not-them").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why the entry is not about them"
    )
    page.get_by_label("Why it is not about them").fill("The shop owner, aged about 70")
    page.get_by_test_id("possible-not-them").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("not about them")
    # Until disclosure the decision can be changed, with a reason (tester 9, F5).
    page.get_by_role("link", name=f"INT-{someone_else.pk:06d}").click()
    expect(page.get_by_test_id("possible-decision")).to_contain_text("Not them")
    expect(page.get_by_test_id("possible-change")).to_have_text("Change to: about them, include")
    assert_accessible(page)
    page.get_by_role("link", name=f"SAR-{sar.pk:05d}").click()

    # The other is him: included, it joins the police's part of the bundle.
    page.get_by_role("link", name=f"INT-{about_him.pk:06d}").click()
    page.get_by_test_id("possible-include").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is included")
    expect(page.get_by_test_id("bundle")).to_contain_text(f"Intelligence {about_him.reference}")
    expect(page.get_by_test_id("possible-undecided")).to_have_count(0)
    expect(page.get_by_test_id("possible-entries")).to_contain_text("Not them")
    expect(page.get_by_test_id("possible-entries")).to_contain_text("Included")
    assert_accessible(page)
