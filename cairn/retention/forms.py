from __future__ import annotations

from typing import Any

from django import forms

from cairn.core.forms import GovukDateField, GovukForm

from .models import RetentionRule


class RetainForm(GovukForm):
    """Keep a record that is due: why, when it is next reviewed, and under which rule."""

    reason = forms.CharField(
        label="Why is the record kept?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: still a risk to children, named in a current investigation.",
        error_messages={"required": "Say why the record is kept"},
    )
    next_review_on = GovukDateField(
        label="Next review",
        help_text="Within 10 years. For example, 27 3 2030",
        error_messages={"required": "Enter the date of the next review"},
    )
    rule = forms.TypedChoiceField(
        label="Rule from now on",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Leave as it is, or move the record to another of your agency's rules.",
    )

    def __init__(self, *args: Any, rules: list[RetentionRule], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", "Keep the current rule")] + [  # type: ignore[attr-defined]
            (r.pk, r.name) for r in rules
        ]


class DisposeForm(GovukForm):
    reason = forms.CharField(
        label="Why is the record disposed of?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: retention period ended, no further action or risk "
        "identified since 2019.",
        error_messages={"required": "Say why the record is disposed of"},
    )
    confirm = forms.BooleanField(
        label="I understand that disposal cannot be undone",
        error_messages={"required": "Confirm that you understand disposal cannot be undone"},
    )
