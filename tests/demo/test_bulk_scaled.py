"""`manage.py demo_data --scale N` on 2,000 people: names and search keys, agencies,
households, the duplicate ground truth, one audit row, search. The load takes seconds, so
it is built once for this module (every test here uses it; see `loaded_for_module`)."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from cairn.accounts.models import Agency
from cairn.audit.models import AuditEvent
from cairn.pole import normalise
from cairn.pole.models import Entity, Link, NameKind, Person, PersonName
from cairn.pole.search import search_people

from ..conftest import loaded_for_module

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def scaled(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, str]]:
    """2,000 people, loaded once for the module and rolled back after it (each test runs in
    its own savepoint, so what one test writes the next does not see)."""
    truth = tmp_path_factory.mktemp("scaled") / "truth.csv"
    with loaded_for_module(django_db_blocker):
        out = io.StringIO()
        call_command("demo_data", scale=2000, seed=7, batch=700, truth_file=truth, stdout=out)
        yield truth, out.getvalue()


def read_truth(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_scale_creates_people_with_names_and_search_keys(scaled: tuple[Path, str]) -> None:
    _, out = scaled
    assert Person.objects.count() == 2000
    assert "Generated 2,000 people" in out and "rows/s" in out
    primaries = PersonName.objects.filter(kind=NameKind.PRIMARY)
    assert primaries.count() == 2000
    assert PersonName.objects.exclude(kind=NameKind.PRIMARY).exists()  # some aliases
    for name in PersonName.objects.all()[:500]:
        assert name.given_key == normalise.name_key(name.given_name)
        assert name.family_key == normalise.name_key(name.family_name)
        assert name.given_phonetic == normalise.phonetic_key(name.given_name)
        assert name.family_phonetic == normalise.phonetic_key(name.family_name)
    for person in Person.objects.select_related("entity")[:300]:
        assert person.entity.kind == "person"
        assert person.entity.label == person.full_name
    categories = Counter(Person.objects.values_list("category", flat=True))
    assert categories["child"] > 500 and categories["person_of_concern"] > 200


def test_scale_spreads_records_across_the_demo_agencies(scaled: tuple[Path, str]) -> None:
    owners = Counter(Entity.objects.values_list("owning_agency__name", flat=True))
    assert len(owners) == 7
    assert "Northmoor Police" in owners and "Northmoor Children's Trust" in owners
    police_only = Entity.objects.filter(police_only=True)
    assert police_only.exists()
    assert set(police_only.values_list("owning_agency__kind", flat=True)) == {"police"}
    assert Agency.objects.count() == 7  # created once, not per batch


def test_scale_households_share_an_address(scaled: tuple[Path, str]) -> None:
    truth, _ = scaled
    rows = read_truth(truth)
    home_of = dict(
        Link.objects.filter(link_type="lives_at").values_list("from_entity", "to_entity")
    )
    by_household: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        if row["record"] == "original" and int(row["person_id"]) in home_of:
            by_household[row["household_id"]].add(home_of[int(row["person_id"])])
    assert len(by_household) > 300
    assert all(len(homes) == 1 for homes in by_household.values())
    twins = [row for row in rows if row["twin_of_cluster"]]
    for row in twins:
        if row["record"] == "original":
            person = Person.objects.get(pk=row["person_id"])
            assert person.date_of_birth is not None


def test_scale_writes_the_duplicate_ground_truth_outside_the_domain(
    scaled: tuple[Path, str],
) -> None:
    truth, _ = scaled
    rows = read_truth(truth)
    assert len(rows) == 2000
    assert {int(r["person_id"]) for r in rows} == set(Person.objects.values_list("pk", flat=True))
    duplicates = [r for r in rows if r["record"] == "duplicate"]
    assert len(duplicates) == 200  # --duplicate-rate 0.1 by default
    variations = Counter(v for r in duplicates for v in r["variations"].split(";"))
    for kind in ("transposed", "spelling_variant", "nickname", "dob_missing"):
        assert variations[kind] >= 3, kind
    clusters = Counter(r["cluster_id"] for r in rows)
    assert sum(1 for n in clusters.values() if n > 1) >= 150
    # The domain tables carry no trace of the truth.
    assert not Person.objects.exclude(description="").exists()
    missing = [r for r in duplicates if r["variations"] == "dob_missing"]
    assert missing
    for row in missing:
        person = Person.objects.get(pk=row["person_id"])
        assert person.date_of_birth is None and person.estimated_age is not None


def test_scale_records_one_demo_loaded_event(scaled: tuple[Path, str]) -> None:
    events = AuditEvent.objects.filter(event="demo.loaded")
    assert events.count() == 1
    assert events.get().details["mode"] == "scale"
    assert events.get().details["people"] == 2000
    # Bulk rows bypass the services: no per-record audit rows.
    assert not AuditEvent.objects.filter(event="person.created").exists()


def test_scaled_people_are_found_by_search(scaled: tuple[Path, str], users: dict) -> None:
    person = Person.objects.exclude(date_of_birth=None).order_by("pk")[10]
    police = users["fib_officer"]
    results = search_people(police, query=person.full_name)
    assert person.pk in [m.person.pk for m in results]
    by_dob = search_people(police, date_of_birth=person.date_of_birth)
    assert person.pk in [m.person.pk for m in by_dob]
    prefix = normalise.name_key(person.family_name)[:3]
    assert search_people(police, query=prefix)
    # A practitioner in another agency sees none of it unless it is hub-shared.
    practitioner_hits = search_people(users["practitioner"], query=person.full_name)
    assert all(m.person.entity.hub_shared for m in practitioner_hits)


def test_scale_if_empty_skips_when_people_exist(scaled: tuple[Path, str]) -> None:
    out = io.StringIO()
    call_command("demo_data", "--if-empty", scale=100, stdout=out)
    assert "nothing to do" in out.getvalue()
    assert Person.objects.count() == 2000
