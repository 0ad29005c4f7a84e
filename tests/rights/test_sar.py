"""Subject access requests (UK GDPR Art. 15, DPA 2018 s.45; ADR 0025): the search over
name variants, the clock and its extension, redactions and withholding each with a
reason, agency approvals, the disclosure audited with its recipient, and the PDF with the
redacted words burned out. Through the services and the pages, as IG and as others."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pypdf
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import User
from cairn.accounts.roles import Role
from cairn.audit.models import AuditEvent
from cairn.concerns.models import Concern, ConcernStatus
from cairn.core.concurrency import Conflict
from cairn.intelligence.models import Status as IntelStatus
from cairn.intelligence.models import Submission
from cairn.missing.models import MissingEpisode
from cairn.pole.models import Person
from cairn.rights import selectors, services
from cairn.rights.models import SarStatus, SubjectAccessRequest

THIRD_PARTY = "Orla Madeupfriend"
SOURCE = "the neighbour at number 12"


@pytest.fixture
def jade(make_person: Callable[..., Person], users: dict[str, User]) -> Person:
    """The requester's own record, under her current name with a nickname and an alias."""
    return make_person(
        given_name="Jade",
        family_name="Examplesmith",
        date_of_birth=dt.date(2010, 3, 14),
        aliases=[("nickname", "JJ", ""), ("alias", "Jade", "Fakename")],
    )


@pytest.fixture
def records(jade: Person, users: dict[str, User], agencies: dict[str, Any]) -> dict[str, Any]:
    concern = Concern.objects.create(
        child=jade,
        status=ConcernStatus.SUBMITTED,
        reporter=users["social_worker"],
        reporter_agency=agencies["trust"],
        narrative=f"Jade was seen getting into a car with {THIRD_PARTY} after school.",
    )
    # The police's part, open to partners (not police-only): a missing episode they hold.
    episode = MissingEpisode.objects.create(
        child=jade,
        owning_agency=agencies["police"],
        recorded_by=users["fib_officer"],
        reported_at=timezone.now(),
        circumstances=f"Reported by {SOURCE}: Jade stays out overnight at a flat on Mill Road.",
    )
    # Police-only intelligence: the police's to answer for, never in a partner's bundle.
    intel = Submission.objects.create(
        status=IntelStatus.NEW,
        submitter=users["fib_officer"],
        submitter_agency=agencies["police"],
        subject=jade,
        what="Seen at the Mill Road flat with Crispin Madeupassociate.",
    )
    return {"concern": concern, "episode": episode, "intel": intel}


def _log(actor: User, **kwargs: Any) -> SubjectAccessRequest:
    kwargs.setdefault("requester", "Jade Examplesmith")
    kwargs.setdefault("requester_kind", "subject")
    # Their identity checked, so the request may go on to approval and disclosure.
    kwargs.setdefault("authority_checked", True)
    kwargs.setdefault("given_name", "Jade")
    kwargs.setdefault("family_name", "Examplesmith")
    kwargs.setdefault("date_of_birth", dt.date(2010, 3, 14))
    kwargs.setdefault("other_names", "")
    # Relative: a request must have been received within the last 12 months.
    kwargs.setdefault("received_on", timezone.localdate() - dt.timedelta(days=10))
    return services.sar_log(actor=actor, **kwargs)


def _found(ig: User, sar: SubjectAccessRequest) -> set[int]:
    return {m.person.pk for m in selectors.sar_candidates(ig, sar)}


# -- completeness against name variants -------------------------------------------------


@pytest.mark.parametrize(
    ("given", "family", "other_names"),
    [
        ("Jade", "Examplesmith", ""),  # as recorded
        ("Jade", "Exmaplesmith", ""),  # a typo in the surname
        ("Jadey", "Newmarried", "JJ"),  # a nickname recorded by the agency
        ("Jade", "Newmarried", "Jade Examplesmith"),  # surname changed since: the old one given
        ("Jade", "Newmarried", "Jade Fakename"),  # an alias she was known by
    ],
)
def test_search_finds_the_record_under_each_name_variant(
    users: dict[str, User], jade: Person, given: str, family: str, other_names: str
) -> None:
    sar = _log(users["ig_admin"], given_name=given, family_name=family, other_names=other_names)
    assert jade.pk in _found(users["ig_admin"], sar)


