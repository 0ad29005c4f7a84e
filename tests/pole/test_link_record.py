"""One link per fact (ADR 0017): `link_record` upserts the fact and adds its source once;
the database refuses a second row for a fact; a viewer sees a link through the sources
they may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cairn.audit.models import AuditEvent
from cairn.pole import selectors
from cairn.pole import services as pole
from cairn.pole.models import Link, LinkSource, LinkType, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(make_person: Callable[..., Person]) -> Person:
    return make_person(given_name="Amber", family_name="Testcase")


@pytest.fixture
def adult(make_person: Callable[..., Person]) -> Person:
    return make_person(
        given_name="Dean",
        family_name="Marshfield",
        category="person_of_concern",
    )


def _events(name: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event=name).order_by("chain_index"))


def test_the_same_fact_from_two_sources_is_one_link_with_two_sources(
    users: dict[str, Any], child: Person, adult: Person
) -> None:
    sw, fib = users["social_worker"], users["fib_officer"]
    first = pole.link_record(
        actor=sw,
        from_entity_id=child.pk,
        to_entity_id=adult.pk,
        link_type=LinkType.ASSOCIATE,
        started_on=dt.date(2026, 3, 1),
        source_type="concerns.concern",
        source_id="7",
        source_note="Mentioned in concern CON-000007",
    )
    # The FIB records it the other way round: "associates with" reads both ways.
    second = pole.link_record(
        actor=fib,
        from_entity_id=adult.pk,
        to_entity_id=child.pk,
        link_type=LinkType.ASSOCIATE,
        started_on=dt.date(2026, 2, 1),
        source_type="intelligence.submission",
        source_id="3",
        source_note="Intelligence INT-000003",
        police_only=True,
    )
    assert (first.created, first.source_added) == (True, True)
    assert (second.created, second.source_added) == (False, True)
    (link,) = Link.objects.all()
    assert second.link.pk == link.pk
    assert [(s.source_type, s.source_id) for s in link.sources.all()] == [
        ("concerns.concern", "7"),
        ("intelligence.submission", "3"),
    ]
    # The link spans its sources and is not police-only: a partner asserts it too.
    assert link.started_on == dt.date(2026, 2, 1) and link.ended_on is None
    assert link.police_only is False
    (created,) = _events("link.created")
    (added,) = _events("link.source_added")
    assert created.object_id == added.object_id == str(link.pk)
    assert added.details["source"] == "intelligence.submission:3"


def test_recording_the_same_source_again_changes_nothing(
    users: dict[str, Any], child: Person, adult: Person
) -> None:
    kwargs: dict[str, Any] = {
        "actor": users["social_worker"],
        "from_entity_id": child.pk,
        "to_entity_id": adult.pk,
        "link_type": LinkType.ASSOCIATE,
        "source_type": "concerns.concern",
        "source_id": "7",
        "source_note": "Mentioned in concern CON-000007",
    }
    pole.link_record(**kwargs)
    again = pole.link_record(**{**kwargs, "source_note": "A different wording"})
    note = pole.link_record(**{**kwargs, "source_type": "", "source_id": "", "source_note": "Seen"})
    note_again = pole.link_record(
        **{**kwargs, "source_type": "", "source_id": "", "source_note": "Seen"}
    )
    assert (again.created, again.source_added) == (False, False)
    assert note.source_added and not note_again.source_added
    assert Link.objects.count() == 1 and LinkSource.objects.count() == 2
    assert len(_events("link.created")) == 1 and len(_events("link.source_added")) == 1
    # Another person's identical note is their own source.
    other = pole.link_record(
        **{
            **kwargs,
            "actor": users["practitioner"],
            "source_type": "",
            "source_id": "",
            "source_note": "Seen",
        }
    )
    assert other.source_added and LinkSource.objects.count() == 3


def test_a_directional_fact_reversed_is_another_fact(
    users: dict[str, Any], child: Person, make_person: Callable[..., Person]
) -> None:
    carer = make_person(given_name="Cara", family_name="Testcase", category="other")
    for a, b in ((carer, child), (child, carer)):
        pole.link_record(
            actor=users["social_worker"],
            from_entity_id=a.pk,
            to_entity_id=b.pk,
            link_type=LinkType.PARENT,
            source_note="Home visit",
        )
    assert Link.objects.count() == 2


def test_the_database_refuses_a_second_row_for_a_fact(
    users: dict[str, Any], child: Person, adult: Person
) -> None:
    link = pole.link_record(
        actor=users["social_worker"],
        from_entity_id=child.pk,
        to_entity_id=adult.pk,
        link_type=LinkType.ASSOCIATE,
        source_note="Seen together",
    ).link
    same = {"owning_agency_id": link.owning_agency_id, "link_type": LinkType.ASSOCIATE}
    for ends in ((child.pk, adult.pk), (adult.pk, child.pk)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Link.objects.create(from_entity_id=ends[0], to_entity_id=ends[1], **same)
    source = link.sources.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        LinkSource.objects.create(
            link=link,
            note=source.note,
            recorded_by=source.recorded_by,
            owning_agency_id=source.owning_agency_id,
        )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"to_entity_id": "self"}, "to_entity"),
        ({"source_note": "  "}, "source_note"),
        ({"link_type": "enemy_of"}, "link_type"),
        ({"started_on": dt.date(2026, 5, 2), "ended_on": dt.date(2026, 5, 1)}, "ended_on"),
    ],
)
def test_invalid_links_are_refused_and_record_nothing(
    change: dict[str, Any], field: str, users: dict[str, Any], child: Person, adult: Person
) -> None:
    kwargs: dict[str, Any] = {
        "actor": users["social_worker"],
        "from_entity_id": child.pk,
        "to_entity_id": adult.pk,
        "link_type": LinkType.ASSOCIATE,
        "source_note": "Seen together",
        **change,
    }
    if kwargs["to_entity_id"] == "self":
        kwargs["to_entity_id"] = child.pk
    with pytest.raises(ValidationError) as exc:
        pole.link_record(**kwargs)
    assert field in exc.value.message_dict
    assert not Link.objects.exists() and not LinkSource.objects.exists()


def test_a_viewer_sees_a_link_through_the_sources_they_may_see(
    users: dict[str, Any], child: Person, make_person: Callable[..., Person]
) -> None:
    """A partner's source makes the fact visible to partners; the police's intelligence
    source on it, its date and its agency stay with the police."""
    fib, sw = users["fib_officer"], users["social_worker"]
    phone = pole.phone_create(actor=sw, number="07700 900123")
    pole.link_record(
        actor=fib,
        from_entity_id=child.pk,
        to_entity_id=phone.pk,
        link_type=LinkType.USES_PHONE,
        started_on=dt.date(2025, 1, 1),
        source_type="intelligence.submission",
        source_id="9",
        source_note="Intelligence INT-000009",
        police_only=True,
    )
    # Police-only: a partner does not see it at all.
    assert selectors.link_views_for_entity(sw, child.pk) == []
    pole.link_record(
        actor=sw,
        from_entity_id=child.pk,
        to_entity_id=phone.pk,
        link_type=LinkType.USES_PHONE,
        started_on=dt.date(2026, 4, 1),
        source_note="She showed me the phone",
    )
    (partner_view,) = selectors.link_views_for_entity(sw, child.pk)
    assert [s.note for s in partner_view.sources] == ["She showed me the phone"]
    assert partner_view.started_on == dt.date(2026, 4, 1)
    assert partner_view.source_note == "She showed me the phone"
    (police_view,) = selectors.link_views_for_entity(fib, child.pk)
    assert police_view.started_on == dt.date(2025, 1, 1)
    assert police_view.source_note == "Intelligence INT-000009; She showed me the phone"


def test_the_profile_page_lists_every_visible_source_once(
    client: Any, users: dict[str, Any], child: Person, adult: Person
) -> None:
    for source_id in ("7", "8"):
        pole.link_record(
            actor=users["social_worker"],
            from_entity_id=child.pk,
            to_entity_id=adult.pk,
            link_type=LinkType.ASSOCIATE,
            source_type="concerns.concern",
            source_id=source_id,
            source_note=f"Mentioned in concern CON-00000{source_id}",
        )
    client.force_login(users["social_worker"])
    html = client.get(f"/people/{child.pk}/").content.decode()
    assert html.count("Dean Marshfield") >= 1
    assert "Mentioned in concern CON-000007" in html and "Mentioned in concern CON-000008" in html
    assert html.count("Associates with") == 1
