"""The 'Record a concern' pages end to end through the Django test client: every step,
draft recovery after an error, check answers, screening, next steps, and denied access."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.audit.models import AuditEvent
from cairn.concerns.models import Concern, ConcernStatus, RiskDecision
from cairn.notifications.models import Notification
from cairn.pole.models import Person

pytestmark = pytest.mark.django_db


def step(concern: Concern, name: str) -> str:
    return reverse("concerns:step", args=[concern.pk, name])


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def start(client: Client) -> Concern:
    response = client.post(reverse("concerns:new"))
    assert response.status_code == 302
    return Concern.objects.latest("pk")


def test_full_journey_with_new_child(
    client: Client, early_help_worker: Any, users: dict[str, Any]
) -> None:
    client.force_login(early_help_worker)
    assert client.get(reverse("concerns:new")).status_code == 200
    concern = start(client)
    today = dt.date.today()
    # Child: add a new one.
    response = client.post(
        step(concern, "child"),
        {
            "action": "new",
            "new-given_name": "Skye",
            "new-family_name": "Examplewood",
            **_date("new-date_of_birth", dt.date(2012, 2, 14)),
            "new-sex": "female",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    child = Person.objects.get(family_name="Examplewood")
    assert child.entity.owning_agency == early_help_worker.agency
    # Details.
    response = client.post(
        step(concern, "details"),
        {
            "reporter_role": "Early help worker",
            **_date("observed_on", today - dt.timedelta(days=1)),
            "observed_time": "21:30",
            "observed_where": "Northmoor bus station",
            "narrative": (
                "Seen getting into a grey car with an older man; a new phone she would not explain."
            ),
            "exploitation_types": ["cse"],
            "exploitation_model": "boyfriend",
            "boyfriend_stage": "2",
        },
    )
    assert response["Location"] == step(concern, "indicators")
    # Indicators.
    response = client.post(
        step(concern, "indicators"),
        {
            "ind_significant": ["getting_into_cars", "older_boyfriend"],
            "ind_moderate": ["staying_out_late"],
        },
    )
    assert response["Location"] == step(concern, "indicator-details")
    page = client.get(step(concern, "indicator-details")).content.decode()
    assert "Older &#x27;boyfriend&#x27; or controlling adult" in page
    response = client.post(
        step(concern, "indicator-details"),
        {
            **_date("date_getting_into_cars", today - dt.timedelta(days=1)),
            **_date("date_older_boyfriend", today - dt.timedelta(days=20)),
            **_date("date_staying_out_late", today - dt.timedelta(days=3)),
            "evidence_getting_into_cars": "I saw it",
        },
    )
    assert response["Location"] == step(concern, "mentions")
    # Mentions: a vehicle.
    response = client.post(
        reverse("concerns:mention-add", args=[concern.pk, "vehicle"]),
        {
            "registration": "NM15 ABC",
            "make": "Vauxhall",
            "colour": "Grey",
        },
    )
    assert response.status_code == 302
    assert "NM15 ABC" in client.get(step(concern, "mentions")).content.decode()
    response = client.post(step(concern, "mentions"))
    assert response["Location"] == step(concern, "questions")
    response = client.post(
        step(concern, "questions"), {"immediate_danger": "no", "crime_disclosed": "no"}
    )
    assert response["Location"] == step(concern, "check")
    check = client.get(step(concern, "check")).content.decode()
    assert "Skye Examplewood" in check and "Northmoor bus station" in check
    response = client.post(step(concern, "check"))
    assert response["Location"] == reverse("concerns:screening", args=[concern.pk])
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.SUBMITTED
    # Screening: suggestion with reasons; the worker confirms with a rationale.
    page = client.get(reverse("concerns:screening", args=[concern.pk])).content.decode()
    assert "Suggested level" in page
    assert "2 different significant indicators in the last 6 months" in page
    response = client.post(
        reverse("concerns:screening", args=[concern.pk]), {"level": "significant", "rationale": ""}
    )
    assert "Explain why you chose this level" in response.content.decode()
    response = client.post(
        reverse("concerns:screening", args=[concern.pk]),
        {"level": "significant", "rationale": "Older boyfriend and cars: agree significant"},
    )
    assert response["Location"] == reverse("concerns:next-steps", args=[concern.pk])
    # PPU co-ordinator is notified.
    assert Notification.objects.filter(
        recipient=users["ppu_coordinator"], kind="risk.raised"
    ).exists()
    # Next steps.
    page = client.get(reverse("concerns:next-steps", args=[concern.pk])).content.decode()
    for code in ("fib", "ppu", "mash"):
        assert f'data-testid="pathway-{code}"' in page
    response = client.post(
        reverse("concerns:next-steps", args=[concern.pk]),
        {
            "taken_fib": "yes",
            "taken_ppu": "yes",
            "taken_mash": "no",
            "note_mash": "",
        },
    )
    assert "Explain why you did not do this" in response.content.decode()
    response = client.post(
        reverse("concerns:next-steps", args=[concern.pk]),
        {
            "taken_fib": "yes",
            "taken_ppu": "yes",
            "taken_mash": "no",
            "note_mash": "Social worker already allocated; spoke to her today",
        },
    )
    assert response["Location"] == reverse("concerns:detail", args=[concern.pk])
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.COMPLETE
    detail = client.get(reverse("concerns:detail", args=[concern.pk])).content.decode()
    assert "Social worker already allocated" in detail
    assert AuditEvent.objects.filter(event="concern.viewed", actor=early_help_worker).exists()


def test_validation_error_keeps_draft_and_recovers_after_leaving(
    client: Client, users: dict[str, Any], child: Person
) -> None:
    client.force_login(users["social_worker"])
    concern = start(client)
    future = dt.date.today() + dt.timedelta(days=5)
    response = client.post(
        step(concern, "details"),
        {
            **_date("observed_on", future),
            "narrative": "Typed carefully, must not be lost",
            "exploitation_model": "not_known",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Date observed must be today or in the past" in html
    assert "Typed carefully, must not be lost" in html
    # Leave and come back (e.g. after a time-out): the typed text and the error return.
    client.logout()
    client.force_login(users["social_worker"])
    html = client.get(step(concern, "details")).content.decode()
    assert "Typed carefully, must not be lost" in html
    assert f'value="{future.year}"' in html
    assert "Date observed must be today or in the past" in html


def test_submit_with_missing_answers_links_to_steps(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["social_worker"])
    concern = start(client)
    html = client.post(step(concern, "check")).content.decode()
    assert "There is a problem" in html
    assert "Choose or add the child this concern is about" in html
    assert f'href="{step(concern, "child")}?return=check"' in html
    assert f'href="{step(concern, "questions")}?return=check"' in html


def test_choose_existing_child_via_search(
    client: Client, users: dict[str, Any], child: Person
) -> None:
    client.force_login(users["social_worker"])
    concern = start(client)
    html = client.get(step(concern, "child"), {"q": "amber"}).content.decode()
    assert "Amber Testcase" in html
    response = client.post(step(concern, "child"), {"action": "choose", "child_id": str(child.pk)})
    assert response["Location"] == step(concern, "details")
    concern.refresh_from_db()
    assert concern.child == child


def test_the_child_search_says_why_each_child_was_found(
    client: Client, users: dict[str, Any], make_person: Any
) -> None:
    """Found by a nickname, a child's name alone would not say why they are offered."""
    jay = make_person(
        given_name="Jason", family_name="Testwright", aliases=[("nickname", "Jay", "")]
    )
    client.force_login(users["social_worker"])
    concern = start(client)
    html = client.get(step(concern, "child"), {"q": "Jay"}).content.decode()
    assert f'value="{jay.pk}"' in html
    assert "Jason Testwright (nickname the same: \u201cJay\u201d)" in html


