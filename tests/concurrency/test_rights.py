"""Two sessions save the same correction, or lift the same restriction, at the same
moment: one does it; the other sees its form again with what it typed and "Someone else
changed this record" (409), as when two restrict at once, never "Page not found"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cairn.audit.models import AuditEvent
from cairn.pole.models import Person
from cairn.rights import services
from cairn.rights.models import Restriction

from .conftest import ROUNDS, poster, race

pytestmark = pytest.mark.django_db(transaction=True)


def _request(users: dict[str, Any], person: Person, kind: str) -> int:
    return services.request_log(
        actor=users["ig_admin"],
        person_id=person.pk,
        kind=kind,
        requester="Ms A. Parent",
        requester_kind="parent",
        authority_checked=True,
        grounds="The date of birth is wrong",
        received_on=timezone.localdate(),
    ).pk


def _body(response: Any) -> str:
    return str(response.content.decode())


def test_two_corrections_at_once_one_saved_the_other_told(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    sw = users["social_worker"]
    for n in range(ROUNDS):
        child = make_person(
            given_name="Ivy", family_name=f"Racecase{n}", date_of_birth=dt.date(2012, 5, 4)
        )
        url = reverse("rights:rectify", args=[_request(users, child, "rectification")])
        form = {
            "given_name": "Ivy",
            "family_name": f"Racecase{n}",
            "sex": child.sex,
            "ethnicity": child.ethnicity,
            "date_of_birth_day": "4",
            "date_of_birth_month": "6",
            "date_of_birth_year": "2012",
        }
        outcomes = race(
            poster(sw, url, {**form, "note": "Corrected by the first session"}),
            poster(sw, url, {**form, "note": "Corrected by the second session"}),
        )
        assert all(o.ok for o in outcomes), [o.error for o in outcomes]
        codes = sorted(o.value.status_code for o in outcomes)
        assert codes == [302, 409], codes
        (loser,) = [o.value for o in outcomes if o.value.status_code == 409]
        body = _body(loser)
        assert "Someone else changed this record" in body
        assert "has already been answered" in body
        assert "session" in body and 'value="2012"' in body  # what they typed is kept
        assert (
            AuditEvent.objects.filter(event="rights.request_closed", subject_id=child.pk).count()
            == 1
        )


def test_two_lifts_at_once_one_lifted_the_other_told(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    sw, ig = users["social_worker"], users["ig_admin"]
    for n in range(ROUNDS):
        child = make_person(given_name="Ash", family_name=f"Liftrace{n}")
        services.restriction_apply(
            actor=ig,
            person_id=child.pk,
            reason="Accuracy contested by the family",
            request_id=_request(users, child, "restriction"),
        )
        url = reverse("rights:lift", args=[child.pk])
        outcomes = race(
            poster(sw, url, {"reason": "Checked with the school: accurate"}),
            poster(ig, url, {"reason": "Verified with the family today"}),
        )
        assert all(o.ok for o in outcomes), [o.error for o in outcomes]
        codes = sorted(o.value.status_code for o in outcomes)
        assert codes == [302, 409], codes
        (loser,) = [o.value for o in outcomes if o.value.status_code == 409]
        body = _body(loser)
        assert "Someone else changed this record" in body and "already been lifted" in body
        assert (
            "Checked with the school: accurate" in body or "Verified with the family today" in body
        )
        (restriction,) = Restriction.objects.filter(person=child)
        assert restriction.lifted_at is not None
        assert (
            AuditEvent.objects.filter(
                event="rights.restriction_lifted", subject_id=child.pk
            ).count()
            == 1
        )


def test_two_restrictions_at_once_one_restricted_the_other_keeps_its_reason(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    """The request page's Restrict processing, by the owning agency's casework and IG at
    once: one restricts; the other sees the page again with its reason (409)."""
    sw, ig = users["social_worker"], users["ig_admin"]
    for n in range(ROUNDS):
        child = make_person(given_name="Bea", family_name=f"Restrictrace{n}")
        url = reverse("rights:detail", args=[_request(users, child, "restriction")])
        outcomes = race(
            poster(sw, url, {"action": "restrict", "reason": "Contested: school checking it"}),
            poster(ig, url, {"action": "restrict", "reason": "Contested: family checking it"}),
        )
        assert all(o.ok for o in outcomes), [o.error for o in outcomes]
        codes = sorted(o.value.status_code for o in outcomes)
        assert codes == [302, 409], codes
        (loser,) = [o.value for o in outcomes if o.value.status_code == 409]
        body = _body(loser)
        assert "Someone else changed this record" in body
        (restriction,) = Restriction.objects.filter(person=child)
        lost = {"Contested: school checking it", "Contested: family checking it"} - {
            restriction.reason
        }
        assert lost and lost.pop() in body  # the loser's own words, kept
        assert (
            AuditEvent.objects.filter(event="rights.restricted", subject_id=child.pk).count() == 1
        )
