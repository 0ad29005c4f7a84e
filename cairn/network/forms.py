"""Forms for the network pages: the neighbourhood filter, merge choices, decisions."""

from __future__ import annotations

from typing import Any

from django import forms

from cairn.core.forms import GovukDateField, GovukForm

from .services import MERGE_FIELDS

HOPS = [("1", "1 link away"), ("2", "Up to 2 links away"), ("3", "Up to 3 links away")]


class NetworkFilterForm(GovukForm):
    hops = forms.TypedChoiceField(
        label="How far from this person",
        choices=HOPS,
        coerce=int,
        initial="2",
        required=False,
        widget=forms.RadioSelect,
    )
    since = GovukDateField(label="Links active on or after (optional)", required=False)
    until = GovukDateField(label="Links active on or before (optional)", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end of the time window must be after its start")
        return data


class MergeForm(GovukForm):
    survivor = forms.ChoiceField(
        label="Which record should be kept?", widget=forms.RadioSelect, choices=[]
    )
    take = forms.MultipleChoiceField(
        label="Take these details from the record being merged away (optional)",
        help_text="Anything not ticked keeps the kept record's value.",
        choices=[(name, name.replace("_", " ").capitalize()) for name in MERGE_FIELDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason = forms.CharField(
        label="Why are these the same person?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why these records are the same person"},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = choices  # type: ignore[attr-defined]


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter a reason"},
    )
