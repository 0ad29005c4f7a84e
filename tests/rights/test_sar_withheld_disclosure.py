"""A withheld record gives nothing of itself in the disclosure (ADR 0025, amendment "a
withheld record tells nothing"): no title, date, type or position among the records;
only "a record held by <agency> was withheld: <exemption>", and not even that under an
exemption that may neither confirm nor deny (s.45(4) prejudice, an intelligence source).
Proved on the text extracted from the PDF, the only export of a disclosure."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pypdf
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import User
from cairn.concerns.models import Concern, ConcernStatus
from cairn.missing.models import MissingEpisode
from cairn.pole.models import Person
from cairn.rights import services
from cairn.rights.models import BundleItem, SubjectAccessRequest

pytestmark = pytest.mark.django_db

POLICE_NOTE = "Strategy discussion planned about the older men at the Mill Road flat"
TRUST_NOTE = "Her aunt Petronella Madeupaunt told us about the flat"
KEPT = "Seen near the library after school"


@pytest.fixture
def sar(
    users: dict[str, User],
    agencies: dict[str, Any],
    make_person: Callable[..., Person],
    police_ig: User,
    subject_sar: Callable[..., SubjectAccessRequest],
) -> SubjectAccessRequest:
    child = make_person(
        given_name="Wren", family_name="Withheldtitle", date_of_birth=dt.date(2011, 8, 9)
    )
    for note in (TRUST_NOTE, KEPT):
        Concern.objects.create(
            child=child,
            status=ConcernStatus.SUBMITTED,
            reporter=users["social_worker"],
            reporter_agency=agencies["trust"],
            narrative=note,
        )
    MissingEpisode.objects.create(
        child=child,
        owning_agency=agencies["police"],
        recorded_by=users["fib_officer"],
        reported_at=timezone.now() - dt.timedelta(days=3),
        circumstances=POLICE_NOTE,
    )
    ig = users["ig_admin"]
    return subject_sar(ig, child)


def _concern(sar: SubjectAccessRequest, note: str) -> BundleItem:
    return next(i for i in sar.items.filter(record_type="concern") if note in i.text)


def _pdf_text(user: User, sar: SubjectAccessRequest) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("rights:sar-pdf", args=[sar.pk]))
    assert response.status_code == 200
    pages = pypdf.PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def _disclose(ig: User, sar: SubjectAccessRequest) -> None:
    services.sar_disclose(actor=ig, sar_id=sar.pk, recipient="Wren", method="post")


def test_a_withheld_record_shows_only_its_agency_and_exemption(
    users: dict[str, User], sar: SubjectAccessRequest, police_ig: User
) -> None:
    ig = users["ig_admin"]
    episode = sar.items.get(record_type="missing_episode")
    trust = _concern(sar, TRUST_NOTE)
    services.sar_withhold(
        actor=ig, sar_id=sar.pk, item_id=trust.pk, exemption="third_party", reason="The aunt"
    )
    services.sar_withhold(
        actor=police_ig,
        sar_id=sar.pk,
        item_id=episode.pk,
        exemption="prejudice_investigation",
        reason="A strategy discussion is planned",
    )
    # A redaction's label keeps "DPA 2018" in capitals (it read "dpa 2018").
    services.sar_redact(
        actor=ig,
        sar_id=sar.pk,
        item_id=_concern(sar, KEPT).pk,
        phrase="library",
        exemption="prejudice_investigation",
        reason="Where she is watched",
    )
    _disclose(ig, sar)
    text = _pdf_text(ig, sar)
    assert (
        "Seen near the [Redacted: an exemption for the prevention and detection of crime "
        "(DPA 2018 s.45(4))]" in text
    )
    assert "investigation" not in text
    assert "dpa 2018" not in text
    # The Trust's withheld concern: the agency and the exemption, nothing of the record.
    assert (
        "[A record held by Testshire Children's Trust was withheld: third-party personal data]"
        in text
    )
    assert trust.title not in text and "Madeupaunt" not in text
    assert text.count("Concern CON-") == 1  # the disclosed one only
    # The police's, withheld under s.45(4): not even a line (neither confirm nor deny).
    assert episode.title not in text and "Missing episode" not in text
    assert "Strategy" not in text and "Testshire Police" not in text
    assert "Record withheld" not in text


def test_a_disclosure_withholding_only_under_s45_reads_as_one_withholding_nothing(
    users: dict[str, User], sar: SubjectAccessRequest, police_ig: User
) -> None:
    """The police's s.45(4) withholding leaves the PDF exactly as if the police held
    nothing about her: no list of withheld records, no "held by" the police."""
    ig = users["ig_admin"]
    episode = sar.items.get(record_type="missing_episode")
    services.sar_withhold(
        actor=police_ig,
        sar_id=sar.pk,
        item_id=episode.pk,
        exemption="prejudice_investigation",
        reason="A strategy discussion is planned",
    )
    _disclose(ig, sar)
    text = _pdf_text(ig, sar)
    assert "Records withheld" not in text and "was withheld:" not in text
    assert "Testshire Police" not in text
    assert TRUST_NOTE in text and KEPT in text
    # The PDF is IG's: a caseworker of the same agency gets a 404, as for any request.
    client = Client()
    client.force_login(users["social_worker"])
    assert client.get(reverse("rights:sar-pdf", args=[sar.pk])).status_code == 404
