"""Found by an outside tester (issue 18 #2): the same FIB draft's details page open in two
tabs; tab 1 changed "Where" and saved, tab 2 changed "Anything else" and saved. Both said
"Your draft has been saved." and the draft kept the old "Where". Each page now carries
what it showed (`cairn.core.step_guard`): what only one tab changed is kept from each,
and a field both changed differently is shown again to choose, with nothing saved."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from cairn.core.concurrency import Conflict
from cairn.intelligence import services
from cairn.intelligence.models import Submission

from ..core.tabs import Tab
from .conftest import intel_data

pytestmark = pytest.mark.django_db

WHERE_1 = "Tab 1: the car park behind Testshire Academy"
WHERE_2 = "Tab 2: the bus station on Example Road"
MORE_2 = "Tab 2: her brother saw the car on Friday too."


def _draft(partner: Any) -> Submission:
    draft = services.submission_start(actor=partner)
    answers = intel_data(mentions=[], anyone_in_danger="no", crime_described="no")
    services.submission_save_draft(actor=partner, submission=draft, data=answers)
    return draft


def _tabs(partner: Any, draft: Submission, page: str = "edit") -> tuple[Tab, Tab]:
    url = f"/intelligence/{draft.pk}/{page}/"
    return Tab(partner, url), Tab(partner, url)


def test_what_each_tab_changed_is_kept(partner: Any) -> None:
    draft = _draft(partner)
    tab1, tab2 = _tabs(partner, draft)

    first = tab1.send(where=WHERE_1, action="save")
    draft.refresh_from_db()
    at = timezone.localtime(draft.updated_at)
    second = tab2.send(further_information=MORE_2, action="save")

    assert first.status_code == second.status_code == 302
    draft.refresh_from_db()
    assert draft.where == WHERE_1
    assert draft.further_information == MORE_2
    # Tab 2 is told that what it did not write was kept as changed elsewhere.
    page = tab2.client.get(second["Location"]).content.decode()
    assert (
        "Your draft has been saved. It had also been changed in another tab or by someone "
        f"else at {at:%H:%M}: those changes are kept (“Where?”)."
    ) in page


def test_a_field_both_tabs_changed_is_shown_again_and_nothing_saved(partner: Any) -> None:
    draft = _draft(partner)
    tab1, tab2 = _tabs(partner, draft)
    assert tab1.send(where=WHERE_1, action="save").status_code == 302
    draft.refresh_from_db()
    at = timezone.localtime(draft.updated_at)

    response = tab2.send(where=WHERE_2, further_information=MORE_2, action="save")

    assert response.status_code == 409
    page = response.content.decode()
    # What tab 2 typed is in the boxes; what tab 1 wrote is shown beside "Where".
    assert f'value="{WHERE_2}"' in page
    assert MORE_2 in page
    assert f"Changed in another tab or by someone else at {at:%H:%M}: “{WHERE_1}”" in page
    assert 'class="govuk-error-summary' in page
    draft.refresh_from_db()
    assert (draft.where, draft.further_information) == (WHERE_1, "")

    # Saving again from that page keeps what is in the box: the user chose.
    tab2.redraw(response)
    assert tab2.send(action="save").status_code == 302
    draft.refresh_from_db()
    assert (draft.where, draft.further_information) == (WHERE_2, MORE_2)


def test_a_conflict_kept_from_elsewhere_shows_the_other_tabs_answer(partner: Any) -> None:
    """A field tab 2 did not touch but tab 1 changed is shown as tab 1 left it on the
    conflict page (not the stale value tab 2 had), so saving again cannot undo it."""
    draft = _draft(partner)
    tab1, tab2 = _tabs(partner, draft)
    assert (
        tab1.send(where=WHERE_1, what="Tab 1 rewrote what was seen.", action="save").status_code
        == 302
    )

    response = tab2.send(where=WHERE_2, action="save")

    assert response.status_code == 409
    tab2.redraw(response)
    assert tab2.form["what"] == "Tab 1 rewrote what was seen."
    assert tab2.send(action="save").status_code == 302
    draft.refresh_from_db()
    assert (draft.where, draft.what) == (WHERE_2, "Tab 1 rewrote what was seen.")


def test_the_same_change_in_both_tabs_is_no_conflict(partner: Any) -> None:
    draft = _draft(partner)
    tab1, tab2 = _tabs(partner, draft)
    assert tab1.send(where=WHERE_1, action="save").status_code == 302
    assert tab2.send(where=WHERE_1, action="save").status_code == 302
    draft.refresh_from_db()
    assert draft.where == WHERE_1


def test_check_before_submitting_from_a_stale_tab_merges_then_checks(partner: Any) -> None:
    draft = _draft(partner)
    tab1, tab2 = _tabs(partner, draft)
    assert tab1.send(where=WHERE_1, action="save").status_code == 302

    response = tab2.send(further_information=MORE_2, action="check")

    assert response.status_code == 302
    assert response["Location"] == f"/intelligence/{draft.pk}/check/"
    draft.refresh_from_db()
    assert (draft.where, draft.further_information) == (WHERE_1, MORE_2)


def test_the_two_questions_from_two_tabs(partner: Any) -> None:
    draft = services.submission_start(actor=partner)
    tab1, tab2 = _tabs(partner, draft, "questions")
    assert tab1.send(anyone_in_danger="no", crime_described="yes").status_code == 302

    response = tab2.send(anyone_in_danger="no", crime_described="no")

    assert response.status_code == 409
    assert "Changed in another tab or by someone else" in response.content.decode()
    assert "“Yes”" in response.content.decode()
    draft.refresh_from_db()
    assert draft.crime_described == "yes"


def test_a_page_drawn_before_this_saves_as_before(partner: Any) -> None:
    """A form without what it showed (drawn before this existed) replaces the draft's
    answers with its own, as it always did."""
    draft = _draft(partner)
    tab1, tab2 = _tabs(partner, draft)
    assert tab1.send(where=WHERE_1, action="save").status_code == 302
    old = {k: v for k, v in tab2.form.items() if k not in ("version", "fields_seen")}
    assert tab2.client.post(tab2.url, {**old, "action": "save"}).status_code == 302
    draft.refresh_from_db()
    assert draft.where == intel_data()["where"]


@pytest.mark.parametrize(
    "seen", ["", "not json", "[1, 2]", '{"where": 3}', "{" * 30_000, '{"where": "x"}']
)
def test_what_the_page_showed_made_up_is_no_error(partner: Any, seen: str) -> None:
    draft = _draft(partner)
    tab1, tab2 = _tabs(partner, draft)
    assert tab1.send(where=WHERE_1, action="save").status_code == 302
    response = tab2.send(fields_seen=seen, further_information=MORE_2, action="save")
    assert response.status_code in (302, 409)


def test_the_page_carries_a_digest_per_field_not_the_answers(partner: Any) -> None:
    draft = _draft(partner)
    tab = Tab(partner, f"/intelligence/{draft.pk}/edit/")
    assert "Testshire Academy" not in tab.form["fields_seen"]
    assert re.fullmatch(r'\{("[a-z_]+":"[0-9a-f]{16}",?)+\}', tab.form["fields_seen"])
    assert tab.form["version"] == draft.version


def _remove_buttons(page: str) -> list[str]:
    return re.findall(r'name="remove" value="([^"]+)"', page)


def test_removing_a_detail_from_a_stale_tab_removes_that_one(partner: Any) -> None:
    """Both tabs show a vehicle then a phone. Tab 1 removes the vehicle; tab 2 (not
    reloaded) removes the phone, second in its list: the phone goes, not whatever is
    second now; and removing the vehicle again removes nothing more."""
    draft = services.submission_start(actor=partner)
    services.submission_save_draft(actor=partner, submission=draft, data=intel_data())
    tab1, tab2 = _tabs(partner, draft)
    page = tab1.client.get(tab1.url).content.decode()
    vehicle, phone = _remove_buttons(page)

    assert tab1.client.post(tab1.url, {"remove": vehicle}).status_code == 302
    assert tab2.client.post(tab2.url, {"remove": phone}).status_code == 302
    draft.refresh_from_db()
    assert draft.mentions == []

    services.submission_save_draft(actor=partner, submission=draft, data=intel_data())
    assert tab1.client.post(tab1.url, {"remove": phone}).status_code == 302
    response = tab2.client.post(tab2.url, {"remove": phone}, follow=True)
    assert "That detail had already been removed." in response.content.decode()
    draft.refresh_from_db()
    assert [m["kind"] for m in draft.mentions] == ["vehicle"]


def test_a_save_after_another_tab_sent_the_draft_is_a_conflict_not_a_refusal(
    partner: Any,
) -> None:
    draft = _draft(partner)
    services.submission_submit(actor=partner, submission=draft, no_danger_now=True)
    draft.refresh_from_db()
    with pytest.raises(Conflict, match="already been sent"):
        services.submission_save_draft(actor=partner, submission=draft, data={"where": WHERE_2})
