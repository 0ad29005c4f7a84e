from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from cairn.pole.models import Person


@pytest.fixture
def early_help_worker(make_user: Callable[..., Any], agencies: dict[str, Any]) -> Any:
    from cairn.accounts.roles import AgencyKind

    from ..factories import AgencyFactory

    agencies["early_help"] = AgencyFactory(
        name="Testshire Early Help", short_name="TEH", kind=AgencyKind.EARLY_HELP
    )
    # A Hub member: party to the Hub's sharing agreement like the others (ADR 0026).
    from cairn.sharing.models import SharingAgreement

    for agreement in SharingAgreement.objects.all():
        agreement.parties.add(agencies["early_help"])
    return make_user("practitioner", agency="early_help", username="eh_worker")


@pytest.fixture
def child(make_person: Callable[..., Person]) -> Person:
    return make_person(
        given_name="Amber", family_name="Testcase", date_of_birth=dt.date(2011, 6, 1)
    )


def complete_payload(child_id: int, **overrides: Any) -> dict[str, Any]:
    today = dt.date.today()
    data: dict[str, Any] = {
        "child_id": child_id,
        "reporter_role": "Early help worker",
        "observed_on": (today - dt.timedelta(days=2)).isoformat(),
        "observed_where": "Outside the youth centre",
        "narrative": (
            "Seen getting into a silver car with two older men; a new phone she would not explain."
        ),
        "exploitation_types": ["cse"],
        "exploitation_model": "boyfriend",
        "boyfriend_stage": 1,
        "indicators": [
            {
                "code": "getting_into_cars",
                "observed_on": (today - dt.timedelta(days=2)).isoformat(),
                "evidence": "Seen by me",
            },
            {
                "code": "unexplained_items",
                "observed_on": (today - dt.timedelta(days=9)).isoformat(),
                "evidence": "New phone",
            },
        ],
        "mentions": [
            {"kind": "vehicle", "registration": "NM12 XYZ", "make": "Ford", "colour": "Silver"},
            {
                "kind": "person",
                "given_name": "Dean",
                "family_name": "Fictional",
                "nickname": "Deano",
            },
        ],
        "immediate_danger": "no",
        "crime_disclosed": "no",
    }
    data.update(overrides)
    return data
