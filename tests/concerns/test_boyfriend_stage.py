"""Found by an outside tester: in "What happened", choosing the boyfriend model and a stage,
then another model, gave "Only give a stage for the boyfriend model"; the stage radios
could not be unticked, so the only way on was to choose the boyfriend model again. The
stage is now asked under the boyfriend option (a conditional reveal), with "Not known"
to take a stage back, and a stage sent with another model is dropped, not an error."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.api_auth import services as token_services
from cairn.concerns import services
from cairn.concerns.models import Concern
from cairn.pole.models import Person

from ..api.conftest import ApiClient
from .conftest import complete_payload

pytestmark = pytest.mark.django_db


def _details(concern: Concern) -> str:
    return reverse("concerns:step", args=[concern.pk, "details"])


def _answers(model: str, stage: str | None) -> dict[str, Any]:
    day = dt.date.today() - dt.timedelta(days=1)
    data = {
        "observed_on_day": str(day.day),
        "observed_on_month": str(day.month),
        "observed_on_year": str(day.year),
        "narrative": "Seen with an older man who collects her from school.",
        "exploitation_model": model,
    }
    if stage is not None:
        data["boyfriend_stage"] = stage
    return data


def test_changing_the_model_after_a_stage_goes_on_and_drops_the_stage(
    users: dict[str, Any], child: Person
) -> None:
    client = Client()
    client.force_login(users["social_worker"])
    concern = services.concern_start(actor=users["social_worker"], child=child)
    indicators = reverse("concerns:step", args=[concern.pk, "indicators"])

    first = client.post(_details(concern), _answers("boyfriend", "2"))
    assert first.status_code == 302 and first["Location"] == indicators
    concern.refresh_from_db()
    assert (concern.draft["exploitation_model"], concern.draft["boyfriend_stage"]) == (
        "boyfriend",
        2,
    )
    # The stage stays ticked (a radio cannot be unticked) and the model changes.
    second = client.post(_details(concern), _answers("gang", "2"))
    assert second.status_code == 302 and second["Location"] == indicators
    concern.refresh_from_db()
    assert concern.draft["exploitation_model"] == "gang"
    assert concern.draft["boyfriend_stage"] is None
    # "Not known" takes a stage back while keeping the boyfriend model.
    client.post(_details(concern), _answers("boyfriend", "3"))
    client.post(_details(concern), _answers("boyfriend", ""))
    concern.refresh_from_db()
    assert (concern.draft["exploitation_model"], concern.draft["boyfriend_stage"]) == (
        "boyfriend",
        None,
    )


def test_the_stage_is_asked_under_the_boyfriend_option(
    users: dict[str, Any], child: Person
) -> None:
    client = Client()
    client.force_login(users["social_worker"])
    concern = services.concern_start(actor=users["social_worker"], child=child)
    page = client.get(_details(concern)).content.decode()
    boyfriend = re.search(
        r'<input class="govuk-radios__input" id="(id_exploitation_model_\d+)" '
        r'name="exploitation_model" type="radio" value="boyfriend">',
        page,
    )
    assert boyfriend, "the boyfriend option"
    # The stage follows the boyfriend option, in a reveal (hidden by CSS unless chosen),
    # and is in the page once, inside it.
    reveal = page.index(
        f'<div class="govuk-radios__conditional cairn-reveal" id="conditional-{boyfriend.group(1)}"'
    )
    assert page.index('name="exploitation_model" type="radio" value="gang"') > reveal
    assert page.count('name="boyfriend_stage"') == 5  # "Not known" and stages 1 to 4
    assert page.index('name="boyfriend_stage"') > reveal
    assert ">Not known</label>" in page[reveal:]
    assert "aria-expanded" not in page and "data-aria-controls" not in page


def test_the_check_page_and_submit_ignore_a_stale_stage(
    users: dict[str, Any], child: Person
) -> None:
    """A draft that holds a stage with another model (saved before the model changed, or
    by an older page) neither shows the stage nor records it."""
    actor = users["social_worker"]
    concern = services.concern_start(actor=actor, child=child)
    data = complete_payload(child.pk, exploitation_model="gang", boyfriend_stage=3)
    errors = services.concern_save_draft(actor=actor, concern=concern, data=data)
    assert "boyfriend_stage" not in errors
    client = Client()
    client.force_login(actor)
    page = client.get(reverse("concerns:step", args=[concern.pk, "check"])).content.decode()
    assert "Stage" not in page
    services.concern_submit(actor=actor, concern=concern)
    concern.refresh_from_db()
    assert (concern.exploitation_model, concern.boyfriend_stage) == ("gang", None)


def test_api_drops_a_stage_sent_with_another_model(users: dict[str, Any], child: Person) -> None:
    api = ApiClient(token_services.token_create(actor=users["social_worker"], name="t").secret)

    def body(**overrides: Any) -> dict[str, Any]:
        data = complete_payload(child.pk, mentions=[], **overrides)
        data.update(immediate_danger=False, crime_disclosed=False)
        return data

    response = api.post("/concerns", body(exploitation_model="gang", boyfriend_stage=2))
    assert response.status_code == 201, response.json()
    assert response.json()["boyfriend_stage"] is None
    kept = api.post("/concerns", body(exploitation_model="boyfriend", boyfriend_stage=2))
    assert kept.status_code == 201 and kept.json()["boyfriend_stage"] == 2
    # A stage that is not one is still refused.
    assert api.post("/concerns", body(boyfriend_stage=7)).status_code == 422
