"""The disclosure PDF's cover: the Art. 15(1)/(2) supplementary information worked out
from the bundle as disclosed (purposes, categories, recipients with their lawful basis,
retention from the owning agency's rules, sources, rights, the ICO), and nothing about
a record that was withheld."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pypdf
import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import User
from cairn.accounts.roles import Role
from cairn.concerns.models import Concern, ConcernStatus
from cairn.intelligence.models import Dissemination, RecipientKind, Submission
from cairn.intelligence.models import Status as IntelStatus
from cairn.pole.models import EntityShare, Person
from cairn.retention.models import RetentionRule
from cairn.rights import services
from cairn.sharing.models import Disclosure, DisclosureKind, LawfulBasis


def _pdf_text(user: User, sar_id: int) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("rights:sar-pdf", args=[sar_id]))
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_cover_gives_purposes_recipients_retention_sources_and_rights(
    users: dict[str, User],
    agencies: dict[str, Any],
    make_person: Callable[..., Person],
    make_user: Callable[..., User],
) -> None:
    sw, ig = users["social_worker"], users["ig_admin"]
    police_ig = make_user(Role.IG_ADMIN, "police", username="ig_police_cover")
    eli = make_person(
        given_name="Eli",
        family_name="Inventedby",
        date_of_birth=dt.date(2012, 1, 9),
        sen_disability="Dyslexia",
    )
    RetentionRule.objects.create(
        agency=agencies["trust"],
        record_type="pole.person",
        code="csc-25",
        name="Children's social care record",
        authority="Local authority retention schedule",
        clock="birthday",
        years=25,
    )
    Concern.objects.create(
        child=eli,
        status=ConcernStatus.SUBMITTED,
        reporter=sw,
        reporter_agency=agencies["school"],
        narrative="Eli arrived with injuries he would not explain.",
    )
    to_school = Disclosure.objects.create(
        kind=DisclosureKind.RECORD_SHARE,
        reference="P-9",
        from_agency=agencies["trust"],
        to_agency=agencies["school"],
        recipient=agencies["school"].name,
        lawful_basis=LawfulBasis.CA2004_S11,
        disclosed_by=sw,
    )
    EntityShare.objects.create(
        entity=eli.entity,
        agency=agencies["school"],
        shared_by=sw,
        reason="For the designated safeguarding lead",
        disclosure=to_school,
    )
    intel = Submission.objects.create(
        status=IntelStatus.NEW,
        submitter=users["fib_officer"],
        submitter_agency=agencies["police"],
        subject=eli,
        what="Seen at an address under observation.",
    )
    Dissemination.objects.create(
        submission=intel,
        recipient_kind=RecipientKind.AGENCY,
        recipient_agency=agencies["trust"],
        reason="Safeguarding",
        disseminated_by=users["fib_officer"],
        disclosure=Disclosure.objects.create(
            kind=DisclosureKind.DISSEMINATION,
            reference="INT-1",
            from_agency=agencies["police"],
            to_agency=agencies["trust"],
            recipient="Covert unit name that must not show",
            lawful_basis=LawfulBasis.CDA1998_S115,
            disclosed_by=users["fib_officer"],
        ),
    )
    sar = services.sar_log(
        actor=ig,
        requester="Eli Inventedby",
        requester_kind="subject",
        authority_checked=True,  # identity checked: it may be disclosed
        given_name="Eli",
        family_name="Inventedby",
        date_of_birth=dt.date(2012, 1, 9),
        other_names="",
        received_on=timezone.localdate(),
    )
    services.sar_confirm(actor=ig, sar_id=sar.pk, person_ids=[eli.pk])
    # Police-only intelligence is the police's to answer for: not in the Trust's bundle.
    assert not sar.items.filter(record_type="intelligence").exists()
    with pytest.raises(Http404):  # so the police have no part here to approve
        services.sar_approve(actor=police_ig, sar_id=sar.pk, confirmed=True)
    for actor in (ig, make_user(Role.IG_ADMIN, "school", username="ig_school_c")):
        services.sar_approve(actor=actor, sar_id=sar.pk, confirmed=True)
    services.sar_disclose(actor=ig, sar_id=sar.pk, recipient="Eli", method="post")
    text = _pdf_text(ig, sar.pk)
    # Purposes and categories, from the record types disclosed.
    assert "Identity and personal details" in text
    assert "Concerns reported about your safety" in text
    assert "Health (special educational needs or disability)" in text
    # Recipients from the Disclosure register, with the lawful basis.
    assert "Testshire Academy, on" in text
    assert "Children Act 2004 s.11" in text
    # Retention from the owning agency's rule, with the date it falls due (25th birthday).
    assert "Children's social care record (Local authority retention schedule)" in text
    assert "kept for 25 years from your date of birth" in text
    assert "9 January 2037" in text
    # Sources: which agency recorded what.
    assert "Testshire Academy: concerns reported about your safety" in text
    assert "rectification" in text and "erasure" in text and "restriction" in text
    assert "object" in text
    assert "Information Commissioner's Office" in text and "ico.org.uk" in text
    # Nothing of the intelligence: not its category, nor its recipient or basis.
    assert "Police intelligence" not in text
    assert "Crime and Disorder Act" not in text
    assert "offences" not in text
