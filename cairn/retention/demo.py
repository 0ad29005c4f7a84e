"""Demo retention: every demo agency gets its default rules, and each IG admin finds
records due. The force's IG (igpolice.demo) sees a MoPI group 3 record last touched seven
years ago, linked to a place and to a Trust child (disposing of it tells the Trust), and
a second one that is due but restricted, so disposal is refused until the restriction is
lifted, and an intelligence entry the FIB closed seven years ago, which can be disposed of
on its own (its text, source record and search index erased; the person it names stays).
The Trust's IG (ig.demo) sees a care leaver's record past the 25th birthday. Through the
services, as the demo users; all names invented, phone numbers from Ofcom's drama range."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from cairn.accounts.models import Agency, User
from cairn.intelligence import services as intel
from cairn.intelligence.models import Submission
from cairn.pole import services as pole
from cairn.pole.models import Entity, Link, Person
from cairn.rights import services as rights

from . import services


def _age(entity_ids: list[int], years: int) -> None:
    """Make records look last touched `years` ago (auto_now fields cannot be set)."""
    when = timezone.now() - dt.timedelta(days=years * 365 + 30)
    Entity.objects.filter(pk__in=entity_ids).update(created_at=when, updated_at=when)
    Link.objects.filter(Q(from_entity_id__in=entity_ids) | Q(to_entity_id__in=entity_ids)).update(
        created_at=when, updated_at=when
    )


def load_demo(*, seed: int) -> None:  # the same story for every seed
    for agency in Agency.objects.order_by("pk"):
        services.rules_seed(actor=None, agency=agency)
    fib = User.objects.get(username="fib.demo")
    sw = User.objects.get(username="sw.demo")
    ig_police = User.objects.get(username="igpolice.demo")
    today = timezone.localdate()

    lapsed = pole.person_create(
        actor=fib,
        given_name="Corwin",
        family_name="Lapsedale",
        category="person_of_concern",
        date_of_birth=dt.date(today.year - 44, 9, 12),
        description="Invented for the demo: a police record with no action for seven years.",
        aliases=[("alias", "Cor", "Lapsedale")],
    )
    place = pole.location_create(
        actor=fib, name="Former Example Snooker Hall", town="Northmoor", postcode="NX9 9ZZ"
    )
    pole.link_record(
        actor=fib,
        from_entity_id=lapsed.pk,
        to_entity_id=place.pk,
        link_type="frequents",
        started_on=dt.date(today.year - 7, 4, 1),
        source_note="Seen there in a 2019 patrol log",
    )
    trust_child = (
        Person.objects.filter(
            entity__owning_agency_id=sw.agency_id,
            entity__hub_shared=True,
            entity__police_only=False,
            entity__restricted_since__isnull=True,
            category="child",
        )
        .order_by("pk")
        .first()
    )
    linked = [lapsed.pk, place.pk]
    if trust_child is not None:
        pole.link_record(
            actor=fib,
            from_entity_id=lapsed.pk,
            to_entity_id=trust_child.pk,
            link_type="associate",
            started_on=dt.date(today.year - 7, 6, 1),
            source_note="Seen together once in 2019",
        )
    _age(linked, 7)

    contested = pole.person_create(
        actor=fib,
        given_name="Perrin",
        family_name="Heldbackson",
        category="person_of_concern",
        date_of_birth=dt.date(today.year - 38, 1, 20),
        description="Invented for the demo: due for review but restricted.",
    )
    rights.restriction_apply(
        actor=ig_police,
        person_id=contested.pk,
        reason="The data subject disputes the record's accuracy (s.47) while it is checked",
    )
    _age([contested.pk], 8)

    leaver = pole.person_create(
        actor=sw,
        given_name="Delphine",
        family_name="Carefinished",
        category="other",  # a care leaver, now an adult
        date_of_birth=dt.date(today.year - 27, 2, 2),
        description="Invented for the demo: a Trust record past the 25th birthday.",
    )
    _age([leaver.pk], 12)

    # An intelligence entry the FIB closed with no further action seven years ago: due
    # under MoPI group 3 and not blocked, so a new IG user can dispose of an entry.
    entry = intel.submission_create(
        actor=fib,
        data={
            "subject_description": "A man known as Old Fenwick, about 60, grey beard",
            "what": (
                "Invented for the demo: Old Fenwick was said to let teenagers gather in the "
                "yard behind the Former Example Snooker Hall after closing time."
            ),
            "where": "Former Example Snooker Hall, Northmoor",
            "when_on": dt.date(today.year - 7, 5, 2).isoformat(),
            "how_known": "told",
            "mentions": [],
            "source_is_submitter": False,
            "name": "Ivo Demosource",
            "contact": "07700 900417",
            "relationship": "Neighbour of the hall",
        },
    )
    intel.submission_triage(
        actor=fib,
        submission=entry,
        priority="routine",
        note="No further action: the hall has closed",
        close=True,
    )
    when = timezone.now() - dt.timedelta(days=7 * 365 + 30)
    Submission.objects.filter(pk=entry.pk).update(
        created_at=when, updated_at=when, submitted_at=when
    )
