"""Referrals under racing requests: a draft sent twice at once is sent once; a withdraw
racing a decline, or two MASH decisions, leave one outcome and refuse the other."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from cairn.audit.models import AuditEvent
from cairn.notifications.models import Notification
from cairn.pole.models import Person
from cairn.referrals import services
from cairn.referrals.models import MashDecision, Referral, ReferralStatus

from ..referrals.conftest import DETAILS, mash_details
from .conftest import ROUNDS, poster, race

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def child(make_person: Callable[..., Person]) -> Person:
    return make_person(date_of_birth=dt.date(2011, 6, 1), first_language="English")


def _send(users: dict[str, Any], child: Person, kind: str = "mash") -> Referral:
    return services.referral_create(
        actor=users["social_worker"], kind=kind, child=child, details=DETAILS[kind]()
    )


def _notified(referral: Referral) -> int:
    return Notification.objects.filter(
        object_id=str(referral.pk), kind=f"referral.{referral.kind}"
    ).count()


def test_a_draft_sent_twice_at_once_is_sent_once(users: dict[str, Any], child: Person) -> None:
    sender = users["social_worker"]
    recipient = users["mash_screener"].agency_id
    for _ in range(ROUNDS):
        referral = services.referral_start(actor=sender, kind="mash", child=child)
        url = reverse("referrals:edit", args=[referral.pk])
        form = {**mash_details(), "recipient_agency": str(recipient), "action": "submit"}

        outcomes = race(poster(sender, url, form), poster(sender, url, form))

        detail = reverse("referrals:detail", args=[referral.pk])
        for outcome in outcomes:
            assert outcome.ok, outcome.error
            assert outcome.value.status_code == 302
            assert outcome.value["Location"] == detail
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.SUBMITTED
        assert _notified(referral) == 1
        assert (
            AuditEvent.objects.filter(
                event="referral.submitted", object_id=str(referral.pk)
            ).count()
            == 1
        )


def test_stale_submits_in_services_send_once(users: dict[str, Any], child: Person) -> None:
    sender = users["social_worker"]
    referral = services.referral_start(actor=sender, kind="ppu", child=child)
    services.referral_save_draft(actor=sender, referral=referral, details=DETAILS["ppu"]())
    first, second = Referral.objects.get(pk=referral.pk), Referral.objects.get(pk=referral.pk)

    outcomes = race(
        lambda: services.referral_submit(actor=sender, referral=first),
        lambda: services.referral_submit(actor=sender, referral=second),
    )

    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert {o.value.status for o in outcomes} == {ReferralStatus.SUBMITTED}
    assert _notified(referral) == 1


def test_withdraw_racing_decline_keeps_one_outcome(
    users: dict[str, Any], child: Person, api_for: Callable[[Any], Any]
) -> None:
    sender, screener = api_for(users["social_worker"]), api_for(users["mash_screener"])
    for _ in range(ROUNDS):
        referral = _send(users, child)
        path = f"/referrals/{referral.pk}/actions"

        outcomes = race(
            lambda p=path: sender.post(p, {"action": "withdraw", "reason": "Family moved"}),
            lambda p=path: screener.post(p, {"action": "decline", "reason": "Known to MASH"}),
        )

        codes = sorted(o.value.status_code for o in outcomes)
        assert codes == [200, 409], [o.value.content for o in outcomes]
        loser = next(o.value for o in outcomes if o.value.status_code == 409)
        assert "already been" in loser.json()["detail"]
        referral.refresh_from_db()
        assert referral.status in (ReferralStatus.WITHDRAWN, ReferralStatus.DECLINED)
        # Only the winner's reason is stored.
        assert bool(referral.withdraw_reason) != bool(referral.decline_reason)


def test_withdraw_racing_decline_on_the_web(users: dict[str, Any], child: Person) -> None:
    referral = _send(users, child)
    withdraw = reverse("referrals:action", args=[referral.pk, "withdraw"])
    decline = reverse("referrals:action", args=[referral.pk, "decline"])

    outcomes = race(
        poster(users["social_worker"], withdraw, {"reason": "Family moved"}),
        poster(users["mash_screener"], decline, {"reason": "Known to MASH"}),
    )

    detail = reverse("referrals:detail", args=[referral.pk])
    assert all(o.ok and o.value["Location"] == detail for o in outcomes), outcomes
    referral.refresh_from_db()
    assert bool(referral.withdraw_reason) != bool(referral.decline_reason)


def test_two_mash_decisions_at_once(
    users: dict[str, Any],
    child: Person,
    make_user: Callable[..., Any],
    api_for: Callable[[Any], Any],
) -> None:
    second_screener = make_user("mash_screener", username="screener_two")
    clients = [api_for(users["mash_screener"]), api_for(second_screener)]
    for _ in range(ROUNDS):
        referral = _send(users, child)
        path = f"/referrals/{referral.pk}/mash-decision"

        outcomes = race(
            *(
                lambda c=client, p=path: c.post(p, {"outcome": "s17", "rationale": "Needs help"})
                for client in clients
            )
        )

        assert sorted(o.value.status_code for o in outcomes) == [200, 409]
        assert MashDecision.objects.filter(referral=referral).count() == 1
