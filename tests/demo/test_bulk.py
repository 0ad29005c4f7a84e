"""`manage.py demo_data --scale N`: bulk synthetic people with duplicates and ground truth."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from cairn.demo import bulk
from cairn.pole.models import Person


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
