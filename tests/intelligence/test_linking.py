"""Issue 14, items 3 and 6b: the FIB's linking step records the right facts.

One child's story: a concern about Amber names an older man, Dean, his phone, his car
and the park she was collected from. An entry started from the concern may be about
Amber or about Dean (one subject per entry). On the linking step the FIB says, for every
detail at once, which record it is and whose it is; the phone and the car become Dean's,
facts the concern already recorded gain a source instead of a second row, and the
analyst's network of Dean shows the phone and the car while Amber's does not claim them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from cairn.audit.models import AuditEvent
from cairn.concerns import services as concern_services
from cairn.intelligence import selectors, services
from cairn.intelligence.models import Submission, SubmissionEntity
from cairn.intelligence.services import LinkAnswer
from cairn.network.graph import neighbourhood
from cairn.pole.models import Entity, Link, LinkSource, LinkType, Person, Phone, Vehicle

from ..api.conftest import ApiClient
from ..concerns.conftest import complete_payload

pytestmark = pytest.mark.django_db

MENTIONS = [
    {
        "kind": "person",
        "given_name": "Dean",
        "family_name": "Marshfield",
        "nickname": "Deano",
        "date_of_birth": "1998-04-02",
        "note": "The older man who collects her",
    },
    {"kind": "phone", "number": "07700 900123", "note": "Dean's number"},
    {
        "kind": "vehicle",
        "registration": "NX12 ABC",
        "make": "Ford",
        "model": "Focus",
        "colour": "Grey",
        "note": "Dean drives it",
    },
    {
        "kind": "location",
        "name": "Example Park",
        "postcode": "ZZ1 1ZZ",
        "premises_type": "park",
        "note": "Where she was collected",
    },
]


@pytest.fixture
def story(users: dict[str, Any], make_person: Callable[..., Person]) -> SimpleNamespace:
    sw = users["social_worker"]
    child = make_person(
        given_name="Amber", family_name="Testcase", date_of_birth=dt.date(2012, 5, 1)
    )
    concern = concern_services.concern_create(
        actor=sw, data=complete_payload(child.pk, mentions=MENTIONS)
    )
    return SimpleNamespace(
        sw=sw,
        fib=users["fib_officer"],
        analyst=users["analyst"],
        child=child,
        concern=concern,
        dean=Person.objects.get(given_name="Dean"),
        phone=Phone.objects.get(),
        car=Vehicle.objects.get(),
        park=Entity.objects.get(kind="location"),
    )


def entry_about(story: SimpleNamespace, subject: Person) -> Submission:
    """The social worker's entry from the concern, about `subject`, sent to the FIB."""
    draft = services.submission_start(actor=story.sw, concern=story.concern, subject_id=subject.pk)
    services.submission_save_draft(
        actor=story.sw,
        submission=draft,
        data={"how_known": "first_hand", "source_is_submitter": True},
    )
    return services.submission_submit(actor=story.sw, submission=draft)


def facts() -> list[tuple[int, int, str]]:
    return [link.key for link in Link.objects.all()]


def index_of(entry: Submission, kind: str) -> int:
    return next(i for i, m in enumerate(entry.mentions) if m["kind"] == kind)


# Who the entry is about (6b) ------------------------------------------------------------


