"""Found by an outside tester: "Check before submitting" open in one tab, the entry
changed in another, then submitted from the first: the FIB got the other tab's text with
no warning. The check page carries the draft's version; a submit from a page drawn before
a change sends nothing and shows the page again, as the entry is now, saying so."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cairn.audit.models import AuditEvent
from cairn.core.concurrency import DraftChanged
from cairn.intelligence import services
from cairn.intelligence.models import Status, Submission

from .conftest import intel_data

pytestmark = pytest.mark.django_db

VERSION = re.compile(r'name="version" value="([^"]+)"')
KEY = re.compile(r'name="submit_key" value="([A-Za-z0-9_-]+)"')
SECOND = "Tab B: a white van, not a grey Corsa, collected Skye from the school gates."


def _draft(partner: Any) -> Submission:
    draft = services.submission_start(actor=partner)
    answers = intel_data(mentions=[], anyone_in_danger="no", crime_described="no")
    services.submission_save_draft(actor=partner, submission=draft, data=answers)
    return draft


def _form(page: str) -> dict[str, str]:
    return {"version": VERSION.findall(page)[-1], "submit_key": KEY.findall(page)[-1]}


def test_service_refuses_a_stale_version(partner: Any) -> None:
    draft = _draft(partner)
    shown = draft.version
    services.submission_save_draft(actor=partner, submission=draft, data={"what": SECOND})
    with pytest.raises(DraftChanged):
        services.submission_submit(actor=partner, submission=draft, expected_version=shown)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not AuditEvent.objects.filter(event="intel.submitted").exists()
    # The same answers saved again (going back through the form) are no change.
    services.submission_save_draft(actor=partner, submission=draft, data={"what": SECOND})
    draft.refresh_from_db()
    current = draft.version
    services.submission_save_draft(actor=partner, submission=draft, data={"what": SECOND})
    draft.refresh_from_db()
    assert draft.version == current
    services.submission_submit(actor=partner, submission=draft, expected_version=current)
    draft.refresh_from_db()
    assert draft.status == Status.NEW and draft.what == SECOND


def test_submit_from_a_check_page_drawn_before_a_change_shows_it_again(partner: Any) -> None:
    draft = _draft(partner)
    tab_a = Client()
    tab_a.force_login(partner)
    url = f"/intelligence/{draft.pk}/check/"
    page_a = tab_a.get(url).content.decode()
    assert "grey Vauxhall Corsa" in page_a
    services.submission_save_draft(actor=partner, submission=draft, data={"what": SECOND})

    response = tab_a.post(url, _form(page_a))

    assert response.status_code == 409
    page = response.content.decode()
    draft.refresh_from_db()
    changed = timezone.localtime(draft.updated_at)
    assert (
        f"This draft changed after you opened this page (at {changed:%H:%M}): "
        "check your answers again before you submit"
    ) in page
    assert page.index('data-testid="draft-changed"') < page.index("<h1")
    assert SECOND in page and "grey Vauxhall Corsa" not in page
    assert draft.status == Status.DRAFT

    done = tab_a.post(url, _form(page))
    assert done.status_code == 302 and done["Location"] == f"/intelligence/{draft.pk}/"
    draft.refresh_from_db()
    assert draft.status == Status.NEW and draft.what == SECOND


def test_the_same_check_page_sent_twice_goes_where_the_first_did(partner: Any) -> None:
    draft = _draft(partner)
    client = Client()
    client.force_login(partner)
    url = f"/intelligence/{draft.pk}/check/"
    form = _form(client.get(url).content.decode())
    first = client.post(url, form)
    again = client.post(url, form)
    without_key = client.post(url, {"version": form["version"]})
    assert first.status_code == 302 and first["Location"] == f"/intelligence/{draft.pk}/"
    assert again.status_code == 303 and again["Location"] == first["Location"]
    assert without_key.status_code == 302 and without_key["Location"] == first["Location"]
    assert AuditEvent.objects.filter(event="intel.submitted").count() == 1


def test_a_change_that_left_an_answer_missing_says_so_too(partner: Any) -> None:
    """The other tab emptied an answer the entry cannot be sent without: the page says the
    draft changed and links to what is now missing; nothing is sent."""
    draft = _draft(partner)
    client = Client()
    client.force_login(partner)
    url = f"/intelligence/{draft.pk}/check/"
    form = _form(client.get(url).content.decode())
    services.submission_save_draft(actor=partner, submission=draft, data={"where": ""})

    response = client.post(url, form)

    assert response.status_code == 409
    page = response.content.decode()
    assert 'data-testid="draft-changed"' in page
    assert f'href="/intelligence/{draft.pk}/edit/?check=1#id_where"' in page
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


SEEN = re.compile(r'name="seen" value="([^"]*)"')
CHANGED_TAG = 'data-testid="row-changed"'


def _row(page: str, key: str) -> str:
    start = page.index(f'data-row="{key}"')
    return page[start : page.index("</div>", start)]


def test_a_refused_submit_marks_what_changed_since_the_page_was_opened(partner: Any) -> None:
    """The outside tester's case: the other tab changed only "Anything else" and the
    source's name. Both are on the check page, and the page shown again marks them."""
    draft = _draft(partner)
    client = Client()
    client.force_login(partner)
    url = f"/intelligence/{draft.pk}/check/"
    opened = client.get(url).content.decode()
    assert "Petra Sourceperson" in opened and CHANGED_TAG not in opened
    services.submission_save_draft(
        actor=partner,
        submission=draft,
        data={"further_information": "TAB2 ONLY: he gave one girl a phone.", "name": "Ann Other"},
    )

    response = client.post(url, {**_form(opened), "seen": SEEN.findall(opened)[-1]})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Changed since you opened this page: Source&#x27;s name, Anything else." in page, page[
        page.index("draft-changed") : page.index("draft-changed") + 1500
    ]
    assert page.count(CHANGED_TAG) == 2
    assert CHANGED_TAG in _row(page, "more.further_information")
    assert CHANGED_TAG in _row(page, "source.name")
    assert CHANGED_TAG not in _row(page, "entry.what")
    assert "TAB2 ONLY: he gave one girl a phone." in page and "Ann Other" in page
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT

    # Submitted from the page that showed the change, it goes.
    done = client.post(url, {**_form(page), "seen": SEEN.findall(page)[-1]})
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.NEW
    assert draft.further_information == "TAB2 ONLY: he gave one girl a phone."


