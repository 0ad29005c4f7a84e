"""The subject access API (ADR 0025): IG logs, lists and reads requests; other roles get
403, a request IG may not see 404; each read is a consultation in the audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cairn.accounts.models import User
from cairn.accounts.roles import Role
from cairn.audit.models import AuditEvent

BODY = {
    "requester": "Jade Examplesmith",
    "requester_kind": "subject",
    "given_name": "Jade",
    "family_name": "Examplesmith",
    "date_of_birth": "2010-03-14",
    "other_names": "JJ",
    "received_on": "2026-01-31",
}


def test_ig_logs_lists_and_reads_a_request(
    users: dict[str, User], api_as: Callable[[User], Any]
) -> None:
    api = api_as(users["ig_admin"])
    created = api.post("/rights/access-requests", BODY)
    assert created.status_code == 201, created.content
    sar = created.json()
    assert (sar["due_on"], sar["status"]) == ("2026-02-28", "matching")
    listed = api.get("/rights/access-requests").json()
    assert [r["id"] for r in listed["results"]] == [sar["id"]]
    detail = api.get(f"/rights/access-requests/{sar['id']}")
    assert detail.status_code == 200 and detail.json()["items"] == []
    assert AuditEvent.objects.filter(event="rights.sar_viewed", object_id=str(sar["id"])).exists()
    assert (
        api.post("/rights/access-requests", {**BODY, "received_on": "2999-01-01"}).status_code
        == 422
    )


def test_another_agencys_ig_gets_404(
    users: dict[str, User], api_as: Callable[[User], Any], make_user: Callable[..., User]
) -> None:
    sar = api_as(users["ig_admin"]).post("/rights/access-requests", BODY).json()
    school_ig = make_user(Role.IG_ADMIN, "school", username="ig_school")
    assert api_as(school_ig).get(f"/rights/access-requests/{sar['id']}").status_code == 404


@pytest.mark.parametrize(
    "role", [r for r in Role if r not in (Role.IG_ADMIN,)], ids=lambda r: str(r.value)
)
def test_other_roles_are_refused(
    users: dict[str, User], api_as: Callable[[User], Any], role: Role
) -> None:
    sar = api_as(users["ig_admin"]).post("/rights/access-requests", BODY).json()
    api = api_as(users[role.value])
    assert api.get("/rights/access-requests").status_code == 403
    assert api.get(f"/rights/access-requests/{sar['id']}").status_code == 403
    assert api.post("/rights/access-requests", BODY).status_code == 403
