"""`manage.py demo_data` (the Northmoor demo hub) and `manage.py demo_logins`."""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from cairn.accounts.models import Agency, User
from cairn.accounts.roles import AgencyKind, Role
from cairn.audit.models import AuditEvent
from cairn.demo.constants import DEMO_PASSWORD, DEMO_USERS
from cairn.demo.names import is_refused
from cairn.pole.access import visible_people
from cairn.pole.models import (
    Entity,
    EntityKind,
    EntityShare,
    Link,
    LinkType,
    Location,
    PersonCategory,
    Phone,
    Vehicle,
)
from cairn.pole.models import Person as PersonModel

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

DRAMA_E164 = re.compile(r"^\+447700900\d{3}$")
DRAMA_AS_GIVEN = re.compile(r"^07700 900\d{3}$")


def demo_user(username: str) -> User:
    return User.objects.select_related("agency").get(username=username)


def test_reports_what_it_loaded(demo_hub: str) -> None:
    assert "60 children" in demo_hub
    assert "40 adults of concern" in demo_hub
    assert "http://testserver/" in demo_hub


def test_one_demo_user_for_every_role_with_the_shared_password(demo_hub: str) -> None:
    users = {u.username: u for u in User.objects.filter(username__endswith=".demo")}
    assert {u.role for u in users.values()} == {role.value for role in Role}
    for spec in DEMO_USERS:
        user = users[spec.username]
        assert user.role == spec.role
        assert user.check_password(DEMO_PASSWORD)
        assert not user.check_password("wrong-password-2026")
        assert user.agency is not None
        assert user.team is not None and user.team.agency_id == user.agency_id
    assert users["admin.demo"].is_staff
    assert users["admin.demo"].role == Role.SYSTEM_ADMIN
    assert not any(u.is_staff for name, u in users.items() if name != "admin.demo")
    assert not any(u.is_superuser for u in users.values())
    assert users["fib.demo"].is_police and users["chair.demo"].is_police
    assert not users["sw.demo"].is_police


def test_agencies_are_the_invented_northmoor_partnership(demo_hub: str) -> None:
    agencies = {a.name: a for a in Agency.objects.all()}
    police = agencies["Northmoor Police"]
    trust = agencies["Northmoor Children's Trust"]
    assert police.kind == AgencyKind.POLICE and police.is_first_responder
    assert trust.kind == AgencyKind.CHILDRENS_TRUST and trust.is_first_responder
    kinds = {a.kind for a in agencies.values()}
    assert kinds == {kind.value for kind in AgencyKind}
    first_responders = {a.name for a in agencies.values() if a.is_first_responder}
    assert first_responders == {"Northmoor Police", "Northmoor Children's Trust"}
    assert all(a.teams.exists() for a in agencies.values())


def test_about_sixty_children_aged_eleven_to_seventeen(demo_hub: str) -> None:
    today = timezone.localdate()
    children = list(PersonModel.objects.filter(category=PersonCategory.CHILD))
    assert 55 <= len(children) <= 65
    ages = [child.age_on(today) for child in children]
    assert all(age is not None and 11 <= age <= 17 for age in ages)
    assert sum(1 for c in children if c.looked_after != "no") >= 5
    assert sum(1 for c in children if c.has_learning_disability) >= 3
    assert len({c.ethnicity for c in children}) >= 5  # mixed backgrounds
    assert not any(is_refused(c.given_name, c.family_name) for c in children)


def test_siblings_share_surname_and_address_and_twins_share_a_birthday(demo_hub: str) -> None:
    siblings = Link.objects.filter(link_type=LinkType.SIBLING).select_related(
        "from_entity__person", "to_entity__person"
    )
    assert siblings.count() >= 8
    homes: dict[int, set[int]] = defaultdict(set)
    for link in Link.objects.filter(link_type=LinkType.LIVES_AT, ended_on__isnull=True):
        homes[link.from_entity_id].add(link.to_entity_id)
    twins = 0
    for link in siblings:
        a, b = link.from_entity.person, link.to_entity.person
        assert a.family_name == b.family_name
        assert homes[a.pk] & homes[b.pk], "siblings live at the same address"
        if a.date_of_birth == b.date_of_birth:
            twins += 1
    assert twins >= 2


def test_about_forty_adults_of_concern_some_police_only(demo_hub: str) -> None:
    adults = PersonModel.objects.filter(category=PersonCategory.PERSON_OF_CONCERN).select_related(
        "entity__owning_agency"
    )
    assert 35 <= adults.count() <= 45
    police_only = [a for a in adults if a.entity.police_only]
    assert 5 <= len(police_only) < adults.count()
    assert all(a.entity.owning_agency.is_police for a in police_only)
    # Police-only records are never visible to a partner agency.
    seen_by_trust = set(visible_people(demo_user("sw.demo")).values_list("pk", flat=True))
    assert not seen_by_trust & {a.pk for a in police_only}
    seen_by_fib = set(visible_people(demo_user("fib.demo")).values_list("pk", flat=True))
    assert {a.pk for a in police_only} <= seen_by_fib