def _new_child_like_amber(concern: Concern, client: Client) -> str:
    """Type a new child close to Amber Testcase (misspelt, same birthday)."""
    response = client.post(
        step(concern, "child"),
        {
            "action": "new",
            "new-given_name": "Amber",
            "new-family_name": "Testcsae",
            **_date("new-date_of_birth", dt.date(2011, 6, 1)),
            "new-sex": "female",
        },
    )
    assert response.status_code == 200
    return response.content.decode()


def test_choose_a_possible_match_uses_the_existing_child(
    client: Client, users: dict[str, Any], child: Person
) -> None:
    from cairn.concerns import services

    worker = users["social_worker"]
    client.force_login(worker)
    concern = start(client)
    services.concern_save_draft(
        actor=worker, concern=concern, data={"observed_where": "Northmoor bus station"}
    )
    people = Person.objects.count()
    html = _new_child_like_amber(concern, client)
    assert 'data-testid="possible-matches"' in html
    assert f'name="child_id" value="{child.pk}"' in html
    assert (
        'Use this child<span class="govuk-visually-hidden"> (Amber Testcase, born 1 Jun 2011)'
        in html
    )
    assert Person.objects.count() == people  # nothing created while matches are shown

    response = client.post(step(concern, "child"), {"action": "choose", "child_id": str(child.pk)})
    assert response["Location"] == step(concern, "details")
    concern.refresh_from_db()
    assert concern.child == child
    assert concern.draft["child_id"] == child.pk
    assert concern.draft["observed_where"] == "Northmoor bus station"
    assert Person.objects.count() == people


