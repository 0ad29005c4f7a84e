"""Another agency's part of a subject access bundle (ADR 0025): its content is shown to
that agency's IG, and to the handling IG only once it has approved its part; a
police-only record's content only ever to police IG. Others see who holds it. An
unapproved part is disclosed only once taken over, with a real reason (never a police
agency's: tests/rights/test_sar_takeover.py), and the agencies holding records are told.
Through the services, the pages and the API."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse

from cairn.accounts.models import User
from cairn.accounts.roles import Role
from cairn.audit.models import AuditEvent
from cairn.concerns.models import Concern, ConcernStatus
from cairn.intelligence.models import Status as IntelStatus
from cairn.intelligence.models import Submission
from cairn.notifications.models import Notification
from cairn.pole.models import Person
from cairn.rights import selectors, services
from cairn.rights.models import BundleItem, SubjectAccessRequest

SECRET = "Seen with Crispin Madeupassociate at the Mill Road garage"
SCHOOL_NOTE = "Spoke to the form tutor about late arrivals"


@pytest.fixture
def suspect(
    make_person: Callable[..., Person], users: dict[str, User], agencies: dict[str, Any]
) -> Person:
    """A man known to the police: his record is theirs (not police-only, so a partner's
    SAR search finds it), and intelligence about him is police-only."""
    person = make_person(
        actor=users["fib_officer"],
        given_name="Mortimer",
        family_name="Policeonlyexample",
        category="other",
        date_of_birth=dt.date(1990, 6, 1),
    )
    Submission.objects.create(
        status=IntelStatus.NEW,
        submitter=users["fib_officer"],
        submitter_agency=agencies["police"],
        subject=person,
        what=SECRET,
    )
    return person


@pytest.fixture
def hidden(make_person: Callable[..., Person], users: dict[str, User]) -> Person:
    """A man whose only record is the police's, police-only."""
    return make_person(
        actor=users["fib_officer"],
        given_name="Lucius",
        family_name="Policeonlyexample",
        category="other",
        date_of_birth=dt.date(1988, 2, 3),
        description=SECRET,
        police_only=True,
    )


def _sar(ig: User, given: str, family: str, born: dt.date) -> SubjectAccessRequest:
    # Another agency's request for the same person may be open: a new one is logged too.
    return services.sar_log(
        confirm_duplicate=True,
        actor=ig,
        requester=f"{given} {family}",
        requester_kind="subject",
        authority_checked=True,  # identity checked: it may be disclosed
        given_name=given,
        family_name=family,
        date_of_birth=born,
        other_names="",
        received_on=dt.date.today(),
    )


def _confirmed(ig: User, person: Person) -> SubjectAccessRequest:
    sar = _sar(ig, person.given_name, person.family_name, person.date_of_birth)
    return services.sar_confirm(actor=ig, sar_id=sar.pk, person_ids=[person.pk])


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _police_item(sar: SubjectAccessRequest) -> BundleItem:
    return sar.items.get(record_type="intelligence", police_only=True)


def _match_list(client: Client, sar: SubjectAccessRequest) -> str:
    page = client.get(reverse("rights:sar-detail", args=[sar.pk])).content.decode()
    part = page.split("Confirm the requester's records", 1)[1].split("<h2", 1)[0]
    # Each form draws fresh one-time keys: not part of what the page says.
    return re.sub(r'name="(csrfmiddlewaretoken|submit_key)" value="[^"]*"', "", part)


def test_a_police_only_record_is_no_match_at_all_to_non_police_ig(
    users: dict[str, User], hidden: Person, police_ig: User
) -> None:
    """Search, record pages and the API hide police-only records from partners: so does
    the SAR match list, with no placeholder that would tell them the police hold one."""
    ig = users["ig_admin"]
    held = _sar(ig, "Lucius", "Policeonlyexample", dt.date(1988, 2, 3))
    nobody = _sar(ig, "Lucius", "Policeonlyexample", dt.date(1988, 2, 4))
    assert hidden.pk not in {m.person.pk for m in selectors.sar_candidates(ig, held)}
    on_held = _match_list(_client(ig), held)
    on_nobody = _match_list(_client(ig), nobody)
    assert on_held == on_nobody  # identical: nothing says the police hold a record
    assert "Testshire Police" not in on_held and "police-only" not in on_held
    assert 'data-testid="no-matches"' in on_held
    assert (
        'data-testid="police-own-records"'
        in _client(ig).get(reverse("rights:sar-detail", args=[held.pk])).content.decode()
    )
    with pytest.raises(ValidationError):  # nor confirmable by its id
        services.sar_confirm(actor=ig, sar_id=held.pk, person_ids=[hidden.pk])
    # Police IG handling its own request sees the match in full.
    own = _sar(police_ig, "Lucius", "Policeonlyexample", dt.date(1988, 2, 3))
    page = _client(police_ig).get(reverse("rights:sar-detail", args=[own.pk])).content.decode()
    assert "born 3 February 1988" in page and f"record {hidden.pk};" in page


