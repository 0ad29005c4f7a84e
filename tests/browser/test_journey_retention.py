"""Information governance reviews a MoPI group 3 record that is due and disposes of it, in
a real browser: the queue, the review, the confirmation (refused until the box is ticked),
the tombstone. The audit chain still verifies, and the person is no longer found by
search, matching, the network or its export. axe on each page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from cairn.accounts.roles import Role
from cairn.network import selectors as network
from cairn.network.matching.online import match_person
from cairn.pole import services as pole
from cairn.pole.models import Entity, Link
from cairn.retention import services as retention


def test_ig_disposes_of_a_group_3_record(
    page: Any,
    users: dict[str, Any],
    agencies: dict[str, Any],
    make_user: Callable[..., Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    fib = users["fib_officer"]
    ig = make_user(Role.IG_ADMIN, agency="police", username="ig_police", first_name="Lowri")
    for agency in agencies.values():
        retention.rules_seed(actor=None, agency=agency)
    old = pole.person_create(
        actor=fib,
        given_name="Quillon",
        family_name="Journeyrecord",
        category="person_of_concern",
        date_of_birth=dt.date(1988, 8, 8),
    )
    friend = pole.person_create(
        actor=fib, given_name="Marek", family_name="Staysput", category="person_of_concern"
    )
    pole.link_record(
        actor=fib,
        from_entity_id=old.pk,
        to_entity_id=friend.pk,
        link_type="associate",
        source_note="Seen together in 2018",
    )
    long_ago = timezone.now() - dt.timedelta(days=8 * 365)
    Entity.objects.filter(pk=old.pk).update(created_at=long_ago, updated_at=long_ago)
    Link.objects.filter(from_entity_id=old.pk).update(updated_at=long_ago)

    page.goto("/accounts/sign-in/")
    login_as(page, ig)
    page.get_by_role("link", name="Tools").click()
    page.get_by_role("link", name="Retention review").click()
    queue = page.get_by_test_id("retention-queue")
    expect(queue).to_contain_text("MoPI group 3")
    expect(queue).to_contain_text("Nothing")  # nothing blocks disposal
    assert_accessible(page)
    queue.get_by_role("link", name="Quillon Journeyrecord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review Quillon Journeyrecord")
    expect(page.get_by_test_id("blockers")).to_have_text("Nothing")
    assert_accessible(page)
    page.get_by_role("link", name="Dispose of the record").click()
    expect(page.get_by_text("Disposal cannot be undone.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why is the record disposed of?").fill(
        "No further police action since 2018; no risk identified at review"
    )
    page.get_by_role("button", name="Dispose of the record").click()
    # Not confirmed: an error, and the reason typed is still there.
    expect(page.get_by_role("alert")).to_contain_text("Confirm that you understand")
    expect(page.get_by_label("Why is the record disposed of?")).to_have_value(
        "No further police action since 2018; no risk identified at review"
    )
    assert_accessible(page)
    page.get_by_label("I understand that disposal cannot be undone").check()
    page.get_by_role("button", name="Dispose of the record").click()
    tombstone = page.get_by_test_id("tombstone")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Person record {old.pk} was disposed of"
    )
    expect(tombstone).to_contain_text("MoPI group 3")
    expect(tombstone).to_contain_text("No further police action since 2018")
    expect(tombstone).not_to_contain_text("Journeyrecord")
    assert_accessible(page)
    page.get_by_role("link", name="Records disposed of").click()
    expect(page.get_by_test_id("tombstones")).to_contain_text(f"Person record {old.pk}")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    # The audit chain still verifies (raises CommandError otherwise).
    call_command("audit_verify")

    # The FIB no longer finds the person: search, matching, network, export.
    page.goto("/accounts/sign-in/")
    login_as(page, fib)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    page.get_by_label("Name or alias").fill("Journeyrecord")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="No people found")).to_be_visible()
    page.goto(f"/people/{old.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    found = match_person(
        fib,
        {"given_name": "Quillon", "family_name": "Journeyrecord", "date_of_birth": "1988-08-08"},
    )
    assert old.pk not in [m.person_id for m in found]
    _, net = network.network_for_person(fib, friend.pk)
    assert old.pk not in net.nodes
    _, exported = network.export_network(fib, friend.pk, "csv")
    assert b"Journeyrecord" not in exported


def test_ig_disposes_of_a_concern(
    page: Any,
    users: dict[str, Any],
    agencies: dict[str, Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    """The Trust's IG disposes of a concern about a young person now past 25: the concern
    leaves its reporter's list and its page is not found; the young person's record stays."""
    from cairn.concerns import services as concern_services

    from ..concerns.conftest import complete_payload

    sw, ig = users["social_worker"], users["ig_admin"]
    for agency in agencies.values():
        retention.rules_seed(actor=None, agency=agency)
    young = pole.person_create(
        actor=sw,
        given_name="Wrenna",
        family_name="Pastcase",
        category="child",
        date_of_birth=dt.date(1996, 4, 4),
    )
    concern = concern_services.concern_create(
        actor=sw,
        data=complete_payload(
            young.pk, narrative="Wrenna was seen near the old lido.", mentions=[]
        ),
    )
    concern_services.risk_decision_record(
        actor=sw, concern=concern, level="moderate", rationale="Two indicators"
    )
    concern.refresh_from_db()
    concern_services.pathway_decisions_record(
        actor=sw,
        concern=concern,
        decisions=dict.fromkeys(
            ("emergency", "crime_report", "fib", "ppu", "mash", "nrm"),
            (False, "Not needed at the time"),
        ),
    )

    page.goto("/accounts/sign-in/")
    login_as(page, ig)
    page.goto("/retention/")
    queue = page.get_by_test_id("retention-queue")
    queue.get_by_role("link", name=concern.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review {concern.reference}")
    expect(page.get_by_test_id("blockers")).to_have_text("Nothing")
    assert_accessible(page)
    page.get_by_role("link", name="Dispose of the record").click()
    expect(page.get_by_test_id("erases")).to_contain_text("evidence of its indicator observations")
    assert_accessible(page)
    page.get_by_label("Why is the record disposed of?").fill("Past the 25th birthday")
    page.get_by_role("button", name="Dispose of the record").click()
    expect(page.get_by_role("alert")).to_contain_text("Confirm that you understand")
    expect(page.get_by_label("Why is the record disposed of?")).to_have_value(
        "Past the 25th birthday"
    )
    page.get_by_label("I understand that disposal cannot be undone").check()
    page.get_by_role("button", name="Dispose of the record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Concern {concern.pk} was disposed of"
    )
    expect(page.get_by_test_id("tombstone")).not_to_contain_text("Wrenna")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    call_command("audit_verify")

    page.goto("/accounts/sign-in/")
    login_as(page, sw)
    page.goto("/concerns/")
    expect(page.get_by_role("main")).not_to_contain_text(concern.reference)
    page.goto(f"/concerns/{concern.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    page.goto(f"/people/{young.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wrenna")
