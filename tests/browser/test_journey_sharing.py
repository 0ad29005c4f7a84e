"""IG keeps the register of information-sharing agreements in a real browser (issue 16,
item 5): Tools, the register, an agreement added after a refused first try (nothing typed
lost), then disclosures by lawful basis. axe and the 320 px check on each page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.sharing.models import SharingAgreement

from .test_journey_concern import fill_date


def test_ig_adds_an_agreement_and_reads_disclosures_by_basis(
    page: Any,
    users: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    login_as(page, users["ig_admin"])
    page.get_by_role("link", name="Tools").click()
    page.get_by_role("link", name="Information-sharing agreements").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Information-sharing agreements")
    assert_accessible(page)

    page.get_by_role("link", name="Add an agreement").click()
    page.get_by_label("Title").fill("Testshire missing children protocol")
    page.get_by_role("button", name="Add the agreement").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Testshire missing children protocol")
    assert_accessible(page)

    page.get_by_label("Testshire Police").check()
    page.get_by_label("Testshire Children's Trust").check()
    page.get_by_role("textbox", name="Purposes").fill(
        "Finding missing children and keeping them safe."
    )
    page.get_by_label("Children Act 2004 s.11 (duty to safeguard and promote welfare)").check()
    today = dt.date.today()
    fill_date(page, "Start date", today)
    fill_date(page, "Review date", today + dt.timedelta(days=20))
    page.get_by_role("button", name="Add the agreement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Information-sharing agreements")
    expect(page.get_by_test_id("isa-register")).to_contain_text(
        "Testshire missing children protocol"
    )
    expect(page.get_by_test_id("isa-due")).to_be_visible()  # due for review within 60 days
    assert_accessible(page)
    agreement = SharingAgreement.objects.get(title="Testshire missing children protocol")
    assert set(agreement.parties.values_list("name", flat=True)) == {
        "Testshire Police",
        "Testshire Children's Trust",
    }

    page.get_by_role("link", name="Tools").click()
    page.get_by_role("link", name="Disclosures by lawful basis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Disclosures by lawful basis")
    assert_accessible(page)
