"""Races lost on a subject access request's pages (tester report 10, F1, F2, F9, F11): the
loser is told what happened (409) with nothing saved and what they typed shown back,
never a 500 or "Page not found". Sequential here (a stale page, a second tab); the
simultaneous versions are in test_sar_disclose_race.py (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cairn.accounts.models import User
from cairn.audit.models import AuditEvent
from cairn.intelligence.models import Submission
from cairn.pole.models import Person
from cairn.rights import selectors, services
from cairn.rights.models import (
    AgencyApproval,
    PartTakeover,
    PossibleEntryStatus,
    Redaction,
    SubjectAccessRequest,
)

from . import test_sar_possible_entries as _possible_entries
from . import test_sar_takeover as _takeover
from .test_sar_possible_entries import _client, _possible
from .test_sar_takeover import REASON

# The fixtures of those modules, shared here.
kieran = _possible_entries.kieran
entries = _possible_entries.entries
child = _takeover.child
sar = _takeover.sar


def test_including_an_entry_decided_in_another_tab_is_a_conflict_not_a_500(
    kieran: Person,
    entries: dict[str, Submission],
    police_ig: User,
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    handling = subject_sar(police_ig, kieran)
    possible = _possible(handling, entries["subject"])
    url = reverse("rights:sar-possible", args=[handling.pk, possible.pk])
    client = _client(police_ig)
    assert (
        client.post(url, {"action": "not_them", "reason": "A different man, aged 60"}).status_code
        == 302
    )
    again = client.post(url, {"action": "include"})
    assert again.status_code == 409
    body = again.content.decode()
    assert "Someone else changed this record" in body
    assert "has already been decided: not them" in body
    possible.refresh_from_db()
    assert possible.status == PossibleEntryStatus.NOT_THEM and possible.item_id is None
    assert not handling.items.filter(
        record_type="intelligence", record_id=str(entries["subject"].pk)
    ).exists()


def _version(request: Any) -> str:
    return selectors.bundle_version(request)


def test_a_disclosure_from_a_page_drawn_before_a_redaction_is_refused_keeping_what_was_typed(
    users: dict[str, User], sar: Any, police_ig: User, school_ig: User
) -> None:
    """The handler's own part needs no separate approval, so a colleague's redaction made
    after the page was drawn went out unseen (F2): the disclose form carries the bundle
    as it was shown, and a change since is a conflict (F11: the recipient typed kept)."""
    ig = users["ig_admin"]
    services.sar_approve(actor=police_ig, sar_id=sar.pk, confirmed=True)
    services.sar_approve(actor=school_ig, sar_id=sar.pk, confirmed=True)
    shown = _version(sar)
    person_item = sar.items.get(record_type="person")
    services.sar_redact(
        actor=users["ig_admin"],
        sar_id=sar.pk,
        item_id=person_item.pk,
        phrase="Idris",
        exemption="third_party",
        reason="A colleague's redaction",
    )
    url = reverse("rights:sar-detail", args=[sar.pk])
    typed = {"action": "disclose", "recipient": "Typed Recipient QWERTY", "method": "post"}
    response = _client(ig).post(url, {**typed, "version": shown})
    assert response.status_code == 409
    body = response.content.decode()
    assert "bundle changed after you opened the page" in body
    # Two sentences, not run together (outside tester).
    assert "as it is now, then disclose. Nothing you sent was saved." in body
    assert 'value="Typed Recipient QWERTY"' in body
    sar.refresh_from_db()
    assert sar.status == "review"
    assert not AuditEvent.objects.filter(event="rights.sar_disclosed").exists()
    # Drawn again, the page carries the bundle as it is now: the disclosure goes.
    assert _client(ig).post(url, {**typed, "version": _version(sar)}).status_code == 302
    sar.refresh_from_db()
    assert sar.status == "disclosed"
    # The handler's own part reads as disclosed by it, not as still waiting.
    page = _client(ig).get(url).content.decode()
    assert 'data-testid="handler-part"' in page


def test_a_second_disclose_or_extend_shows_what_was_typed(
    users: dict[str, User], sar: Any, police_ig: User, school_ig: User
) -> None:
    ig = users["ig_admin"]
    url = reverse("rights:sar-detail", args=[sar.pk])
    client = _client(ig)
    assert (
        client.post(
            url, {"action": "extend", "months": "1", "reason": "Complex: many agencies"}
        ).status_code
        == 302
    )
    second = client.post(url, {"action": "extend", "months": "2", "reason": "Typed reason ZXCVB"})
    assert second.status_code == 409
    body = second.content.decode()
    assert "has already been extended" in body and "Typed reason ZXCVB" in body
    services.sar_approve(actor=police_ig, sar_id=sar.pk, confirmed=True)
    services.sar_approve(actor=school_ig, sar_id=sar.pk, confirmed=True)
    services.sar_disclose(actor=ig, sar_id=sar.pk, recipient="First", method="post")
    late = client.post(
        url, {"action": "disclose", "recipient": "Typed Recipient QWERTY", "method": "post"}
    )
    assert late.status_code == 409
    body = late.content.decode()
    assert "has moved on: disclosed" in body and "Typed Recipient QWERTY" in body
    sar.refresh_from_db()
    assert sar.recipient == "First"


def test_a_take_over_lost_to_a_colleague_says_who_and_keeps_the_reason(
    users: dict[str, User], sar: Any, school_ig: User, make_user: Any
) -> None:
    ig = users["ig_admin"]
    colleague = make_user("ig_admin", "trust", username="ig_colleague", first_name="Ada")
    url = reverse("rights:sar-take-over", args=[sar.pk, school_ig.agency_id])
    page = _client(ig).get(url)  # both open the page
    assert page.status_code == 200
    services.sar_take_over(
        actor=colleague, sar_id=sar.pk, agency_id=school_ig.agency_id, reason=REASON
    )
    lost = _client(ig).post(url, {"reason": "My own reason, typed at length here"})
    assert lost.status_code == 409
    body = lost.content.decode()
    assert "already been taken over by Ada" in body
    assert "My own reason, typed at length here</textarea>" in body
    assert PartTakeover.objects.get().taken_by == colleague
    assert not AuditEvent.objects.filter(event="access.refused").exists()
    # Still 404 for those who may never take it over.
    assert _client(school_ig).post(url, {"reason": REASON}).status_code == 404


def test_a_redaction_matches_curly_and_straight_apostrophes(
    users: dict[str, User], sar: Any, school_ig: User
) -> None:
    item = sar.items.get(record_type="person")
    item.text += "\nKnown to the Children's Trust and to \u201cthe team\u201d."
    item.save(update_fields=["text"])
    for phrase in ("Children\u2019s Trust", '"the team"'):
        services.sar_redact(
            actor=users["ig_admin"],
            sar_id=sar.pk,
            item_id=item.pk,
            phrase=phrase,
            exemption="third_party",
            reason="Pasted from a letter",
        )
    spans = sorted((r.start, r.end) for r in Redaction.objects.filter(item=item))
    assert {item.text[s:e] for s, e in spans} == {"Children's Trust", "\u201cthe team\u201d"}
    with pytest.raises(ValidationError, match="not in this record"):
        services.sar_redact(
            actor=users["ig_admin"],
            sar_id=sar.pk,
            item_id=item.pk,
            phrase="Childrens Trust",
            exemption="third_party",
            reason="No apostrophe at all",
        )
    assert not AgencyApproval.objects.filter(sar=sar).exists()
