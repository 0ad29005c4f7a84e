"""The six creating forms the red team sent two or three times at once (issue 18 #1),
each as a scenario: who posts, where, what, and how to count what it created. Shared by
the sequential replay tests (any database) and the race tests (PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from cairn.concerns import services as concern_services
from cairn.concerns.models import RiskDecision
from cairn.disruption.models import LocationAssessment, Tactic
from cairn.hub.models import Meeting
from cairn.missing.models import MissingEpisode
from cairn.notifications.models import Notification
from cairn.pole import services as pole_services
from cairn.pole.models import Person

from ..concerns.conftest import complete_payload
from ..pole.test_person_create_view import VALID as PERSON


@dataclass
class Scenario:
    user: Any
    url: str
    data: dict[str, Any]
    count: Callable[[], int]
    # What the form's validation refuses (to prove a refused key can be used again).
    invalid: dict[str, Any]


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def _location(actor: Any) -> Any:
    return pole_services.location_create(
        actor=actor,
        name="Fictional Fried Chicken",
        address_line_1="1 Example Parade",
        town="Testshire",
        postcode="ZZ1 1AA",
        premises_type="takeaway",
    )


def person(users: dict[str, Any], make_person: Callable[..., Person]) -> Scenario:
    return Scenario(
        user=users["social_worker"],
        url=reverse("pole:person-create"),
        data=PERSON,
        count=lambda: Person.objects.filter(family_name="Exampleson").count(),
        # No first name and no nickname (a nickname alone is a name, until one is known).
        invalid={**PERSON, "given_name": "", "aliases": ""},
    )


def missing(users: dict[str, Any], make_person: Callable[..., Person]) -> Scenario:
    child = make_person(given_name="Zoe", date_of_birth=dt.date(2011, 3, 1))
    reported = timezone.localtime() - dt.timedelta(days=2)
    data = {
        **_date("reported_on", reported.date()),
        "reported_time": "21:30",
        "police_risk_grading": "medium",
    }
    return Scenario(
        user=users["social_worker"],
        url=reverse("missing:new", args=[child.pk]),
        data=data,
        count=lambda: MissingEpisode.objects.filter(child=child).count(),
        invalid={**data, "reported_time": "25:99"},
    )


def screening(users: dict[str, Any], make_person: Callable[..., Person]) -> Scenario:
    worker = users["social_worker"]
    child = make_person(given_name="Amber", date_of_birth=dt.date(2011, 6, 1))
    concern = concern_services.concern_create(actor=worker, data=complete_payload(child.pk))
    data = {"level": "significant", "rationale": "Older boyfriend and cars: agree significant"}
    return Scenario(
        user=worker,
        url=reverse("concerns:screening", args=[concern.pk]),
        data=data,
        count=lambda: RiskDecision.objects.filter(concern=concern).count(),
        invalid={**data, "rationale": ""},
    )


def tactic(users: dict[str, Any], make_person: Callable[..., Person]) -> Scenario:
    ppu = users["ppu_coordinator"]
    place = _location(ppu)
    data = {
        "title": "At the takeaway",
        "status": "planned",
        "premises": "Fictional Fried Chicken",
        **_date("visited_on", timezone.localdate() - dt.timedelta(days=1)),
    }
    return Scenario(
        user=ppu,
        url=reverse("disruption:tactic-new", args=[place.pk, "enforcement_visit"]),
        data=data,
        count=lambda: Tactic.objects.filter(tactic_type="enforcement_visit").count(),
        invalid={**data, "title": ""},
    )


def assessment(users: dict[str, Any], make_person: Callable[..., Person]) -> Scenario:
    ppu = users["ppu_coordinator"]
    place = _location(ppu)
    data = {
        **_date("assessed_on", timezone.localdate() - dt.timedelta(days=1)),
        "summary": "Young people gather late.",
        "action_1": "Licensing visit",
        "owner_1": "Licensing team",
        **_date("due_1", timezone.localdate() + dt.timedelta(days=7)),
    }
    return Scenario(
        user=ppu,
        url=reverse("disruption:assessment-new", args=[place.pk]),
        data=data,
        count=lambda: LocationAssessment.objects.count(),
        invalid={**data, "summary": ""},
    )


def meeting(users: dict[str, Any], make_person: Callable[..., Person]) -> Scenario:
    data = {
        "meeting_type": "mace_operational",
        "title": "Northmoor MACE",
        **_date("date", timezone.localdate() + dt.timedelta(days=3)),
        "time": "10:00",
    }
    return Scenario(
        user=users["hub_chair"],
        url=reverse("hub:meeting-new"),
        data=data,
        count=lambda: Meeting.objects.filter(title="Northmoor MACE").count(),
        invalid={**data, "time": "26:00"},
    )


SCENARIOS: dict[str, Callable[[dict[str, Any], Callable[..., Person]], Scenario]] = {
    "person": person,
    "missing": missing,
    "screening": screening,
    "tactic": tactic,
    "assessment": assessment,
    "meeting": meeting,
}


def repeated_notifications() -> list[dict[str, Any]]:
    """Any recipient told the same thing about the same record more than once."""
    return list(
        Notification.objects.values("recipient", "kind", "title")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
