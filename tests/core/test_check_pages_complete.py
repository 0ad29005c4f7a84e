"""Found by an outside tester: the intelligence "Check before submitting" page had no row
for "Anything else" nor for the source's details, so a change made in another tab to those
alone was sent unseen after the stale-draft warning. "You submit only what you have read":
every answer a draft will submit has a row on its check page.

Driven from the forms, not from a list written here: each field of each step form (and of
each kind of detail) is given one value, then another, and the check page must show the
first and change with the second. A field added later without a check row fails."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from cairn.concerns import forms as concern_forms
from cairn.concerns import payload as concern_payload
from cairn.concerns import services as concern_services
from cairn.concerns.models import Concern, Indicator
from cairn.core.forms import GovukDateField, GovukTimeField
from cairn.intelligence import draft as intel_draft
from cairn.intelligence import services as intel_services
from cairn.intelligence.forms import QuestionsForm, SubmissionForm
from cairn.pole.mentions import MENTION_FORMS

pytestmark = pytest.mark.django_db

ROWS = re.compile(r'<dl class="govuk-summary-list" data-testid="check-[^"]+">.*?</dl>', re.S)
TODAY = dt.date.today()


def _answers(page: str) -> str:
    """The check page's answers (its summary lists), without the rest of the page."""
    found = ROWS.findall(page)
    assert found, "no check-answers summary list on the page"
    return "\n".join(found)


def _choices(field: forms.Field) -> list[tuple[str, str]]:
    return [(str(v), str(label)) for v, label in field.choices if str(v) != ""]  # type: ignore[attr-defined]


def _pair(name: str, field: forms.Field, tag: str) -> tuple[Any, Any, str | None]:
    """Two answers for a field (as a draft stores them) and the text the first must show
    as (None where the page shows a label that need not be distinctive)."""
    if isinstance(field, GovukDateField):
        return (TODAY - dt.timedelta(days=3), TODAY - dt.timedelta(days=5), None)
    if isinstance(field, GovukTimeField) or name == "when_time":
        return ("10:11", "12:13", "10:11")
    if isinstance(field, forms.MultipleChoiceField):
        first, second = _choices(field)[:2]
        return ([first[0]], [second[0]], first[1])
    if isinstance(field, forms.ChoiceField):
        choices = _choices(field)
        initial = str(field.initial or "")
        first = next(c for c in choices if c[0] != initial)
        second = next(c for c in choices if c[0] != first[0])
        return (first[0], second[0], None)
    if isinstance(field, forms.BooleanField):
        return (True, False, None)
    if isinstance(field, forms.IntegerField):  # a person's age ("about 37")
        return (37, 38, "37")
    if name == "number":
        return ("07700 900461", "07700 900462", "07700 900461")
    text = f"Zq{tag}{name.replace('_', '')}"[: field.max_length or 100]  # type: ignore[attr-defined]
    return (text, f"{text[:-1]}W", text)


def _revealed(form_class: type[forms.Form]) -> dict[str, tuple[str, str]]:
    """Fields asked under one option of another (a conditional reveal): field -> (parent,
    option), so the parent is set to that option while the field is checked."""
    out: dict[str, tuple[str, str]] = {}
    for parent, field in form_class.base_fields.items():
        for option, child in (getattr(field, "option_reveals", None) or {}).items():
            out[child] = (parent, option)
    return out


def _differ(
    page: Callable[[dict[str, Any]], str],
    fields: dict[str, forms.Field],
    reveals: dict[str, tuple[str, str]],
    tag: str,
) -> Iterator[str]:
    """Each field whose answer the page does not show: set every field to its first value
    (the page must show each distinctive one), then each in turn to its second (the page
    must change)."""
    pairs = {name: _pair(name, f, tag) for name, f in fields.items()}
    base = {name: p[0] for name, p in pairs.items()}
    for child, (parent, option) in reveals.items():
        if child in base and parent in base:
            base[parent] = option
    shown = _answers(page(base))
    for name, (_, _, text) in pairs.items():
        # As typed or in capitals (a registration, a postcode).
        if text is not None and text.lower() not in shown.lower():
            yield f"{name}: {text!r} not shown"
    for name, (_, second, _) in pairs.items():
        field = fields[name]
        if isinstance(field, forms.ChoiceField) and not isinstance(
            field, forms.MultipleChoiceField
        ):
            # Another option than the one the first page showed (a parent of a reveal
            # was set to the revealing option).
            second = next(v for v, _ in _choices(field) if v != str(base[name]))
        if _answers(page({**base, name: second})) == shown:
            yield f"{name}: changing it does not change the check page"


# Intelligence: the questions step and the details step, posted as the web pages post them.