def test_an_entry_from_a_concern_may_be_about_the_child_or_an_adult_it_names(
    story: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    choices = selectors.concern_subjects(story.sw, story.concern)
    assert [p.pk for p in choices] == [story.child.pk, story.dean.pk]

    about_child = services.submission_start(
        actor=story.sw, concern=story.concern, subject_id=story.child.pk
    )
    assert about_child.subject_id == story.child.pk
    assert [m["kind"] for m in about_child.mentions] == ["person", "phone", "vehicle", "location"]

    about_dean = services.submission_start(
        actor=story.sw, concern=story.concern, subject_id=story.dean.pk
    )
    assert about_dean.subject_id == story.dean.pk
    # One subject per entry: Amber is a detail of it, with her record; Dean's own detail
    # stays last, as typed and marked as the subject's, so the FIB can link it.
    people = [m for m in about_dean.mentions if m["kind"] == "person"]
    assert [(m["given_name"], m["record_id"]) for m in people] == [
        ("Amber", story.child.pk),
        ("Dean", story.dean.pk),
    ]
    assert people[1]["subject_detail"] is True
    assert [m["kind"] for m in about_dean.mentions] == [
        "person",
        "phone",
        "vehicle",
        "location",
        "person",
    ]
    event = AuditEvent.objects.filter(event="intel.started").latest("chain_index")
    assert event.subject_id == story.dean.pk

    stranger = make_person(given_name="Nobody", family_name="Elsewhere")
    with pytest.raises(ValidationError) as exc:
        services.submission_start(actor=story.sw, concern=story.concern, subject_id=stranger.pk)
    assert "subject_id" in exc.value.message_dict


def test_a_concern_from_before_details_kept_their_records_still_offers_its_people(
    story: SimpleNamespace,
) -> None:
    draft = dict(story.concern.draft)
    draft["mentions"] = [
        {k: v for k, v in m.items() if k != "record_id"} for m in draft["mentions"]
    ]
    story.concern.draft = draft
    story.concern.save(update_fields=["draft"])
    choices = selectors.concern_subjects(story.sw, story.concern)
    assert [p.pk for p in choices] == [story.child.pk, story.dean.pk]
    # His own detail is recognised by name and marked as the subject's.
    about_dean = services.submission_start(
        actor=story.sw, concern=story.concern, subject_id=story.dean.pk
    )
    people = [m for m in about_dean.mentions if m["kind"] == "person"]
    assert [(m.get("given_name"), bool(m.get("subject_detail"))) for m in people] == [
        ("Amber", False),
        ("Dean", True),
    ]


# The linking step (3) -------------------------------------------------------------------


def test_linking_an_entry_about_the_adult_records_his_phone_and_car_once(
    story: SimpleNamespace,
) -> None:
    entry = entry_about(story, story.dean)
    concern_links = set(facts())
    assert len(concern_links) == 4  # the concern's: Amber with Dean, phone, car and park
    rows = selectors.link_rows(story.fib, entry)
    # Every detail once, each offering the record the concern made of it first; the
    # subject's own detail last, never offered as someone else to link to.
    assert [r.kind for r in rows] == ["person", "phone", "vehicle", "location", "person"]
    expected = [story.child.pk, story.phone.pk, story.car.pk, story.park.pk, story.dean.pk]
    assert [r.candidates[0].entity_id for r in rows] == expected
    owners = [o.value for o in rows[1].owners]
    assert owners == ["subject", "mention:0", "none"]
    assert rows[1].question == "Whose phone is it?"

    services.mentions_link(
        actor=story.fib,
        submission=entry,
        answers=[
            LinkAnswer(0, str(story.child.pk), "subject", "associate"),
            LinkAnswer(1, str(story.phone.pk), "subject", "uses_phone"),
            LinkAnswer(2, str(story.car.pk), "subject", "owns_vehicle"),
            LinkAnswer(3, str(story.park.pk), "mention:0", "seen_at"),
        ],
    )
    keys = facts()
    assert len(keys) == len(set(keys)) == 6, "one row per fact"
    dean, child = story.dean.pk, story.child.pk
    assert (dean, story.phone.pk, "uses_phone") in keys
    assert (dean, story.car.pk, "owns_vehicle") in keys
    # What the concern already knew gained a source, not a second row.
    together = Link.objects.get(link_type=LinkType.ASSOCIATE)
    assert {together.from_entity_id, together.to_entity_id} == {child, dean}
    assert sorted(s.source_type for s in together.sources.all()) == [
        "concerns.concern",
        "intelligence.submission",
    ]
    park = Link.objects.get(link_type=LinkType.SEEN_AT)
    assert (park.from_entity_id, park.sources.count()) == (child, 2)
    # Nothing the entry recorded says Amber uses the phone or keeps the car.
    assert not Link.objects.filter(
        from_entity_id=child, link_type__in=[LinkType.USES_PHONE, LinkType.OWNS_VEHICLE]
    ).exists()
    # Each new link and each source added is audited, as is each detail linked.
    intel_sources = LinkSource.objects.filter(source_type="intelligence.submission")
    assert intel_sources.count() == 4 and all(s.police_only for s in intel_sources)
    assert AuditEvent.objects.filter(event="link.created").count() == 6
    assert AuditEvent.objects.filter(event="link.source_added").count() == 2
    assert AuditEvent.objects.filter(event="intel.entity_linked").count() == 4


def test_the_analysts_network_of_the_adult_shows_the_phone_and_the_car(
    story: SimpleNamespace, client: Client
) -> None:
    entry = entry_about(story, story.dean)
    services.mentions_link(
        actor=story.fib,
        submission=entry,
        answers=[
            LinkAnswer(0, str(story.child.pk), "subject"),
            LinkAnswer(1, str(story.phone.pk), "subject"),
            LinkAnswer(2, str(story.car.pk), "subject"),
            LinkAnswer(3, "skip"),
        ],
    )
    his = neighbourhood(story.analyst, story.dean.pk, hops=1)
    edges = {(e.source, e.target, e.link_type) for e in his.edges}
    assert (story.dean.pk, story.phone.pk, "uses_phone") in edges
    assert (story.dean.pk, story.car.pk, "owns_vehicle") in edges
    hers = neighbourhood(story.analyst, story.child.pk, hops=1)
    claims = {
        e.link_type
        for e in hers.edges
        if story.child.pk in (e.source, e.target)
        and {e.source, e.target}
        & {
            story.phone.pk,
            story.car.pk,
        }
    }
    assert not claims & {"uses_phone", "owns_vehicle"}
    client.force_login(story.analyst)
    page = client.get(f"/network/people/{story.dean.pk}/").content.decode()
    assert "NX12ABC" in page and "+447700900123" in page
    assert "Uses phone" in page and "Keeper or driver of" in page


def test_an_entry_about_the_child_asks_whose_phone_and_links_it_to_the_adult(
    story: SimpleNamespace,
) -> None:
    entry = entry_about(story, story.child)
    dean = index_of(entry, "person")
    row = selectors.link_rows(story.fib, entry)[dean]
    top = row.candidates[0]
    # The matcher's likelihood and reasons for the record the concern made of him.
    assert top.entity_id == story.dean.pk
    assert top.percent is not None and top.reasons
    assert "the record this detail was given with" in top.hint
    services.mentions_link(
        actor=story.fib,
        submission=entry,
        answers=[
            LinkAnswer(dean, str(story.dean.pk), "subject"),
            LinkAnswer(index_of(entry, "phone"), str(story.phone.pk), f"mention:{dean}"),
            LinkAnswer(index_of(entry, "vehicle"), str(story.car.pk), f"mention:{dean}"),
            LinkAnswer(index_of(entry, "location"), str(story.park.pk), "subject"),
        ],
    )
    keys = facts()
    assert len(keys) == len(set(keys)) == 6
    assert (story.dean.pk, story.phone.pk, "uses_phone") in keys
    assert (story.dean.pk, story.car.pk, "owns_vehicle") in keys
    assert not Link.objects.filter(
        from_entity_id=story.child.pk,
        link_type__in=[LinkType.USES_PHONE, LinkType.OWNS_VEHICLE],
    ).exists()


def test_a_detail_may_belong_to_a_person_made_in_the_same_step(story: SimpleNamespace) -> None:
    entry = entry_about(story, story.child)
    dean = index_of(entry, "person")
    services.mentions_link(
        actor=story.fib,
        submission=entry,
        answers=[
            LinkAnswer(dean, "new", "subject"),
            LinkAnswer(index_of(entry, "phone"), "new", f"mention:{dean}"),
        ],
    )
    new_dean, new_phone = SubmissionEntity.objects.filter(submission=entry).order_by(
        "mention_index"
    )[:2]
    assert new_dean.entity.police_only and new_phone.entity.police_only
    assert new_dean.entity_id != story.dean.pk
    link = Link.objects.get(to_entity_id=new_phone.entity_id)
    assert (link.from_entity_id, link.link_type, link.police_only) == (
        new_dean.entity_id,
        LinkType.USES_PHONE,
        True,
    )


def test_every_problem_is_reported_at_once_and_nothing_is_linked(
    story: SimpleNamespace,
) -> None:
    entry = entry_about(story, story.child)
    dean = index_of(entry, "person")
    before = (Entity.objects.count(), Link.objects.count(), LinkSource.objects.count())
    with pytest.raises(ValidationError) as exc:
        services.mentions_link(
            actor=story.fib,
            submission=entry,
            answers=[
                LinkAnswer(dean, "skip"),
                # Unanswered "whose is it?".
                LinkAnswer(index_of(entry, "phone"), "new", ""),
                # Belongs to Dean, who is left for now.
                LinkAnswer(index_of(entry, "vehicle"), "new", f"mention:{dean}"),
                # A record of another kind.
                LinkAnswer(index_of(entry, "location"), str(story.car.pk), "subject"),
            ],
        )
    errors = exc.value.message_dict
    assert errors[f"items.{index_of(entry, 'phone')}.belongs_to"] == [
        "Select whose phone 07700 900123 is"
    ]
    assert "link them as well" in errors[f"items.{index_of(entry, 'vehicle')}.belongs_to"][0]
    assert errors[f"items.{index_of(entry, 'location')}.record"] == [
        "Choose a place for the place Example Park, ZZ1 1ZZ"
    ]
    # A record that does not exist (the FIB sees every record; anyone else would get the
    # same answer for one they may not see).
    for record in ("999999999", "0"):
        with pytest.raises(ValidationError) as exc:
            services.mentions_link(
                actor=story.fib, submission=entry, answers=[LinkAnswer(dean, record, "subject")]
            )
        assert exc.value.message_dict[f"items.{dean}.record"] == [
            "Choose one of the records offered for Dean Marshfield (known as Deano)"
        ]
    # A person cannot be connected to themselves; nothing answered is an error too.
    with pytest.raises(ValidationError) as exc:
        services.mentions_link(
            actor=story.fib,
            submission=entry,
            answers=[LinkAnswer(dean, str(story.child.pk), "subject")],
        )
    assert "is that same record" in exc.value.message_dict[f"items.{dean}.belongs_to"][0]
    with pytest.raises(ValidationError) as exc:
        services.mentions_link(
            actor=story.fib, submission=entry, answers=[LinkAnswer(dean, "skip")]
        )
    assert "at least one detail" in exc.value.messages[0]
    after = (Entity.objects.count(), Link.objects.count(), LinkSource.objects.count())
    assert after == before
    assert not SubmissionEntity.objects.filter(submission=entry).exists()


def test_linking_again_adds_nothing(story: SimpleNamespace) -> None:
    """A double click or an API retry: the records already linked are reused, the links
    and their sources are already there."""
    entry = entry_about(story, story.child)
    dean = index_of(entry, "person")
    answers = [
        LinkAnswer(dean, "new", "subject"),
        LinkAnswer(index_of(entry, "phone"), "new", f"mention:{dean}"),
    ]
    services.mentions_link(actor=story.fib, submission=entry, answers=answers)
    counts = (
        Entity.objects.count(),
        Link.objects.count(),
        LinkSource.objects.count(),
        SubmissionEntity.objects.count(),
        AuditEvent.objects.filter(event__startswith="link.").count(),
    )
    services.mentions_link(actor=story.fib, submission=entry, answers=answers)
    assert (
        Entity.objects.count(),
        Link.objects.count(),
        LinkSource.objects.count(),
        SubmissionEntity.objects.count(),
        AuditEvent.objects.filter(event__startswith="link.").count(),
    ) == counts
    # Naming another record for a detail already linked is refused.
    with pytest.raises(ValidationError) as exc:
        services.mentions_link(
            actor=story.fib,
            submission=entry,
            answers=[LinkAnswer(dean, str(story.dean.pk), "subject")],
        )
    assert "is already linked to" in exc.value.message_dict[f"items.{dean}.record"][0]


def test_only_the_fib_links(story: SimpleNamespace, users: dict[str, Any]) -> None:
    from django.core.exceptions import PermissionDenied

    entry = entry_about(story, story.child)
    for role in ("analyst", "ppu_coordinator", "social_worker"):
        with pytest.raises(PermissionDenied):
            services.mentions_link(
                actor=users[role], submission=entry, answers=[LinkAnswer(0, "new", "subject")]
            )


# The page -------------------------------------------------------------------------------


def test_the_page_links_every_detail_in_one_submit_and_keeps_answers_on_error(
    story: SimpleNamespace, client: Client
) -> None:
    entry = entry_about(story, story.child)
    dean = index_of(entry, "person")
    phone, car, park = (index_of(entry, k) for k in ("phone", "vehicle", "location"))
    client.force_login(story.fib)
    url = f"/intelligence/{entry.pk}/link/"
    page = client.get(url).content.decode()
    assert "Whose phone is it?" in page and "Who is linked to this place?" in page
    assert "Who is Dean Marshfield (known as Deano) connected to?" in page
    assert "% likely the same person" in page
    assert "Dean Marshfield (known as Deano), named in this entry" in page
    assert AuditEvent.objects.filter(event="intel.viewed", object_id=str(entry.pk)).exists()

    answers = {
        f"record_{dean}": str(story.dean.pk),
        f"owner_{dean}": "subject",
        f"type_{dean}": "associate",
        f"record_{phone}": str(story.phone.pk),
        # Whose phone? not answered.
        f"type_{phone}": "uses_phone",
        f"record_{car}": str(story.car.pk),
        f"owner_{car}": f"mention:{dean}",
        f"type_{car}": "owns_vehicle",
        f"record_{park}": "skip",
    }
    response = client.post(url, answers)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'href="#id_owner_{phone}_0">Select whose phone 07700 900123 is' in html
    # What was chosen is still chosen.
    assert f'name="record_{phone}" type="radio" value="{story.phone.pk}" checked' in html
    assert f'name="owner_{car}" type="radio" value="mention:{dean}" checked' in html
    assert not SubmissionEntity.objects.filter(submission=entry).exists()

    response = client.post(url, {**answers, f"owner_{phone}": f"mention:{dean}"})
    assert response.status_code == 302
    assert SubmissionEntity.objects.filter(submission=entry).count() == 3
    done = client.get(url).content.decode()
    assert "Dean Marshfield: uses phone: +447700900123" in done
    assert "Dean Marshfield: keeper or driver of: NX12ABC" in done
    # The park was left for later: it is still asked about.
    assert f'name="record_{park}"' in done
    # Sent again once everything asked about is linked: nothing twice.
    client.post(url, {f"record_{park}": "skip"})
    links = Link.objects.count()
    client.post(url, {**answers, f"owner_{phone}": f"mention:{dean}"})
    assert Link.objects.count() == links


# The API --------------------------------------------------------------------------------


def test_the_api_links_every_detail_in_one_request(
    story: SimpleNamespace, api_as: Callable[[Any], ApiClient]
) -> None:
    entry = entry_about(story, story.child)
    dean = index_of(entry, "person")
    fib = api_as(story.fib)
    path = f"/intelligence/submissions/{entry.pk}/links"
    bad = fib.post(
        path,
        {"items": [{"mention_index": index_of(entry, "phone"), "belongs_to": dean}]},
    )
    # Dean is not linked in this request nor before.
    assert bad.status_code == 422
    (problem,) = bad.json()["detail"]
    assert problem["loc"] == ["body", f"items.{index_of(entry, 'phone')}.belongs_to"]
    body = {
        "items": [
            {"mention_index": dean, "entity_id": story.dean.pk, "belongs_to": "subject"},
            {
                "mention_index": index_of(entry, "phone"),
                "entity_id": story.phone.pk,
                "belongs_to": dean,
            },
            {
                "mention_index": index_of(entry, "vehicle"),
                "entity_id": story.car.pk,
                "belongs_to": dean,
                "link_type": "owns_vehicle",
            },
        ]
    }
    response = fib.post(path, body)
    assert response.status_code == 201, response.content
    assert (story.dean.pk, story.phone.pk, "uses_phone") in facts()
    assert (story.dean.pk, story.car.pk, "owns_vehicle") in facts()
    # Retried: the same answer, nothing twice.
    count = LinkSource.objects.count()
    assert fib.post(path, body).status_code == 201
    assert LinkSource.objects.count() == count
    assert api_as(story.sw).post(path, body).status_code == 403
