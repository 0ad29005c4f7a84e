"""Forms for the FIB submission and the bureau's workflow pages. Structured details
(people, vehicles, phones, accounts, places) reuse the concerns mention forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from cairn.accounts.models import Agency
from cairn.core.forms import GovukDateField, GovukForm
from cairn.pole.models import SecurityMarking

from .models import Handling, HowKnown, IntelGrade, Priority, RecipientKind, SourceGrade
from .search import SORTS


class SubmissionForm(GovukForm):
    subject_description = forms.CharField(
        label="Who is this entry about?",
        max_length=300,
        required=False,
        help_text="One subject per entry: their full name (not initials), nickname, and date "
        "of birth or age. Submit another entry for anyone else.",
    )
    what = forms.CharField(
        label="What was seen or heard?",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        required=False,
        help_text="Short and to the point. Intelligence only: do not report a crime here.",
    )
    where = forms.CharField(label="Where?", max_length=300, required=False)
    when_on = GovukDateField(label="Date seen or heard", required=False)
    when_time = forms.CharField(
        label="Time (optional)",
        max_length=5,
        required=False,
        help_text="For example, 15:20",
        widget=forms.TextInput(attrs={"width": 5}),
    )
    how_known = forms.ChoiceField(
        label="How does the source know this?",
        choices=HowKnown.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    source_is_submitter = forms.BooleanField(label="I am the source", required=False)
    source_name = forms.CharField(
        label="Source's name (if not you)",
        max_length=200,
        required=False,
        help_text="Kept apart from the entry and seen only by the Force Intelligence Bureau.",
    )
    source_contact = forms.CharField(
        label="How the FIB can contact the source (optional)", max_length=300, required=False
    )
    source_relationship = forms.CharField(
        label="Source's relationship to the subject (optional)", max_length=300, required=False
    )
    further_information = forms.CharField(
        label="Anything else (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        required=False,
    )

    def clean_when_time(self) -> str:
        value = str(self.cleaned_data.get("when_time") or "").strip()
        if value:
            try:
                dt.time.fromisoformat(value)
            except ValueError:
                raise forms.ValidationError("Time must be a real time, like 15:20") from None
        return value

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "subject_description": d["subject_description"],
            "what": d["what"],
            "where": d["where"],
            "when_on": d["when_on"],
            "when_time": d["when_time"] or None,
            "how_known": d["how_known"],
            "further_information": d["further_information"],
            "source_is_submitter": d["source_is_submitter"],
            "name": d["source_name"],
            "contact": d["source_contact"],
            "relationship": d["source_relationship"],
        }

    @staticmethod
    def initial_from(submission: Any) -> dict[str, Any]:
        source = submission.draft_source or {}
        return {
            "subject_description": submission.subject_description,
            "what": submission.what,
            "where": submission.where,
            "when_on": submission.when_on,
            "when_time": submission.when_time.strftime("%H:%M") if submission.when_time else "",
            "how_known": submission.how_known,
            "further_information": submission.further_information,
            "source_is_submitter": source.get("source_is_submitter", False),
            "source_name": source.get("name", ""),
            "source_contact": source.get("contact", ""),
            "source_relationship": source.get("relationship", ""),
        }


class SubmitForm(GovukForm):
    crime_reference = forms.CharField(
        label="Crime reference it was reported under",
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"width": 20}),
    )
    intel_only_reason = forms.CharField(
        label="Or, if this is not a crime, say why it is intelligence only",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The FIB will see your reason beside the entry.",
    )


class TriageForm(GovukForm):
    priority = forms.ChoiceField(
        label="Priority", choices=Priority.choices, widget=forms.RadioSelect(attrs={"small": True})
    )
    note = forms.CharField(
        label="Triage note (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    close = forms.BooleanField(label="Close with no further action", required=False)


class EvaluateForm(GovukForm):
    source_grade = forms.ChoiceField(
        label="Source evaluation",
        choices=SourceGrade.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    intel_grade = forms.ChoiceField(
        label="Intelligence assessment",
        choices=IntelGrade.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    handling = forms.ChoiceField(
        label="Handling code", choices=Handling.choices, widget=forms.RadioSelect, required=False
    )
    conditions = forms.CharField(
        label="Conditions for sharing (required for handling code C)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    marking = forms.ChoiceField(
        label="Security marking",
        choices=SecurityMarking.choices,
        widget=forms.RadioSelect(attrs={"small": True}),
        initial=SecurityMarking.OFFICIAL_SENSITIVE,
    )
    legacy_grade = forms.CharField(
        label="Legacy 5x5x5 grade (optional)",
        max_length=8,
        required=False,
        help_text="For example B24. Any grade left blank above is filled from its mapping.",
        widget=forms.TextInput(attrs={"width": 5}),
    )


class SanitiseForm(GovukForm):
    text = forms.CharField(
        label="Sanitised text",
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=10_000,
        help_text="Remove anything that could identify the source: names, contact details, "
        "relationships, and details only the source could know. Only this text is ever "
        "disseminated.",
        error_messages={"required": "Enter the sanitised text"},
    )


class DisseminateForm(GovukForm):
    recipient_kind = forms.ChoiceField(
        label="Who should receive it?", choices=RecipientKind.choices, widget=forms.RadioSelect
    )
    agency = forms.ModelChoiceField(
        label="Partner agency (if a partner agency)",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Choose an agency",
    )
    reason = forms.CharField(
        label="Why do they need to know?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why this is being shared (need to know)"},
    )
    conditions_met = forms.BooleanField(
        label="The handling conditions are met for this recipient", required=False
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class SearchForm(GovukForm):
    q = forms.CharField(label="Search sanitised intelligence", max_length=200, required=False)
    date_from = GovukDateField(label="Seen or heard from", required=False)
    date_to = GovukDateField(label="Seen or heard to", required=False)
    source_grade = forms.ChoiceField(
        label="Source evaluation", choices=[("", "Any"), *SourceGrade.choices], required=False
    )
    intel_grade = forms.ChoiceField(
        label="Intelligence assessment", choices=[("", "Any"), *IntelGrade.choices], required=False
    )
    area = forms.CharField(label="Area or place", max_length=100, required=False)
    sort = forms.ChoiceField(
        label="Order",
        choices=SORTS,
        required=False,
        widget=forms.RadioSelect,
        help_text="Best match first needs some words to search for.",
    )
    entity = forms.IntegerField(
        label="POLE record number (optional)",
        required=False,
        min_value=1,
        widget=forms.TextInput(attrs={"width": 10, "inputmode": "numeric"}),
    )
