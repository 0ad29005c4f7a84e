"""Found by an outside tester: with "Check your answers" open in one tab, the description
changed in another, then submitted from the first: the concern held the other tab's text
with no warning. The check page carries the draft's version; a submit from a page drawn
before the draft changed is refused (nothing submitted, nothing lost) and the page comes
back with the current answers and a message saying so. A second submit of the same page
after a successful one still goes where the first did."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.audit.models import AuditEvent
from cairn.concerns import services
from cairn.concerns.models import Concern, ConcernStatus, IndicatorObservation
from cairn.core.concurrency import DraftChanged
from cairn.pole.models import Person

from .conftest import complete_payload

pytestmark = pytest.mark.django_db

VERSION = re.compile(r'name="version" value="([^"]+)"')
KEY = re.compile(r'name="submit_key" value="([A-Za-z0-9_-]+)"')
FIRST = "Seen getting into a silver car with two older men"
SECOND = "Tab B: seen with an older man at the bus station, given a new phone."


def _draft(users: dict[str, Any], child: Person) -> Concern:
    concern = services.concern_start(actor=users["social_worker"], child=child)
    services.concern_save_draft(
        actor=users["social_worker"], concern=concern, data=complete_payload(child.pk)
    )
    return concern


def _check(concern: Concern) -> str:
    return reverse("concerns:step", args=[concern.pk, "check"])


def _form(page: str) -> dict[str, str]:
    return {"version": VERSION.findall(page)[-1], "submit_key": KEY.findall(page)[-1]}


def test_service_refuses_a_stale_version_and_submits_nothing(
    users: dict[str, Any], child: Person
) -> None:
    concern = _draft(users, child)
    shown = concern.version
    services.concern_save_draft(
        actor=users["social_worker"], concern=concern, data={"narrative": SECOND}
    )
    with pytest.raises(DraftChanged) as caught:
        services.concern_submit(
            actor=users["social_worker"], concern=concern, expected_version=shown
        )
    changed = timezone.localtime(concern.updated_at)
    assert f"(at {changed:%H:%M})" in str(caught.value)
    assert isinstance(caught.value, ValidationError)  # a Conflict: the API answers 409
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.DRAFT
    assert concern.draft["narrative"] == SECOND
    assert not AuditEvent.objects.filter(event="concern.submitted").exists()
    # The version as it is now submits.
    services.concern_submit(
        actor=users["social_worker"], concern=concern, expected_version=concern.version
    )
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.SUBMITTED and concern.narrative == SECOND


def test_saving_the_same_answers_again_does_not_make_the_check_page_stale(
    users: dict[str, Any], child: Person
) -> None:
    """Paging through the steps in another tab without changing anything is not a change."""
    concern = _draft(users, child)
    shown = concern.version
    same = {"narrative": concern.draft["narrative"]}
    services.concern_save_draft(actor=users["social_worker"], concern=concern, data=same)
    concern.refresh_from_db()
    assert concern.version == shown
    services.concern_submit(actor=users["social_worker"], concern=concern, expected_version=shown)
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.SUBMITTED


def test_submit_from_a_check_page_drawn_before_a_change_shows_it_again(
    users: dict[str, Any], child: Person
) -> None:
    concern = _draft(users, child)
    tab_a = Client()
    tab_a.force_login(users["social_worker"])
    page_a = tab_a.get(_check(concern)).content.decode()
    assert FIRST in page_a
    # Tab B changes the description (the save its details step makes).
    services.concern_save_draft(
        actor=users["social_worker"], concern=concern, data={"narrative": SECOND}
    )

    response = tab_a.post(_check(concern), _form(page_a))

    assert response.status_code == 409
    page = response.content.decode()
    concern.refresh_from_db()
    changed = timezone.localtime(concern.updated_at)
    assert (
        f"This draft changed after you opened this page (at {changed:%H:%M}): "
        "check your answers again before you submit"
    ) in page
    # The message is the first thing in the page's content, above the heading.
    assert page.index('data-testid="draft-changed"') < page.index("<h1")
    assert SECOND in page and FIRST not in page  # the answers as they are now
    assert concern.status == ConcernStatus.DRAFT
    assert not IndicatorObservation.objects.filter(concern=concern).exists()

    # Submitting the page as shown now goes through, with tab B's text.
    done = tab_a.post(_check(concern), _form(page))
    assert done.status_code == 302
    assert done["Location"] == reverse("concerns:screening", args=[concern.pk])
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.SUBMITTED and concern.narrative == SECOND


def test_the_same_check_page_sent_twice_after_it_went_through_goes_where_the_first_did(
    users: dict[str, Any], child: Person
) -> None:
    """Idempotency unchanged: the submit itself changes the row (the details it named get
    their record ids), yet the resent page is not told "this draft changed"."""
    concern = _draft(users, child)
    client = Client()
    client.force_login(users["social_worker"])
    form = _form(client.get(_check(concern)).content.decode())
    first = client.post(_check(concern), form)
    again = client.post(_check(concern), form)  # same submit key: replayed
    without_key = client.post(_check(concern), {"version": form["version"]})
    screening = reverse("concerns:screening", args=[concern.pk])
    assert first.status_code == 302 and first["Location"] == screening
    assert again.status_code == 303 and again["Location"] == screening
    assert without_key.status_code == 302 and without_key["Location"] == screening
    assert IndicatorObservation.objects.filter(concern=concern).count() == 2
    assert (
        AuditEvent.objects.filter(event="concern.submitted", object_id=str(concern.pk)).count() == 1
    )


SEEN = re.compile(r'name="seen" value="([^"]*)"')
CHANGED_TAG = 'data-testid="row-changed"'


def test_a_refused_submit_marks_what_changed_since_the_page_was_opened(
    users: dict[str, Any], child: Person
) -> None:
    concern = _draft(users, child)
    client = Client()
    client.force_login(users["social_worker"])
    opened = client.get(_check(concern)).content.decode()
    draft = concern.draft
    # Tab B: a new description, the first sign's evidence, and a crime reference.
    signs = [{**draft["indicators"][0], "evidence": "Tab B: seen twice"}, draft["indicators"][1]]
    services.concern_save_draft(
        actor=users["social_worker"],
        concern=concern,
        data={"narrative": SECOND, "indicators": signs, "crime_reference": "NM/2026/77"},
    )

    response = client.post(_check(concern), {**_form(opened), "seen": SEEN.findall(opened)[-1]})

    assert response.status_code == 409
    page = response.content.decode()
    summary = page[page.index('data-testid="changed-summary"') :][:400]
    assert "Changed since you opened this page: What you saw or were told, " in summary
    assert "Crime reference." in summary
    assert page.count(CHANGED_TAG) == 3
    assert CHANGED_TAG in page[page.index('data-row="signs.getting_into_cars"') :][:600]
    assert CHANGED_TAG not in page[page.index('data-row="signs.unexplained_items"') :][:600]
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.DRAFT
