"""`cairn.core.step_guard` on its own: what counts as the same answer, what a made-up
`fields_seen` is read as, and the three outcomes of reconciling a field."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django import forms
from django.http import QueryDict

from cairn.core import step_guard
from cairn.core.forms import GovukDateField, GovukForm


class Shape(GovukForm):
    text = forms.CharField(widget=forms.Textarea, required=False)
    on = GovukDateField(required=False)
    tick = forms.BooleanField(required=False)
    many = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple, required=False
    )
    pick = forms.ChoiceField(choices=[("x", "Ex"), ("y", "Why")], required=False)


def _post(**fields: str | list[str]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def test_the_same_answer_as_drawn_and_as_posted() -> None:
    form = Shape()
    drawn = {"text": "one\ntwo", "on": dt.date(2026, 12, 1), "tick": True, "many": ["b", "a"]}
    posted = _post(text="one\r\ntwo ", on_day="1", on_month="12", on_year="2026", tick="on")
    posted.setlist("many", ["a", "b"])
    for name, value in drawn.items():
        assert step_guard.digest(step_guard.widget_data(form, name, value)) == step_guard.digest(
            step_guard.posted_data(form, name, posted)
        ), name


@pytest.mark.parametrize("blank", [None, "", [], False])
def test_blank_answers_are_alike(blank: object) -> None:
    form = Shape()
    empty = step_guard.digest(step_guard.posted_data(form, "text", _post()))
    assert step_guard.digest(step_guard.widget_data(form, "text", blank)) == empty


@pytest.mark.parametrize(
    "version,seen",
    [
        (None, "{}"),
        ("v", None),
        ("v", "not json"),
        ("v", "[1]"),
        ("v", '{"text": 1}'),
        ("v", "{" * (step_guard.MAX_SEEN + 1)),
    ],
)
def test_what_is_not_ours_is_read_as_nothing_seen(version: str | None, seen: str | None) -> None:
    data: dict[str, str] = {}
    if version is not None:
        data["version"] = version
    if seen is not None:
        data["fields_seen"] = seen
    assert step_guard.read_seen(data) is None


def test_reconcile_keeps_mine_theirs_or_finds_a_conflict() -> None:
    form = Shape()
    before = {"text": "old", "pick": "x", "tick": False}
    seen = step_guard.seen_of(form, before, "v1")
    now = {"text": "theirs", "pick": "y", "tick": False}
    posted = _post(
        text="mine",  # changed here and there: a conflict
        pick="x",  # changed there only: theirs kept
        tick="on",  # changed here only: mine
        version=seen.version,
        fields_seen=json.dumps(seen.digests),
    )

    out = step_guard.reconcile(form, posted, initial=now, version="v2", changed_at=None)

    assert out.conflicts == {"text": "theirs"}
    assert out.kept == ["pick"]
    assert out.data["pick"] == "y"
    assert out.data["tick"] == "on"
    assert out.data["text"] == "mine"


def test_the_same_version_is_saved_as_posted() -> None:
    form = Shape()
    seen = step_guard.seen_of(form, {"text": "old"}, "v1")
    posted = _post(text="mine", version="v1", fields_seen='{"text": "0000000000000000"}')
    out = step_guard.reconcile(form, posted, initial={"text": "x"}, version="v1", changed_at=None)
    assert not out.conflicts and not out.kept
    assert seen.version == "v1"


def test_an_answer_is_shown_as_the_page_reads_it() -> None:
    form = Shape()
    assert step_guard.shown_value(form.fields["pick"], "y") == "“Why”"
    assert step_guard.shown_value(form.fields["many"], ["a", "b"]) == "A; B"
    assert step_guard.shown_value(form.fields["on"], dt.date(2026, 12, 1)) == "1 December 2026"
    assert step_guard.shown_value(form.fields["text"], "") == "left empty"
    assert step_guard.shown_value(form.fields["tick"], True) == "ticked"
