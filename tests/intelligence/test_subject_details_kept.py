"""An entry about a person a concern named keeps that person's typed details, so the
FIB's linking step can still tie the new record to one it already holds (INT-000010:
a school's "Deano", made a new record by the concern, was the subject of an entry whose
linking page said "no structured details to link")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cairn.concerns import services as concern_services
from cairn.intelligence import selectors, services

from ..concerns.conftest import complete_payload

pytestmark = pytest.mark.django_db


def test_the_subject_named_as_a_street_name_can_be_linked_to_who_police_know(
    partner: Any, child: Any, users: dict[str, Any], make_person: Callable[..., Any]
) -> None:
    fib = users["fib_officer"]
    lily = make_person(
        actor=fib,
        given_name="Lily",
        family_name="Pricetest",
        category="person_of_concern",
        aliases=[("nickname", "Deano", "")],
        police_only=True,
    )
    concern = concern_services.concern_create(
        actor=partner,
        data=complete_payload(child.pk, mentions=[{"kind": "person", "nickname": "Deano"}]),
    )
    (deano,) = [m["record_id"] for m in concern.draft["mentions"] if m.get("nickname") == "Deano"]
    entry = services.submission_start(actor=partner, concern=concern, subject_id=deano)
    assert entry.subject_id == deano
    rows = selectors.link_rows(fib, entry)
    subject_rows = [r for r in rows if r.mention.get("nickname") == "Deano"]
    assert subject_rows, [r.mention for r in rows]
    (row,) = subject_rows
    assert lily.pk in [c.entity_id for c in row.candidates]
