"""The profile page's reads about an opened person: the record's visibility filter is built
once (when the person is opened) and the per-app reads about them leave it out, giving
the same rows as the full rule for every role; and the page's query count stays pinned."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.concerns import services as concern_services
from cairn.concerns.access import visible_concerns, visible_concerns_about
from cairn.hub.access import visible_items_about
from cairn.missing.access import (
    missing_signs,
    missing_signs_about,
    visible_episodes,
    visible_episodes_about,
)
from cairn.pole.access import access_person_by_id, opened_by
from cairn.pole.models import Person

pytestmark = pytest.mark.django_db


def _payload(child_id: int, **overrides: Any) -> dict[str, Any]:
    day = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    data: dict[str, Any] = {
        "child_id": child_id,
        "reporter_role": "Social worker",
        "observed_on": day,
        "observed_where": "Outside the youth centre",
        "narrative": "Stayed out overnight twice this week and came back with a new phone.",
        "exploitation_types": ["cce"],
        "indicators": [
            {"code": "missing_overnight", "observed_on": day, "evidence": "Out all night"},
            {"code": "unexplained_items", "observed_on": day, "evidence": "New phone"},
        ],
        "mentions": [],
        "immediate_danger": "no",
        "crime_disclosed": "no",
    }
    data.update(overrides)
    return data


def test_the_opened_mark_is_per_user_and_undone_by_a_restriction(
    users: dict[str, Any], make_person: Any
) -> None:
    person = make_person(actor=users["social_worker"])
    opened = access_person_by_id(users["social_worker"], person.pk)
    assert opened_by(users["social_worker"], opened)
    assert not opened_by(users["fib_officer"], opened)
    assert not opened_by(users["social_worker"], Person.objects.get(pk=person.pk))
    opened.entity.restricted_since = timezone.now()
    assert not opened_by(users["social_worker"], opened)


@pytest.mark.parametrize("hub_shared", [False, True])
def test_reads_about_an_opened_child_match_the_full_rule_for_every_role(
    users: dict[str, Any], make_user: Any, make_person: Any, hub_shared: bool
) -> None:
    sw = users["social_worker"]
    users = {**users, "school": make_user("practitioner", "school", username="teacher")}
    child = make_person(actor=sw, given_name="Rowan", hub_shared=hub_shared)
    other = make_person(actor=sw, given_name="Sky", hub_shared=hub_shared)
    concern_services.concern_create(actor=sw, data=_payload(child.pk))
    concern_services.concern_create(actor=sw, data=_payload(other.pk))
    draft = concern_services.concern_start(actor=users["school"], child=child)
    assert draft.status == "draft"
    opened_for = []
    for role, user in users.items():
        try:
            opened = access_person_by_id(user, child.pk)
        except Http404:
            continue
        opened_for.append(role)
        assert opened_by(user, opened)
        plain = Person.objects.get(pk=child.pk)
        for about in (opened, plain):
            assert set(visible_concerns_about(user, about)) == set(
                visible_concerns(user).filter(child=child)
            ), role
            assert set(visible_episodes_about(user, about)) == set(
                visible_episodes(user).filter(child=child)
            ), role
            assert set(missing_signs_about(user, about)) == set(
                missing_signs(user).filter(child=child)
            ), role
            assert set(visible_items_about(user, about)) == set(visible_items_about(user, plain)), (
                role
            )
    # The teacher sees their own draft about the child, whoever owns the record.
    drafts = visible_concerns_about(users["school"], Person.objects.get(pk=child.pk))
    assert draft in set(drafts)
    # Hub-wide roles open any record; a school only a record shared with the Hub.
    assert {"social_worker", "fib_officer", "hub_chair"} <= set(opened_for)
    assert ("school" in opened_for) == hub_shared


def test_child_profile_query_count_is_pinned(
    client: Client, users: dict[str, Any], make_person: Any, django_assert_max_num_queries: Any
) -> None:
    """A child with concerns, risk decisions and signs of going missing: the profile's
    queries do not grow with the record (each app reads once per page)."""
    sw = users["social_worker"]
    child = make_person(actor=sw, given_name="Rowan", hub_shared=True)
    concerns = [concern_services.concern_create(actor=sw, data=_payload(child.pk)) for _ in "abc"]
    for concern in concerns:
        concern_services.risk_decision_record(
            actor=sw, concern=concern, level="moderate", rationale="Pattern of going missing"
        )
    client.force_login(sw)
    url = reverse("pole:person-detail", args=[child.pk])
    client.get(url)
    with django_assert_max_num_queries(24):
        html = client.get(url).content.decode()
    for concern in concerns:
        assert f"Concern {concern.reference} recorded by" in html
    assert "Risk level decided: Moderate" in html