def test_search_covers_police_only_records_for_police_ig_and_ignores_other_people(
    users: dict[str, User], make_person: Callable[..., Person], make_user: Callable[..., User]
) -> None:
    police_record = make_person(
        actor=users["fib_officer"],
        given_name="Jade",
        family_name="Examplesmith",
        date_of_birth=dt.date(2010, 3, 14),
        police_only=True,
    )
    stranger = make_person(given_name="Bartholomew", family_name="Otherperson")
    # IG of the Trust: a police-only record is the police's to answer for (not shown).
    assert police_record.pk not in _found(users["ig_admin"], _log(users["ig_admin"]))
    police_ig = make_user(Role.IG_ADMIN, "police", username="ig_police")
    found = _found(police_ig, _log(police_ig))
    assert police_record.pk in found
    assert stranger.pk not in found


# -- the clock --------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 2, 10, 12, tzinfo=dt.UTC))
def test_calendar_month_clock_and_one_recorded_extension(users: dict[str, User]) -> None:
    ig = users["ig_admin"]
    sar = _log(ig, received_on=dt.date(2026, 1, 31))
    assert sar.due_on == dt.date(2026, 2, 28)  # no 31 February: the month's last day
    with pytest.raises(ValidationError):
        services.sar_extend(actor=ig, sar_id=sar.pk, months=3, reason="Too many")
    with pytest.raises(ValidationError):
        services.sar_extend(actor=ig, sar_id=sar.pk, months=2, reason="  ")
    services.sar_extend(actor=ig, sar_id=sar.pk, months=2, reason="Records held by four agencies")
    sar.refresh_from_db()
    assert (sar.due_on, sar.extension_months) == (dt.date(2026, 4, 30), 2)
    assert sar.extension_reason == "Records held by four agencies"
    row = AuditEvent.objects.get(event="rights.sar_extended", object_id=str(sar.pk))
    assert row.details["after"] == "2026-04-30"
    with pytest.raises(Conflict):
        services.sar_extend(actor=ig, sar_id=sar.pk, months=1, reason="Again")
    with time_machine.travel(dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC)):
        assert sar.overdue


# -- bundle, redactions, approvals, disclosure ------------------------------------------


def _confirmed(users: dict[str, User], jade: Person) -> SubjectAccessRequest:
    sar = _log(users["ig_admin"])
    return services.sar_confirm(actor=users["ig_admin"], sar_id=sar.pk, person_ids=[jade.pk])


def _item(sar: SubjectAccessRequest, record_type: str) -> Any:
    return sar.items.get(record_type=record_type)


def test_confirm_builds_one_item_per_record_with_its_owning_agency(
    users: dict[str, User], jade: Person, records: dict[str, Any], agencies: dict[str, Any]
) -> None:
    sar = _confirmed(users, jade)
    assert sar.status == SarStatus.REVIEW
    by_type = {i.record_type: i for i in sar.items.all()}
    # The police-only intelligence is not in the Trust's bundle (ADR 0025, amendment).
    assert set(by_type) == {"person", "concern", "missing_episode"}
    assert by_type["concern"].agency == agencies["trust"]
    assert by_type["missing_episode"].agency == agencies["police"]
    assert not any(i.police_only for i in by_type.values())
    assert "Madeupassociate" not in " ".join(i.text for i in by_type.values())
    assert THIRD_PARTY in by_type["concern"].text
    assert "JJ" in by_type["person"].text
    with pytest.raises(Conflict):  # a second submit does not build a second bundle
        services.sar_confirm(actor=users["ig_admin"], sar_id=sar.pk, person_ids=[jade.pk])


def test_confirm_refuses_a_record_the_search_did_not_find(
    users: dict[str, User], jade: Person, make_person: Callable[..., Person]
) -> None:
    other = make_person(given_name="Bartholomew", family_name="Otherperson")
    sar = _log(users["ig_admin"])
    with pytest.raises(ValidationError):
        services.sar_confirm(actor=users["ig_admin"], sar_id=sar.pk, person_ids=[other.pk])


def test_each_redaction_needs_an_exemption_and_a_reason(
    users: dict[str, User], jade: Person, records: dict[str, Any]
) -> None:
    ig = users["ig_admin"]
    sar = _confirmed(users, jade)
    concern = _item(sar, "concern")
    for exemption, reason, phrase in [
        ("", "Third party", THIRD_PARTY),
        ("third_party", "", THIRD_PARTY),
        ("third_party", "Third party", "words not there"),
    ]:
        with pytest.raises(ValidationError):
            services.sar_redact(
                actor=ig,
                sar_id=sar.pk,
                item_id=concern.pk,
                phrase=phrase,
                exemption=exemption,
                reason=reason,
            )
    services.sar_redact(
        actor=ig,
        sar_id=sar.pk,
        item_id=concern.pk,
        phrase=THIRD_PARTY,
        exemption="third_party",
        reason="Another child's name",
    )
    red = concern.redactions.get()
    assert (red.exemption, red.reason) == ("third_party", "Another child's name")
    assert concern.text[red.start : red.end] == THIRD_PARTY
    row = AuditEvent.objects.get(event="rights.sar_redacted")
    assert THIRD_PARTY not in str(row.details) and row.subject_id == jade.pk
    services.sar_withhold(
        actor=ig,
        sar_id=sar.pk,
        item_id=_item(sar, "missing_episode").pk,
        exemption="prejudice_investigation",
        reason="Live investigation into the flat on Mill Road",
    )
    assert _item(sar, "missing_episode").withheld_exemption == "prejudice_investigation"


