"""Outside tester 12 read in a disclosure PDF: "Recipient agency: 2", "MASH referral
referral MASH-000015", "Intelligence submission 12" and "the nrm". A bundle's items
carry the forms' own labels and the user-facing references."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cairn.intelligence.models import Status as IntelStatus
from cairn.intelligence.models import Submission
from cairn.pole.models import Person
from cairn.referrals import services
from cairn.referrals.models import Referral
from cairn.rights.bundle import records_about
from cairn.rights.cover import source_label

from ..referrals.conftest import mash_details

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(make_person: Callable[..., Person]) -> Person:
    return make_person(given_name="Rowan", family_name="Testwording")


def test_a_referral_reads_with_its_labels_and_reference(
    users: dict[str, Any], child: Person
) -> None:
    referral: Referral = services.referral_create(
        actor=users["social_worker"],
        kind="mash",
        child=child,
        details={**mash_details(), "recipient_agency": users["mash_screener"].agency_id},
    )
    (item,) = [i for i in records_about([child]) if i.record_type == "referral"]
    assert item.title == f"MASH referral {referral.reference}"
    assert "Recipient agency" not in item.text
    assert "Is the child in immediate danger" not in item.text  # not a MASH form question
    # Choices read as their labels, not stored codes.
    assert "white_british" not in item.text
    assert f"Sent to: {users['mash_screener'].agency.name}" in item.text


def test_intelligence_reads_with_its_reference(users: dict[str, Any], child: Person) -> None:
    entry = Submission.objects.create(
        status=IntelStatus.NEW,
        submitter=users["fib_officer"],
        submitter_agency=users["fib_officer"].agency,
        subject=child,
        what="Seen at an address under observation.",
    )
    (item,) = [i for i in records_about([child]) if i.record_type == "intelligence"]
    assert item.title == f"Intelligence {entry.reference}"


def test_sources_keep_acronyms() -> None:
    assert source_label("referral") == (
        "referrals to children's social care, the NRM or other services"
    )
    assert source_label("concern").startswith("concerns reported about your safety")
