"""What a subject access disclosure must not do to other people (outside tester 9, ADR
0025, amendment of 2026-12-08): name the partner that gave the police intelligence about
the requester (F3), leave words redacted in one record readable in another (F1), or let
another person's name, a grading or a police method go out on an approval nobody looked
at (F4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from cairn.accounts.models import User
from cairn.audit.models import AuditEvent
from cairn.core.concurrency import Conflict
from cairn.intelligence import services as intel
from cairn.intelligence.models import Submission
from cairn.pole import services as pole
from cairn.pole.models import Person
from cairn.rights import selectors, services
from cairn.rights.models import BundleItem, SubjectAccessRequest

from ..intelligence.conftest import intel_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def daniel(make_person: Callable[..., Person], users: dict[str, User]) -> Person:
    # The police's record: the only records of the Trust are what it told the police.
    return make_person(
        users["fib_officer"],
        given_name="Daniel",
        family_name="Examplestewart",
        category="person_of_concern",
        date_of_birth=dt.date(1984, 10, 11),
        hub_shared=True,
    )


def _pdf_text(sar: SubjectAccessRequest) -> str:
    """The disclosure PDF's HTML, as WeasyPrint is given it."""
    sar.refresh_from_db()
    return render_to_string("rights/sar_pdf.html", selectors.disclosure_context(sar))


def _item(sar: SubjectAccessRequest, agency: Any) -> BundleItem:
    return sar.items.get(record_type="intelligence", agency=agency)


@pytest.fixture
def daniel_entry(
    matched_entry: Callable[..., Submission], daniel: Person
) -> Callable[..., Submission]:
    """An entry matched at entry to him, so it is in the police's bundle."""

    def make(actor: User, where: str, what: str) -> Submission:
        return matched_entry(
            actor, daniel, subject_description="Daniel, about 42", where=where, what=what
        )

    return make


@pytest.fixture
def partner_entry_sar(
    users: dict[str, User],
    daniel: Person,
    police_ig: User,
    daniel_entry: Callable[..., Submission],
    subject_sar: Callable[..., SubjectAccessRequest],
) -> SubjectAccessRequest:
    # The Trust's practitioner gives the police intelligence about him.
    daniel_entry(
        users["practitioner"],
        "Outside the shops on Example Parade",
        "Seen passing small packages to boys in school uniform.",
    )
    return subject_sar(police_ig, daniel)


def _disclose(sar: SubjectAccessRequest, police_ig: User, users: dict[str, User]) -> None:
    if sar.items.filter(agency=users["ig_admin"].agency).exists():
        services.sar_approve(actor=users["ig_admin"], sar_id=sar.pk, confirmed=True)
    services.sar_disclose(
        actor=police_ig, sar_id=sar.pk, recipient="Daniel Examplestewart", method="post"
    )


# F3: the partner that informed the police is not named -----------------------------------


def test_a_partners_intelligence_goes_out_as_held_by_the_police(
    partner_entry_sar: SubjectAccessRequest,
    police_ig: User,
    users: dict[str, User],
    agencies: dict[str, Any],
) -> None:
    sar = partner_entry_sar
    item = _item(sar, agencies["trust"])
    # Still the Trust's part to approve: only what the requester reads changes.
    assert item.agency == agencies["trust"] and item.holder == agencies["police"]
    _disclose(sar, police_ig, users)
    html = _pdf_text(sar)
    assert "Seen passing small packages" in html
    trust = agencies["trust"].name.replace("'", "&#x27;")
    # Not as holder, source, retention line or anywhere else.
    assert trust not in html and agencies["trust"].name not in html
    assert f"Held by {agencies['police'].name}" in html
    assert f"Intelligence held by {agencies['police'].name}" in html


