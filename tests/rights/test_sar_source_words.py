"""What in a partner's intelligence may identify that partner as the police's source
(outside tester, "sarwords"): the disclosure gives a school's entry as held by the force,
but "Heatherfield Academy DSL ... Logged on CPOMS ref 55120" still told the requester the
school informed the police. Such words are listed, with context, before the part is
approved; they go out only redacted (in one step, bundle-wide) or with a recorded reason."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import Agency, User
from cairn.accounts.roles import Role
from cairn.audit.models import AuditEvent
from cairn.intelligence import services as intel
from cairn.pole import services as pole
from cairn.pole.models import Person
from cairn.rights import services
from cairn.rights.checks import source_checks
from cairn.rights.models import BundleItem, SubjectAccessRequest

from ..intelligence.conftest import intel_data

pytestmark = pytest.mark.django_db

SCHOOL_ENTRY = (
    "Heatherfield Academy DSL saw Jordan hand a small package to a Year 9 pupil at the "
    "side gate. Logged on CPOMS ref 55120."
)
REASON = "The school has agreed in writing that it may be named to the requester."


@pytest.fixture
def school(agencies: dict[str, Agency], users: dict[str, User]) -> Agency:
    school = agencies["school"]
    school.name = "Heatherfield Academy"
    school.save(update_fields=["name"])
    # Its premises, as Cairn holds them: a place recorded under its name.
    pole.location_create(
        actor=users["fib_officer"],
        name="Heatherfield Academy",
        address_line_1="12 Moorgate Lane",
        postcode="TE1 4HA",
        premises_type="school",
    )
    return school


@pytest.fixture
def jordan(make_person: Callable[..., Person], users: dict[str, User]) -> Person:
    return make_person(
        users["fib_officer"],
        given_name="Jordan",
        family_name="Examplefield",
        date_of_birth=dt.date(2010, 6, 1),
        hub_shared=True,
    )


def _entry(actor: User, person: Person, where: str, what: str) -> Any:
    mention = {
        "kind": "person",
        "given_name": person.given_name,
        "family_name": person.family_name,
        "entity_id": person.pk,
    }
    return intel.submission_create(
        actor=actor,
        data=intel_data(
            subject_description="Jordan, about 16", where=where, what=what, mentions=[mention]
        ),
    )


def _sar(ig: User, person: Person) -> SubjectAccessRequest:
    logged = services.sar_log(
        confirm_duplicate=True,
        actor=ig,
        requester="Jordan Examplefield",
        requester_kind="subject",
        authority_checked=True,
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        other_names="",
        received_on=timezone.localdate(),
    )
    return services.sar_confirm(actor=ig, sar_id=logged.pk, person_ids=[person.pk])


@pytest.fixture
def school_teacher(make_user: Callable[..., User]) -> User:
    return make_user(Role.PRACTITIONER, "school", username="dsl_heatherfield")


@pytest.fixture
def school_sar(
    school: Agency, school_teacher: User, jordan: Person, police_ig: User
) -> SubjectAccessRequest:
    _entry(school_teacher, jordan, "Heatherfield Academy, 12 Moorgate Lane", SCHOOL_ENTRY)
    return _sar(police_ig, jordan)


def _school_item(sar: SubjectAccessRequest, school: Agency) -> BundleItem:
    return sar.items.get(record_type="intelligence", agency=school)


def _part(sar: SubjectAccessRequest, agency: Agency) -> list[BundleItem]:
    return list(sar.items.filter(agency=agency).prefetch_related("redactions"))


def test_a_schools_entry_is_flagged_for_each_kind_of_source_word(
    school_sar: SubjectAccessRequest, school: Agency, police_ig: User
) -> None:
    (check,) = source_checks(_part(school_sar, school))
    assert check.item.holder != school  # the disclosure gives it as held by the police
    found = {w.words: set(w.kinds) for w in check.words}
    assert found["Heatherfield Academy"] == {"agency"}
    assert found["12 Moorgate Lane"] == {"agency"}  # its premises
    assert found["DSL"] == {"role"}
    assert found["CPOMS ref 55120"] == {"system", "reference"}
    assert {k for kinds in found.values() for k in kinds} == {
        "agency",
        "system",
        "reference",
        "role",
    }


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Youth worker at Moorside Youth Club saw him", ["Youth worker at Moorside Youth Club"]),
        ("The school nurse was told; see MyConcern 4471", ["school nurse", "MyConcern 4471"]),
        ("Recorded on Mosaic, case no. 2026/118", ["Mosaic, case no. 2026/118"]),
        ("Seen at the shops by a passer-by", []),
    ],
)
def test_source_words_in_a_partners_words(
    text: str, words: list[str], agencies: dict[str, Agency]
) -> None:
    from cairn.rights.checks import source_words

    assert [w.words for w in source_words(text, agencies["trust"])] == words


def test_a_police_officers_own_entry_is_not_flagged(
    school: Agency, jordan: Person, users: dict[str, User], police_ig: User
) -> None:
    _entry(
        users["fib_officer"],
        jordan,
        "Example Parade",
        "Officers on patrol saw Jordan with older youths outside the shops at 23:00.",
    )
    sar = _sar(police_ig, jordan)
    assert sar.items.filter(record_type="intelligence").exists()
    assert source_checks(list(sar.items.prefetch_related("redactions"))) == []
    # Approved as it is, with no reason asked for the source.
    services.sar_approve(actor=police_ig, sar_id=sar.pk, confirmed=True)
    assert not AuditEvent.objects.filter(event="rights.sar_source_words_confirmed").exists()


def _disclose(sar: SubjectAccessRequest, police_ig: User) -> None:
    services.sar_disclose(
        actor=police_ig, sar_id=sar.pk, recipient="Jordan Examplefield", method="post"
    )


def _approved_by_school(sar: SubjectAccessRequest, school_ig: User, police_ig: User) -> None:
    # The school's IG approves its entry unread (police intelligence): no words shown to it,
    # no reason asked of it. The police part too, so only the source words stop disclosure.
    page = _client(school_ig).post(
        reverse("rights:sar-detail", args=[sar.pk]), {"action": "approve"}
    )
    assert "approve-source-checks" not in page.content.decode()
    assert "CPOMS" not in page.content.decode()
    services.sar_approve(actor=school_ig, sar_id=sar.pk, confirmed=True)
    services.sar_approve(actor=police_ig, sar_id=sar.pk, confirmed=True)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_police_ig_sees_them_and_discloses_only_with_a_reason(
    school_sar: SubjectAccessRequest, school: Agency, school_ig: User, police_ig: User
) -> None:
    sar = school_sar
    _approved_by_school(sar, school_ig, police_ig)
    with pytest.raises(ValidationError) as exc:
        _disclose(sar, police_ig)
    assert "may identify the partner agency" in exc.value.messages[0]
    assert "Intelligence INT-" in exc.value.messages[0]
    item = _school_item(sar, school)
    client = _client(police_ig)
    detail = reverse("rights:sar-detail", args=[sar.pk])
    assert 'data-testid="source-pending"' in client.get(detail).content.decode()
    url = reverse("rights:sar-item", args=[sar.pk, item.pk])
    body = client.get(url).content.decode()
    assert 'data-testid="source-words"' in body
    for words in ("Heatherfield Academy", "12 Moorgate Lane", "DSL", "CPOMS ref 55120"):
        assert f"<mark>{words}</mark>" in body
    assert "A job title that says who passed it on" in body
    assert "Names an agency&#x27;s record system" in body
    assert AuditEvent.objects.filter(
        event="rights.sar_viewed", actor=police_ig, object_id=str(item.pk)
    ).exists()
    # Too short a reason: not recorded, asked again, what was typed kept.
    short = client.post(url, {"action": "confirm_source_words", "disclose-reason": "ok"})
    assert short.status_code == 200 and "at least 20 characters" in short.content.decode()
    assert ">ok</textarea>" in short.content.decode() or ">\nok</textarea>" in (
        short.content.decode()
    )
    item.refresh_from_db()
    assert item.source_words_at is None
    done = client.post(url, {"action": "confirm_source_words", "disclose-reason": REASON})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.source_words_reason == REASON and item.source_words_by == police_ig
    row = AuditEvent.objects.get(event="rights.sar_source_words_confirmed")
    assert row.actor == police_ig and row.details["reason"] == REASON
    assert row.details["kinds"] == ["agency", "reference", "role", "system"]
    assert "CPOMS" not in str(row.details)  # where, not the words
    assert 'data-testid="source-pending"' not in client.get(detail).content.decode()
    assert 'data-testid="source-words-confirmed"' in client.get(url).content.decode()
    _disclose(sar, police_ig)


def test_redacting_them_in_one_step_removes_them_from_the_pdf(
    school_sar: SubjectAccessRequest,
    school: Agency,
    school_ig: User,
    police_ig: User,
) -> None:
    sar = school_sar
    _approved_by_school(sar, school_ig, police_ig)
    item = _school_item(sar, school)
    client = _client(police_ig)
    url = reverse("rights:sar-item", args=[sar.pk, item.pk])
    empty = client.post(url, {"action": "redact_source_words", "words-reason": ""})
    assert "Enter the reason for these redactions" in empty.content.decode()
    assert not AuditEvent.objects.filter(event="rights.sar_redacted").exists()
    done = client.post(
        url, {"action": "redact_source_words", "words-reason": "Identifies the school"}
    )
    assert done.status_code == 302
    assert source_checks(_part(sar, school)) == []
    assert AuditEvent.objects.filter(event="rights.sar_redacted", actor=police_ig).exists()
    # A redaction voids the approvals: given again, then disclosed with no reason asked.
    services.sar_approve(actor=school_ig, sar_id=sar.pk)
    services.sar_approve(actor=police_ig, sar_id=sar.pk, confirmed=True)
    _disclose(sar, police_ig)
    response = client.get(reverse("rights:sar-pdf", args=[sar.pk]))
    assert response.status_code == 200
    pages = pypdf.PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "hand a small package" in text  # the rest goes out
    for words in ("Heatherfield", "Moorgate", "DSL", "CPOMS", "55120"):
        assert words not in text
    assert "Redacted: intelligence source" in text


def test_others_may_not_redact_or_disclose_them(
    school_sar: SubjectAccessRequest,
    school: Agency,
    users: dict[str, User],
    school_ig: User,
    police_ig: User,
) -> None:
    sar = school_sar
    item = _school_item(sar, school)
    detail = reverse("rights:sar-detail", args=[sar.pk])
    url = reverse("rights:sar-item", args=[sar.pk, item.pk])
    for user in (users["ig_admin"], users["practitioner"], school_ig, police_ig):
        # police IG before the school approved (or it took over): it may not read it yet.
        client = _client(user)
        for action, field in (
            ("redact_source_words", "words-reason"),
            ("confirm_source_words", "disclose-reason"),
        ):
            assert client.post(url, {"action": action, field: REASON}).status_code == 404, user
        response = client.post(
            detail, {"action": "redact_source", "agency": str(school.pk), "reason": REASON}
        )
        # Its own part for the school's IG, but nothing in it it may read to redact.
        assert response.status_code == (400 if user == school_ig else 404), user
    assert not sar.items.filter(redactions__isnull=False).exists()
    assert not sar.items.filter(source_words_at__isnull=False).exists()
    # The school's IG may redact, not disclose: the source exemption is the police's.
    services.sar_approve(actor=school_ig, sar_id=sar.pk, confirmed=True)
    school_client = _client(school_ig)
    assert (
        school_client.post(
            url, {"action": "confirm_source_words", "disclose-reason": REASON}
        ).status_code
        == 404
    )


def test_the_handling_ig_cannot_disclose_them_unchecked(
    school_sar: SubjectAccessRequest, school: Agency, police_ig: User
) -> None:
    # The school's part, unapproved, blocks disclosure as before; once approved with a
    # reason, the words go out and the audit says why.
    sar = school_sar
    with pytest.raises(ValidationError):
        services.sar_disclose(actor=police_ig, sar_id=sar.pk, recipient="Jordan", method="post")
    services.sar_take_over(
        actor=police_ig, sar_id=sar.pk, agency_id=school.pk, reason="The school has no IG lead"
    )
    client = Client()
    client.force_login(police_ig)
    item = _school_item(sar, school)
    client.get(reverse("rights:sar-item", args=[sar.pk, item.pk]))
    with pytest.raises(ValidationError) as exc:
        services.sar_approve(actor=police_ig, sar_id=sar.pk, agency_id=school.pk, confirmed=True)
    assert set(exc.value.error_dict) == {"source_reason"}
    page = client.post(
        reverse("rights:sar-detail", args=[sar.pk]),
        {"action": "approve", "agency": str(school.pk)},
    )
    assert "<mark>CPOMS ref 55120</mark>" in page.content.decode()
    services.sar_approve(
        actor=police_ig,
        sar_id=sar.pk,
        agency_id=school.pk,
        confirmed=True,
        source_reason=REASON,
    )
    row = AuditEvent.objects.get(event="rights.sar_source_words_confirmed")
    assert row.details["agencies"] == [school.pk]
    assert _school_item(sar, school).source_words_reason == REASON
    services.sar_approve(actor=police_ig, sar_id=sar.pk, confirmed=True)
    _disclose(sar, police_ig)
