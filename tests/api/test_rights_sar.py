"""The subject access API (ADR 0025): IG logs, lists and reads requests; other roles get
403, a request IG may not see 404; each read is a consultation in the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine

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


@pytest.fixture(autouse=True)
def _in_february_2026() -> Iterator[None]:
    """The fixed dates here (received 31 January, due 28 February) are asserted exactly; a
    request must have been received within the last 12 months, so the clock is set."""
    with time_machine.travel(dt.datetime(2026, 2, 10, 12, tzinfo=dt.UTC)):
        yield


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
    # A slip of the year (shown overdue, counted on the dashboard) is refused, saying why.
    old = api.post("/rights/access-requests", {**BODY, "received_on": "1900-01-01"})
    assert old.status_code == 422
    assert "within the last 12 months" in old.content.decode()


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
    close = {"reason": "withdrawn", "note": NOTE, "confirmed": True}
    assert api.post(f"/rights/access-requests/{sar['id']}/close", close).status_code == 403


NOTE = "The requester wrote on 3 March to withdraw the request."


def test_ig_closes_a_request_only_when_confirmed_and_then_no_more(
    users: dict[str, User], api_as: Callable[[User], Any], make_user: Callable[..., User]
) -> None:
    api = api_as(users["ig_admin"])
    sar = api.post("/rights/access-requests", BODY).json()
    url = f"/rights/access-requests/{sar['id']}/close"
    police_ig = make_user(Role.IG_ADMIN, "police", username="ig_police_api")
    close = {"reason": "manifestly_excessive", "note": NOTE, "confirmed": True}
    assert api_as(police_ig).post(url, close).status_code == 404
    unconfirmed = api.post(url, {**close, "confirmed": False})
    assert unconfirmed.status_code == 422 and "confirmed" in unconfirmed.text
    assert api.post(url, {**close, "note": "Too many"}).status_code == 422
    assert api.post(url, {**close, "reason": "bored"}).status_code == 422
    done = api.post(url, close)
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["close_reason"]) == (
        "closed",
        "manifestly_excessive",
    )
    assert AuditEvent.objects.filter(event="rights.sar_closed").count() == 1
    assert api.post(url, close).status_code == 409
    closed = api.get("/rights/access-requests?status=closed").json()["results"]
    assert [r["id"] for r in closed] == [sar["id"]]
    assert api.get("/rights/access-requests").json()["count"] == 0


def test_duplicate_and_authority_are_asked_as_on_the_web(
    users: dict[str, User], api_as: Callable[[User], Any]
) -> None:
    api = api_as(users["ig_admin"])
    first = api.post("/rights/access-requests", BODY).json()
    again = api.post("/rights/access-requests", BODY)
    assert again.status_code == 422 and first["reference"] in again.text
    second = api.post("/rights/access-requests", {**BODY, "confirm_duplicate": True})
    assert second.status_code == 201
    assert second.json()["possible_duplicate_of"] == first["reference"]
    parent = {**BODY, "requester_kind": "parent", "date_of_birth": "2011-02-02"}
    refused = api.post("/rights/access-requests", parent)
    assert refused.status_code == 422 and "parental responsibility" in refused.text
    logged = api.post("/rights/access-requests", {**parent, "authority_checked": True})
    assert logged.status_code == 201 and logged.json()["authority_checked"]


def test_api_records_whether_identity_was_checked(
    users: dict[str, User], api_as: Callable[[User], Any]
) -> None:
    api = api_as(users["ig_admin"])
    body = {
        "requester": "Evie Inventedcase",
        "requester_kind": "subject",
        "given_name": "Evie",
        "received_on": "2026-02-09",
    }
    unchecked = api.post("/rights/access-requests", body)
    assert unchecked.status_code == 201 and unchecked.json()["authority_checked"] is False
    checked = api.post(
        "/rights/access-requests",
        {**body, "given_name": "Evan", "authority_checked": True},
    )
    assert checked.status_code == 201 and checked.json()["authority_checked"] is True


def test_api_refuses_a_parent_for_an_adult(
    users: dict[str, User], api_as: Callable[[User], Any]
) -> None:
    refused = api_as(users["ig_admin"]).post(
        "/rights/access-requests",
        {
            **BODY,
            "requester_kind": "parent",
            "authority_checked": True,
            "date_of_birth": "1976-04-02",
        },
    )
    assert refused.status_code == 422
    assert "a parent or carer cannot ask for them" in refused.text
