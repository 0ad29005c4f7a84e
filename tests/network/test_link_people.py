"""Batch linkage with Splink: trains, saves the model with a version, fills the review
queue with explained pairs, merges nothing; the online matcher then uses the weights."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

import pytest
from django.core.management import call_command

from cairn.audit.models import AuditEvent
from cairn.network.matching.weights import current_weights, reset_cache
from cairn.network.models import CandidatePair, MatchModel
from cairn.pole.models import Person

pytestmark = pytest.mark.django_db

GIVEN = ["Amara", "Bilal", "Cerys", "Dylan", "Esme", "Finn", "Gracie", "Harvey", "Isla", "Jude"]
FAMILY = ["Testley", "Sampleton", "Examplewick", "Fictionby", "Mockridge", "Placeholme"]


def test_link_people_fills_the_review_queue(users: dict[str, Any], make_person: Any) -> None:
    rng = random.Random(4)
    duplicates = []
    for i in range(80):
        dob = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randint(0, 3000))
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        person = make_person(given_name=given, family_name=family, date_of_birth=dob, sex="female")
        if i % 8 == 0:
            dup = make_person(given_name=given[:-1] + "y", family_name=family, date_of_birth=dob)
            duplicates.append(tuple(sorted((person.pk, dup.pk))))
    people = Person.objects.count()
    out = io.StringIO()
    call_command("link_people", "--threshold", "4", stdout=out)
    assert "Model v1" in out.getvalue()
    model = MatchModel.objects.get()
    assert model.version == 1 and model.splink_version.startswith("5")
    assert {c["output_column_name"] for c in model.settings_json["comparisons"]} == {
        "given_name",
        "family_name",
        "dob",
        "postcode",
        "sex",
    }
    found = set(CandidatePair.objects.values_list("person_a_id", "person_b_id"))
    assert len(set(duplicates) & found) >= len(duplicates) - 1
    pair = CandidatePair.objects.get(person_a_id=duplicates[0][0], person_b_id=duplicates[0][1])
    assert pair.explanation["dob"]["level"] == "date of birth the same"
    assert pair.status == "pending"
    assert Person.objects.count() == people  # nothing merged
    assert AuditEvent.objects.get(event="linkage.run").details["model_version"] == 1
    reset_cache()
    assert current_weights().version == "v1"
    # A second run adds a new model version and no duplicate pairs.
    call_command("link_people", "--threshold", "4", stdout=io.StringIO())
    assert MatchModel.objects.count() == 2
    assert CandidatePair.objects.count() == len(found)
    reset_cache()
