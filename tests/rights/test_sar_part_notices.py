"""What the holding agency's IG hears when the handler changes its part (tester report 1,
F5): an approval reset by a change (undoing a withholding, a withholding, a redaction)
gives that agency's IG an inbox item asking it to approve again, answered when it does;
withholdings of its records make one unread item listing them, not one item each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cairn.accounts.models import User
from cairn.audit.models import AuditEvent
from cairn.concerns.models import Concern, ConcernStatus
from cairn.missing.models import MissingEpisode
from cairn.notifications.models import Notification
from cairn.pole.models import Person
from cairn.rights import services
from cairn.rights.models import AgencyApproval, BundleItem, SubjectAccessRequest

pytestmark = pytest.mark.django_db

RESET = "approval was reset"


@pytest.fixture
def sar(
    users: dict[str, User],
    agencies: dict[str, Any],
    make_person: Callable[..., Person],
    police_ig: User,
    school_ig: User,
    subject_sar: Callable[..., SubjectAccessRequest],
) -> SubjectAccessRequest:
    """The Trust's request; the police hold two missing episodes, the school a concern."""
    child = make_person(
        given_name="Ottilie", family_name="Resetexample", date_of_birth=dt.date(2012, 1, 5)
    )
    for days in (3, 9):
        MissingEpisode.objects.create(
            child=child,
            owning_agency=agencies["police"],
            recorded_by=users["fib_officer"],
            reported_at=timezone.now() - dt.timedelta(days=days),
            circumstances="Found at a flat on Mill Road",
        )
    Concern.objects.create(
        child=child,
        status=ConcernStatus.SUBMITTED,
        reporter=users["social_worker"],
        reporter_agency=agencies["school"],
        narrative="Late to school again",
    )
    ig = users["ig_admin"]
    return subject_sar(ig, child)


def _episodes(sar: SubjectAccessRequest) -> list[BundleItem]:
    return list(sar.items.filter(record_type="missing_episode").order_by("position"))


def _withhold(user: User, sar: SubjectAccessRequest, item: BundleItem) -> None:
    services.sar_withhold(
        actor=user,
        sar_id=sar.pk,
        item_id=item.pk,
        exemption="third_party",
        reason="Names the neighbour",
    )


def _unread(user: User, sar: SubjectAccessRequest, contains: str) -> list[Notification]:
    return list(
        Notification.objects.filter(
            recipient=user, object_id=str(sar.pk), read_at__isnull=True, title__contains=contains
        )
    )


def test_undoing_a_withholding_after_approval_asks_the_agency_to_approve_again(
    users: dict[str, User], sar: SubjectAccessRequest, police_ig: User, school_ig: User
) -> None:
    ig = users["ig_admin"]
    first, second = _episodes(sar)
    _withhold(ig, sar, first)
    _withhold(ig, sar, second)
    # One item for both withholdings, listing them (it was one item each).
    [withheld] = _unread(police_ig, sar, "withheld")
    assert "withheld 2 records of your part" in withheld.title
    assert f"missing episode {first.record_id}" in withheld.body
    assert f"missing episode {second.record_id}" in withheld.body
    assert withheld.url.endswith(f"/access/{sar.pk}/")

    services.sar_approve(actor=police_ig, sar_id=sar.pk, confirmed=True)
    assert not _unread(police_ig, sar, "approve")  # answered by the approval
    # The handler reads the approved part, and undoes its own withholding of one record.
    services.sar_unwithhold(
        actor=ig, sar_id=sar.pk, item_id=first.pk, reason="The neighbour is not named after all"
    )
    assert not AgencyApproval.objects.filter(sar=sar, agency__name="Testshire Police").exists()
    [reset] = _unread(police_ig, sar, RESET)
    assert "please approve again" in reset.title
    assert "Testshire Children's Trust's information governance undid the withholding of" in (
        reset.body
    )
    assert f"missing episode {first.record_id} of your part" in reset.body
    assert reset.url.endswith(f"/access/{sar.pk}/")
    row = AuditEvent.objects.get(event="rights.sar_withholding_undone")
    assert row.details["approval_voided"] is True
    # Nobody else is told: not the school's IG, not the handler itself.
    assert not _unread(school_ig, sar, RESET) and not _unread(ig, sar, RESET)
    # Approving again answers it.
    services.sar_approve(actor=police_ig, sar_id=sar.pk, confirmed=True)
    assert not _unread(police_ig, sar, RESET)


def test_a_withholding_or_redaction_after_approval_says_the_approval_was_reset(
    users: dict[str, User], sar: SubjectAccessRequest, police_ig: User, school_ig: User
) -> None:
    ig = users["ig_admin"]
    first, second = _episodes(sar)
    services.sar_approve(actor=police_ig, sar_id=sar.pk, confirmed=True)
    _withhold(ig, sar, first)
    [reset] = _unread(police_ig, sar, RESET)
    assert "withheld missing episode" in reset.body
    services.sar_approve(actor=police_ig, sar_id=sar.pk, confirmed=True)
    services.sar_redact(
        actor=ig,
        sar_id=sar.pk,
        item_id=second.pk,
        phrase="Mill Road",
        exemption="third_party",
        reason="Where the neighbour lives",
    )
    [reset] = _unread(police_ig, sar, RESET)
    assert "redacted words in missing episode" in reset.body
    # A change before any approval resets nothing: the school is asked once, as before.
    concern = sar.items.get(record_type="concern")
    _withhold(ig, sar, concern)
    assert not _unread(school_ig, sar, RESET)
    assert len(_unread(school_ig, sar, "withheld a record of your part")) == 1