def test_only_ofcom_drama_phone_numbers(demo_hub: str) -> None:
    phones = list(Phone.objects.all())
    assert len(phones) >= 30
    assert all(DRAMA_E164.match(p.number_e164) for p in phones)
    assert all(DRAMA_AS_GIVEN.match(p.as_given) for p in phones)
    assert len({p.number_e164 for p in phones}) == len(phones)


def test_objects_and_places_are_invented(demo_hub: str) -> None:
    regs = list(Vehicle.objects.values_list("registration_key", flat=True))
    assert len(regs) >= 8
    assert all(re.match(r"^Z[A-Z]\d{2}[A-Z]{3}$", r) for r in regs)
    postcodes = list(Location.objects.values_list("postcode", flat=True))
    assert postcodes and all(p.startswith("NX") for p in postcodes)
    premises = set(Location.objects.values_list("premises_type", flat=True))
    for kind in ("residential", "hotel", "takeaway", "park", "car_park", "transport", "school"):
        assert kind in premises
    assert Entity.objects.filter(kind=EntityKind.ONLINE_ACCOUNT).count() >= 10


def test_links_are_typed_dated_and_sourced(demo_hub: str) -> None:
    links = list(Link.objects.prefetch_related("sources"))
    assert len(links) >= 300
    types = Counter(link.link_type for link in links)
    for wanted in (
        LinkType.LIVES_AT,
        LinkType.SIBLING,
        LinkType.PARENT,
        LinkType.ASSOCIATE,
        LinkType.USES_PHONE,
        LinkType.USES_ACCOUNT,
        LinkType.OWNS_VEHICLE,
        LinkType.SEEN_IN_VEHICLE,
        LinkType.FREQUENTS,
        LinkType.SEEN_AT,
    ):
        assert types[wanted] >= 1, wanted
    today = timezone.localdate()
    # Every fact has a source, each saying where it came from.
    notes = {link.pk: [s.label for s in link.sources.all()] for link in links}
    assert all(notes[link.pk] and all(n.strip() for n in notes[link.pk]) for link in links)
    assert all(link.started_on is not None and link.started_on <= today for link in links)
    assert any(link.ended_on is not None for link in links)  # a previous address
    assert any(link.police_only for link in links)
    assert all(link.created_by_id is not None for link in links)


def test_some_records_are_hub_shared_and_some_shared_with_one_agency(demo_hub: str) -> None:
    children = PersonModel.objects.filter(category=PersonCategory.CHILD)
    shared = children.filter(entity__hub_shared=True).count()
    assert 10 <= shared < children.count()
    school = Agency.objects.get(name="Heatherfield Academy Trust")
    assert EntityShare.objects.filter(agency=school).exists()
    # A school practitioner sees hub-shared children and those shared with the school only.
    seen = visible_people(demo_user("school.demo")).filter(category=PersonCategory.CHILD)
    assert 0 < seen.count() < children.count()


def test_every_record_went_through_the_services_and_is_audited(demo_hub: str) -> None:
    events = Counter(AuditEvent.objects.values_list("event", flat=True))
    assert events["person.created"] == PersonModel.objects.count()
    assert events["entity.created"] == Entity.objects.exclude(kind=EntityKind.PERSON).count()
    assert events["link.created"] == Link.objects.count()
    assert events["entity.shared"] == EntityShare.objects.count()
    assert events["demo.loaded"] == 1
    # Records were created by the demo user whose agency owns them.
    for entity in Entity.objects.select_related("created_by")[:200]:
        assert entity.created_by is not None
        assert entity.created_by.agency_id == entity.owning_agency_id


def test_if_empty_does_nothing_when_demo_users_exist(demo_hub: str) -> None:
    people, links = PersonModel.objects.count(), Link.objects.count()
    out = io.StringIO()
    call_command("demo_data", "--if-empty", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert (PersonModel.objects.count(), Link.objects.count()) == (people, links)
    assert AuditEvent.objects.filter(event="demo.loaded").count() == 1
    with pytest.raises(CommandError, match="already loaded"):
        call_command("demo_data", stdout=io.StringIO())
    assert PersonModel.objects.count() == people


def test_demo_logins_lists_every_account_with_role_agency_and_password(demo_hub: str) -> None:
    out = io.StringIO()
    # `make demo PORT=8001` passes the address it serves on; the sign-ins print that one.
    with override_settings(CAIRN_BASE_URL="http://127.0.0.1:8001"):
        call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for spec in DEMO_USERS:
        line = next(row for row in text.splitlines() if row.startswith(spec.username + " "))
        assert Role(spec.role).label in line
        assert demo_user(spec.username).agency.name in line
    assert DEMO_PASSWORD in text
    assert "Open http://127.0.0.1:8001/" in text