def test_possible_matches_offer_only_children_the_user_may_see(
    client: Client, users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    hidden = make_person(
        actor=users["fib_officer"],
        given_name="Amber",
        family_name="Testcase",
        date_of_birth=dt.date(2011, 6, 1),
        police_only=True,
    )
    adult = make_person(
        given_name="Amber",
        family_name="Testcase",
        date_of_birth=dt.date(2011, 6, 1),
        category="person_of_concern",
    )
    client.force_login(users["social_worker"])
    concern = start(client)
    html = _new_child_like_amber(concern, client)
    # The adult record is listed as a warning, but only a child record can be used.
    assert 'data-testid="possible-matches"' in html
    assert f'name="child_id" value="{adult.pk}"' not in html
    assert "Use this child" not in html
    # The police-only child is neither listed nor choosable by a forged post.
    assert html.count('class="cairn-possible-match"') == 1
    response = client.post(step(concern, "child"), {"action": "choose", "child_id": str(hidden.pk)})
    assert response.status_code == 404
    concern.refresh_from_db()
    assert concern.child is None


def test_start_from_child_profile_skips_child_step(
    client: Client, users: dict[str, Any], child: Person
) -> None:
    client.force_login(users["social_worker"])
    response = client.post(reverse("concerns:new"), {"child": str(child.pk)})
    concern = Concern.objects.latest("pk")
    assert response["Location"] == step(concern, "details")
    assert concern.child == child


def test_drafts_are_private_to_their_author(
    client: Client, users: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    client.force_login(users["social_worker"])
    concern = start(client)
    client.force_login(users["hub_chair"])
    assert client.get(step(concern, "details")).status_code == 404
    assert client.get(reverse("concerns:detail", args=[concern.pk])).status_code == 404


def test_submitted_concern_visible_to_those_who_see_the_child(
    client: Client, users: dict[str, Any], child: Person, make_user: Callable[..., Any]
) -> None:
    from cairn.concerns import services

    from .conftest import complete_payload

    concern = services.concern_create(actor=users["social_worker"], data=complete_payload(child.pk))
    for role, expected in [
        ("hub_chair", 200),
        ("mash_screener", 200),
        ("system_admin", 404),
        ("ig_admin", 404),
    ]:
        client.force_login(users[role])
        assert client.get(reverse("concerns:detail", args=[concern.pk])).status_code == expected, (
            role
        )
    teacher = make_user("practitioner", agency="school", username="teacher")
    client.force_login(teacher)
    assert client.get(reverse("concerns:detail", args=[concern.pk])).status_code == 404


@pytest.mark.parametrize("role", ["system_admin", "ig_admin"])
def test_admins_cannot_record_concerns(client: Client, users: dict[str, Any], role: str) -> None:
    client.force_login(users[role])
    assert client.get(reverse("concerns:new")).status_code == 403
    assert client.post(reverse("concerns:new")).status_code == 403
    assert not Concern.objects.exists()


def test_discard_draft_asks_first_and_is_an_erasure(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["social_worker"])
    concern = start(client)
    url = reverse("concerns:discard", args=[concern.pk])
    # The page's "Delete this draft" link (a GET) only asks; nothing is deleted yet.
    for asked in (client.post(url), client.get(url)):
        assert asked.status_code == 200
        assert "Are you sure you want to delete this draft?" in asked.content.decode()
    assert Concern.objects.filter(pk=concern.pk).exists()
    other = users["practitioner"]
    client.force_login(other)
    assert client.post(url, {"confirm": "yes"}).status_code == 404  # not their draft
    assert Concern.objects.filter(pk=concern.pk).exists()
    client.force_login(users["social_worker"])
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    assert not Concern.objects.exists()
    assert AuditEvent.objects.get(event="concern.draft_discarded").action == "erasure"


def test_ppu_inbox_lists_and_opens_notification(
    client: Client, users: dict[str, Any], child: Person
) -> None:
    from cairn.concerns import services

    from .conftest import complete_payload

    concern = services.concern_create(actor=users["social_worker"], data=complete_payload(child.pk))
    services.risk_decision_record(
        actor=users["social_worker"], concern=concern, level="significant", rationale="Clear risk"
    )
    client.force_login(users["ppu_coordinator"])
    home = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="inbox-count">1' in home
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert concern.reference in inbox
    note = Notification.objects.get(recipient=users["ppu_coordinator"])
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert response["Location"] == reverse("concerns:detail", args=[concern.pk])
    note.refresh_from_db()
    assert note.read_at is not None
    # Someone else cannot open it.
    client.force_login(users["hub_chair"])
    assert client.post(reverse("notifications:open", args=[note.pk])).status_code == 404
    assert RiskDecision.objects.count() == 1


def test_a_person_mentioned_may_be_an_existing_record(
    client: Client, users: dict[str, Any], make_person: Any
) -> None:
    """Adding a person to a concern shows who they may already be, before a new record is
    made; choosing one links the concern to it."""
    sw = users["social_worker"]
    known = make_person(
        actor=sw,
        given_name="Dexter",
        family_name="Examplar",
        category="person_of_concern",
        date_of_birth=dt.date(1994, 5, 6),
    )
    hidden = make_person(
        actor=users["fib_officer"],
        given_name="Dexter",
        family_name="Examplar",
        category="person_of_concern",
        police_only=True,
    )
    client.force_login(sw)
    concern = start(client)
    url = reverse("concerns:mention-add", args=[concern.pk, "person"])
    typed = {
        "given_name": "Dextor",
        "family_name": "Examplar",
        "nickname": "Dex",
        **_date("date_of_birth", dt.date(1994, 5, 6)),
    }
    page = client.post(url, typed)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="mention-possible-matches"' in body
    assert f'name="use_existing" value="{known.pk}"' in body
    assert f'value="{hidden.pk}"' not in body  # police-only: never offered to a social worker
    assert 'value="Dextor"' in body  # what was typed is kept
    concern.refresh_from_db()
    assert not concern.draft.get("mentions")

    # Choosing a record the user cannot see is refused like a missing one.
    assert client.post(url, {**typed, "use_existing": str(hidden.pk)}).status_code == 404
    response = client.post(url, {**typed, "use_existing": str(known.pk)})
    assert response.status_code == 302
    concern.refresh_from_db()
    mention = concern.draft["mentions"][0]
    assert mention["entity_id"] == known.pk and mention["nickname"] == "Dex"
    listed = client.get(step(concern, "mentions")).content.decode()
    assert "Existing record: Dexter Examplar" in listed

    # "None of these" adds the person as typed, to be created when the concern is sent.
    client.post(url, {**typed, "given_name": "Dexy", "confirm_new": "1"})
    concern.refresh_from_db()
    assert len(concern.draft["mentions"]) == 2
    assert "entity_id" not in concern.draft["mentions"][1]

    from cairn.pole.mentions import entity_for_mention

    people = Person.objects.count()
    mention = concern.draft["mentions"][0]
    assert entity_for_mention(sw, mention, justification="Named in a concern") == known.pk
    assert Person.objects.count() == people


def test_a_street_name_typed_in_a_concern_offers_the_adult_police_know_by_it(
    client: Client, users: dict[str, Any], make_person: Any
) -> None:
    """A school knows only "Deano"; police hold "Lily Price, known as Deano", shared with
    the Hub. The match is offered, with why, before a duplicate adult is made."""
    lily = make_person(
        actor=users["fib_officer"],
        given_name="Lily",
        family_name="Pricetest",
        category="person_of_concern",
        aliases=[("nickname", "Deano", "")],
        hub_shared=True,
    )
    practitioner = users["practitioner"]
    client.force_login(practitioner)
    concern = start(client)
    url = reverse("concerns:mention-add", args=[concern.pk, "person"])
    body = client.post(url, {"given_name": "", "family_name": "", "nickname": "Deano"})
    text = body.content.decode()
    assert f'name="use_existing" value="{lily.pk}"' in text
    assert "known as \u201cDeano\u201d (nickname)" in text


def test_submitting_again_after_it_went_through_goes_to_the_concern(
    client: Client, users: dict[str, Any], child: Person
) -> None:
    """A resent 'check your answers' form (double click, back and resubmit) after the
    concern was submitted lands on its screening page, not 'page not found'."""
    from cairn.concerns import services
    from cairn.concerns.models import IndicatorObservation

    from .conftest import complete_payload

    concern = services.concern_start(actor=users["social_worker"], child=child)
    concern.draft = complete_payload(child.pk)
    concern.save(update_fields=["draft"])
    client.force_login(users["social_worker"])
    first = client.post(step(concern, "check"))
    again = client.post(step(concern, "check"))
    screening = reverse("concerns:screening", args=[concern.pk])
    assert first["Location"] == again["Location"] == screening
    assert IndicatorObservation.objects.filter(concern=concern).count() == 2
    assert (
        AuditEvent.objects.filter(event="concern.submitted", object_id=str(concern.pk)).count() == 1
    )


def test_the_child_search_in_a_concern_is_a_recorded_consultation(
    client: Client, users: dict[str, Any], child: Person
) -> None:
    """Found by an outside tester: searching children by name while recording a concern
    showed names and dates of birth with no audit row. It is recorded as a people search is,
    with the children shown."""
    client.force_login(users["social_worker"])
    concern = start(client)
    page = client.get(step(concern, "child"), {"q": child.family_name})
    assert child.full_name in page.content.decode()
    row = AuditEvent.objects.get(event="person.searched", actor=users["social_worker"])
    assert row.details["subjects"] == [child.pk]
    assert row.personal_values.values["query"] == child.family_name
    client.get(step(concern, "child"))  # no search, nothing listed: no row
    assert AuditEvent.objects.filter(event="person.searched").count() == 1


def test_step_pages_show_the_saved_answers(
    client: Client, users: dict[str, Any], child: Person
) -> None:
    """A step page read again shows the draft's answers (its form is a part of the one
    the draft is checked with)."""
    client.force_login(users["social_worker"])
    concern = start(client)
    yesterday = dt.date.today() - dt.timedelta(days=1)
    client.post(
        step(concern, "details"),
        {
            **_date("observed_on", yesterday),
            "observed_time": "2:30pm",
            "narrative": "Seen near the station",
            "exploitation_model": "not_known",
        },
    )
    client.post(step(concern, "questions"), {"immediate_danger": "no", "crime_disclosed": "yes"})
    concern.refresh_from_db()
    assert concern.draft["observed_time"] == "14:30"
    assert (concern.draft["immediate_danger"], concern.draft["crime_disclosed"]) == ("no", "yes")
    details = client.get(step(concern, "details")).content.decode()
    assert "Seen near the station" in details and 'value="14:30"' in details
    questions = client.get(step(concern, "questions"))
    assert questions.status_code == 200
    html = questions.content.decode()
    assert html.count("checked") == 2
    assert "Did the child, or anyone else, disclose a crime?" in html


def test_back_after_submitting_takes_the_reporter_to_the_concern(
    client: Client, users: dict[str, Any], child: Person
) -> None:
    """Found by an outside tester: Back after submitting answered "Page not found" (the
    check page is a draft's). The reporter lands on the submitted concern, told it was
    submitted; nothing is saved, submitted or deleted again. Anyone else still gets 404,
    a colleague who may see the submitted concern included."""
    from cairn.concerns import services
    from cairn.concerns.models import IndicatorObservation

    from .conftest import complete_payload

    concern = services.concern_start(actor=users["social_worker"], child=child)
    concern.draft = complete_payload(child.pk)
    concern.save(update_fields=["draft"])
    client.force_login(users["social_worker"])
    assert client.post(step(concern, "check")).status_code == 302
    detail = reverse("concerns:detail", args=[concern.pk])
    for url in (
        step(concern, "check"),
        step(concern, "details"),
        reverse("concerns:mention-add", args=[concern.pk, "vehicle"]),
        reverse("concerns:discard", args=[concern.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == detail
    landed = client.get(step(concern, "check"), follow=True)
    assert f"Concern {concern.reference} has already been submitted" in landed.content.decode()
    client.post(reverse("concerns:discard", args=[concern.pk]), {"confirm": "yes"})
    client.post(step(concern, "details"), {"narrative": "Changed after submitting."})
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.SUBMITTED
    assert "Changed after submitting" not in concern.narrative
    assert IndicatorObservation.objects.filter(concern=concern).count() == 2
    assert (
        AuditEvent.objects.filter(event="concern.submitted", object_id=str(concern.pk)).count() == 1
    )
    other = Client()
    other.force_login(users["mash_screener"])
    assert other.get(detail).status_code == 200
    assert other.get(step(concern, "check")).status_code == 404
    assert other.get(reverse("concerns:discard", args=[concern.pk])).status_code == 404
