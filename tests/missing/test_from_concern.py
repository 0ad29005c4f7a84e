"""Signs of going missing in a concern become missing episodes: offered on the concern's
next-steps page and on the child's page, the form starts from the sign's date and
evidence, the episode is recorded through the missing service (RHI clock from the found time),
audited, linked back to the concern, and never twice for the same sign."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.utils import timezone

from cairn.audit.models import AuditEvent
from cairn.concerns import services as concern_services
from cairn.concerns.models import Concern, IndicatorObservation
from cairn.missing import services
from cairn.missing.models import MissingEpisode
from cairn.pole.models import Person

from ..concerns.conftest import complete_payload

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def child(make_person: Callable[..., Person]) -> Person:
    return make_person(given_name="Mia", family_name="Example", date_of_birth=dt.date(2012, 5, 1))


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def concern(users: dict[str, Any], child: Person) -> Concern:
    """A screened concern whose signs include two nights missing (two signs) and one
    sign that is not about going missing."""
    actor = users["social_worker"]
    data = complete_payload(
        child.pk,
        observed_on=days_ago(3).isoformat(),
        indicators=[
            {
                "code": "missing_overnight",
                "observed_on": days_ago(5).isoformat(),
                "evidence": "Did not come home on Friday night; found at a flat on Saturday",
            },
            {
                "code": "frequent_missing",
                "observed_on": days_ago(3).isoformat(),
                "evidence": "Missing again on Sunday night",
            },
            {"code": "getting_into_cars", "observed_on": days_ago(3).isoformat(), "evidence": ""},
        ],
    )
    concern = concern_services.concern_create(actor=actor, data=data)
    concern_services.risk_decision_record(
        actor=actor, concern=concern, level="significant", rationale="Two nights missing"
    )
    return concern


def sign(concern: Concern, code: str) -> IndicatorObservation:
    return IndicatorObservation.objects.get(concern=concern, indicator__code=code)


def aware(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def test_next_steps_page_offers_the_missing_signs(users: dict[str, Any], concern: Concern) -> None:
    page = client_for(users["social_worker"]).get(f"/concerns/{concern.pk}/next-steps/")
    body = page.content.decode()
    assert "Record these as missing episodes" in body
    overnight, frequent = sign(concern, "missing_overnight"), sign(concern, "frequent_missing")
    assert f"/hub/missing/from-sign/{overnight.pk}/" in body
    assert f"/hub/missing/from-sign/{frequent.pk}/" in body
    assert body.count('data-testid="sign-record"') == 2  # not the car sign


def test_childs_page_offers_the_signs_to_whoever_may_record(
    users: dict[str, Any], concern: Concern, child: Person
) -> None:
    body = client_for(users["mash_screener"]).get(f"/people/{child.pk}/").content.decode()
    assert "Record these as missing episodes" in body
    assert body.count('data-testid="sign-record"') == 2
    # An analyst may view episodes but not record them: no offer.
    analyst = client_for(users["analyst"]).get(f"/people/{child.pk}/").content.decode()
    assert "Record these as missing episodes" not in analyst


def test_form_is_prefilled_from_the_sign(users: dict[str, Any], concern: Concern) -> None:
    overnight = sign(concern, "missing_overnight")
    page = client_for(users["social_worker"]).get(f"/hub/missing/from-sign/{overnight.pk}/")
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["reported_on"] == overnight.observed_on
    assert form.initial["found_on"] == overnight.observed_on + dt.timedelta(days=1)
    assert "Did not come home on Friday night" in form.initial["circumstances"]
    assert concern.reference in form.initial["circumstances"]
    assert AuditEvent.objects.filter(
        event="person.viewed", actor_id=users["social_worker"].pk, subject_id=concern.child_id
    ).exists()


def test_recording_creates_a_linked_audited_episode_with_the_rhi_clock(
    users: dict[str, Any], concern: Concern
) -> None:
    overnight = sign(concern, "missing_overnight")
    reported_on = overnight.observed_on
    found_on = reported_on + dt.timedelta(days=1)
    response = client_for(users["social_worker"]).post(
        f"/hub/missing/from-sign/{overnight.pk}/",
        {
            "reported_on_day": reported_on.day,
            "reported_on_month": reported_on.month,
            "reported_on_year": reported_on.year,
            "reported_time": "22:00",
            "police_risk_grading": "medium",
            "circumstances": "Did not come home on Friday night",
            "found_on_day": found_on.day,
            "found_on_month": found_on.month,
            "found_on_year": found_on.year,
            "found_time": "09:30",
            "where_found": "A flat in town",
        },
    )
    episode = MissingEpisode.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/hub/missing/{episode.pk}/"
    assert episode.source_observation_id == overnight.pk and episode.concern_id == concern.pk
    assert episode.found_at == aware(found_on, 9) + dt.timedelta(minutes=30)
    assert episode.rhi_due_at == episode.found_at + dt.timedelta(hours=72)
    event = AuditEvent.objects.get(event="missing.recorded")
    assert event.details["concern"] == concern.pk and event.details["sign"] == overnight.pk
    # The concern already carries "missing overnight": the episode does not add it again.
    assert (
        IndicatorObservation.objects.filter(
            child_id=concern.child_id, indicator__code="missing_overnight"
        ).count()
        == 1
    )
    # The offer now links to the episode instead.
    body = (
        client_for(users["social_worker"])
        .get(f"/concerns/{concern.pk}/next-steps/")
        .content.decode()
    )
    assert f"recorded as {episode.reference}" in body
    assert body.count('data-testid="sign-record"') == 1


def test_never_twice_for_the_same_sign(users: dict[str, Any], concern: Concern) -> None:
    overnight = sign(concern, "missing_overnight")
    actor = users["social_worker"]
    kwargs = {
        "reported_at": aware(overnight.observed_on, 22),
        "found_at": aware(overnight.observed_on + dt.timedelta(days=1), 9),
    }
    first, created = services.episode_record_from_sign(actor=actor, sign_id=overnight.pk, **kwargs)
    assert created
    # A double submit (or a colleague at the same time) gets the same episode back.
    second, created_again = services.episode_record_from_sign(
        actor=users["mash_screener"], sign_id=overnight.pk, **kwargs
    )
    assert not created_again and second.pk == first.pk
    assert MissingEpisode.objects.count() == 1
    assert AuditEvent.objects.filter(event="missing.recorded").count() == 1
    # Opening the form again goes straight to the episode.
    response = client_for(actor).get(f"/hub/missing/from-sign/{overnight.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/hub/missing/{first.pk}/"
    # Posting the form again (a double click) creates nothing either.
    response = client_for(actor).post(f"/hub/missing/from-sign/{overnight.pk}/", {})
    assert response.status_code == 302 and MissingEpisode.objects.count() == 1


def test_each_sign_becomes_its_own_episode(users: dict[str, Any], concern: Concern) -> None:
    actor = users["social_worker"]
    for code in ("missing_overnight", "frequent_missing"):
        s = sign(concern, code)
        services.episode_record_from_sign(
            actor=actor,
            sign_id=s.pk,
            reported_at=aware(s.observed_on, 21),
            found_at=aware(s.observed_on + dt.timedelta(days=1), 8),
        )
    assert MissingEpisode.objects.filter(concern=concern).count() == 2


def test_validation_messages(users: dict[str, Any], concern: Concern) -> None:
    overnight = sign(concern, "missing_overnight")
    day = overnight.observed_on
    response = client_for(users["social_worker"]).post(
        f"/hub/missing/from-sign/{overnight.pk}/",
        {
            "reported_on_day": day.day,
            "reported_on_month": day.month,
            "reported_on_year": day.year,
            "reported_time": "22:00",
            "police_risk_grading": "medium",
            "found_on_day": day.day,
            "found_on_month": day.month,
            "found_on_year": day.year,
            "found_time": "20:00",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "The time found must be after the time reported missing" in body
    assert not MissingEpisode.objects.exists()


def test_denied_users(users: dict[str, Any], concern: Concern, make_user: Any) -> None:
    overnight = sign(concern, "missing_overnight")
    url = f"/hub/missing/from-sign/{overnight.pk}/"
    # May view episodes but not record them.
    assert client_for(users["analyst"]).get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        services.episode_record_from_sign(
            actor=users["analyst"], sign_id=overnight.pk, reported_at=aware(days_ago(5), 22)
        )
    # May record episodes but may not see this child: as if the sign did not exist.
    teacher = make_user("practitioner", agency="school", username="teacher")
    assert client_for(teacher).get(url).status_code == 404
    with pytest.raises(Http404):
        services.episode_record_from_sign(
            actor=teacher, sign_id=overnight.pk, reported_at=aware(days_ago(5), 22)
        )
    # A sign that is not about going missing is not offered.
    cars = sign(concern, "getting_into_cars")
    assert (
        client_for(users["social_worker"]).get(f"/hub/missing/from-sign/{cars.pk}/").status_code
        == 404
    )
    assert not MissingEpisode.objects.exists()


def test_api_records_once_and_denies_the_unseen(
    users: dict[str, Any], concern: Concern, make_user: Any
) -> None:
    from cairn.api_auth import services as token_services

    from ..api.conftest import ApiClient

    overnight = sign(concern, "missing_overnight")
    path = f"/hub/missing-episodes/from-sign/{overnight.pk}"
    body = {
        "reported_at": aware(overnight.observed_on, 22).isoformat(),
        "found_at": aware(overnight.observed_on + dt.timedelta(days=1), 9).isoformat(),
    }
    sw = users["social_worker"]
    api = ApiClient(token_services.token_create(actor=sw, name="t").secret)
    first = api.post(path, body)
    assert first.status_code == 201, first.json()
    assert first.json()["rhi_due_at"] is not None
    again = api.post(path, body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert MissingEpisode.objects.count() == 1
    teacher = make_user("practitioner", agency="school", username="teacher")
    denied = ApiClient(session_user=teacher).post(path, body)
    assert denied.status_code == 404


def test_errors_are_summarised_first_in_main_and_titled_once(
    users: dict[str, Any], concern: Concern
) -> None:
    """GOV.UK: the error summary at the top of the main container, before the security
    marking and the h1; the title says "Error: " once."""
    overnight = sign(concern, "missing_overnight")
    page = client_for(users["social_worker"]).post(
        f"/hub/missing/from-sign/{overnight.pk}/", {"police_risk_grading": "medium"}
    )
    assert page.status_code == 200
    text = page.content.decode()
    main = text[text.index('<main class="govuk-main-wrapper"') :]
    assert main.index('class="govuk-error-summary"') < main.index('class="cairn-marking"')
    assert main.index('class="govuk-error-summary"') < main.index("<h1")
    title = text[text.index("<title>") : text.index("</title>")]
    assert title.startswith("<title>Error: Record a missing episode") and title.count("Error:") == 1
