"""Entries naming a SAR requester in words only, over the API (ADR 0025, amendment
"unlinked entries"): the handling police IG lists and decides them; a second decision is
409; other IG get 404, other roles 403; listing writes a consultation row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cairn.accounts.models import User
from cairn.accounts.roles import Role
from cairn.audit.models import AuditEvent
from cairn.intelligence.models import Status, Submission
from cairn.pole.models import Person
from cairn.rights import services
from cairn.rights.models import SubjectAccessRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(
    users: dict[str, User],
    agencies: dict[str, Any],
    make_person: Callable[..., Person],
    make_user: Callable[..., User],
) -> dict[str, Any]:
    police_ig = make_user(Role.IG_ADMIN, "police", username="ig_police")
    person = make_person(given_name="Kieran", family_name="Wilson", category="person_of_concern")
    entry = Submission.objects.create(
        status=Status.TRIAGED,
        submitter=users["fib_officer"],
        submitter_agency=agencies["police"],
        submitted_at=timezone.now(),
        subject_description="Kieran Wilson, about 30",
        what="Seen outside the Co-op.",
    )
    logged = services.sar_log(
        actor=police_ig,
        requester="Kieran Wilson",
        requester_kind="subject",
        authority_checked=True,
        given_name="Kieran",
        family_name="Wilson",
        date_of_birth=None,
        other_names="",
        received_on=timezone.localdate(),
    )
    sar: SubjectAccessRequest = services.sar_confirm(
        actor=police_ig, sar_id=logged.pk, person_ids=[person.pk]
    )
    return {"ig": police_ig, "sar": sar, "entry": entry, "person": person}


def test_police_ig_lists_and_decides(setup: dict[str, Any], api_as: Callable[..., Any]) -> None:
    api, sar = api_as(setup["ig"]), setup["sar"]
    listed = api.get(f"/rights/access-requests/{sar.pk}/possible-entries")
    assert listed.status_code == 200, listed.content
    [row] = listed.json()["results"]
    assert row["reference"] == f"INT-{setup['entry'].pk:06d}" and row["status"] == "open"
    assert row["subject_text"] == "Kieran Wilson, about 30"
    assert row["hits"][0]["match"] == "Kieran Wilson" and row["agency"] == "Testshire Police"
    viewed = AuditEvent.objects.get(event="rights.sar_possible_entries_viewed")
    assert setup["person"].pk in viewed.details["subjects"]
    url = f"/rights/access-requests/{sar.pk}/possible-entries/{row['id']}/decision"
    short = api.post(url, {"decision": "not_them", "reason": "no"})
    assert short.status_code == 422 and "at least 10" in short.content.decode()
    done = api.post(url, {"decision": "include"})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "included" and done.json()["item"]
    again = api.post(url, {"decision": "not_them", "reason": "Pressed a second time"})
    assert again.status_code == 409
    assert "already been decided" in again.content.decode()
    assert sar.items.filter(record_type="intelligence").count() == 1


def test_other_ig_get_404_and_other_roles_403(
    setup: dict[str, Any],
    api_as: Callable[..., Any],
    users: dict[str, User],
    make_user: Callable[..., User],
) -> None:
    sar = setup["sar"]
    entry = sar.possible_entries.get()
    base = f"/rights/access-requests/{sar.pk}/possible-entries"
    decide = f"{base}/{entry.pk}/decision"
    school_ig = make_user(Role.IG_ADMIN, "school", username="ig_school")
    # The Trust's IG approves its part (the person record) so may open the request, but
    # is shown none of its possible entries; the school's IG may not open it at all.
    trust = api_as(users["ig_admin"])
    assert trust.get(base).json()["results"] == []
    assert trust.post(decide, {"decision": "include"}).status_code == 404
    school = api_as(school_ig)
    assert school.get(base).status_code == 404
    assert school.post(decide, {"decision": "include"}).status_code == 404
    for role in ("fib_officer", "analyst", "practitioner"):
        api = api_as(users[role])
        assert api.get(base).status_code == 403
        assert api.post(decide, {"decision": "include"}).status_code == 403
    entry.refresh_from_db()
    assert entry.is_open
