"""Forms for the referral pages other than the referral's own answers (payload.py)."""

from __future__ import annotations

from typing import Any

from django import forms

from cairn.core.forms import GovukDateField, GovukForm

from .models import MashOutcome, NrmOutcome, NrmStage, ReferralKind


class StartForm(GovukForm):
    kind = forms.ChoiceField(
        label="What do you want to do?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the referral you want to make"},
    )

    def __init__(self, *args: Any, first_responder: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (code, label)
            for code, label in ReferralKind.choices
            if code != ReferralKind.NRM or first_responder
        ]
        self.fields["kind"].choices = choices  # type: ignore[attr-defined]


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give a reason"},
    )


class MashDecisionForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=MashOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision"},
    )
    rationale = forms.CharField(
        label="Rationale",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The reasons for the decision, and what happens next.",
        error_messages={"required": "Explain the reasons for the decision"},
    )
    allocated_team = forms.TypedChoiceField(
        label="Allocate to a team (optional)",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="The team that will do the work. Its members will be able to find and "
        "open the child's record and read this referral.",
        error_messages={"invalid_choice": "Choose a team from the list"},
    )

    def __init__(self, *args: Any, teams: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["allocated_team"].choices = [  # type: ignore[attr-defined]
            ("", "Do not allocate yet"),
            *teams,
        ]


class StrategyForm(GovukForm):
    held_on = GovukDateField(label="Date of the discussion", help_text="For example, 27 3 2026")
    attendees = forms.CharField(
        label="Attendees by agency",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One agency a line: the agency, a colon, then who attended. "
        "For example, Police: DS A Example.",
        error_messages={"required": "List the attendees by agency"},
    )
    decisions = forms.CharField(
        label="Decisions",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what was decided"},
    )
    actions = forms.CharField(
        label="Actions",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One action a line, with its owner and due date.",
    )


class NrmReferenceForm(GovukForm):
    reference = forms.CharField(
        label="Home Office reference",
        max_length=60,
        widget=forms.TextInput(attrs={"width": 20, "spellcheck": "false"}),
        error_messages={"required": "Enter the Home Office reference"},
    )


class NrmDecisionForm(GovukForm):
    stage = forms.ChoiceField(
        label="Which decision?",
        choices=NrmStage.choices,
        widget=forms.RadioSelect(attrs={"small": True}),
        error_messages={"required": "Choose the decision"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=NrmOutcome.choices,
        widget=forms.RadioSelect(attrs={"inline": True, "small": True}),
        error_messages={"required": "Choose positive or negative"},
    )
    decided_on = GovukDateField(label="Date of the decision")
    note = forms.CharField(
        label="Notes", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
