"""Forms for the network pages: the neighbourhood filter, merge choices, decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.utils.text import capfirst

from cairn.core.forms import GovukDateField, GovukForm
from cairn.pole.models import Person

from .services import MERGE_FIELDS

# Where a field's own name reads badly as a label ("Estimated age on").
FIELD_LABELS = {
    "estimated_age_on": "Date the age was estimated",
    "has_learning_disability": "Has a learning disability",
}


def field_label(name: str) -> str:
    """A Person field as a label: FIELD_LABELS, else the model's verbose name."""
    verbose = getattr(Person._meta.get_field(name), "verbose_name", name)
    return FIELD_LABELS.get(name) or capfirst(str(verbose))


# A merge's moved rows in plain words, where the model's own name is not ("person name"
# is every other name of the person: their own name is on the record).
MOVED_NAMES = {"pole.personname": ("other name", "other names")}


def moved_label(model: str, count: int) -> str:
    """ "pole.personname", 1 -> "1 other name"; "rights.rightsrequest", 2 -> "2 rights
    requests" (the model's verbose names; a model no longer installed by its label)."""
    if model in MOVED_NAMES:
        one, many = MOVED_NAMES[model]
    else:
        try:
            meta = apps.get_model(model)._meta
        except (LookupError, ValueError):
            return f"{count} \u00d7 {model}"
        one, many = str(meta.verbose_name), str(meta.verbose_name_plural)
    return f"{count} {one if count == 1 else many}"


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
        choices=[(name, field_label(name)) for name in MERGE_FIELDS],
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
