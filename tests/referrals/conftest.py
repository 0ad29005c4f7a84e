from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from cairn.pole.models import Person
from cairn.referrals import services
from cairn.referrals.models import Referral


@pytest.fixture
def child(make_person: Callable[..., Person]) -> Person:
    return make_person(
        given_name="Amber",
        family_name="Testcase",
        date_of_birth=dt.date(2011, 6, 1),
        first_language="English",
        ethnicity="white_british",
    )


@pytest.fixture
def outsider(make_user: Callable[..., Any]) -> Any:
    """A practitioner at a school: neither sender nor recipient."""
    return make_user("practitioner", agency="school", username="school_dsl")


def mash_details(**overrides: Any) -> dict[str, Any]:
    data = {
        "concern_summary": "Seen getting into a silver car with two older men after school.",
        "how_arose": "Reported by the school's safeguarding lead on Monday.",
        "child_address": "1 Example Row, Testtown TE1 1ST",
        "parental_responsibility": "Jo Testcase (mother), 07700 900123",
        "ethnicity": "white_british",
        "language": "English",
        "interpreter_needed": "no",
        "child_views": "Says the men are her friends and she is fine.",
        "parents_aware": "yes",
        "parents_consent": "yes",
        "first_hand": "yes",
        "child_location": "At home with her mother",
        "referrer_name": "Sam Worker",
        "referrer_role": "Social worker",
        "referrer_agency": "Testshire Children's Trust",
        "referrer_phone": "07700 900456",
    }
    data.update(overrides)
    return data


def nrm_details(**overrides: Any) -> dict[str, Any]:
    data = {
        "child_safeguarded": "yes",
        "full_name": "Amber Testcase",
        "date_of_birth": "2011-06-01",
        "sex": "female",
        "nationality": "British",
        "interpreter_needed": "no",
        "exploitation_types": ["criminal"],
        "indicators": ["getting_into_cars"],
        "account": "Made to carry packages between towns by older boys.",
        "fr_name": "Sam Worker",
        "fr_role": "Social worker",
        "fr_organisation": "Testshire Children's Trust",
        "fr_email": "sam.worker@example.org",
    }
    data.update(overrides)
    return data


def ppu_details(**overrides: Any) -> dict[str, Any]:
    data = {"summary": "Older men picking her up from school in a silver car."}
    data.update(overrides)
    return data


DETAILS = {"mash": mash_details, "nrm": nrm_details, "ppu": ppu_details}


@pytest.fixture
def send(users: dict[str, Any], child: Person) -> Callable[..., Referral]:
    def make(kind: str = "mash", actor: Any = None, **overrides: Any) -> Referral:
        return services.referral_create(
            actor=actor or users["social_worker"],
            kind=kind,
            child=child,
            details=DETAILS[kind](**overrides),
        )

    return make