def test_a_partners_bundle_holds_nothing_of_a_police_only_record(
    users: dict[str, User], suspect: Person, police_ig: User, api_as: Callable[[User], Any]
) -> None:
    """As with the match list: the Trust's bundle on a man with police-only intelligence
    is the bundle it would be without it (ADR 0025, amendment). Police forces answer for
    their own records; police IG still reads them in its own request."""
    ig = users["ig_admin"]
    sar = _confirmed(ig, suspect)
    assert list(sar.items.values_list("record_type", "police_only")) == [("person", False)]
    page = _client(ig).get(reverse("rights:sar-detail", args=[sar.pk])).content.decode()
    detail = page.split('id="approvals-heading"', 1)[1]  # the parts and the bundle
    api = api_as(ig).get(f"/rights/access-requests/{sar.pk}").json()
    for shown in (detail, str(api)):
        assert "Crispin" not in shown and "olice-only" not in shown and "olice only" not in shown
    assert [p["items"] for p in api["parts"]] == [1]  # the person record alone
    assert [i["record_type"] for i in api["items"]] == ["person"]
    assert 'data-testid="police-own-records"' in page  # send them to the police too
    # Police IG sees the Trust's request (the person record is theirs), nothing more...
    police_view = api_as(police_ig).get(f"/rights/access-requests/{sar.pk}").json()
    assert [i["record_type"] for i in police_view["items"]] == ["person"]
    # ...and reads, redacts and withholds the intelligence in its own request.
    own = _confirmed(police_ig, suspect)
    item = _police_item(own)
    url = reverse("rights:sar-item", args=[own.pk, item.pk])
    assert "Crispin" in _client(police_ig).get(url).content.decode()
    police_api = api_as(police_ig).get(f"/rights/access-requests/{own.pk}").json()
    assert next(i for i in police_api["items"] if i["id"] == item.pk)["content_shown"] is True
    services.sar_redact(
        actor=police_ig,
        sar_id=own.pk,
        item_id=item.pk,
        phrase="Crispin Madeupassociate",
        exemption="third_party",
        reason="Another person's name",
    )
    # The Trust's IG does not see the police's request at all.
    assert _client(ig).get(reverse("rights:sar-detail", args=[own.pk])).status_code == 404
    with pytest.raises(Http404):
        services.sar_redact(
            actor=users["fib_officer"],
            sar_id=own.pk,
            item_id=item.pk,
            phrase="garage",
            exemption="third_party",
            reason="x",
        )


def test_a_police_only_item_in_an_older_partners_bundle_is_hidden_from_it(
    users: dict[str, User], suspect: Person, police_ig: User, api_as: Callable[[User], Any]
) -> None:
    """A bundle built before police-only records were left out: the Trust's IG is not
    shown the item (404, not a placeholder); police IG still is."""
    ig = users["ig_admin"]
    sar = _confirmed(ig, suspect)
    item = sar.items.create(
        record_type="intelligence",
        record_id="1",
        title="Intelligence submission 1",
        agency=police_ig.agency,
        police_only=True,
        text=SECRET,
        position=5,
    )
    url = reverse("rights:sar-item", args=[sar.pk, item.pk])
    assert _client(ig).get(url).status_code == 404
    page = _client(ig).get(reverse("rights:sar-detail", args=[sar.pk])).content.decode()
    detail = page.split('id="approvals-heading"', 1)[1]
    api = api_as(ig).get(f"/rights/access-requests/{sar.pk}").json()
    for shown in (detail, str(api)):
        assert "olice-only" not in shown and "Intelligence" not in shown
    assert [p["items"] for p in api["parts"]] == [1]
    with pytest.raises(Http404):
        services.sar_withhold(
            actor=ig,
            sar_id=sar.pk,
            item_id=item.pk,
            exemption="prejudice_investigation",
            reason="Probing for police records",
        )
    assert "Crispin" in _client(police_ig).get(url).content.decode()
    police_api = api_as(police_ig).get(f"/rights/access-requests/{sar.pk}").json()
    assert [p["items"] for p in police_api["parts"]] == [2]


