"""The dashboard's figures match the data they summarise, with aggregate queries only
(the query count does not grow with the number of children)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cairn.concerns.models import Concern
from cairn.hub import dashboard
from cairn.hub.models import Action
from cairn.missing.models import MissingEpisode
from cairn.pole import services as pole_services
from cairn.pole.models import Person

from .conftest import ago

pytestmark = pytest.mark.django_db


def concern(child: Person, user: Any, types: list[str], submitted: dt.datetime) -> Concern:
    return Concern.objects.create(
        child=child,
        reporter=user,
        reporter_agency=user.agency,
        status="submitted",
        submitted_at=submitted,
        exploitation_types=types,
    )


def by_label(panel: dashboard.Panel) -> dict[str, int]:
    return {b.label: b.value for b in panel.rows}


def panel(user: Any, key: str) -> dashboard.Panel:
    return next(p for p in dashboard.panels(user) if p.key == key)


def test_children_by_level_and_type(
    make_person: Callable[..., Person], decide: Callable[..., Any], users: dict[str, Any]
) -> None:
    sw = users["social_worker"]
    a, b, c, d = (make_person(given_name=n) for n in ("Ann", "Ben", "Cat", "Dee"))
    make_person(given_name="Eve")  # never assessed: not counted
    decide(a, "moderate", ago(days=10))
    decide(a, "significant", ago(days=1))  # latest wins
    decide(b, "significant", ago(days=3))
    decide(c, "emerging", ago(days=3))
    decide(d, "significant", ago(days=9))
    decide(d, "none", ago(days=2))
    concern(a, sw, ["cse", "online"], ago(days=1))
    concern(a, sw, ["cse"], ago(days=2))  # same child again: counted once
    concern(b, sw, ["county_lines"], ago(days=3))
    concern(c, sw, ["cce", "county_lines"], ago(days=4))
    levels = by_label(panel(users["hub_chair"], "risk_levels"))
    assert levels == {
        "Significant": 2,
        "Moderate": 0,
        "Emerging": 1,
        "No current risk identified": 1,
    }
    types = by_label(panel(users["hub_chair"], "exploitation_types"))
    assert types["Child sexual exploitation (CSE)"] == 1
    assert types["County lines"] == 2
    assert types["Child criminal exploitation (CCE)"] == 1
    assert types["Online exploitation"] == 1
    assert types["Modern slavery or trafficking"] == 0


def test_concerns_per_week(make_person: Callable[..., Person], users: dict[str, Any]) -> None:
    sw = users["social_worker"]
    child = make_person()
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    noon = dt.time(12, 0)

    def on(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, noon))

    concern(child, sw, ["cse"], on(monday))
    concern(child, sw, ["cse"], on(monday))
    concern(child, sw, ["cse"], on(monday - dt.timedelta(days=7)))
    concern(child, sw, ["cse"], on(monday - dt.timedelta(weeks=20)))  # outside the window
    weeks = dashboard.concerns_per_week(today)
    assert len(weeks) == 12
    assert weeks[-1] == (monday, 2)
    assert weeks[-2] == (monday - dt.timedelta(days=7), 1)
    assert sum(n for _, n in weeks) == 3


def test_rhi_compliance_and_overdue_actions(
    make_person: Callable[..., Person], users: dict[str, Any], agencies: dict[str, Any]
) -> None:
    sw = users["social_worker"]
    child = make_person()

    def ep(found_days: float, completed_after_hours: float | None, accepted: Any = None) -> None:
        found = ago(days=found_days)
        MissingEpisode.objects.create(
            child=child,
            reported_at=found - dt.timedelta(hours=5),
            found_at=found,
            rhi_due_at=found + dt.timedelta(hours=72),
            rhi_completed_at=(
                found + dt.timedelta(hours=completed_after_hours)
                if completed_after_hours is not None
                else None
            ),
            rhi_accepted=accepted,
            owning_agency=sw.agency,
            recorded_by=sw,
        )

    ep(10, 24)  # in time
    ep(11, 48)  # in time
    ep(12, 100)  # late
    ep(13, None)  # overdue
    ep(14, None, accepted=False)  # declined
    ep(1, None)  # not yet due
    f = dashboard.rhi_figures(timezone.now())
    assert (f.in_time, f.late, f.overdue, f.declined, f.outstanding) == (2, 1, 1, 1, 1)
    assert f.due == 5 and f.rate == 40
    rhi = panel(users["hub_chair"], "rhi")
    assert dict(rhi.figures)["Compliance (within 72 hours)"] == "40%"

    today = timezone.localdate()
    for days, agency in ((-3, "trust"), (-1, "trust"), (-2, "police"), (4, "police")):
        Action.objects.create(
            description="x",
            owner=sw,
            owner_agency=agencies[agency],
            due_on=today + dt.timedelta(days=days),
            created_by=users["hub_chair"],
        )
    overdue = panel(users["hub_chair"], "actions_overdue")
    assert by_label(overdue) == {"Testshire Children's Trust": 2, "Testshire Police": 1}
    assert dict(overdue.figures)["Open actions"] == "4"


def test_top_locations_and_constant_query_count(
    make_person: Callable[..., Person], decide: Callable[..., Any], users: dict[str, Any]
) -> None:
    sw = users["social_worker"]
    park = pole_services.location_create(actor=sw, name="Fictional Park", postcode="TS1 1AA")
    shop = pole_services.location_create(actor=sw, name="Chicken Shop", postcode="TS1 2BB")

    def add_children(n: int) -> None:
        for i in range(n):
            child = make_person(given_name=f"Kid{i}")
            decide(child, "moderate", ago(days=1))
            pole_services.link_record(
                actor=sw,
                from_entity_id=child.pk,
                to_entity_id=park.pk,
                link_type="seen_at",
                source_note="Test",
            )
            if i == 0:
                pole_services.link_record(
                    actor=sw,
                    from_entity_id=child.pk,
                    to_entity_id=shop.pk,
                    link_type="frequents",
                    source_note="Test",
                )

    add_children(2)
    top = panel(users["hub_chair"], "top_locations")
    assert [(b.label, b.value) for b in top.rows] == [
        (park.entity.label, 2),
        (shop.entity.label, 1),
    ]
    with CaptureQueriesContext(connection) as few:
        dashboard.panels(users["hub_chair"])
    add_children(6)
    with CaptureQueriesContext(connection) as many:
        dashboard.panels(users["hub_chair"])
    assert len(many.captured_queries) == len(few.captured_queries)


def test_top_locations_count_only_children_and_links_the_viewer_may_see(
    make_person: Callable[..., Person], users: dict[str, Any]
) -> None:
    """A police-only child (and a police-only link) seen at a place everyone may see must
    not show in a partner's count of children linked to that place."""
    sw, ppu = users["social_worker"], users["ppu_coordinator"]
    park = pole_services.location_create(
        actor=sw, name="Fictional Park", postcode="TS1 1AA", hub_shared=True
    )
    hidden = make_person(actor=ppu, given_name="Hidden", police_only=True)
    pole_services.link_record(
        actor=ppu,
        from_entity_id=hidden.pk,
        to_entity_id=park.pk,
        link_type="seen_at",
        source_note="Police observation",
        police_only=True,
    )
    seen = make_person(given_name="Seen", hub_shared=True)
    pole_services.link_record(
        actor=sw, from_entity_id=seen.pk, to_entity_id=park.pk, link_type="seen_at", source_note="x"
    )
    assert by_label(panel(users["fib_officer"], "top_locations")) == {park.entity.label: 2}
    assert by_label(panel(users["mash_screener"], "top_locations")) == {park.entity.label: 1}