def test_a_removed_detail_and_a_form_without_digests_are_told_plainly(partner: Any) -> None:
    draft = _draft(partner)
    services.submission_save_draft(
        actor=partner, submission=draft, data={"mentions": intel_data()["mentions"]}
    )
    client = Client()
    client.force_login(partner)
    url = f"/intelligence/{draft.pk}/check/"
    opened = client.get(url).content.decode()
    services.submission_save_draft(
        actor=partner,
        submission=draft,
        data={"mentions": [{"kind": "vehicle", "registration": "NM12 XYZ"}]},
    )
    seen = SEEN.findall(opened)[-1]
    page = client.post(url, {**_form(opened), "seen": seen}).content.decode()
    # The vehicle kept its place but lost its make and colour; the phone is gone.
    summary = page[page.index("changed-summary") : page.index("changed-summary") + 300]
    assert "Vehicle, People, vehicles, phones, accounts and places: 1 removed." in page, summary

    # A page from before the digests (or anything that is not ours): no marks, no error.
    for posted in ({}, {"seen": "nonsense"}, {"seen": ":" * 30_000}, {"seen": "a:b,,c"}):
        response = client.post(url, {**_form(opened), **posted})
        assert response.status_code == 409
        assert CHANGED_TAG not in response.content.decode()
        assert 'data-testid="changed-summary"' not in response.content.decode()
