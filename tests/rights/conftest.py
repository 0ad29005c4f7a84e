"""Fixtures for information rights: a Hub-shared child of the Trust, and helpers to log a
request, confirm a subject access request with its bundle, enter intelligence matched to
a record, and restrict a record through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cairn.accounts.models import User
from cairn.accounts.roles import Role
from cairn.intelligence import services as intel
from cairn.intelligence.models import Submission
from cairn.pole.models import Person
from cairn.rights import services
from cairn.rights.models import Restriction, RightsRequest, SubjectAccessRequest

from ..intelligence.conftest import intel_data


@pytest.fixture
def child(make_person: Callable[..., Person]) -> Person:
    return make_person(
        given_name="Tamsin",
        family_name="Withheldcase",
        date_of_birth=dt.date(2012, 5, 4),
        hub_shared=True,
    )


@pytest.fixture
def log_request(users: dict[str, Any]) -> Callable[..., RightsRequest]:
    def make(person: Person, kind: str = "rectification", **kwargs: Any) -> RightsRequest:
        kwargs.setdefault("requester", "Ms A. Parent")
        kwargs.setdefault("requester_kind", "representative")
        kwargs.setdefault("authority_checked", True)
        kwargs.setdefault("grounds", "The date of birth is wrong: it is 4 June, not 4 May.")
        kwargs.setdefault("received_on", timezone.localdate())
        return services.request_log(
            actor=users["ig_admin"], person_id=person.pk, kind=kind, **kwargs
        )

    return make


@pytest.fixture
def subject_sar() -> Callable[..., SubjectAccessRequest]:
    """A subject access request by `person` for their own records, logged by `ig` and
    confirmed as theirs, so the bundle is gathered (keyword arguments go to `sar_log`)."""

    def make(ig: User, person: Person, **kwargs: Any) -> SubjectAccessRequest:
        kwargs.setdefault("other_names", "")
        logged = services.sar_log(
            confirm_duplicate=True,
            actor=ig,
            requester=f"{person.given_name} {person.family_name}",
            requester_kind="subject",
            authority_checked=True,
            given_name=person.given_name,
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
            received_on=timezone.localdate(),
            **kwargs,
        )
        return services.sar_confirm(actor=ig, sar_id=logged.pk, person_ids=[person.pk])

    return make


@pytest.fixture
def matched_entry() -> Callable[..., Submission]:
    """An intelligence entry by `actor` whose one mention was matched at entry to `person`
    ("Use this record": the mention keeps the record's id), so a request by that person
    finds it though the FIB has linked nothing; `intel_data` overrides as keywords."""

    def make(actor: User, person: Person, **data: Any) -> Submission:
        mention = {
            "kind": "person",
            "given_name": person.given_name,
            "family_name": person.family_name,
            "entity_id": person.pk,
        }
        return intel.submission_create(actor=actor, data=intel_data(mentions=[mention], **data))

    return make


@pytest.fixture
def restrict(
    users: dict[str, Any], log_request: Callable[..., RightsRequest]
) -> Callable[[Person], Restriction]:
    def make(person: Person) -> Restriction:
        rr = log_request(person, "restriction", grounds="Contests the record")
        return services.restriction_apply(
            actor=users["ig_admin"],
            person_id=person.pk,
            reason="Accuracy contested",
            request_id=rr.pk,
        )

    return make


@pytest.fixture
def lift(users: dict[str, Any]) -> Callable[[Person], Restriction]:
    def make(person: Person) -> Restriction:
        return services.restriction_lift(
            actor=users["ig_admin"], person_id=person.pk, reason="Checked and accurate"
        )

    return make


@pytest.fixture
def police_ig(make_user: Callable[..., User]) -> User:
    return make_user(Role.IG_ADMIN, "police", username="ig_police")


@pytest.fixture
def school_ig(make_user: Callable[..., User]) -> User:
    return make_user(Role.IG_ADMIN, "school", username="ig_school")
