"""A concern's step pages open in two tabs (issue 18 #2): what only one tab changed is
kept from each; a field both changed differently is shown again with both answers and
nothing saved (`cairn.core.step_guard`)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cairn.concerns import services
from cairn.concerns.models import Concern
from cairn.core.concurrency import Conflict
from cairn.pole.models import Person

from ..core.tabs import Tab
from .conftest import complete_payload

pytestmark = pytest.mark.django_db

NARRATIVE_1 = "Tab 1: seen getting into a silver car with two older men near the park."
NARRATIVE_2 = "Tab 2: seen at the bus station with an older man, given a new phone."
WHERE_2 = "Tab 2: the bus station"


def _draft(users: dict[str, Any], child: Person) -> Concern:
    concern = services.concern_start(actor=users["social_worker"], child=child)
    services.concern_save_draft(
        actor=users["social_worker"], concern=concern, data=complete_payload(child.pk)
    )
    return concern


def _tabs(users: dict[str, Any], concern: Concern, step: str) -> tuple[Tab, Tab]:
    url = reverse("concerns:step", args=[concern.pk, step])
    return Tab(users["social_worker"], url), Tab(users["social_worker"], url)


def test_details_changed_in_two_tabs_keep_both(users: dict[str, Any], child: Person) -> None:
    concern = _draft(users, child)
    tab1, tab2 = _tabs(users, concern, "details")

    assert tab1.send(narrative=NARRATIVE_1).status_code == 302
    second = tab2.send(observed_where=WHERE_2)
    assert second.status_code == 302

    concern.refresh_from_db()
    assert concern.draft["narrative"] == NARRATIVE_1
    assert concern.draft["observed_where"] == WHERE_2
    page = tab2.client.get(second["Location"]).content.decode()
    assert "Your answers have been saved. It had also been changed in another tab" in page
    assert "(“What did you see or were you told?”)" in page


def test_details_both_tabs_changed_are_shown_again(users: dict[str, Any], child: Person) -> None:
    concern = _draft(users, child)
    tab1, tab2 = _tabs(users, concern, "details")
    assert tab1.send(narrative=NARRATIVE_1).status_code == 302
    concern.refresh_from_db()
    at = timezone.localtime(concern.updated_at)

    response = tab2.send(narrative=NARRATIVE_2, observed_where=WHERE_2)

    assert response.status_code == 409
    page = response.content.decode()
    assert NARRATIVE_2 in page  # what tab 2 typed, in the box
    assert f"Changed in another tab or by someone else at {at:%H:%M}: “{NARRATIVE_1}”" in page
    concern.refresh_from_db()
    assert concern.draft["narrative"] == NARRATIVE_1
    assert concern.draft["observed_where"] == complete_payload(child.pk)["observed_where"]

    tab2.redraw(response)
    assert tab2.send().status_code == 302
    concern.refresh_from_db()
    assert (concern.draft["narrative"], concern.draft["observed_where"]) == (NARRATIVE_2, WHERE_2)


def test_a_date_both_tabs_changed(users: dict[str, Any], child: Person) -> None:
    """A date is three boxes: compared as one answer, shown in words."""
    concern = _draft(users, child)
    tab1, tab2 = _tabs(users, concern, "details")
    day = timezone.localdate() - timezone.timedelta(days=5)
    other = timezone.localdate() - timezone.timedelta(days=6)
    assert (
        tab1.send(
            observed_on_day=str(day.day),
            observed_on_month=str(day.month),
            observed_on_year=str(day.year),
        ).status_code
        == 302
    )

    response = tab2.send(
        observed_on_day=str(other.day),
        observed_on_month=str(other.month),
        observed_on_year=str(other.year),
    )

    assert response.status_code == 409
    assert f"someone else at {timezone.localtime():%H}" in response.content.decode()
    assert f"{day.day} {day:%B %Y}" in response.content.decode()


def test_signs_chosen_in_two_tabs(users: dict[str, Any], child: Person) -> None:
    """The signs step: a group of boxes ticked in one tab and another group in the other
    both stay ticked."""
    concern = _draft(users, child)
    tab1, tab2 = _tabs(users, concern, "indicators")
    assert tab1.send(ind_online=["online_gifts"]).status_code == 302
    assert tab2.send(ind_vulnerability=["learning_disability"]).status_code == 302

    concern.refresh_from_db()
    codes = set(concern.draft["indicator_codes"])
    assert {"online_gifts", "learning_disability", "getting_into_cars"} <= codes


def test_sign_evidence_both_tabs_changed(users: dict[str, Any], child: Person) -> None:
    concern = _draft(users, child)
    services.concern_save_draft(
        actor=users["social_worker"],
        concern=concern,
        data={"indicator_codes": ["getting_into_cars", "unexplained_items"]},
    )
    tab1, tab2 = _tabs(users, concern, "indicator-details")
    assert tab1.send(evidence_getting_into_cars="Tab 1: seen twice").status_code == 302
    assert tab2.send(evidence_unexplained_items="Tab 2: an iPhone").status_code == 302
    concern.refresh_from_db()
    evidence = {i["code"]: i["evidence"] for i in concern.draft["indicators"]}
    assert evidence == {
        "getting_into_cars": "Tab 1: seen twice",
        "unexplained_items": "Tab 2: an iPhone",
    }

    tab4, tab5 = _tabs(users, concern, "indicator-details")
    assert tab4.send(evidence_getting_into_cars="Tab 4").status_code == 302
    response = tab5.send(evidence_getting_into_cars="Tab 5")
    assert response.status_code == 409
    assert "“Tab 4”" in response.content.decode()
    tab5.redraw(response)
    assert tab5.send().status_code == 302
    concern.refresh_from_db()
    assert concern.draft["indicators"][0]["evidence"] == "Tab 5"


def test_a_step_shown_again_with_an_error_still_knows_what_it_was_drawn_from(
    users: dict[str, Any], child: Person
) -> None:
    """A step posted with an error comes back with what was typed; the page still carries
    what the first page showed, so a change made elsewhere meanwhile is not undone."""
    concern = _draft(users, child)
    tab1, tab2 = _tabs(users, concern, "details")
    shown_again = tab2.send(narrative="", observed_where=WHERE_2)
    assert shown_again.status_code == 200
    assert "govuk-error-summary" in shown_again.content.decode()
    tab2.redraw(shown_again)
    assert tab1.send(narrative=NARRATIVE_1).status_code == 302

    response = tab2.send(narrative=NARRATIVE_2)

    assert response.status_code == 409
    concern.refresh_from_db()
    assert concern.draft["narrative"] == NARRATIVE_1


def test_removing_a_detail_from_a_stale_tab_removes_that_one(
    users: dict[str, Any], child: Person
) -> None:
    concern = _draft(users, child)
    url = reverse("concerns:step", args=[concern.pk, "mentions"])
    # The mentions page has no step form, only Remove buttons: one client, one page.
    tab = Tab(users["social_worker"], reverse("concerns:step", args=[concern.pk, "details"]))
    page = tab.client.get(url).content.decode()
    buttons = re.findall(r'name="remove" value="([^"]+)"', page)
    kinds = [m["kind"] for m in concern.draft["mentions"]]
    assert len(buttons) == len(kinds) >= 2

    assert tab.client.post(url, {"remove": buttons[0]}).status_code == 302
    assert tab.client.post(url, {"remove": buttons[1]}).status_code == 302  # the stale page

    concern.refresh_from_db()
    assert [m["kind"] for m in concern.draft["mentions"]] == kinds[2:]


def test_a_save_after_another_tab_submitted_the_draft_is_a_conflict_not_a_refusal(
    users: dict[str, Any], child: Person
) -> None:
    concern = _draft(users, child)
    services.concern_submit(actor=users["social_worker"], concern=concern, no_danger_now=True)
    concern.refresh_from_db()
    with pytest.raises(Conflict, match="already been submitted"):
        services.concern_save_draft(
            actor=users["social_worker"], concern=concern, data={"narrative": NARRATIVE_2}
        )
