"""GOV.UK forms for disruption pages. Forms parse and check what was typed; services
validate the rules and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from cairn.core.forms import (
    GovukDateField,
    GovukForm,
    GovukHiddenInput,
    GovukTimeField,
    too_long_message,
)
from cairn.sharing.forms import basis_fields

from .models import (
    COURT_ORDER_TYPES,
    PERSON_ORDER_TYPES,
    REMOVAL_REASON_MAX,
    TOOLKIT_TYPES,
    AuthorisedBy,
    ImmigrationOutcome,
    MarkerType,
    TacticStatus,
    TacticType,
)


def _future(value: dt.date | None, label: str) -> None:
    if value is not None and value <= timezone.localdate():
        raise forms.ValidationError(f"{label} must be in the future")


def _not_future(value: dt.date | None, label: str) -> None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(f"{label} must be today or in the past")


TimeField = GovukTimeField


class TacticFilterForm(GovukForm):
    tactic_type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "All types"), *TacticType.choices]
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *TacticStatus.choices]
    )


class PersonSearchForm(GovukForm):
    q = forms.CharField(
        label="Search for another person of concern",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )


class CawnForm(GovukForm):
    person_of_concern = forms.TypedChoiceField(
        label="Who is the notice served on?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the person of concern the notice is served on"},
    )
    authorised_by = forms.ChoiceField(
        label="Who authorised the notice?",
        choices=AuthorisedBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say who authorised the notice"},
    )
    authorised_by_name = forms.CharField(
        label="Name of the person who authorised it",
        max_length=200,
        error_messages={"required": "Enter the name of the person who authorised the notice"},
    )
    recipient_description = forms.CharField(
        label="Description of the person (if their full name or date of birth is not known)",
        help_text="For example their appearance, approximate age and where they are seen",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    recipient_unknown_reason = forms.CharField(
        label="Why their full name or date of birth is not known",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    review_on = GovukDateField(label="Review date")
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person_of_concern"].choices = [  # type: ignore[attr-defined]
            (p.pk, p.full_name) for p in people
        ]

    def clean_review_on(self) -> dt.date | None:
        value = self.cleaned_data.get("review_on")
        _future(value, "Review date")
        return value


class CawnServiceForm(GovukForm):
    served_by_name = forms.CharField(
        label="Officer who served it",
        max_length=200,
        error_messages={"required": "Enter the name of the officer who served the notice"},
    )
    served_on = GovukDateField(label="Date served")
    served_time = TimeField(
        label="Time served",
        help_text="24-hour clock, for example 14:30",
        error_messages={
            "required": "Enter the time the notice was served",
            "invalid": "Enter the time as hours and minutes, like 14:30",
        },
    )
    served_place = forms.CharField(
        label="Where was it served?",
        max_length=300,
        error_messages={"required": "Enter where the notice was served"},
    )
    copied_to_social_care_on = GovukDateField(
        label="Date a copy was sent to children's social care (optional)", required=False
    )
    social_care_contact = forms.CharField(
        label="Social care contact (optional)", max_length=200, required=False
    )

    def clean_served_on(self) -> dt.date | None:
        value = self.cleaned_data.get("served_on")
        _not_future(value, "Date served")
        return value

    def served_at(self) -> dt.datetime:
        return timezone.make_aware(
            dt.datetime.combine(self.cleaned_data["served_on"], self.cleaned_data["served_time"])
        )


class BreachForm(GovukForm):
    occurred_on = GovukDateField(label="Date of the breach")
    evidence = forms.CharField(
        label="Evidence of the breach",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Describe the evidence of the breach"},
    )

    def clean_occurred_on(self) -> dt.date | None:
        value = self.cleaned_data.get("occurred_on")
        _not_future(value, "Date of the breach")
        return value


class MarkerForm(GovukForm):
    marker_type = forms.ChoiceField(
        label="Type of marker",
        choices=MarkerType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of marker"},
    )
    reason = forms.CharField(
        label="Reason for the marker",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for the marker"},
    )
    review_on = GovukDateField(label="Review date", help_text="Stale markers mislead: review it.")

    def clean_review_on(self) -> dt.date | None:
        value = self.cleaned_data.get("review_on")
        _future(value, "Review date")
        return value


class MarkerReviewForm(GovukForm):
    next_review_on = GovukDateField(label="Next review date")
    note = forms.CharField(
        label="Why is the marker still needed?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the marker is still needed"},
    )
    # The tactic's version when the form was shown (see services.markers.marker_review).
    version = forms.CharField(required=False, widget=GovukHiddenInput)

    def clean_next_review_on(self) -> dt.date | None:
        value = self.cleaned_data.get("next_review_on")
        _future(value, "Next review date")
        return value


class RemovalForm(GovukForm):
    reason = forms.CharField(
        label="Why is the marker being removed?",
        max_length=REMOVAL_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for removing the marker"},
    )


class TacticForm(GovukForm):
    """Common fields of any tactic, plus the fields its type needs (added in __init__)."""

    title = forms.CharField(
        label="Short title", max_length=200, error_messages={"required": "Enter a short title"}
    )
    status = forms.ChoiceField(
        label="Status",
        choices=TacticStatus.choices,
        initial=TacticStatus.PLANNED,
        widget=forms.RadioSelect,
    )
    planned_on = GovukDateField(label="Planned date (optional)", required=False)
    review_on = GovukDateField(label="Review date (optional)", required=False)
    outcome = forms.CharField(
        label="Outcome",
        help_text="Needed if the status is Done.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    legal_basis = forms.CharField(label="Legal basis (optional)", max_length=300, required=False)

    TYPE_FIELDS: dict[str, list[str]] = {
        TacticType.DRUGS_WARRANT: ["address", "applied_on", "granted_on", "executed_on", "result"],
        TacticType.ENFORCEMENT_VISIT: ["premises", "visited_on", "found"],
        TacticType.IMMIGRATION_CHECK: [
            "checked_on",
            "result_choice",
            "referred_to_immigration_enforcement",
            "referred_on",
        ],
        **{
            t: [
                "court_or_authority",
                "applied_on",
                "granted_on",
                "starts_on",
                "expires_on",
                "conditions",
            ]
            for t in TOOLKIT_TYPES
        },
    }

    def __init__(
        self, *args: Any, tactic_type: str, people: list[Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.tactic_type = tactic_type
        order = tactic_type in PERSON_ORDER_TYPES
        # Started from a child: whom is the letter to, or the order against? (`people` is
        # None when the question does not arise.)
        if people or (order and people is not None):
            question, choose = (
                ("Who is the order against?", "Choose the person of concern the order is against")
                if order
                else ("Who is the letter to?", "Choose the person of concern the letter is to")
            )
            self.fields = {
                "person_of_concern": forms.TypedChoiceField(
                    label=question,
                    coerce=int,
                    choices=[(p.pk, p.full_name) for p in people or []],
                    widget=forms.RadioSelect,
                    help_text="The persons of concern linked to the child."
                    if people
                    else "No person of concern is linked to the child: link them first.",
                    error_messages={"required": choose, "invalid_choice": choose},
                ),
                **self.fields,
            }
        court = tactic_type in COURT_ORDER_TYPES
        dated = court or tactic_type == TacticType.HOTEL_NOTICE
        extra: dict[str, forms.Field] = {
            "address": forms.CharField(
                label="Address",
                max_length=300,
                error_messages={"required": "Enter the address the warrant is for"},
            ),
            "premises": forms.CharField(
                label="Premises",
                max_length=300,
                error_messages={"required": "Enter the premises visited"},
            ),
            "visited_on": GovukDateField(
                label="Date of the visit",
                error_messages={"required": "Enter the date of the visit"},
            ),
            "found": forms.CharField(
                label="Who was found", required=False, widget=forms.Textarea(attrs={"rows": 3})
            ),
            "applied_on": GovukDateField(label="Date applied (optional)", required=False),
            "granted_on": GovukDateField(label="Date granted (optional)", required=False),
            "executed_on": GovukDateField(label="Date executed (optional)", required=False),
            "result": forms.CharField(
                label="Result (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
            ),
            "checked_on": GovukDateField(
                label="Date of the check",
                error_messages={"required": "Enter the date of the check"},
            ),
            "result_choice": forms.ChoiceField(
                label="Result of the check",
                choices=ImmigrationOutcome.choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose the result of the check"},
            ),
            "referred_to_immigration_enforcement": forms.BooleanField(
                label="Referred to Immigration Enforcement", required=False
            ),
            "referred_on": GovukDateField(label="Date referred (optional)", required=False),
            "court_or_authority": forms.CharField(
                label="Court or authority (optional)", max_length=200, required=False
            ),
            "starts_on": GovukDateField(
                label="Start date" if dated else "Start date (optional)",
                required=dated,
                error_messages={"required": "Enter the date the order starts"},
            ),
            "expires_on": GovukDateField(
                label="Expiry date" if dated else "Expiry date (optional)",
                required=dated,
                help_text="If you set no review date, the review is due on the expiry date."
                if court
                else "",
                error_messages={"required": "Enter the date the order expires"},
            ),
            "conditions": forms.CharField(
                label="Conditions or prohibitions (optional)",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            ),
        }
        for name in self.TYPE_FIELDS.get(tactic_type, []):
            field = extra[name]
            if isinstance(field, forms.CharField) and field.max_length is not None:
                # Added after GovukForm set its messages: name the field the same way.
                field.error_messages.setdefault("max_length", too_long_message(field))
            self.fields[name] = field
        if tactic_type == TacticType.HOTEL_NOTICE:
            self.fields["starts_on"].error_messages["required"] = (
                "Enter the date the hotel notice starts"
            )
            self.fields["expires_on"].error_messages["required"] = (
                "Enter the date the hotel notice expires"
            )
            self.fields["expires_on"].help_text = "A hotel notice lasts at most 6 months."

    def detail(self) -> dict[str, Any]:
        data = {n: self.cleaned_data.get(n) for n in self.TYPE_FIELDS.get(self.tactic_type, [])}
        if "result_choice" in data:
            data["result"] = data.pop("result_choice")
        return data


class SightingForm(GovukForm):
    registration = forms.CharField(
        label="Registration",
        max_length=20,
        widget=forms.TextInput(attrs={"spellcheck": "false", "width": 10}),
        error_messages={"required": "Enter the vehicle registration"},
    )
    seen_on = GovukDateField(label="Date seen")
    seen_time = TimeField(
        label="Time seen",
        help_text="24-hour clock, for example 21:15",
        error_messages={
            "required": "Enter the time the vehicle was seen",
            "invalid": "Enter the time as hours and minutes, like 21:15",
        },
    )
    place = forms.CharField(
        label="Where was it seen?",
        max_length=300,
        error_messages={"required": "Enter where the vehicle was seen"},
    )
    occupants = forms.CharField(label="Occupants (optional)", max_length=500, required=False)
    direction = forms.CharField(
        label="Direction of travel (optional)", max_length=200, required=False
    )
    marker_requested = forms.BooleanField(label="Request a marker on this vehicle", required=False)

    def clean_seen_on(self) -> dt.date | None:
        value = self.cleaned_data.get("seen_on")
        _not_future(value, "Date seen")
        return value

    def seen_at(self) -> dt.datetime:
        return timezone.make_aware(
            dt.datetime.combine(self.cleaned_data["seen_on"], self.cleaned_data["seen_time"])
        )


class TacticUpdateForm(GovukForm):
    status = forms.ChoiceField(
        label="Status", choices=TacticStatus.choices, widget=forms.RadioSelect
    )
    outcome = forms.CharField(
        label="Outcome", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    completed_on = GovukDateField(label="Date completed (optional)", required=False)
    review_on = GovukDateField(label="Review date (optional)", required=False)
    # The tactic's version when the form was shown (see services.tactics.tactic_update).
    version = forms.CharField(required=False, widget=GovukHiddenInput)


class ShareForm(GovukForm):
    agency = forms.TypedChoiceField(
        label="Share with", coerce=int, error_messages={"required": "Choose an agency"}
    )
    reason = forms.CharField(
        label="Why is it necessary and proportionate to share this?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why this tactic is being shared"},
    )

    def __init__(self, *args: Any, agencies: list[Any], sender: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "Choose an agency")] + [  # type: ignore[attr-defined]
            (a.pk, a.name) for a in agencies
        ]
        self.fields.update(basis_fields([sender] if sender else []))


class PlanForm(GovukForm):
    objectives = forms.CharField(
        label="Objectives",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the plan's objectives"},
    )
    tactics = forms.TypedMultipleChoiceField(
        label="Tactics in the plan", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    review_on = GovukDateField(label="Review date")

    def __init__(self, *args: Any, tactics: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tactics"].choices = [  # type: ignore[attr-defined]
            (t.pk, f"{t.reference}: {t.title}") for t in tactics
        ]

    def clean_review_on(self) -> dt.date | None:
        value = self.cleaned_data.get("review_on")
        _future(value, "Review date")
        return value


class AssessmentForm(GovukForm):
    assessed_on = GovukDateField(label="Date of the assessment")
    summary = forms.CharField(
        label="What did the assessment find?",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what the assessment found"},
    )
    action_1 = forms.CharField(label="Action 1 (optional)", max_length=500, required=False)
    owner_1 = forms.CharField(label="Who will do action 1", max_length=200, required=False)
    due_1 = GovukDateField(label="Action 1 due by", required=False)
    action_2 = forms.CharField(label="Action 2 (optional)", max_length=500, required=False)
    owner_2 = forms.CharField(label="Who will do action 2", max_length=200, required=False)
    due_2 = GovukDateField(label="Action 2 due by", required=False)

    def clean_assessed_on(self) -> dt.date | None:
        value = self.cleaned_data.get("assessed_on")
        _not_future(value, "Date of the assessment")
        return value

    def actions(self) -> list[tuple[str, str, dt.date | None]]:
        out = []
        for i in (1, 2):
            desc = self.cleaned_data.get(f"action_{i}") or ""
            if desc.strip():
                out.append(
                    (
                        desc,
                        self.cleaned_data.get(f"owner_{i}") or "",
                        self.cleaned_data.get(f"due_{i}"),
                    )
                )
        return out
