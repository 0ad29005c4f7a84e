"""Every hand-off where a person is typed offers the existing person with the reasons, in
one way (issue 19 item 4; outside tester findings 11, 12 and 13): the same fields (names,
nickname, date of birth or an age) reach the same matcher with the same thresholds, at
the FIB's linking step, at "Add a person" and at a concern's new child."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.audit.models import AuditEvent
from cairn.concerns.models import Concern
from cairn.intelligence import checks
from cairn.intelligence import services as intel
from cairn.intelligence.models import Submission
from cairn.network.matching.online import match_person
from cairn.network.matching.weights import reset_cache
from cairn.pole.models import Person

from ..intelligence.conftest import intel_data

pytestmark = pytest.mark.django_db
STUART = "last name that sounds the same (Stuart / Stewart)"
BROUN = "last name sounds the same (Broun / Brown)"
LIV = "their nickname \u201cLiv\u201d has the same first name"


@pytest.fixture(autouse=True)
def _fresh_counts() -> Iterator[None]:
    reset_cache()
    yield
    reset_cache()


@pytest.fixture
def youth_worker(make_user: Callable[..., Any]) -> Any:
    """A partner agency's caseworker (the tester's Youth Justice worker)."""
    return make_user("practitioner", agency="school", username="yjs_handoff")


@pytest.fixture
def daniel(make_person: Callable[..., Person], users: dict[str, Any]) -> Person:
    """Police hold Daniel Stewart, 42, known as "Danny Stewart"."""
    today = dt.date.today()
    return make_person(
        actor=users["fib_officer"],
        given_name="Daniel",
        family_name="Stewart",
        date_of_birth=dt.date(today.year - 42, 1, 2),
        sex="male",
        category="person_of_concern",
        aliases=[("nickname", "Danny", "Stewart")],
        police_only=True,
    )


@pytest.fixture
def olivia(make_person: Callable[..., Person], users: dict[str, Any]) -> Person:
    """Olivia Brown, 15, shared with the Hub, her nickname "Liv" recorded with no surname
    (as a school records it)."""
    today = dt.date.today()
    return make_person(
        actor=users["social_worker"],
        given_name="Olivia",
        family_name="Brown",
        date_of_birth=dt.date(today.year - 15, 2, 3),
        sex="female",
        hub_shared=True,
        aliases=[("nickname", "Liv", "")],
    )


def _entry_naming(partner: Any, **person: Any) -> Submission:
    mention = {"kind": "person", "given_name": "Danny", "family_name": "Stuart", **person}
    return intel.submission_create(
        actor=partner,
        data=intel_data(subject_description="Danny Stuart, about 42", mentions=[mention]),
    )


# The FIB's linking step (finding 12) and its "Add a person" (finding 13).


def test_the_fib_link_step_offers_daniel_stewart_for_danny_stuart_about_42(
    users: dict[str, Any], daniel: Person, youth_worker: Any
) -> None:
    entry = _entry_naming(youth_worker, nickname="Dan", estimated_age=42, note="Picks the boys up")
    client = Client()
    client.force_login(users["fib_officer"])
    before = AuditEvent.objects.filter(event="person.matched").count()
    page = client.get(reverse("intelligence:link", args=[entry.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Danny Stuart (known as Dan), about 42" in body
    assert f'value="{daniel.pk}"' in body
    assert "Daniel Stewart" in body and STUART in body
    # The candidates shown are a consultation, as at every other hand-off.
    assert AuditEvent.objects.filter(event="person.matched").count() == before + 1
    # Only the FIB links: the submitter is answered as if the page did not exist.
    client.force_login(youth_worker)
    assert client.get(reverse("intelligence:link", args=[entry.pk])).status_code == 404


def test_the_age_given_with_a_person_named_reaches_the_matcher(
    users: dict[str, Any], daniel: Person, youth_worker: Any
) -> None:
    """The name alone has no key in common with his (Stuart and Stewart have different
    sound keys in the index): the age narrows the search to his birth years."""
    fib = users["fib_officer"]
    with_age = _entry_naming(youth_worker, nickname="Dan", estimated_age=42)
    client = Client()
    client.force_login(fib)
    assert STUART in client.get(reverse("intelligence:link", args=[with_age.pk])).content.decode()
    # The same person typed at "Add a person" is offered with the same reason and weight.
    typed = {"given_name": "Danny", "family_name": "Stuart", "nickname": "Dan"}
    (at_add,) = match_person(fib, {**typed, "estimated_age": 42})
    assert at_add.person.pk == daniel.pk and STUART in at_add.reasons[0]


def test_add_a_person_to_an_entry_asks_the_age_and_checks_it(
    users: dict[str, Any], daniel: Person
) -> None:
    fib = users["fib_officer"]
    client = Client()
    client.force_login(fib)
    draft = intel.submission_start(actor=fib)
    url = reverse("intelligence:mention-add", args=[draft.pk, "person"])
    form = client.get(url).content.decode()
    assert 'name="estimated_age"' in form
    typed = {"given_name": "Danny", "family_name": "Stuart", "nickname": "Dan"}
    for age, error in [
        ("121", "Age must be 120 or less"),
        ("-1", "Age must be 0 or more"),
        ("forty", "Age must be a whole number, like 15"),
    ]:
        page = client.post(url, {**typed, "estimated_age": age})
        body = page.content.decode()
        assert page.status_code == 200 and error in body
        assert 'value="Stuart"' in body  # nothing typed is lost
    both = client.post(
        url,
        {
            **typed,
            "estimated_age": "42",
            "date_of_birth_day": "11",
            "date_of_birth_month": "10",
            "date_of_birth_year": "1984",
        },
    )
    assert "Give either a date of birth or an age, not both" in both.content.decode()
    draft.refresh_from_db()
    assert not draft.mentions

    # An age alone: he is offered with the reason before anything is kept.
    offered = client.post(url, {**typed, "estimated_age": "42"}).content.decode()
    assert 'data-testid="mention-possible-matches"' in offered
    assert f'name="use_existing" value="{daniel.pk}"' in offered and STUART in offered
    client.post(url, {**typed, "estimated_age": "42", "confirm_new": "1"})
    draft.refresh_from_db()
    (mention,) = draft.mentions
    assert mention["estimated_age"] == 42
    # The quality check no longer asks for an age it was given.
    codes = {q.code for q in checks.quality_issues("x", mentions=draft.mentions)}
    assert "person_without_age" not in codes
    assert "person_without_age" in {
        q.code for q in checks.quality_issues("x", mentions=[{**mention, "estimated_age": None}])
    }


def test_the_api_takes_an_age_for_a_person_named(
    youth_worker: Any, api_as: Callable[[Any], Any]
) -> None:
    person = {"kind": "person", "given_name": "Danny", "family_name": "Stuart"}
    refused = api_as(youth_worker).post(
        "/intelligence/submissions",
        intel_data(mentions=[{**person, "estimated_age": 121}]),
    )
    assert refused.status_code == 422
    made = api_as(youth_worker).post(
        "/intelligence/submissions", intel_data(mentions=[{**person, "estimated_age": 42}])
    )
    assert made.status_code in (200, 201), made.content
    (mention,) = Submission.objects.get(pk=made.json()["id"]).mentions
    assert mention["estimated_age"] == 42


def test_a_new_record_made_from_a_person_named_keeps_the_age(
    users: dict[str, Any], youth_worker: Any
) -> None:
    from cairn.pole.mentions import new_entity_for_mention

    made = new_entity_for_mention(
        users["fib_officer"],
        {"kind": "person", "given_name": "Danny", "family_name": "Stuart", "estimated_age": 42},
        justification="Synthetic test",
        police_only=True,
    )
    person = Person.objects.get(pk=made)
    assert person.estimated_age == 42 and person.date_of_birth is None


# "Add a person" and a concern's new child (finding 11).


def _add_person(client: Client, **typed: str) -> str:
    response = client.post(
        reverse("pole:person-create"),
        {
            "category": "child",
            "sex": "female",
            "ethnicity": "not_known",
            "looked_after": "no",
            **typed,
        },
    )
    assert response.status_code == 200
    return response.content.decode()


def test_add_a_person_offers_olivia_brown_for_liv_broun_about_15(
    users: dict[str, Any], olivia: Person
) -> None:
    client = Client()
    client.force_login(users["practitioner"])
    html = _add_person(client, given_name="Liv", family_name="Broun", estimated_age="15")
    assert "may already have a record" in html
    assert reverse("pole:person-detail", args=[olivia.pk]) in html
    assert LIV in html and BROUN in html
    assert not Person.objects.filter(family_name="Broun").exists()
    # With no age at all, her recorded nickname and surname still find her.
    html = _add_person(client, given_name="Liv", family_name="Brown")
    assert reverse("pole:person-detail", args=[olivia.pk]) in html


def test_a_nickname_recorded_alone_is_no_match_for_another_surname(
    users: dict[str, Any], olivia: Person
) -> None:
    """Her own surname counts for and against: "Liv Jones", 15, is not offered her."""
    typed = {"given_name": "Liv", "family_name": "Jones", "estimated_age": 15, "sex": "female"}
    assert match_person(users["practitioner"], typed) == []


def test_a_concerns_new_child_liv_broun_about_15_is_offered_olivia_brown(
    users: dict[str, Any], olivia: Person, make_person: Callable[..., Person]
) -> None:
    police_only = make_person(
        actor=users["fib_officer"],
        given_name="Olivia",
        family_name="Brown",
        date_of_birth=olivia.date_of_birth,
        sex="female",
        police_only=True,
        aliases=[("nickname", "Liv", "")],
    )
    client = Client()
    client.force_login(users["practitioner"])
    assert client.post(reverse("concerns:new")).status_code == 302
    concern = Concern.objects.latest("pk")
    people = Person.objects.count()
    response = client.post(
        reverse("concerns:step", args=[concern.pk, "child"]),
        {
            "action": "new",
            "new-given_name": "Liv",
            "new-family_name": "Broun",
            "new-estimated_age": "15",
            "new-sex": "female",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="possible-matches"' in html
    assert f'name="child_id" value="{olivia.pk}"' in html
    assert LIV in html and BROUN in html
    assert Person.objects.count() == people  # nothing made until the worker decides
    # A record the worker may not see is never offered.
    assert f'value="{police_only.pk}"' not in html