def test_disclosure_waits_for_each_agency(
    users: dict[str, User], jade: Person, records: dict[str, Any], make_user: Callable[..., User]
) -> None:
    ig, police_ig = users["ig_admin"], make_user(Role.IG_ADMIN, "police", username="ig_police")
    sar = _confirmed(users, jade)
    services.sar_approve(actor=ig, sar_id=sar.pk, confirmed=True)
    with pytest.raises(ValidationError) as exc:
        services.sar_disclose(actor=ig, sar_id=sar.pk, recipient="Jade", method="post")
    assert "Testshire Police" in str(exc.value)
    with pytest.raises(Http404):  # police IG cannot disclose; the Trust IG handles it
        services.sar_disclose(actor=police_ig, sar_id=sar.pk, recipient="x", method="post")
    services.sar_approve(actor=police_ig, sar_id=sar.pk, confirmed=True)
    assert services.sar_approve(actor=police_ig, sar_id=sar.pk, confirmed=True)  # idempotent
    services.sar_disclose(
        actor=ig, sar_id=sar.pk, recipient="Jade Examplesmith, 1 Example Row", method="post"
    )
    row = AuditEvent.objects.get(event="rights.sar_disclosed")
    assert row.action == "disclosure"
    assert row.recipient == "Jade Examplesmith, 1 Example Row"
    assert row.subject_id == jade.pk


def test_a_change_voids_that_agencys_approval_and_the_handlers_own_part_needs_none(
    users: dict[str, User], jade: Person, records: dict[str, Any], make_user: Callable[..., User]
) -> None:
    ig, police_ig = users["ig_admin"], make_user(Role.IG_ADMIN, "police", username="ig_police")
    sar = _confirmed(users, jade)
    # No override covers police-only.
    services.sar_approve(actor=police_ig, sar_id=sar.pk, confirmed=True)
    services.sar_approve(actor=ig, sar_id=sar.pk, confirmed=True)
    services.sar_redact(
        actor=ig,
        sar_id=sar.pk,
        item_id=_item(sar, "concern").pk,
        phrase=THIRD_PARTY,
        exemption="third_party",
        reason="Another child",
    )
    # The Trust's approval is void; the police part, untouched, stays approved.
    assert list(sar.approvals.values_list("agency_id", flat=True)) == [police_ig.agency_id]
    # The handling IG reads and discloses its own agency's part: no separate approval, no
    # override (ADR 0025, amendment).
    services.sar_disclose(actor=ig, sar_id=sar.pk, recipient="Jade", method="secure_email")
    sar.refresh_from_db()
    assert sar.override_reason == ""
    row = AuditEvent.objects.get(event="rights.sar_disclosed")
    assert "without every agency's approval" not in row.justification


@pytest.mark.parametrize(
    "role", [r for r in Role if r != Role.IG_ADMIN], ids=lambda r: str(r.value)
)
def test_only_ig_may_log_or_see_a_request(users: dict[str, User], jade: Person, role: Role) -> None:
    sar = _log(users["ig_admin"])
    with pytest.raises(Http404):
        _log(users[role.value])
    with pytest.raises(Http404):
        services.sar_confirm(actor=users[role.value], sar_id=sar.pk, person_ids=[jade.pk])
    client = Client()
    client.force_login(users[role.value])
    for name in ("rights:sar-list", "rights:sar-new"):
        assert client.get(reverse(name)).status_code == 404
    assert client.get(reverse("rights:sar-detail", args=[sar.pk])).status_code == 404
    assert client.get(reverse("rights:sar-pdf", args=[sar.pk])).status_code == 404


# -- the PDF ----------------------------------------------------------------------------


