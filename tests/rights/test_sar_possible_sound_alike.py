"""Possible entries are found by ear as well as by spelling (outside tester 9, F2): an
entry about "Danny Stuart, about 42" is offered for a request about Daniel Stewart, whose
other names include "Danny": a known form of a given name beside a family name that sounds
the same (the identity matcher's sound key). A first name alone, or a sound-alike family
name alone, is never enough."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from cairn.accounts.models import User
from cairn.intelligence.models import Status, Submission
from cairn.pole.models import Person
from cairn.rights.models import SubjectAccessRequest

pytestmark = pytest.mark.django_db


def _raw(user: User, **fields: str) -> Submission:
    return Submission.objects.create(
        submitter=user,
        submitter_agency=user.agency,
        status=Status.NEW,
        submitted_at=timezone.now(),
        **fields,
    )


def test_an_entry_naming_him_by_ear_is_offered_and_a_first_name_alone_is_not(
    make_person: Callable[..., Person],
    users: dict[str, User],
    police_ig: User,
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    daniel = make_person(
        users["fib_officer"],
        given_name="Daniel",
        family_name="Stewart",
        category="person_of_concern",
        date_of_birth=dt.date(1984, 10, 11),
    )
    fib = users["fib_officer"]
    found = {
        "by_ear": _raw(fib, subject_description="Danny Stuart, about 42"),
        "reversed": _raw(fib, what="STUART, Dan was at the flat."),
        "mention": _raw(fib, what="A man was there."),
    }
    Submission.objects.filter(pk=found["mention"].pk).update(
        mentions=[{"kind": "person", "given_name": "Danny", "family_name": "Stuart"}]
    )
    not_found = {
        "first_name_only": _raw(fib, subject_description="Danny, about 42"),
        "family_only": _raw(fib, what="Mr Stuart runs the shop."),
        "apart": _raw(fib, what="Danny was seen; later Mr Stuart arrived."),
        "other_given": _raw(fib, subject_description="Kieran Stuart"),
    }
    sar = subject_sar(police_ig, daniel, other_names="Danny")
    offered = {p.submission_id: p for p in sar.possible_entries.all()}
    assert set(offered) == {s.pk for s in found.values()}
    assert not set(offered) & {s.pk for s in not_found.values()}
    assert offered[found["by_ear"].pk].hits[0]["match"] == "Danny Stuart"
    assert offered[found["reversed"].pk].hits[0]["match"] == "STUART, Dan"
