"""Generated prose reads as English."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms

from cairn.core.forms import GovukTimeField, parse_time
from cairn.core.wording import long_date, place_phrase
from cairn.referrals.payload import _required_message


@pytest.mark.parametrize(
    ("typed", "phrase"),
    [
        ("Outside the Co-op", "outside the Co-op"),
        ("near  Beck Meadows Park", "near Beck Meadows Park"),
        ("Beck Meadows Park", "at Beck Meadows Park"),
        ("Atherton Road", "at Atherton Road"),
        ("", ""),
    ],
)
def test_a_place_typed_by_a_user_reads_in_a_sentence(typed: str, phrase: str) -> None:
    assert place_phrase(typed) == phrase


def test_iso_dates_from_drafts_read_as_dates() -> None:
    assert long_date("2026-11-20") == "20 November 2026"
    assert long_date(dt.date(2026, 3, 7)) == "7 March 2026"
    assert long_date("20/11") == "20/11"  # half-typed: shown as typed
    assert long_date(None) == ""


def test_a_question_label_needs_its_own_required_message() -> None:
    assert _required_message("Your name", "") == "Enter your name"
    assert _required_message("Where is the child now?", "Enter where the child is now") == (
        "Enter where the child is now"
    )
    with pytest.raises(ValueError, match="question"):
        _required_message("Where is the child now?", "")


@pytest.mark.parametrize(
    ("typed", "time"),
    [
        ("19:00", dt.time(19, 0)),
        ("19.05", dt.time(19, 5)),
        ("1900", dt.time(19, 0)),
        ("7pm", dt.time(19, 0)),
        ("7 PM", dt.time(19, 0)),
        ("7.30pm", dt.time(19, 30)),
        ("7:30 p.m.", dt.time(19, 30)),
        ("12am", dt.time(0, 0)),
        ("12pm", dt.time(12, 0)),
        ("noon", dt.time(12, 0)),
        ("21", dt.time(21, 0)),
    ],
)
def test_times_are_read_as_people_type_them(typed: str, time: dt.time) -> None:
    assert parse_time(typed) == time


@pytest.mark.parametrize("typed", ["7", "25:00", "13pm", "19:60", "teatime", "7:5"])
def test_what_is_not_a_time_is_refused(typed: str) -> None:
    assert parse_time(typed) is None


def test_the_time_field_says_how_to_write_a_time() -> None:
    field = GovukTimeField(label="Time (optional)", required=False)
    assert field.clean("7pm") == dt.time(19, 0)
    with pytest.raises(forms.ValidationError) as refused:
        field.clean("teatime")
    assert refused.value.messages == ["Time must be a time, like 14:30 or 2:30pm"]
