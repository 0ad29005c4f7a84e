"""A requester with no person record (tester report 10, F3): intelligence naming them in
words only is still searched, under the names they gave, and offered to police IG to
decide, so "nothing held" is never the answer while police intelligence names them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import User
from cairn.audit.models import AuditEvent
from cairn.intelligence import services as intel
from cairn.rights import services
from cairn.rights.models import SubjectAccessRequest

from ..intelligence.conftest import intel_data
from .test_sar_possible_entries import _client


def _log(ig: User) -> SubjectAccessRequest:
    return services.sar_log(
        actor=ig,
        requester="Quentin Norecordson",
        requester_kind="subject",
        authority_checked=True,
        given_name="Quentin",
        family_name="Norecordson",
        date_of_birth=None,
        other_names="",
        received_on=timezone.localdate(),
    )


@pytest.fixture
def entry(users: dict[str, User]) -> Any:
    return intel.submission_create(
        actor=users["fib_officer"],
        data=intel_data(subject_description="Quentin Norecordson, about 25", mentions=[]),
    )


def test_with_no_record_police_ig_is_offered_the_entries_naming_them(
    entry: Any, police_ig: User
) -> None:
    sar = _log(police_ig)
    url = reverse("rights:sar-detail", args=[sar.pk])
    page = _client(police_ig).get(url).content.decode()
    assert 'data-testid="no-matches"' in page and 'data-testid="confirm-none"' in page
    response = _client(police_ig).post(url, {"action": "confirm_none"})
    assert response.status_code == 302
    sar.refresh_from_db()
    assert sar.status == "review" and not sar.people.exists() and not sar.items.exists()
    offered = sar.possible_entries.get()
    assert offered.submission_id == entry.pk
    assert offered.subject_text == "Quentin Norecordson, about 25"
    page = _client(police_ig).get(url).content.decode()
    assert "Possible entries about them, not linked to their record" in page
    assert "<mark>Quentin Norecordson</mark>, about 25" in page
    row = AuditEvent.objects.get(event="rights.sar_records_confirmed")
    assert row.subject_id is None and row.details["possible_entries"] == 1
    # Nothing is disclosed ("nothing held") until it is decided.
    with pytest.raises(ValidationError, match="still to be decided"):
        services.sar_disclose(actor=police_ig, sar_id=sar.pk, recipient="Q", method="post")
    services.sar_possible_decide(
        actor=police_ig, sar_id=sar.pk, entry_id=offered.pk, decision="include"
    )
    assert sar.items.get().record_id == str(entry.pk)


def test_no_record_cannot_be_said_with_records_selected(
    users: dict[str, User], police_ig: User, make_person: Any
) -> None:
    person = make_person(given_name="Quentin", family_name="Norecordson")
    sar = _log(police_ig)
    with pytest.raises(ValidationError, match="choose one or the other"):
        services.sar_confirm(actor=police_ig, sar_id=sar.pk, person_ids=[person.pk], none=True)
    with pytest.raises(ValidationError, match="Select the records"):
        services.sar_confirm(actor=police_ig, sar_id=sar.pk, person_ids=[])


def test_a_partners_request_with_no_record_searches_no_intelligence(
    entry: Any, users: dict[str, User], school_ig: User
) -> None:
    ig = users["ig_admin"]
    sar = _log(ig)
    url = reverse("rights:sar-detail", args=[sar.pk])
    assert _client(ig).post(url, {"action": "confirm_none"}).status_code == 302
    sar.refresh_from_db()
    assert sar.status == "review" and not sar.possible_entries.exists()
    # Only the handling IG may say so: another agency's IG cannot see the request.
    assert _client(school_ig).post(url, {"action": "confirm_none"}).status_code == 404
    # Nothing held: disclosed as such, and its PDF made.
    services.sar_disclose(actor=ig, sar_id=sar.pk, recipient="Quentin", method="post")
    pdf = _client(ig).get(reverse("rights:sar-pdf", args=[sar.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
