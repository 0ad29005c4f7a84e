"""`manage.py demo_data --scale N`: bulk synthetic people with duplicates and ground truth."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from cairn.accounts.models import Agency
from cairn.audit.models import AuditEvent
from cairn.demo import bulk
from cairn.pole import normalise
from cairn.pole.models import Entity, Link, NameKind, Person, PersonName
from cairn.pole.search import search_people


@pytest.fixture
def scaled(db: Any, tmp_path: Path) -> tuple[Path, str]:
    truth = tmp_path / "truth.csv"
    out = io.StringIO()
    call_command("demo_data", scale=2000, seed=7, batch=700, truth_file=truth, stdout=out)
    return truth, out.getvalue()


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


@pytest.mark.django_db
@pytest.mark.parametrize(
    "options",
    [{"scale": 0}, {"scale": 10, "duplicate_rate": 1.0}, {"scale": 10, "batch": 0}],
)
def test_scale_rejects_bad_arguments(options: dict[str, Any]) -> None:
    with pytest.raises(CommandError):
        call_command("demo_data", stdout=io.StringIO(), **options)
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_demo_data_refuses_production_settings() -> None:
    with override_settings(SETTINGS_MODULE="cairn.settings.production"):
        with pytest.raises(CommandError, match="production"):
            call_command("demo_data", stdout=io.StringIO())
        with pytest.raises(CommandError, match="production"):
            call_command("demo_data", scale=10, stdout=io.StringIO())
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_demo_logins_without_demo_data_says_what_to_run() -> None:
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "demo_data" in out.getvalue()


def test_generator_is_deterministic_for_a_seed() -> None:
    today = dt.date(2026, 6, 1)

    def sample(seed: int) -> list[tuple[Any, ...]]:
        gen = bulk.PeopleGenerator(seed=seed, duplicate_rate=0.2, today=today)
        return [
            (r.given, r.family, r.date_of_birth, r.identity.cluster_id, r.variations)
            for r in gen.batch(300) + gen.batch(300)
        ]

    assert sample(11) == sample(11)
    assert sample(11) != sample(12)


def test_typo_helpers() -> None:
    rng = random.Random(3)
    for name in ("Rebecca", "Mohammed", "Okafor"):
        typo = bulk.transpose(rng, name)
        assert sorted(typo) == sorted(name) and typo[0] == name[0]
        assert len(bulk.drop_letter(rng, name)) == len(name) - 1
        assert len(bulk.double_letter(rng, name)) == len(name) + 1
    assert bulk.swap_day_month(dt.date(2012, 3, 9)) == dt.date(2012, 9, 3)
    assert bulk.swap_day_month(dt.date(2012, 3, 25)) is None  # no 25th month
    assert bulk.swap_day_month(dt.date(2012, 4, 4)) is None  # nothing to swap


def test_duplicates_keep_the_identity_and_vary_it() -> None:
    today = dt.date(2026, 6, 1)
    gen = bulk.PeopleGenerator(seed=5, duplicate_rate=0.5, today=today)
    records = gen.batch(2000)
    duplicates = [r for r in records if r.duplicate]
    assert len(duplicates) == 1000
    changed = 0
    for record in duplicates:
        identity = record.identity
        assert record.variations
        if (record.given, record.family, record.date_of_birth) != (
            identity.given,
            identity.family,
            identity.date_of_birth,
        ):
            changed += 1
        if "nickname" in record.variations:
            assert record.given != identity.given
        if "dob_missing" in record.variations and identity.date_of_birth:
            assert record.date_of_birth is None and record.estimated_age is not None
    assert changed > 800
