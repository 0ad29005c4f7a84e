"""A draft referral open in two tabs (issue 18 #2): what only one tab changed is kept
from each; a field both changed differently is shown again with both answers and nothing
saved; and "Send referral" from a page drawn before another tab's change saves it but does
not send answers the sender has not seen (`cairn.core.step_guard`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cairn.core.concurrency import Conflict
from cairn.pole.models import Person
from cairn.referrals import services
from cairn.referrals.models import Referral, ReferralStatus

from ..core.tabs import Tab
from .conftest import mash_details

pytestmark = pytest.mark.django_db

ADDRESS_1 = "Tab 1: 2 Example Row, Testtown TE1 1ST"
ADDRESS_2 = "Tab 2: 3 Example Row, Testtown TE1 1ST"
VIEWS_2 = "Tab 2: she says she wants the men to stop messaging her."


def _draft(users: dict[str, Any], child: Person) -> Referral:
    referral = services.referral_start(actor=users["social_worker"], kind="mash", child=child)
    details = {**mash_details(), "recipient_agency": users["mash_screener"].agency_id}
    services.referral_save_draft(actor=users["social_worker"], referral=referral, details=details)
    return referral


def _tabs(users: dict[str, Any], referral: Referral) -> tuple[Tab, Tab]:
    url = reverse("referrals:edit", args=[referral.pk])
    return Tab(users["social_worker"], url), Tab(users["social_worker"], url)


def test_answers_changed_in_two_tabs_keep_both(users: dict[str, Any], child: Person) -> None:
    referral = _draft(users, child)
    tab1, tab2 = _tabs(users, referral)

    assert tab1.send(child_address=ADDRESS_1, action="save").status_code == 302
    assert tab2.send(child_views=VIEWS_2, action="save").status_code == 302

    referral.refresh_from_db()
    assert referral.details["child_address"] == ADDRESS_1
    assert referral.details["child_views"] == VIEWS_2


def test_an_answer_both_tabs_changed_is_shown_again(users: dict[str, Any], child: Person) -> None:
    referral = _draft(users, child)
    tab1, tab2 = _tabs(users, referral)
    assert tab1.send(child_address=ADDRESS_1, action="save").status_code == 302
    referral.refresh_from_db()
    at = timezone.localtime(referral.updated_at)

    response = tab2.send(child_address=ADDRESS_2, child_views=VIEWS_2, action="submit")

    assert response.status_code == 409
    page = response.content.decode()
    assert f'value="{ADDRESS_2}"' in page
    assert f"Changed in another tab or by someone else at {at:%H:%M}: “{ADDRESS_1}”" in page
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT
    assert referral.details["child_address"] == ADDRESS_1
    assert referral.details["child_views"] == mash_details()["child_views"]

    tab2.redraw(response)
    assert tab2.send(action="submit").status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert (referral.details["child_address"], referral.details["child_views"]) == (
        ADDRESS_2,
        VIEWS_2,
    )


def test_send_from_a_stale_page_saves_but_does_not_send(
    users: dict[str, Any], child: Person
) -> None:
    referral = _draft(users, child)
    tab1, tab2 = _tabs(users, referral)
    assert tab1.send(child_address=ADDRESS_1, action="save").status_code == 302

    response = tab2.send(child_views=VIEWS_2, action="submit")

    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:edit", args=[referral.pk])
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT
    assert (referral.details["child_address"], referral.details["child_views"]) == (
        ADDRESS_1,
        VIEWS_2,
    )
    page = tab2.client.get(response["Location"]).content.decode()
    assert "Your answers have been saved, not sent." in page
    # Sent from the page drawn now, it goes.
    assert Tab(users["social_worker"], tab2.url).send(action="submit").status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def test_a_save_after_another_tab_sent_the_draft_is_a_conflict_not_a_refusal(
    users: dict[str, Any], child: Person
) -> None:
    """Seen in CI: the page's save re-reads the draft, which a racing "Send" had just sent;
    the sender was told 403 "only the person who started this draft", not that it was sent."""
    referral = _draft(users, child)
    services.referral_submit(actor=users["social_worker"], referral=referral)
    referral.refresh_from_db()
    with pytest.raises(Conflict, match="already been sent"):
        services.referral_save_draft(
            actor=users["social_worker"], referral=referral, details={"views": VIEWS_2}
        )
    with pytest.raises(PermissionDenied):
        services.referral_save_draft(
            actor=users["mash_screener"], referral=referral, details={"views": VIEWS_2}
        )
