"""A part taken over is not approved by the takeover (tester report 10, F4): the officer
who took it over approves it, a step of its own, once they have opened each of its
records still going out; nobody else may approve it for them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from cairn.accounts.models import User
from cairn.audit.models import AuditEvent
from cairn.core.concurrency import Conflict
from cairn.rights import services
from cairn.rights.models import AgencyApproval

from . import test_sar_takeover as _takeover
from .test_sar_takeover import REASON, SCHOOL_NOTE, _client

# The fixtures of test_sar_takeover, shared here.
child = _takeover.child
sar = _takeover.sar


def test_a_taken_over_part_waits_for_its_takers_approval_after_its_records_are_opened(
    users: dict[str, User], sar: Any, police_ig: User, school_ig: User, make_user: Any
) -> None:
    ig = users["ig_admin"]
    colleague = make_user("ig_admin", "trust", username="ig_other_trust")
    school = school_ig.agency_id
    services.sar_approve(actor=police_ig, sar_id=sar.pk, confirmed=True)
    services.sar_take_over(actor=ig, sar_id=sar.pk, agency_id=school, reason=REASON)
    # Seconds later, with none of its records opened: not disclosed.
    with pytest.raises(ValidationError) as exc:
        services.sar_disclose(actor=ig, sar_id=sar.pk, recipient="Idris", method="post")
    assert "must open each of its records and then approve it" in str(exc.value)
    url = reverse("rights:sar-detail", args=[sar.pk])
    page = _client(ig).get(url).content.decode()
    assert 'data-testid="approve-taken-over"' in page and 'data-testid="unreviewed"' in page
    # Approving before opening them is refused, naming what is still unopened.
    response = _client(ig).post(url, {"action": "approve", "agency": str(school)})
    assert response.status_code == 200
    assert "Open each of Testshire Academy&#x27;s records" in response.content.decode()
    assert not AgencyApproval.objects.filter(agency_id=school).exists()
    # Nobody else approves it: not a colleague, not the school.
    with pytest.raises(Http404):
        services.sar_approve(actor=colleague, sar_id=sar.pk, agency_id=school)
    with pytest.raises(Conflict):
        services.sar_approve(actor=school_ig, sar_id=sar.pk)
    item = sar.items.get(agency_id=school)
    opened = _client(ig).get(reverse("rights:sar-item", args=[sar.pk, item.pk]))
    assert SCHOOL_NOTE in opened.content.decode()
    assert 'data-testid="unreviewed"' not in _client(ig).get(url).content.decode()
    # Nothing in it redacted or withheld: the taker is shown what it names first, as an
    # agency's own IG is (outside tester 11), and approves it as it is deliberately.
    confirm = _client(ig).post(url, {"action": "approve", "agency": str(school)})
    assert (
        confirm.status_code == 200 and 'data-testid="approve-as-it-is"' in confirm.content.decode()
    )
    assert f'name="agency" value="{school}"' in confirm.content.decode()
    assert not AgencyApproval.objects.filter(agency_id=school).exists()
    confirmed = {"action": "approve", "agency": str(school), "confirmed": "yes"}
    assert _client(ig).post(url, confirmed).status_code == 302
    approval = AgencyApproval.objects.get(agency_id=school)
    assert approval.approved_by == ig
    row = AuditEvent.objects.filter(event="rights.sar_part_approved").latest("pk")
    assert row.details == {"agency": school, "taken_over": True}
    # Approved by the taker, the part stays readable by the handler only.
    assert (
        _client(police_ig).get(reverse("rights:sar-item", args=[sar.pk, item.pk])).status_code
        == 404
    )
    done = services.sar_disclose(actor=ig, sar_id=sar.pk, recipient="Idris", method="post")
    assert done.status == "disclosed"
