"""Demo data for the network app: a car and a short-let flat that link three demo children
to an adult of concern (so the network view has something to show), and a duplicate
record of a demo child (misspelt, typed by another agency) waiting in the review queue.
All invented; uses the services, acting as the demo users."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from cairn.pole import services as pole
from cairn.pole.models import Person, Vehicle

from . import services
from .matching.comparisons import Record, probability
from .matching.online import CandidateFields, match_person
from .matching.splink_batch import LinkResult
from .matching.weights import current_weights, name_counts, term_frequencies, tf_keys

NOTE = "Demo: synthetic link for the network view"
DEMO_REGISTRATION = "ZM71DMO"


def load_demo(*, seed: int = 1) -> None:
    """Idempotent: does nothing if the demo car is already recorded."""
    if Vehicle.objects.filter(registration_key=DEMO_REGISTRATION).exists():
        return
    users = get_user_model().objects
    fib = users.get(username="fib.demo")
    practitioner = users.get(username="practitioner.demo")
    rng = random.Random(seed)
    children = list(Person.objects.filter(category="child").order_by("pk")[:20])
    adults = list(Person.objects.filter(category="person_of_concern").order_by("pk")[:5])
    if len(children) < 3 or not adults:
        return
    trio = rng.sample(children, 3)
    adult = adults[0]
    today = timezone.localdate()
    car = pole.vehicle_create(
        actor=fib, registration=DEMO_REGISTRATION, make="Fictional", model="Hatch", colour="Grey"
    )
    flat = pole.location_create(
        actor=fib,
        name="Flat 4, Demo Court",
        address_line_1="12 Invented Road",
        town="Northmoor",
        postcode="NX9 9ZZ",
        premises_type="hotel",
    )
    pole.link_record(
        actor=fib,
        from_entity_id=adult.pk,
        to_entity_id=car.pk,
        link_type="owns_vehicle",
        started_on=today - dt.timedelta(days=200),
        source_note=NOTE,
    )
    for i, child in enumerate(trio):
        seen = today - dt.timedelta(days=30 + 7 * i)
        pole.link_record(
            actor=fib,
            from_entity_id=child.pk,
            to_entity_id=car.pk,
            link_type="seen_in_vehicle",
            started_on=seen,
            ended_on=seen,
            source_note=NOTE,
        )
        pole.link_record(
            actor=fib,
            from_entity_id=child.pk,
            to_entity_id=flat.pk,
            link_type="seen_at",
            started_on=seen + dt.timedelta(days=2),
            ended_on=seen + dt.timedelta(days=2),
            source_note=NOTE,
        )

    # A duplicate of a demo child, typed with a slip by a partner agency, for the queue.
    original = trio[0]
    given = original.given_name
    dup = pole.person_create(
        actor=practitioner,
        given_name=given[:-1] + ("y" if given[-1] != "y" else "i"),
        family_name=original.family_name,
        category="child",
        date_of_birth=original.date_of_birth,
        sex=original.sex,
        justification="Demo: a duplicate record for the review queue",
    )
    typed = CandidateFields(
        given_name=dup.given_name,
        family_name=dup.family_name,
        date_of_birth=dup.date_of_birth,
        sex=dup.sex,
    )
    found = match_person(fib, typed, exclude_ids=(dup.pk,))
    pairs = []
    for match in found[:1]:
        a, b = sorted((match.person.pk, dup.pk))
        # Each comparison's own weight, as a batch pair has: with the prior they add up to
        # the match weight (before, each reason was stored with 0.0; outside tester 3).
        query = typed.record(timezone.localdate())
        other = match.person
        record = Record(other.given_name, other.family_name, other.date_of_birth, sex=other.sex)
        tf = term_frequencies(name_counts(tf_keys(query)))
        weight, explanation = current_weights().explain(query, record, tf)
        pairs.append(
            {
                "person_a": a,
                "person_b": b,
                "match_weight": weight,
                "match_probability": probability(weight),
                "explanation": explanation,
            }
        )
    services.linkage_store(
        result=LinkResult(model_json={}, pairs=pairs, record_count=Person.objects.count()),
        splink_version="demo",
    )
