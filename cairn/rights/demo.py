"""Demo information rights: one open rectification request about a Trust child (a parent
says the date of birth is wrong), one adult whose record is restricted while its
accuracy is contested, and one open subject access request from a Trust child with
concerns on record (records confirmed, bundle waiting for redaction and approvals).
Through the services, as the demo users; all names invented."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cairn.accounts.models import User
from cairn.intelligence import services as intel
from cairn.pole import services as pole
from cairn.pole.models import Person

from . import services


def load_demo(*, seed: int) -> None:  # the same story for every seed
    ig = User.objects.get(username="ig.demo")
    sw = User.objects.get(username="sw.demo")
    today = timezone.localdate()
    child = (
        Person.objects.filter(
            category="child", entity__owning_agency_id=sw.agency_id, entity__police_only=False
        )
        .order_by("-pk")
        .first()
    )
    if child is not None:
        services.request_log(
            actor=ig,
            person_id=child.pk,
            kind="rectification",
            requester="Ms Demelza Examplewood (parent)",
            requester_kind="parent",
            authority_checked=True,
            grounds=(
                "Her child's date of birth is recorded wrongly: the month and day are the "
                "wrong way round."
            ),
            received_on=today - dt.timedelta(days=9),
        )
    adult = pole.person_create(
        actor=sw,
        given_name="Fenwick",
        family_name="Restrictedexample",
        category="other",
        date_of_birth=dt.date(today.year - 41, 3, 14),
        description="Invented for the demo: a record under restriction.",
    )
    request = services.request_log(
        actor=ig,
        person_id=adult.pk,
        kind="restriction",
        requester="Fenwick Restrictedexample",
        requester_kind="subject",
        authority_checked=True,  # his identity: checked before anything is restricted
        grounds=(
            "Says he is not the man seen with the children at the park and asks that the "
            "record not be used while that is checked."
        ),
        received_on=today - dt.timedelta(days=4),
    )
    services.restriction_apply(
        actor=ig,
        person_id=adult.pk,
        reason="Accuracy contested by the data subject (Art. 18(1)(a)) while it is checked",
        request_id=request.pk,
    )

    # The police's IG (igpolice.demo, cairn/demo/constants.py) approves the police part.
    _subject_access(ig, today)
    _police_subject_access(today)


def _subject_access(ig: User, today: dt.date) -> None:
    child = (
        Person.objects.filter(
            category="child",
            entity__owning_agency_id=ig.agency_id,
            entity__police_only=False,
            entity__restricted_since__isnull=True,
            concerns__status__in=["submitted", "screened", "complete"],
        )
        .distinct()
        .order_by("pk")
        .first()
    )
    if child is None:
        return
    sar = services.sar_log(
        actor=ig,
        requester=f"{child.full_name} (by email to the Trust)",
        requester_kind="subject",
        authority_checked=True,  # proof of identity came with the email
        given_name=child.given_name,
        family_name=child.family_name,
        date_of_birth=child.date_of_birth,
        other_names="",
        received_on=today - dt.timedelta(days=12),
    )
    services.sar_confirm(actor=ig, sar_id=sar.pk, person_ids=[child.pk])


def _police_subject_access(today: dt.date) -> None:
    """A request police IG handles, from an invented adult whom two intelligence entries
    name in words only (a subject typed as free text; the account): "Possible entries
    about them, not linked to their record" waits on its page (ADR 0025, amendment)."""
    police_ig = User.objects.filter(username="igpolice.demo").first()
    officer = User.objects.filter(username="fib.demo").first()
    if police_ig is None or officer is None:
        return
    person = pole.person_create(
        actor=officer,
        given_name="Kieran",
        family_name="Freetextexample",
        category="person_of_concern",
        date_of_birth=dt.date(today.year - 30, 8, 21),
        aliases=[("nickname", "Kez", "")],
        description="Invented for the demo: named in intelligence only as free text.",
    )
    for subject, what in (
        ("Kieran Freetextexample, about 30", "Seen handing packages to younger boys."),
        ("Unknown male", "The car is driven by a man the boys call Kez Freetextexample."),
    ):
        intel.submission_create(
            actor=officer,
            data={
                "subject_description": subject,
                "what": what,
                "where": "Outside the shops on Example Parade",
                "when_on": (today - dt.timedelta(days=20)).isoformat(),
                "how_known": "first_hand",
                "mentions": [],
                "source_is_submitter": True,
                "anyone_in_danger": "no",
                "crime_described": "no",
                "intel_only_reason": "Demo: intelligence only.",
            },
        )
    sar = services.sar_log(
        actor=police_ig,
        requester=f"{person.full_name} (by letter to the police)",
        requester_kind="subject",
        authority_checked=True,
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        other_names="Kez",
        received_on=today - dt.timedelta(days=5),
    )
    services.sar_confirm(actor=police_ig, sar_id=sar.pk, person_ids=[person.pk])
