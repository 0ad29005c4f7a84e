"""Forms for the missing-episode pages: an episode, the child's return and the return
home interview. They parse and check the shape of input; the services decide what is
allowed and validate the rest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from cairn.core.forms import GovukDateField, GovukForm, GovukTimeField

from .models import PoliceRiskGrading


def _aware(day: dt.date | None, time: dt.time | None) -> dt.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, time or dt.time(0, 0)))


def _time_field(label: str, required: bool = True) -> forms.TimeField:
    return GovukTimeField(label=label, required=required)


class EpisodeForm(GovukForm):
    reported_on = GovukDateField(label="Date reported missing")
    reported_time = _time_field("Time reported missing")
    reported_by = forms.CharField(label="Reported by (optional)", max_length=200, required=False)
    police_reference = forms.CharField(
        label="Police reference (optional)", max_length=60, required=False
    )
    police_risk_grading = forms.ChoiceField(
        label="Police risk grading",
        choices=PoliceRiskGrading.choices,
        widget=forms.RadioSelect(attrs={"small": True}),
        initial=PoliceRiskGrading.NOT_GRADED,
    )
    circumstances = forms.CharField(
        label="Circumstances (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10_000,
    )
    found_on = GovukDateField(label="Date found or returned (if known)", required=False)
    found_time = _time_field("Time found or returned", required=False)
    where_found = forms.CharField(label="Where found (optional)", max_length=300, required=False)
    out_of_area = forms.BooleanField(label="Found out of the area", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("found_on") and not data.get("found_time"):
            self.add_error("found_time", "Enter the time found or returned")
        return data

    def reported_at(self) -> dt.datetime:
        value = _aware(self.cleaned_data["reported_on"], self.cleaned_data["reported_time"])
        assert value is not None
        return value

    def found_at(self) -> dt.datetime | None:
        return _aware(self.cleaned_data.get("found_on"), self.cleaned_data.get("found_time"))

    # The services name the date and time together; the form shows the date's field.
    SERVICE_FIELDS = {"reported_at": "reported_on", "found_at": "found_on"}

    def episode(self) -> dict[str, Any]:
        """The episode, as `episode_record` and `episode_record_from_sign` take it."""
        data = self.cleaned_data
        return {
            "reported_at": self.reported_at(),
            "reported_by": data["reported_by"],
            "police_reference": data["police_reference"],
            "police_risk_grading": data["police_risk_grading"],
            "circumstances": data["circumstances"],
            "found_at": self.found_at(),
            "where_found": data["where_found"],
            "out_of_area": data["out_of_area"],
        }


class ReturnForm(GovukForm):
    found_on = GovukDateField(label="Date found or returned")
    found_time = _time_field("Time found or returned")
    where_found = forms.CharField(label="Where found (optional)", max_length=300, required=False)
    out_of_area = forms.BooleanField(label="Found out of the area", required=False)

    def found_at(self) -> dt.datetime:
        value = _aware(self.cleaned_data["found_on"], self.cleaned_data["found_time"])
        assert value is not None
        return value


class RhiForm(GovukForm):
    offered_on = GovukDateField(label="Date the interview was offered", required=False)
    accepted = forms.ChoiceField(
        label="Did the child accept?",
        choices=[("", "Not known yet"), ("yes", "Yes"), ("no", "No, declined")],
        required=False,
        widget=forms.RadioSelect(attrs={"small": True, "inline": True}),
    )
    completed_on = GovukDateField(label="Date the interview was completed", required=False)
    completed_time = _time_field("Time the interview was completed", required=False)
    notes = forms.CharField(
        label="Notes (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10_000,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("completed_on") and not data.get("completed_time"):
            self.add_error("completed_time", "Enter the time the interview was completed")
        return data

    def values(self) -> dict[str, Any]:
        accepted = {"yes": True, "no": False}.get(self.cleaned_data.get("accepted") or "")
        return {
            "offered_on": self.cleaned_data.get("offered_on"),
            "accepted": accepted,
            "completed_at": _aware(
                self.cleaned_data.get("completed_on"), self.cleaned_data.get("completed_time")
            ),
            "notes": self.cleaned_data.get("notes") or "",
        }
