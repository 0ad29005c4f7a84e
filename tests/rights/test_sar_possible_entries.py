"""Entries that name the requester in words only (outside tester, SAR journey): an
intelligence entry whose subject is free text ("Kieran Wilson, about 30"), or which names
him in a person mention never matched to a record, or in its account, and which the FIB
has not linked, is offered to the handling IG as a possible entry; IG includes it (an item
of its agency's part, reviewed and approved like any other) or says why it is not him.
Disclosure waits until every one is decided; retention holds them meanwhile (ADR 0025,
amendment "unlinked entries")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import User
from cairn.audit.models import AuditEvent
from cairn.core.concurrency import Conflict
from cairn.intelligence import services as intel
from cairn.intelligence.models import Status, Submission
from cairn.missing.models import MissingEpisode
from cairn.notifications.models import Notification
from cairn.pole.models import Person
from cairn.retention.selectors import submission_blockers
from cairn.rights import services
from cairn.rights.models import AgencyApproval, PossibleEntry, SubjectAccessRequest

from ..intelligence.conftest import intel_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def kieran(make_person: Callable[..., Person]) -> Person:
    return make_person(
        given_name="Kieran",
        family_name="Wilson",
        category="person_of_concern",
        date_of_birth=dt.date(1996, 4, 2),
        hub_shared=True,
        aliases=[("nickname", "Kez", "")],
    )


def _raw(user: User, agency: Any, **fields: Any) -> Submission:
    fields.setdefault("status", Status.NEW)
    fields.setdefault("submitted_at", timezone.now())
    return Submission.objects.create(submitter=user, submitter_agency=agency, **fields)


@pytest.fixture
def entries(
    users: dict[str, User], agencies: dict[str, Any], kieran: Person, make_person: Any
) -> dict[str, Submission]:
    fib, police = users["fib_officer"], agencies["police"]
    school = users["practitioner"]
    other = make_person(
        given_name="Kieran", family_name="Wilson", date_of_birth=dt.date(1960, 1, 1)
    )
    return {
        # Found: the tester's entry, through the form's services.
        "subject": intel.submission_create(
            actor=fib,
            data=intel_data(
                subject_description="Kieran Wilson, about 30",
                what="Seen handing packages to younger boys outside the Co-op on Mill Road.",
                mentions=[],
            ),
        ),
        "mention": _raw(
            fib,
            police,
            subject_description="Unknown male",
            what="A man was driving the grey car.",
            mentions=[{"kind": "person", "given_name": "kieran", "family_name": "WILSON"}],
        ),
        "nickname": _raw(fib, police, what="The line is run by a man called Kez Wilson."),
        "reversed": _raw(fib, police, further_information="WILSON, Kieran seen at the flat."),
        "school": _raw(
            school,
            agencies["school"],
            what="Pupils say Kieran John Wilson waits at the gates.",
        ),
        # Not found.
        "first_name_only": _raw(fib, police, subject_description="Kieran, about 30"),
        "part_of_a_word": _raw(fib, police, what="Kieranna Wilsonby was there."),
        "draft": _raw(fib, police, status=Status.DRAFT, what="Kieran Wilson again."),
        "disposed": _raw(fib, police, what="Kieran Wilson.", disposed_at=timezone.now()),
        "matched_to_another": _raw(
            fib,
            police,
            mentions=[
                {
                    "kind": "person",
                    "given_name": "Kieran",
                    "family_name": "Wilson",
                    "entity_id": other.pk,
                }
            ],
        ),
        # Already in the bundle: he is its subject.
        "linked": _raw(fib, police, subject=kieran, subject_description="Kieran Wilson"),
    }


def _possible(sar: SubjectAccessRequest, entry: Submission) -> PossibleEntry:
    return PossibleEntry.objects.get(sar=sar, submission=entry)


def test_police_ig_is_offered_every_entry_naming_him_in_words_only(
    kieran: Person,
    entries: dict[str, Submission],
    police_ig: User,
    agencies: dict[str, Any],
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    sar = subject_sar(police_ig, kieran)
    found = {p.submission_id: p for p in sar.possible_entries.all()}
    wanted = ("subject", "mention", "nickname", "reversed", "school")
    assert set(found) == {entries[k].pk for k in wanted}
    subject = found[entries["subject"].pk]
    assert subject.status == "open" and subject.subject_text == "Kieran Wilson, about 30"
    assert [(h["field"], h["match"]) for h in subject.hits] == [
        ("subject_description", "Kieran Wilson")
    ]
    assert subject.hits[0]["after"] == ", about 30"
    assert [h["field"] for h in found[entries["mention"].pk].hits] == ["mention"]
    assert found[entries["nickname"].pk].hits[0]["match"] == "Kez Wilson"
    assert found[entries["reversed"].pk].hits[0]["match"] == "WILSON, Kieran"
    school = found[entries["school"].pk]
    assert school.hits[0]["match"] == "Kieran John Wilson"
    assert school.agency == agencies["school"]
    # The entry he is the subject of is in the bundle, not offered again.
    assert sar.items.filter(record_type="intelligence", record_id=str(entries["linked"].pk))
    confirmed = AuditEvent.objects.get(event="rights.sar_records_confirmed")
    assert confirmed.details["possible_entries"] == 5


def test_a_partners_request_is_offered_none(
    users: dict[str, User],
    kieran: Person,
    entries: dict[str, Submission],
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    # A partner's bundle holds no intelligence (police-only): nothing is searched for it.
    sar = subject_sar(users["ig_admin"], kieran)
    assert not sar.possible_entries.exists()


def test_including_an_entry_makes_it_an_item_of_its_agencys_part(
    kieran: Person,
    entries: dict[str, Submission],
    police_ig: User,
    school_ig: User,
    agencies: dict[str, Any],
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    episode = MissingEpisode.objects.create(
        child=kieran,
        owning_agency=agencies["police"],
        recorded_by=police_ig,
        reported_at=timezone.now(),
        circumstances="Did not come home.",
    )
    sar = subject_sar(police_ig, kieran)
    possible = _possible(sar, entries["school"])
    decided = services.sar_possible_decide(
        actor=police_ig, sar_id=sar.pk, entry_id=possible.pk, decision="include"
    )
    item = decided.item
    assert item is not None and decided.status == "included"
    assert (item.record_type, item.record_id) == ("intelligence", str(entries["school"].pk))
    assert item.agency == agencies["school"] and item.police_only
    assert "waits at the gates" in item.text
    # Listed after the other intelligence, before the record types that follow it.
    order = list(sar.items.order_by("position").values_list("record_type", "record_id"))
    assert order == [
        ("person", str(kieran.pk)),
        ("intelligence", str(entries["linked"].pk)),
        ("intelligence", str(entries["school"].pk)),
        ("missing_episode", str(episode.pk)),
    ]
    # The school's IG is now asked to approve its new part, and sees the request.
    assert Notification.objects.filter(
        recipient=school_ig, object_id=str(sar.pk), title__contains="approve your agency's part"
    ).exists()
    row = AuditEvent.objects.get(event="rights.sar_possible_entry_decided")
    assert row.subject_id == kieran.pk
    assert row.details["decision"] == "included" and row.details["item"] == item.pk
    # Not linked to his record: that stays the FIB's decision.
    assert not entries["school"].entities.exists()


def test_including_voids_the_approval_of_the_part_it_joins(
    kieran: Person,
    entries: dict[str, Submission],
    police_ig: User,
    school_ig: User,
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    sar = subject_sar(police_ig, kieran)
    services.sar_possible_decide(
        actor=police_ig,
        sar_id=sar.pk,
        entry_id=_possible(sar, entries["school"]).pk,
        decision="include",
    )
    services.sar_approve(actor=school_ig, sar_id=sar.pk, confirmed=True)
    assert AgencyApproval.objects.filter(sar=sar, agency=school_ig.agency).exists()
    other = _raw(
        User.objects.get(username=entries["school"].submitter.username),
        school_ig.agency,
        what="Kieran Wilson again at the gates.",
    )
    PossibleEntry.objects.create(
        sar=sar, submission=other, agency=school_ig.agency, hits=[], subject_text=""
    )
    services.sar_possible_decide(
        actor=police_ig, sar_id=sar.pk, entry_id=_possible(sar, other).pk, decision="include"
    )
    assert not AgencyApproval.objects.filter(sar=sar, agency=school_ig.agency).exists()
    assert Notification.objects.filter(
        recipient=school_ig, title__contains="approval was reset"
    ).exists()


def test_not_them_needs_a_reason_and_a_second_decision_is_refused(
    kieran: Person,
    entries: dict[str, Submission],
    police_ig: User,
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    sar = subject_sar(police_ig, kieran)
    possible = _possible(sar, entries["mention"])
    for reason, said in (("", "Enter why"), ("no", "at least 10")):
        with pytest.raises(ValidationError) as refused:
            services.sar_possible_decide(
                actor=police_ig,
                sar_id=sar.pk,
                entry_id=possible.pk,
                decision="not_them",
                reason=reason,
            )
        assert said in str(refused.value)
    with pytest.raises(ValidationError):
        services.sar_possible_decide(
            actor=police_ig, sar_id=sar.pk, entry_id=possible.pk, decision="maybe"
        )
    decided = services.sar_possible_decide(
        actor=police_ig,
        sar_id=sar.pk,
        entry_id=possible.pk,
        decision="not_them",
        reason="The driver is in his sixties: another Kieran Wilson",
    )
    assert decided.status == "not_them" and decided.item is None
    assert not sar.items.filter(record_id=str(entries["mention"].pk)).exists()
    row = AuditEvent.objects.get(event="rights.sar_possible_entry_decided")
    assert "another Kieran Wilson" in row.details["reason"]
    for decision in ("include", "not_them"):
        with pytest.raises(Conflict, match="has already been decided: not them"):
            services.sar_possible_decide(
                actor=police_ig,
                sar_id=sar.pk,
                entry_id=possible.pk,
                decision=decision,
                reason="Pressed a second time",
            )
    assert AuditEvent.objects.filter(event="rights.sar_possible_entry_decided").count() == 1


def test_only_the_handling_ig_decides(
    kieran: Person,
    entries: dict[str, Submission],
    police_ig: User,
    school_ig: User,
    users: dict[str, User],
    make_user: Callable[..., User],
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    sar = subject_sar(police_ig, kieran)
    possible = _possible(sar, entries["school"])
    services.sar_possible_decide(
        actor=police_ig,
        sar_id=sar.pk,
        entry_id=_possible(sar, entries["nickname"]).pk,
        decision="include",
    )
    # The school's IG (which now sees the request for its part), another police IG
    # elsewhere... a user of the same agency who is not IG: not found.
    for actor in (school_ig, users["fib_officer"], users["ig_admin"]):
        with pytest.raises(Exception) as refused:
            services.sar_possible_decide(
                actor=actor, sar_id=sar.pk, entry_id=possible.pk, decision="include"
            )
        assert refused.type.__name__ == "Http404"
    assert _possible(sar, entries["school"]).is_open


def test_disclosure_waits_until_every_possible_entry_is_decided(
    kieran: Person,
    entries: dict[str, Submission],
    police_ig: User,
    users: dict[str, User],
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    sar = subject_sar(police_ig, kieran)
    with pytest.raises(ValidationError, match="5 possible entries about them, not linked"):
        services.sar_disclose(
            actor=police_ig, sar_id=sar.pk, recipient="Kieran Wilson", method="post"
        )
    for possible in sar.possible_entries.all():
        services.sar_possible_decide(
            actor=police_ig,
            sar_id=sar.pk,
            entry_id=possible.pk,
            decision="not_them",
            reason="Someone else: a different age and area",
        )
    # The Trust's record.
    services.sar_approve(actor=users["ig_admin"], sar_id=sar.pk, confirmed=True)
    disclosed = services.sar_disclose(
        actor=police_ig, sar_id=sar.pk, recipient="Kieran Wilson", method="post"
    )
    assert disclosed.status == "disclosed"


def test_retention_holds_an_entry_while_its_request_is_open(
    kieran: Person,
    entries: dict[str, Submission],
    police_ig: User,
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    waiting, included, not_him = entries["subject"], entries["nickname"], entries["reversed"]
    for entry in (waiting, included, not_him):
        Submission.objects.filter(pk=entry.pk).update(status=Status.CLOSED)
        assert submission_blockers([entry.pk]).get(entry.pk, []) == []
    sar = subject_sar(police_ig, kieran)
    services.sar_possible_decide(
        actor=police_ig, sar_id=sar.pk, entry_id=_possible(sar, included).pk, decision="include"
    )
    services.sar_possible_decide(
        actor=police_ig,
        sar_id=sar.pk,
        entry_id=_possible(sar, not_him).pk,
        decision="not_them",
        reason="Someone else: a different age and area",
    )
    blockers = submission_blockers([waiting.pk, included.pk, not_him.pk])
    assert blockers[waiting.pk] == ["sar_possible"]
    assert blockers[included.pk] == ["sar_possible"]
    assert blockers.get(not_him.pk, []) == []
    services.sar_close(
        actor=police_ig,
        sar_id=sar.pk,
        reason="withdrawn",
        note="The requester withdrew the request by phone",
        confirmed=True,
    )
    assert submission_blockers([waiting.pk, included.pk]) == {}


# On the web.


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_request_page_lists_them_with_the_name_marked_and_audits_the_view(
    kieran: Person,
    entries: dict[str, Submission],
    police_ig: User,
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    sar = subject_sar(police_ig, kieran)
    page = _client(police_ig).get(reverse("rights:sar-detail", args=[sar.pk]))
    html = page.content.decode()
    assert "Possible entries about them, not linked to their record" in html
    assert "<mark>Kieran Wilson</mark>, about 30" in html
    assert "5 still to decide" in html
    assert f"INT-{entries['subject'].pk:06d}" in html
    assert "Kieranna" not in html
    viewed = AuditEvent.objects.get(event="rights.sar_possible_entries_viewed")
    assert kieran.pk in viewed.details["subjects"]
    assert entries["subject"].pk in viewed.details["entries"]


def test_deciding_on_the_web_and_a_second_press_is_told(
    kieran: Person,
    entries: dict[str, Submission],
    police_ig: User,
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    sar = subject_sar(police_ig, kieran)
    possible = _possible(sar, entries["subject"])
    url = reverse("rights:sar-possible", args=[sar.pk, possible.pk])
    client = _client(police_ig)
    opened = client.get(url)
    assert opened.status_code == 200
    assert "Is INT-" in opened.content.decode() and "About them: include" in opened.content.decode()
    assert AuditEvent.objects.filter(
        event="rights.sar_possible_entries_viewed", object_id=str(possible.pk)
    ).exists()
    short = client.post(url, {"action": "not_them", "reason": "nope"})
    assert short.status_code == 200
    assert "at least 10 characters" in short.content.decode()
    assert ">nope</textarea>" in short.content.decode()  # nothing typed is lost
    done = client.post(url, {"action": "include"})
    assert done.status_code == 302 and done["Location"].endswith("#possible")
    again = client.post(url, {"action": "not_them", "reason": "Pressed again in another tab"})
    assert again.status_code == 409
    body = again.content.decode()
    assert "has already been decided: about them: included" in body
    assert "<q>Pressed again in another tab</q>" in body  # shown, not dropped
    assert client.post(url, {"action": "perhaps"}).status_code == 404


@pytest.mark.parametrize("who", ["school_ig", "trust_ig", "fib_officer", "practitioner"])
def test_other_users_cannot_see_or_decide_them(
    kieran: Person,
    entries: dict[str, Submission],
    police_ig: User,
    school_ig: User,
    users: dict[str, User],
    who: str,
    subject_sar: Callable[..., SubjectAccessRequest],
) -> None:
    sar = subject_sar(police_ig, kieran)
    # The school's part exists, so its IG may open the request, but not the entries.
    services.sar_possible_decide(
        actor=police_ig,
        sar_id=sar.pk,
        entry_id=_possible(sar, entries["school"]).pk,
        decision="include",
    )
    user = {
        "school_ig": school_ig,
        "trust_ig": users["ig_admin"],
        "fib_officer": users["fib_officer"],
        "practitioner": users["practitioner"],
    }[who]
    client = _client(user)
    possible = _possible(sar, entries["subject"])
    url = reverse("rights:sar-possible", args=[sar.pk, possible.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "include"}).status_code == 404
    assert _possible(sar, entries["subject"]).is_open
    detail = client.get(reverse("rights:sar-detail", args=[sar.pk]))
    assert "Possible entries about them" not in detail.content.decode()
    if who == "school_ig":
        assert detail.status_code == 200
