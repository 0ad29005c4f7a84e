"""Danger now, the gaps an outside tester and the previous engineer found after the
escalation went in: the FIB home page alert, a fallback when no FIB officer is active
(and a submitter page that does not claim the FIB was told), escalation once per danger
on resubmission, and a filler "Anything else" shown as not given."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.accounts.models import User
from cairn.audit.models import AuditEvent
from cairn.intelligence import services
from cairn.intelligence.models import DangerState, DangerTold, Submission
from cairn.notifications.models import Notification

from .conftest import REASON, start_crime
from .test_danger_escalation import ABDUCTION, ACTION, OVERRIDE_REASON, overridden

pytestmark = pytest.mark.django_db

# Fictional: a second child, somewhere else, in danger now: added on resubmission.
NEW_DANGER = (
    "Her friend Lacey Sample (12) has just phoned me: a man is keeping her in a flat on "
    "Example Street right now and will not let her leave."
)


def _page(user: Any, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _urgent(entry: Submission) -> list[Notification]:
    return list(Notification.objects.filter(kind=services.DANGER_KIND, object_id=str(entry.pk)))


# 1. The FIB home page.


def test_the_fib_home_page_alerts_until_the_danger_action_is_recorded(
    partner: Any, users: dict[str, Any]
) -> None:
    fib = users["fib_officer"]
    entry = overridden(partner)
    home = _page(fib, reverse("core:home"))
    assert 'data-testid="home-danger"' in home
    banner = home[home.index('data-testid="home-danger"') : home.index("<h1")]
    assert entry.reference in banner and partner.agency.name in banner
    assert reverse("intelligence:danger", args=[entry.pk]) in banner
    # First on the page: before the heading.
    assert home.index('data-testid="home-danger"') < home.index("<h1")
    services.submission_danger_action(
        actor=fib, submission=entry, outcome=DangerState.PASSED, note=ACTION
    )
    assert 'data-testid="home-danger"' not in _page(fib, reverse("core:home"))


def test_the_home_alert_is_for_the_fib_only(partner: Any, users: dict[str, Any]) -> None:
    entry = overridden(partner)
    for role in ("practitioner", "ppu_coordinator", "analyst", "hub_chair", "system_admin"):
        home = _page(users[role], reverse("core:home"))
        assert 'data-testid="home-danger"' not in home and entry.reference not in home, role
    assert entry.reference not in _page(partner, reverse("core:home"))


# 2. Nobody in the FIB to tell.


def test_with_no_active_fib_officer_the_ppu_is_told_and_may_open_the_entry(
    partner: Any, users: dict[str, Any]
) -> None:
    User.objects.filter(role="fib_officer").update(is_active=False)
    entry = overridden(partner)
    assert entry.danger_told == DangerTold.POLICE_LEAD
    ppu = users["ppu_coordinator"]
    assert {n.recipient_id for n in _urgent(entry)} == {ppu.pk}
    event = AuditEvent.objects.get(event="intel.danger_escalated", object_id=str(entry.pk))
    assert event.details["told"] == "ppu" and event.details["told_users"] == [ppu.pk]
    # The PPU co-ordinator opens it (the original, never the source) and is told to act.
    detail = _page(ppu, reverse("intelligence:detail", args=[entry.pk]))
    assert 'data-testid="danger-fallback"' in detail and "Demi Exampleton" in detail
    assert "Edit and resubmit" not in detail
    assert _page(ppu, reverse("core:home")).count('data-testid="home-danger-row"') == 1
    client = Client()
    client.force_login(ppu)
    assert client.get(reverse("intelligence:source", args=[entry.pk])).status_code == 404
    # Another casework role still cannot open it.
    client.force_login(users["analyst"])
    assert client.get(reverse("intelligence:detail", args=[entry.pk])).status_code == 404
    # The partner is told who was told: not "the FIB".
    mine = _page(partner, reverse("intelligence:detail", args=[entry.pk]))
    told = mine[mine.index('data-testid="danger-told"') :][:400]
    assert "PPU / CSE co-ordinators have been told" in told and "The FIB has been" not in told


def test_with_no_fib_or_ppu_the_system_admins_are_told_and_the_partner_warned(
    partner: Any, users: dict[str, Any]
) -> None:
    User.objects.filter(role__in=["fib_officer", "ppu_coordinator"]).update(is_active=False)
    entry = overridden(partner)
    assert entry.danger_told == DangerTold.ADMIN
    [notice] = _urgent(entry)
    assert notice.recipient_id == users["system_admin"].pk and notice.url == ""
    assert "Phone the force control room" in notice.body and "Demi" not in notice.body
    mine = _page(partner, reverse("intelligence:detail", args=[entry.pk]))
    assert "Nobody who can read this entry has been told yet" in mine
    assert "The FIB has been told urgently" not in mine


def test_with_nobody_active_nobody_is_claimed(partner: Any, users: dict[str, Any]) -> None:
    User.objects.filter(role__in=["fib_officer", "ppu_coordinator", "system_admin"]).update(
        is_active=False
    )
    entry = overridden(partner)
    assert entry.danger_told == DangerTold.NOBODY and not _urgent(entry)
    mine = _page(partner, reverse("intelligence:detail", args=[entry.pk]))
    assert "call 999 yourself now" in mine and "have been told" not in mine


def test_with_the_fib_active_the_partner_page_says_the_fib(
    partner: Any, users: dict[str, Any]
) -> None:
    entry = overridden(partner)
    assert entry.danger_told == DangerTold.FIB
    mine = _page(partner, reverse("intelligence:detail", args=[entry.pk]))
    assert "The FIB has been told urgently" in mine


# 3. Once per danger.


def _return_and_reopen(fib: Any, partner: Any, entry: Submission) -> Submission:
    services.submission_return(actor=fib, submission=entry, note="Please add more detail.")
    return services.submission_reopen(actor=partner, submission=entry)


def _resubmit(partner: Any, entry: Submission, what: str) -> Submission:
    services.submission_save_draft(actor=partner, submission=entry, data={"what": what})
    return services.submission_submit(
        actor=partner, submission=entry, intel_only_reason=OVERRIDE_REASON, no_danger_now=True
    )


@pytest.mark.parametrize("acted", [False, True])
def test_a_resubmission_of_the_same_danger_is_not_escalated_again(
    partner: Any, users: dict[str, Any], acted: bool
) -> None:
    fib = users["fib_officer"]
    entry = overridden(partner)
    if acted:
        services.submission_danger_action(
            actor=fib, submission=entry, outcome=DangerState.PASSED, note=ACTION
        )
    entry = _return_and_reopen(fib, partner, Submission.objects.get(pk=entry.pk))
    again = _resubmit(partner, entry, ABDUCTION + " She goes to Northmoor Academy.")
    assert len(_urgent(again)) == 1
    assert AuditEvent.objects.filter(event="intel.danger_escalated").count() == 1
    # What was recorded stands; an open escalation stays open (one act-now item).
    assert again.danger_state == (DangerState.PASSED if acted else DangerState.OPEN)
    assert (again.danger_note == ACTION) is acted
    resubmitted = AuditEvent.objects.filter(event="intel.submitted").latest("pk")
    assert resubmitted.details["danger_escalated_before"] is True
    assert Notification.objects.filter(kind="intel.submitted", object_id=str(entry.pk)).exists()
    queue = _page(fib, reverse("intelligence:queue"))
    assert queue.count('data-testid="danger-waiting-row"') == (0 if acted else 1)


def test_a_resubmission_with_new_danger_is_escalated_and_says_so(
    partner: Any, users: dict[str, Any]
) -> None:
    fib = users["fib_officer"]
    entry = overridden(partner)
    services.submission_danger_action(
        actor=fib, submission=entry, outcome=DangerState.PASSED, note=ACTION
    )
    entry = _return_and_reopen(fib, partner, Submission.objects.get(pk=entry.pk))
    again = _resubmit(partner, entry, ABDUCTION + " " + NEW_DANGER)
    assert again.danger_state == DangerState.OPEN and again.danger_note == ""
    newest = Notification.objects.filter(kind=services.DANGER_KIND).latest("pk")
    assert newest.body.startswith("Resubmitted with new danger:")
    assert "Example Street" in newest.body
    event = AuditEvent.objects.filter(event="intel.danger_escalated").latest("pk")
    assert event.details["new_danger"] is True


def test_a_resubmission_no_longer_saying_danger_does_not_end_an_open_escalation(
    partner: Any, users: dict[str, Any]
) -> None:
    fib = users["fib_officer"]
    entry = _return_and_reopen(fib, partner, overridden(partner))
    services.submission_save_draft(
        actor=partner,
        submission=entry,
        data={"what": "The pupil is at home with her mother and is safe; she has a new phone."},
    )
    again = services.submission_submit(actor=partner, submission=entry)
    assert again.danger_state == DangerState.OPEN


# 5. Filler answers.


def test_a_filler_anything_else_is_shown_to_the_fib_as_not_given(
    partner: Any, users: dict[str, Any]
) -> None:
    entry = services.submission_submit(
        actor=partner,
        submission=start_crime(
            partner,
            what="A grey car collects the pupil from the gates most days at 15:15.",
            further_information="Nothing else.",
        ),
        intel_only_reason=REASON,
    )
    page = _page(users["fib_officer"], reverse("intelligence:detail", args=[entry.pk]))
    row = page[page.index('data-testid="further-information"') :][:200]
    assert "Not given" in row and "Nothing else" not in row
    assert "Nothing else" not in services.suggested_sanitised(entry)
    # A real answer is shown as given.
    entry.further_information = "Her aunt is worried too."
    assert entry.further_information_given == "Her aunt is worried too."


def test_the_home_alert_query_count_does_not_grow_with_entries(
    partner: Any,
    users: dict[str, Any],
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    for _ in range(3):
        overridden(partner)
    client = Client()
    client.force_login(users["fib_officer"])
    client.get(reverse("core:home"))
    with django_assert_max_num_queries(15):
        page = client.get(reverse("core:home")).content.decode()
    assert page.count('data-testid="home-danger-row"') == 3