def test_police_ig_may_name_the_source_deliberately_audited(
    partner_entry_sar: SubjectAccessRequest,
    police_ig: User,
    users: dict[str, User],
    agencies: dict[str, Any],
) -> None:
    sar = partner_entry_sar
    item = _item(sar, agencies["trust"])
    services.sar_approve(actor=users["ig_admin"], sar_id=sar.pk, confirmed=True)
    with pytest.raises(ValidationError):
        services.sar_name_source(
            actor=police_ig, sar_id=sar.pk, item_id=item.pk, named=True, reason="ok"
        )
    services.sar_name_source(
        actor=police_ig,
        sar_id=sar.pk,
        item_id=item.pk,
        named=True,
        reason="The requester was told at the time that the Trust had reported it.",
    )
    item.refresh_from_db()
    assert item.holder == agencies["trust"]
    row = AuditEvent.objects.get(event="rights.sar_source_named")
    assert row.details["approval_voided"] is True
    # What the Trust approved changed: it approves again.
    assert not sar.approvals.exists()
    services.sar_approve(actor=users["ig_admin"], sar_id=sar.pk, confirmed=True)
    with pytest.raises(Conflict):
        services.sar_name_source(
            actor=police_ig,
            sar_id=sar.pk,
            item_id=item.pk,
            named=True,
            reason="A second press of the same button.",
        )
    services.sar_disclose(
        actor=police_ig, sar_id=sar.pk, recipient="Daniel Examplestewart", method="post"
    )
    assert f"Held by {agencies['trust'].name}".replace("'", "&#x27;") in _pdf_text(sar)


