"""The profile page's set-wise reads give exactly the rows of the full rules they replace,
for every demo user and people of the demo hub (links, tactics, agenda items, signs of
going missing and referrals), whether or not the page opened the person: the reads check a
rule in one read of the records or meetings concerned instead of building it into the
query (bench/README.md, issue 18)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.http import Http404

from cairn.accounts.models import User
from cairn.concerns.models import IndicatorObservation
from cairn.disruption.access import visible_tactics_about
from cairn.disruption.models import TacticSubject
from cairn.disruption.selectors import tactics_for_entity
from cairn.hub.access import items_shown_about, visible_items_about
from cairn.hub.models import AgendaItem
from cairn.missing.access import missing_signs, missing_signs_shown_about
from cairn.pole.access import access_person_by_id, visible_links_touching
from cairn.pole.models import Link, Person
from cairn.pole.selectors import links_for_entity
from cairn.referrals.access import submitted_referrals_shown_about, visible_referrals
from cairn.referrals.models import Referral

from ..conftest import loaded_for_module

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_hub(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with loaded_for_module(django_db_blocker):
        call_command("demo_data", seed=2026, stdout=io.StringIO())
        # A sign recorded against one child in a concern about another (no service makes
        # one): the signs' read must fall back to the full rule for it.
        sign = IndicatorObservation.objects.filter(
            concern__isnull=False, indicator__code="missing_overnight"
        ).first()
        assert sign is not None
        other = Person.objects.filter(category="child").exclude(pk=sign.child_id).first()
        assert other is not None
        IndicatorObservation.objects.create(
            child=other,
            indicator=sign.indicator,
            concern=sign.concern,
            observed_on=sign.observed_on,
            recorded_by=sign.recorded_by,
        )
        yield


def _ids(rows: Any) -> list[int]:
    return [row.pk for row in rows]


def test_profile_reads_match_the_full_rules_for_every_demo_user(demo_hub: None) -> None:
    # People with tactics, agenda items, signs, links or referrals (six of each,
    # the sign in another child's concern among them), and three with none of those.
    ids: set[int] = set()
    for rows in (
        TacticSubject.objects.filter(entity__kind="person").values_list("entity_id", flat=True),
        AgendaItem.objects.filter(subject__isnull=False).values_list("subject_id", flat=True),
        IndicatorObservation.objects.filter(indicator__code="missing_overnight")
        .order_by("-pk")
        .values_list("child_id", flat=True),
        Link.objects.values_list("from_entity_id", flat=True),
        Referral.objects.values_list("child_id", flat=True),
    ):
        ids |= set(list(dict.fromkeys(rows))[:6])
    ids |= set(Person.objects.exclude(pk__in=ids).values_list("pk", flat=True)[:3])
    people = list(Person.objects.filter(pk__in=ids).order_by("pk"))
    users = list(User.objects.filter(is_active=True).select_related("agency").order_by("pk"))
    assert len(people) >= 15 and len(users) >= 10
    seen = {"links": 0, "tactics": 0, "items": 0, "signs": 0, "referrals": 0, "opened": 0}
    for user in users:
        for person in people:
            try:
                opened = access_person_by_id(user, person.pk)
            except Http404:
                opened = None
            plain = Person.objects.select_related("entity").get(pk=person.pk)
            links = list(links_for_entity(user, person.pk))
            tactics = list(tactics_for_entity(user, person.pk))
            items = _ids(visible_items_about(user, plain).order_by("pk"))
            signs = _ids(missing_signs(user).filter(child=person).order_by("observed_on", "pk"))
            referrals = _ids(
                visible_referrals(user)
                .filter(child=person)
                .exclude(status="draft")
                .order_by("-submitted_at", "-pk")
            )
            for about in (plain, opened) if opened is not None else (plain,):
                shown = visible_links_touching(user, person.pk)
                assert _ids(shown) == _ids(links), (user.username, person.pk)
                assert [_ids(x.visible_sources) for x in shown] == [
                    _ids(x.visible_sources) for x in links
                ]
                assert _ids(
                    visible_tactics_about(user, person.pk, order_by=("-created_at", "-pk"))
                ) == _ids(tactics), (user.username, person.pk)
                assert _ids(items_shown_about(user, about)) == items, (user.username, person.pk)
                assert _ids(missing_signs_shown_about(user, about)) == signs, (
                    user.username,
                    person.pk,
                )
                assert (
                    _ids(
                        submitted_referrals_shown_about(
                            user, about, order_by=("-submitted_at", "-pk")
                        )
                    )
                    == referrals
                ), (user.username, person.pk)
            seen["opened"] += opened is not None
            seen["links"] += bool(links)
            seen["tactics"] += bool(tactics)
            seen["items"] += bool(items)
            seen["signs"] += bool(signs)
            seen["referrals"] += bool(referrals)
    # The comparison is not vacuous: every kind of row is shown to someone.
    assert all(count > 0 for count in seen.values()), seen