def _post_data(form: forms.Form, values: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, value in values.items():
        field = form.base_fields[name]
        if isinstance(field, GovukDateField):
            data.update({f"{name}_day": value.day, f"{name}_month": value.month})
            data[f"{name}_year"] = value.year
        elif isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    return data


def test_every_intelligence_answer_is_on_the_check_page(make_user: Any) -> None:
    user = make_user("practitioner", agency="school", username="check_rows_dsl")
    client = Client()
    client.force_login(user)
    submission = intel_services.submission_start(actor=user)
    steps = {
        reverse("intelligence:questions", args=[submission.pk]): QuestionsForm,
        reverse("intelligence:edit", args=[submission.pk]): SubmissionForm,
    }
    on_steps = {n for form in steps.values() for n in form.step_fields or ()}
    # Every answer of a draft is asked on some step (else it could not be typed, nor shown).
    assert set(intel_draft.DraftForm.base_fields) <= on_steps
    assert set(intel_draft.ENTRY_FIELDS) <= on_steps
    fields = {n: intel_draft.DraftForm.base_fields[n] for n in sorted(on_steps)}
    check = reverse("intelligence:check", args=[submission.pk])

    def page(values: dict[str, Any]) -> str:
        for url, form in steps.items():
            own = {k: v for k, v in values.items() if k in (form.step_fields or ())}
            response = client.post(url, {**_post_data(form(), own), "action": "save"})
            assert response.status_code == 302, response.content.decode()[:2000]
        response = client.get(check)
        assert response.status_code == 200, response.get("Location")
        return response.content.decode()

    assert list(_differ(page, fields, _revealed(intel_draft.DraftForm), "I")) == []
    assert list(_mentions_differ(page_of_mentions(client, submission.pk, page))) == []


def page_of_mentions(client: Client, pk: int, page: Callable[[dict[str, Any]], str]) -> Any:
    """A page drawer for the entry's details (each kind's mention form fields), the other
    answers left as `page` last saved them."""
    base = {
        "anyone_in_danger": "no",
        "crime_described": "no",
        "subject_description": "A girl of about 14",
        "what": "Seen at the park",
        "where": "The park",
        "when_on": TODAY,
        "how_known": "first_hand",
    }
    page(base)
    submission = intel_services.Submission.objects.get(pk=pk)
    check = reverse("intelligence:check", args=[pk])

    def draw(mentions: list[dict[str, Any]]) -> str:
        intel_services.submission_save_draft(
            actor=submission.submitter, submission=submission, data={"mentions": mentions}
        )
        return client.get(check).content.decode()

    return draw


def _as_stored(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _mentions_differ(draw: Callable[[list[dict[str, Any]]], str]) -> Iterator[str]:
    """Each field of each kind of detail the check page does not show."""
    for kind, (form_class, _) in MENTION_FORMS.items():
        fields = dict(form_class.base_fields)

        def page(values: dict[str, Any], kind: str = kind) -> str:
            return draw([{"kind": kind, **{k: _as_stored(v) for k, v in values.items()}}])

        for problem in _differ(page, fields, {}, "M"):
            yield f"{kind} {problem}"


# Concerns: the steps' own answers (the details and the questions), the child, each sign
# with its date and evidence, and each kind of detail.


def _concern_steps() -> dict[str, type[concern_forms.DraftForm]]:
    return {"details": concern_forms.DetailsForm, "questions": concern_forms.QuestionsForm}


def test_every_concern_answer_is_on_the_check_page(
    users: dict[str, Any], make_person: Callable[..., Any]
) -> None:
    reporter = users["social_worker"]
    client = Client()
    client.force_login(reporter)
    first, second = make_person(given_name="Zqfirstchild"), make_person(given_name="Zqother")
    concern: Concern = concern_services.concern_start(actor=reporter, child=first)
    steps = _concern_steps()
    on_steps = {n for form in steps.values() for n in form.step_fields or ()}
    # Every answer of a concern is asked on a step (the child has a step of its own).
    assert set(concern_payload.ConcernForm.base_fields) - {"child_id"} <= on_steps
    check = reverse("concerns:step", args=[concern.pk, "check"])
    fields = {n: concern_payload.ConcernForm.base_fields[n] for n in sorted(on_steps)}

    def draw() -> str:
        response = client.get(check)
        assert response.status_code == 200, response.get("Location")
        return response.content.decode()

    def page(values: dict[str, Any]) -> str:
        data = {k: _as_stored(v) for k, v in values.items()}
        concern_services.concern_save_draft(actor=reporter, concern=concern, data=data)
        return draw()

    assert list(_differ(page, fields, _revealed(concern_payload.ConcernForm), "C")) == []

    # The child.
    shown = _answers(draw())
    assert "Zqfirstchild" in shown
    concern_services.concern_save_draft(
        actor=reporter, concern=concern, data={"child_id": second.pk}
    )
    assert "Zqother" in _answers(draw())

    # Each sign: its label, date and evidence (the observation form's fields).
    indicator = Indicator.objects.filter(active=True).first()
    assert indicator is not None
    observation = concern_payload.observation_fields(indicator)

    def sign(values: dict[str, Any]) -> str:
        item = {"code": indicator.code, **{k: _as_stored(v) for k, v in values.items()}}
        concern_services.concern_save_draft(
            actor=reporter, concern=concern, data={"indicators": [item]}
        )
        return draw()

    assert list(_differ(sign, observation, {}, "S")) == []
    assert indicator.label in _answers(draw())

    # Each kind of detail.
    def mentions(items: list[dict[str, Any]]) -> str:
        concern_services.concern_save_draft(
            actor=reporter, concern=concern, data={"mentions": items}
        )
        return draw()

    assert list(_mentions_differ(mentions)) == []