def test_only_the_handling_police_ig_names_a_source(
    partner_entry_sar: SubjectAccessRequest, users: dict[str, User], agencies: dict[str, Any]
) -> None:
    sar = partner_entry_sar
    item = _item(sar, agencies["trust"])
    client = Client()
    client.force_login(users["ig_admin"])  # the Trust's IG: its own part, not the source call
    response = client.post(
        reverse("rights:sar-item", args=[sar.pk, item.pk]),
        {"action": "name_source", "source-reason": "We would like to be named, please."},
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.source_hidden


# F1: words redacted in one record are redacted in every record of the bundle ------------


def test_words_redacted_in_one_record_are_redacted_in_every_record(
    users: dict[str, User],
    daniel: Person,
    police_ig: User,
    daniel_entry: Callable[..., Submission],
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    fib = users["fib_officer"]
    first = daniel_entry(fib, "Outside the shops on Example Parade", "Seen with a holdall.")
    daniel_entry(fib, "The bus stop", "Later walked back towards EXAMPLE  parade alone.")
    daniel_entry(users["practitioner"], "Example Parade again", "Seen with two boys.")
    sar = subject_sar(police_ig, daniel)
    item = sar.items.get(record_type="intelligence", record_id=str(first.pk))
    created = services.sar_redact(
        actor=police_ig,
        sar_id=sar.pk,
        item_id=item.pk,
        phrase="Example Parade",
        exemption="prejudice_investigation",
        reason="The location is part of a live operation",
    )
    assert len(created) == 3
    rows = AuditEvent.objects.filter(event="rights.sar_redacted").order_by("pk")
    assert [r.details["bundle_wide_from"] for r in rows] == [None, item.pk, item.pk]
    assert all("Example" not in str(r.details) for r in rows)  # where and why, not the words
    _disclose(sar, police_ig, users)
    html = _pdf_text(sar)
    assert "Seen with two boys" in html and "walked back towards" in html
    assert "example parade" not in html.lower() and "example  parade" not in html.lower()


def test_an_entry_included_later_gets_the_words_redacted_too(
    users: dict[str, User],
    daniel: Person,
    police_ig: User,
    daniel_entry: Callable[..., Submission],
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    fib = users["fib_officer"]
    first = daniel_entry(fib, "Outside the shops on Example Parade", "Seen with a holdall.")
    # Names him in words only: a possible entry.
    intel.submission_create(
        actor=fib,
        data=intel_data(
            subject_description="Daniel Examplestewart, about 42",
            where="Example Parade",
            what="Standing by the bookmakers.",
            mentions=[],
        ),
    )
    sar = subject_sar(police_ig, daniel)
    item = sar.items.get(record_type="intelligence", record_id=str(first.pk))
    services.sar_redact(
        actor=police_ig,
        sar_id=sar.pk,
        item_id=item.pk,
        phrase="Example Parade",
        exemption="third_party",
        reason="The address of someone else",
    )
    entry = sar.possible_entries.get()
    decided = services.sar_possible_decide(
        actor=police_ig, sar_id=sar.pk, entry_id=entry.pk, decision="include"
    )
    assert decided.item is not None
    assert decided.item.redactions.count() == 1
    _disclose(sar, police_ig, users)
    html = _pdf_text(sar)
    assert "Standing by the bookmakers" in html and "Example Parade" not in html


# F4: a part approved with nothing redacted is approved knowingly -------------------------


@pytest.fixture
def linked_sar(
    users: dict[str, User],
    daniel: Person,
    police_ig: User,
    make_person: Callable[..., Person],
    subject_sar: Callable[..., SubjectAccessRequest],
) -> SubjectAccessRequest:
    fib = users["fib_officer"]
    amelia = make_person(
        fib, given_name="Amelia", family_name="Examplewood", date_of_birth=dt.date(2011, 3, 3)
    )
    pole.link_record(
        actor=fib,
        from_entity_id=daniel.pk,
        to_entity_id=amelia.pk,
        link_type="associate",
        source_note="Seen together repeatedly (FIB intelligence report, graded 2/B/P)",
    )
    return subject_sar(police_ig, daniel)


def test_approving_a_part_as_it_is_needs_a_confirmation_listing_what_it_names(
    linked_sar: SubjectAccessRequest, police_ig: User, agencies: dict[str, Any]
) -> None:
    sar = linked_sar
    with pytest.raises(ValidationError) as exc:
        services.sar_approve(actor=police_ig, sar_id=sar.pk)
    assert set(exc.value.error_dict) == {"confirmed"}
    assert not sar.approvals.exists()
    client = Client()
    client.force_login(police_ig)
    url = reverse("rights:sar-detail", args=[sar.pk])
    page = client.post(url, {"action": "approve"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Approve your part with nothing redacted or withheld?" in body
    assert "Names other people: Amelia Examplewood" in body
    assert "A grading or its scheme (2/B/P)" in body
    assert "intelligence report" in body
    assert not sar.approvals.exists()
    assert AuditEvent.objects.filter(
        event="rights.sar_viewed", justification__contains="before approving"
    ).exists()
    done = client.post(url, {"action": "approve", "confirmed": "yes"})
    assert done.status_code == 302 and sar.approvals.filter(agency=agencies["police"]).exists()
    row = AuditEvent.objects.get(event="rights.sar_part_approved")
    assert row.details["as_it_is"] is True


def test_a_part_with_a_redaction_is_approved_without_the_extra_step(
    linked_sar: SubjectAccessRequest, police_ig: User
) -> None:
    sar = linked_sar
    link = sar.items.get(record_type="link")
    services.sar_redact(
        actor=police_ig,
        sar_id=sar.pk,
        item_id=link.pk,
        phrase="Amelia Examplewood",
        exemption="third_party",
        reason="Another child",
    )
    services.sar_approve(actor=police_ig, sar_id=sar.pk)
    row = AuditEvent.objects.get(event="rights.sar_part_approved")
    assert row.details["as_it_is"] is False


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Seen together (FIB intelligence report, graded 2/B/P)", ["2/B/P"]),
        ("Evaluated 3x5x2 as 1 / A / C", ["1 / A / C", "3x5x2"]),
        ("Police risk grading: Not yet graded", []),
        ("Flat 2/B/Pine Court", []),
    ],
)
def test_gradings_are_flagged_and_a_childs_own_risk_grading_is_not(
    text: str, found: list[str]
) -> None:
    from cairn.rights.checks import GRADING

    assert sorted(m.group(0) for m in GRADING.finditer(text)) == found