def test_another_agencys_item_is_shown_once_it_approved(
    users: dict[str, User],
    make_person: Callable[..., Person],
    agencies: dict[str, Any],
    school_ig: User,
) -> None:
    ig = users["ig_admin"]
    child = make_person(given_name="Tamsin", family_name="Schoolexample")
    Concern.objects.create(
        child=child,
        status=ConcernStatus.SUBMITTED,
        reporter=users["social_worker"],
        reporter_agency=agencies["school"],
        narrative=SCHOOL_NOTE,
    )
    sar = _confirmed(ig, child)
    concern = sar.items.get(record_type="concern")
    url = reverse("rights:sar-item", args=[sar.pk, concern.pk])
    page = _client(ig).get(url).content.decode()
    assert SCHOOL_NOTE not in page and "A record held by Testshire Academy" in page
    assert SCHOOL_NOTE in _client(school_ig).get(url).content.decode()
    services.sar_approve(actor=school_ig, sar_id=sar.pk, confirmed=True)
    assert SCHOOL_NOTE in _client(ig).get(url).content.decode()


def test_an_unapproved_part_is_taken_over_with_a_reason_before_disclosure(
    users: dict[str, User], suspect: Person, police_ig: User, agencies: dict[str, Any]
) -> None:
    """In the police's own request: intelligence the Trust submitted is police-only but
    the Trust's to approve (unread); nothing of the Trust's goes without its approval or
    a takeover."""
    ig = users["ig_admin"]
    Submission.objects.create(
        status=IntelStatus.NEW,
        submitter=users["social_worker"],
        submitter_agency=agencies["trust"],
        subject=suspect,
        what="Seen near the school gates",
    )
    sar = _confirmed(police_ig, suspect)
    trust_intel = sar.items.get(record_type="intelligence", agency=agencies["trust"])
    assert trust_intel.police_only
    with pytest.raises(ValidationError) as exc:
        services.sar_disclose(actor=police_ig, sar_id=sar.pk, recipient="Mortimer", method="post")
    assert "Testshire Children's Trust has not approved its part" in str(exc.value)
    # Through the page: the message, and what was typed kept.
    response = _client(police_ig).post(
        reverse("rights:sar-detail", args=[sar.pk]),
        {"action": "disclose", "recipient": "Mortimer, 1 Example Row", "method": "post"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Testshire Children&#x27;s Trust has not approved its part" in page
    assert 'value="Mortimer, 1 Example Row"' in page
    # The Trust's IG knows its own submission is there (a placeholder), not its words.
    trust_page = _client(ig).get(reverse("rights:sar-detail", args=[sar.pk])).content.decode()
    assert "A record held by Testshire Children&#x27;s Trust (police-only)" in trust_page
    assert "Seen near the school gates" not in trust_page
    assert "Crispin" not in trust_page  # the police's own police-only part: nothing
    # The police approve their own part; withheld, the Trust's police-only record needs
    # no approval.
    services.sar_approve(actor=police_ig, sar_id=sar.pk, confirmed=True)
    services.sar_withhold(
        actor=police_ig,
        sar_id=sar.pk,
        item_id=trust_intel.pk,
        exemption="prejudice_investigation",
        reason="Live investigation",
    )
    sar.items.create(  # a Trust record that is not police-only: taken over, then disclosed
        record_type="concern",
        record_id="999",
        title="Concern",
        agency=agencies["trust"],
        police_only=False,
        text="Not police-only",
        position=9,
    )
    with pytest.raises(ValidationError) as exc:
        services.sar_disclose(actor=police_ig, sar_id=sar.pk, recipient="Mortimer", method="post")
    assert "take over its part" in str(exc.value)
    url = reverse("rights:sar-take-over", args=[sar.pk, agencies["trust"].pk])
    for reason in (".", "too short reason"):
        page = _client(police_ig).post(url, {"reason": reason}).content.decode()
        assert "at least 20 characters" in page and f"{reason}</textarea>" in page
    services.sar_take_over(
        actor=police_ig,
        sar_id=sar.pk,
        agency_id=agencies["trust"].pk,
        reason="The Trust did not answer on the open record",
    )
    # Taken over is not approved: the officer who took it over opens its records and
    # approves it (tester report 10, F4).
    for item in sar.items.filter(agency=agencies["trust"], withheld_exemption=""):
        _client(police_ig).get(reverse("rights:sar-item", args=[sar.pk, item.pk]))
    services.sar_approve(
        actor=police_ig, sar_id=sar.pk, agency_id=agencies["trust"].pk, confirmed=True
    )
    services.sar_disclose(actor=police_ig, sar_id=sar.pk, recipient="Mortimer", method="post")
    row = AuditEvent.objects.get(event="rights.sar_disclosed")
    assert "The Trust did not answer on the open record" in row.justification


def test_owning_agencies_ig_are_told_without_personal_data(
    users: dict[str, User], suspect: Person, police_ig: User, school_ig: User
) -> None:
    sar = _confirmed(users["ig_admin"], suspect)
    note = Notification.objects.get(recipient=police_ig)
    assert note.url == reverse("rights:sar-detail", args=[sar.pk])
    assert "Mortimer" not in note.title + note.body and "Policeonly" not in note.title + note.body
    assert not Notification.objects.filter(recipient=school_ig).exists()  # holds nothing
    assert not Notification.objects.filter(recipient=users["fib_officer"]).exists()


def test_approve_your_part_items_are_answered_by_the_approval_or_the_disclosure(
    users: dict[str, User],
    suspect: Person,
    police_ig: User,
    make_user: Callable[..., User],
    school_ig: User,
) -> None:
    ig = users["ig_admin"]
    second_police_ig = make_user(Role.IG_ADMIN, "police", username="ig_police_2")
    sar = _confirmed(ig, suspect)

    def unread(user: User) -> int:
        return Notification.objects.filter(
            recipient=user, object_id=str(sar.pk), read_at__isnull=True
        ).count()

    assert unread(police_ig) == 1 and unread(second_police_ig) == 1
    services.sar_approve(actor=police_ig, sar_id=sar.pk, confirmed=True)
    # Approved for the agency: no police IG is still asked.
    assert unread(police_ig) == 0 and unread(second_police_ig) == 0
    row = AuditEvent.objects.get(event="notification.resolved", object_id=str(sar.pk))
    assert set(row.details["recipients"]) == {police_ig.pk, second_police_ig.pk}

    other = _confirmed(ig, suspect)  # a second request: the police part withheld by them
    assert Notification.objects.filter(
        recipient=police_ig, object_id=str(other.pk), read_at__isnull=True
    ).exists()
    for item in other.items.all():
        services.sar_withhold(
            actor=second_police_ig,
            sar_id=other.pk,
            item_id=item.pk,
            exemption="prejudice_investigation",
            reason="Live investigation",
        )
    services.sar_disclose(actor=ig, sar_id=other.pk, recipient="Mortimer", method="post")
    assert not Notification.objects.filter(
        object_id=str(other.pk), kind="rights_request", read_at__isnull=True
    ).exists()


def test_police_ig_alone_is_told_when_a_partners_bundle_leaves_police_only_records_out(
    users: dict[str, User],
    suspect: Person,
    police_ig: User,
    school_ig: User,
    make_person: Callable[..., Person],
    agencies: dict[str, Any],
) -> None:
    """The partner's bundle says nothing of police-only intelligence; police IG is told
    instead (the request's reference and the person's record id, nothing else personal),
    so the police can answer for it if asked: in its "approve your part" item when it holds
    a part, else in an item of its own linking to where it logs the police's own request.
    Nobody else hears of it; a bundle with nothing left out says nothing of the police."""
    ig = users["ig_admin"]
    note = "police-only record(s) were left out"
    sar = _confirmed(ig, suspect)  # his record is the police's: police IG approves a part
    item = Notification.objects.get(recipient=police_ig)
    assert item.title.startswith(f"{sar.reference}: approve your agency's part")
    assert f"person record {suspect.pk}, about whom 1 {note}" in item.body
    assert "Mortimer" not in item.title + item.body and SECRET not in item.body
    assert not Notification.objects.filter(body__contains=note).exclude(recipient=police_ig)

    # A Trust child with police-only intelligence: the police hold no part to approve.
    child = make_person(
        actor=users["social_worker"],
        given_name="Tamsin",
        family_name="Trustownedexample",
        category="child",
        date_of_birth=dt.date(2011, 3, 4),
    )
    Submission.objects.create(
        status=IntelStatus.NEW,
        submitter=users["fib_officer"],
        submitter_agency=agencies["police"],
        subject=child,
        what=SECRET,
    )
    sar = _confirmed(ig, child)
    item = Notification.objects.get(recipient=police_ig, object_id=str(sar.pk))
    assert item.title == (
        f"{sar.reference}: a partner's subject access request touches police-only records"
    )
    assert f"person record {child.pk}, about whom 1 {note}" in item.body
    assert item.url == reverse("rights:sar-new")
    assert _client(police_ig).get(item.url).status_code == 200  # the police can act on it
    assert _client(police_ig).get(reverse("rights:sar-detail", args=[sar.pk])).status_code == 404
    assert not Notification.objects.filter(body__contains=note).exclude(recipient=police_ig)
    assert list(sar.items.values_list("police_only", flat=True)) == [False]

    # Police IG's own request leaves nothing out: nobody is told of police-only records.
    before = Notification.objects.filter(body__contains=note).count()
    own = _sar(police_ig, "Tamsin", "Trustownedexample", dt.date(2011, 3, 4))
    services.sar_confirm(actor=police_ig, sar_id=own.pk, person_ids=[child.pk])
    assert Notification.objects.filter(body__contains=note).count() == before
    assert not Notification.objects.filter(recipient=school_ig).exists()