def test_pdf_has_no_redacted_text_and_its_download_is_audited(
    users: dict[str, User], jade: Person, records: dict[str, Any], make_user: Callable[..., User]
) -> None:
    ig, police_ig = users["ig_admin"], make_user(Role.IG_ADMIN, "police", username="ig_police")
    sar = _confirmed(users, jade)
    for actor, record_type, phrase, exemption in [
        (ig, "concern", THIRD_PARTY, "third_party"),
        (police_ig, "missing_episode", SOURCE, "intelligence_source"),  # the police's part
    ]:
        services.sar_redact(
            actor=actor,
            sar_id=sar.pk,
            item_id=_item(sar, record_type).pk,
            phrase=phrase,
            exemption=exemption,
            reason="Protects another person",
        )
    services.sar_approve(actor=police_ig, sar_id=sar.pk, confirmed=True)
    services.sar_disclose(
        actor=ig,
        sar_id=sar.pk,
        recipient="Jade",
        method="post",
    )
    client = Client()
    client.force_login(ig)
    response = client.get(reverse("rights:sar-pdf", args=[sar.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )
    flat = " ".join(text.split())
    assert "Mill Road" in flat and "after school" in flat  # the rest is disclosed
    assert "Redacted: third-party personal data" in flat
    assert "Madeupfriend" not in flat and "number 12" not in flat
    assert "Madeupassociate" not in flat  # police-only: not in the Trust's disclosure
    row = AuditEvent.objects.get(event="rights.sar_pdf_downloaded")
    assert (row.recipient, row.subject_id) == ("Jade", jade.pk)


# -- the tester's findings: late extensions, implausible dates, part-word redactions -----


@pytest.mark.parametrize(
    "today",
    [dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), dt.datetime(2026, 3, 20, 12, tzinfo=dt.UTC)],
    ids=["past-the-first-month", "overdue"],
)
def test_an_extension_after_the_first_month_is_refused(
    users: dict[str, User], today: dt.datetime
) -> None:
    ig = users["ig_admin"]
    with time_machine.travel(dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC)):
        sar = _log(ig, received_on=dt.date(2026, 1, 31))  # due 28 February
    with time_machine.travel(today):
        with pytest.raises(ValidationError) as exc:
            services.sar_extend(actor=ig, sar_id=sar.pk, months=2, reason="Many agencies")
        assert "within the first month" in str(exc.value)
        client = Client()
        client.force_login(ig)
        response = client.post(
            reverse("rights:sar-detail", args=[sar.pk]),
            {"action": "extend", "months": "2", "reason": "Many agencies"},
        )
        assert response.status_code == 200
        assert "can no longer be extended" in response.content.decode()
    sar.refresh_from_db()
    assert (sar.extension_months, sar.due_on) == (0, dt.date(2026, 2, 28))


def test_implausible_dates_are_refused_with_clear_messages(users: dict[str, User]) -> None:
    ig = users["ig_admin"]
    with pytest.raises(ValidationError) as exc:
        _log(ig, received_on=dt.date(1999, 12, 31))
    assert "within the last 12 months" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        _log(ig, received_on=dt.date.today(), date_of_birth=dt.date.today() + dt.timedelta(1))
    assert "date of birth must be in the past" in str(exc.value)
    client = Client()
    client.force_login(ig)
    form = {
        "requester": "Jade Examplesmith",
        "requester_kind": "subject",
        "given_name": "Jade",
        "family_name": "Examplesmith",
        "received_on_day": "99999999999999999999",
        "received_on_month": "3",
        "received_on_year": "2026",
    }
    response = client.post(reverse("rights:sar-new"), form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Date received must be a real date" in page
    assert 'value="99999999999999999999"' in page and 'value="Jade Examplesmith"' in page
    response = client.post(
        reverse("rights:sar-new"), {**form, "received_on_day": "1", "received_on_year": "1999"}
    )
    assert "within the last 12 months" in response.content.decode()
    assert not SubjectAccessRequest.objects.exists()


def test_redaction_matches_whole_words_only_and_needs_two_characters(
    users: dict[str, User], jade: Person, records: dict[str, Any]
) -> None:
    ig = users["ig_admin"]
    sar = _confirmed(users, jade)
    concern = _item(sar, "concern")
    kwargs = {"sar_id": sar.pk, "item_id": concern.pk, "exemption": "other", "reason": "Test"}
    with pytest.raises(ValidationError) as exc:
        services.sar_redact(actor=ig, phrase="a", **kwargs)
    assert "at least 2 characters" in str(exc.value)
    with pytest.raises(ValidationError):  # only part of a word: not found
        services.sar_redact(actor=ig, phrase="Madeup", **kwargs)
    services.sar_redact(actor=ig, phrase="A CAR", **kwargs)  # any case, a whole phrase
    services.sar_redact(actor=ig, phrase="school", **kwargs)  # "school." at the end
    text = "".join(s.text for s in selectors.item_segments(concern))
    assert "getting into [Redacted: another exemption] with" in text
    assert "after [Redacted: another exemption]." in text
    assert "say which" not in text  # the form's prompt is not the requester's reading
    assert "Madeupfriend" in text  # untouched: no part-word matches
