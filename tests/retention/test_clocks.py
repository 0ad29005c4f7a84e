"""Retention clocks per rule: each runs from the right date (last action, birth, a
reviewer's next review), and records join the queue on the day they fall due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from cairn.accounts.models import Agency
from cairn.pole import services as pole
from cairn.pole.models import Person
from cairn.retention import selectors, services
from cairn.retention.models import RecordType, RetentionRule
from cairn.retention.rules import add_years, due_for

pytestmark = pytest.mark.django_db


def _rule(agencies: dict[str, Agency], agency: str, code: str) -> RetentionRule:
    return RetentionRule.objects.get(
        agency=agencies[agency], record_type=RecordType.PERSON, code=code
    )


def _due(rule: RetentionRule, **kwargs: Any) -> dt.date | None:
    kwargs.setdefault("born", None)
    kwargs.setdefault("created", dt.date(2010, 1, 1))
    kwargs.setdefault("last_activity", dt.date(2010, 1, 1))
    return due_for(rule, **kwargs).on


def test_add_years_leap_day() -> None:
    assert add_years(dt.date(2012, 2, 29), 6) == dt.date(2018, 2, 28)
    assert add_years(dt.date(2012, 2, 29), 4) == dt.date(2016, 2, 29)


def test_mopi_group_3_six_years_after_the_last_action(
    agencies: dict[str, Agency], rules: None
) -> None:
    rule = _rule(agencies, "police", "mopi-3")
    assert (rule.clock, rule.years, rule.review_every_years) == ("last_activity", 6, None)
    # The last action, not the creation or the birth, starts the clock.
    assert _due(
        rule,
        born=dt.date(1990, 1, 1),
        created=dt.date(2010, 1, 1),
        last_activity=dt.date(2015, 7, 9),
    ) == dt.date(2021, 7, 9)


def test_mopi_group_1_to_100th_birthday_reviewed_every_ten_years(
    agencies: dict[str, Agency], rules: None
) -> None:
    rule = _rule(agencies, "police", "mopi-1")
    born = dt.date(1970, 4, 2)
    # Reviewed ten years after the last action, well before the 100th birthday...
    assert _due(rule, born=born, last_activity=dt.date(2020, 5, 1)) == dt.date(2030, 5, 1)
    # ...and never kept past the 100th birthday.
    assert _due(rule, born=born, last_activity=dt.date(2066, 1, 1)) == dt.date(2070, 4, 2)


def test_mopi_group_2_reviewed_every_ten_years_with_no_end(
    agencies: dict[str, Agency], rules: None
) -> None:
    rule = _rule(agencies, "police", "mopi-2")
    assert rule.years is None
    assert _due(rule, last_activity=dt.date(2019, 3, 1)) == dt.date(2029, 3, 1)
    # A reviewer's next review wins.
    assert _due(
        rule, last_activity=dt.date(2019, 3, 1), next_review=dt.date(2027, 1, 5)
    ) == dt.date(2027, 1, 5)


def test_childrens_social_care_25th_birthday_and_75_years_if_looked_after(
    agencies: dict[str, Agency], rules: None
) -> None:
    to_25 = _rule(agencies, "trust", "csc-25")
    looked_after = _rule(agencies, "trust", "csc-looked-after")
    born = dt.date(2008, 10, 31)
    assert _due(to_25, born=born, last_activity=dt.date(2030, 1, 1)) == dt.date(2033, 10, 31)
    assert _due(looked_after, born=born) == dt.date(2083, 10, 31)
    # Which applies: the looked-after rule first, for a looked-after child only.
    trust_rules = selectors.agency_rules(agencies["trust"].pk)[RecordType.PERSON]
    assert selectors.choose_rule(trust_rules, looked_after=True, decision=None) == looked_after
    assert selectors.choose_rule(trust_rules, looked_after=False, decision=None) == to_25


def test_birthday_clock_without_a_date_of_birth_runs_from_creation(
    agencies: dict[str, Agency], rules: None
) -> None:
    rule = _rule(agencies, "school", "to-25")
    assert _due(rule, born=None, created=dt.date(2020, 2, 2)) == dt.date(2045, 2, 2)


def test_assigned_rules_are_never_chosen_automatically(
    agencies: dict[str, Agency], rules: None
) -> None:
    police_rules = selectors.agency_rules(agencies["police"].pk)[RecordType.PERSON]
    chosen = selectors.choose_rule(police_rules, looked_after=True, decision=None)
    assert chosen is not None and chosen.code == "mopi-3"


def test_record_joins_the_queue_on_the_day_it_falls_due(
    users: dict[str, Any],
    ig_police: Any,
    rules: None,
    travel: Callable[[dt.date], Any],
) -> None:
    with travel(dt.date(2018, 6, 1)):
        person = pole.person_create(
            actor=users["fib_officer"],
            given_name="Orrin",
            family_name="Clockwatch",
            category="person_of_concern",
        )
    with travel(dt.date(2024, 5, 31)):
        assert person.pk not in [e.record_id for e in selectors.review_queue(ig_police)]
    with travel(dt.date(2024, 6, 1)):
        queue = selectors.review_queue(ig_police)
        entry = next(e for e in queue if e.record_id == person.pk)
        assert entry.rule is not None and entry.rule.code == "mopi-3"
        assert entry.due.on == dt.date(2024, 6, 1)
        assert entry.last_activity_on == dt.date(2018, 6, 1)


def test_a_later_action_restarts_the_clock(
    users: dict[str, Any],
    ig_police: Any,
    rules: None,
    make_person: Callable[..., Person],
    travel: Callable[[dt.date], Any],
) -> None:
    with travel(dt.date(2017, 1, 10)):
        person = make_person(actor=users["fib_officer"], category="person_of_concern")
        other = make_person(actor=users["fib_officer"], given_name="Linka")
    with travel(dt.date(2020, 3, 3)):
        pole.link_record(
            actor=users["fib_officer"],
            from_entity_id=person.pk,
            to_entity_id=other.pk,
            link_type="associate",
            source_note="Seen together",
        )
    with travel(dt.date(2025, 1, 1)):
        entry = selectors.review_entry(ig_police, RecordType.PERSON, person.pk)
        assert entry.last_activity_on == dt.date(2020, 3, 3)
        assert entry.due.on == dt.date(2026, 3, 3)


def test_retaining_sets_the_next_review_and_may_move_the_rule(
    ig_police: Any,
    old_police_person: Person,
    agencies: dict[str, Agency],
    travel: Callable[[dt.date], Any],
) -> None:
    group_2 = _rule(agencies, "police", "mopi-2")
    today = dt.date.today()
    next_review = today.replace(year=today.year + 2)
    services.record_retain(
        actor=ig_police,
        record_type=RecordType.PERSON,
        record_id=old_police_person.pk,
        reason="Named in a current investigation",
        next_review_on=next_review,
        assigned_rule_id=group_2.pk,
    )
    entry = selectors.review_entry(ig_police, RecordType.PERSON, old_police_person.pk)
    assert entry.rule == group_2
    assert entry.due.on == next_review
    assert old_police_person.pk not in [e.record_id for e in selectors.review_queue(ig_police)]
