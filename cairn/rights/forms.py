from __future__ import annotations

from typing import Any

from django import forms

from cairn.core.forms import GovukDateField, GovukForm
from cairn.pole.models import Ethnicity, Sex

from .models import RequesterKind, RequestKind


class RequestForm(GovukForm):
    person = forms.IntegerField(
        label="Person record ID",
        min_value=1,
        widget=forms.NumberInput(attrs={"width": 10, "inputmode": "numeric"}),
        help_text="Find the person in the audit log by name; their ID is shown there.",
        error_messages={"required": "Enter the ID of the person record"},
    )
    kind = forms.ChoiceField(
        label="What is asked for?",
        choices=RequestKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what is asked for"},
    )
    requester = forms.CharField(
        label="Who asked",
        max_length=200,
        widget=forms.TextInput(attrs={"width": 30}),
        help_text="Name, and for a representative who they act for (a parent, a solicitor).",
        error_messages={"required": "Enter who asked"},
    )
    requester_kind = forms.ChoiceField(
        label="They are",
        choices=RequesterKind.choices,
        widget=forms.RadioSelect(attrs={"inline": True, "small": True}),
        error_messages={"required": "Select whether they are the data subject"},
    )
    grounds = forms.CharField(
        label="What they say is wrong, or why they ask for restriction",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what they say is wrong or why they ask"},
    )
    received_on = GovukDateField(
        label="Date received",
        help_text="The one-month time limit runs from this date. For example, 27 3 2026",
    )


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter a reason"},
    )


class RectifyForm(GovukForm):
    """The details a correction usually touches; anything else is changed the same way
    by the owning agency through the person service."""

    given_name = forms.CharField(label="First name", max_length=100)
    family_name = forms.CharField(label="Last name", max_length=100, required=False)
    date_of_birth = GovukDateField(label="Date of birth", required=False)
    sex = forms.ChoiceField(
        label="Sex", choices=Sex.choices, widget=forms.RadioSelect(attrs={"inline": True})
    )
    ethnicity = forms.ChoiceField(label="Ethnicity", choices=Ethnicity.choices)
    first_language = forms.CharField(label="First language", max_length=60, required=False)
    description = forms.CharField(
        label="Physical description",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(
        label="What was corrected (for the reply to the requester)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what was corrected"},
    )

    FIELDS = (
        "given_name",
        "family_name",
        "date_of_birth",
        "sex",
        "ethnicity",
        "first_language",
        "description",
    )

    def person_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}
