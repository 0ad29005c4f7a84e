"""The audit viewer's filter form (GET), shared by the log page and the CSV export."""

from __future__ import annotations

from typing import Any

from django import forms

from cairn.core.forms import GovukDateField, GovukForm
from cairn.core.text import MAX_ID

from . import registry
from .registry import Action
from .selectors import AuditFilters


def _event_choices() -> list[tuple[str, str]]:
    # Built per form, not at import: other apps register their events as they load.
    return [("", "Any event")] + [(name, name) for name in sorted(registry.EVENTS)]


class AuditFilterForm(GovukForm):
    user = forms.CharField(
        label="User",
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off", "width": 20}),
        help_text="Username, exactly as it appears in the log. Use “system” for events with "
        "no signed-in user.",
    )
    subject = forms.IntegerField(
        label="Data subject (person ID)",
        required=False,
        min_value=1,
        max_value=MAX_ID,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": 10}),
        help_text="The ID of the person whose data was processed.",
        error_messages={
            "invalid": "Data subject must be a person ID, like 1234",
            "min_value": "Data subject must be a person ID, like 1234",
            "max_value": "Data subject must be a person ID, like 1234",
        },
    )
    date_from = GovukDateField(
        label="Date from", required=False, help_text="For example, 27 3 2026"
    )
    date_to = GovukDateField(label="Date to", required=False, help_text="For example, 31 3 2026")
    action = forms.ChoiceField(
        label="Processing operation",
        required=False,
        choices=[("", "Any operation"), *Action.choices],
        error_messages={"invalid_choice": "Select a processing operation from the list"},
    )
    event = forms.ChoiceField(
        label="Event",
        required=False,
        choices=[],
        error_messages={"invalid_choice": "Select an event from the list"},
    )
    request = forms.CharField(
        label="Request ID",
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off", "width": 20}),
        help_text="Finds every event written while serving one page or API call.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = _event_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "Date to must be the same as or after date from")
        return data

    def filters(self) -> AuditFilters:
        """The cleaned filters; call only when the form is valid."""
        data = self.cleaned_data
        return AuditFilters(
            username=(data.get("user") or "").strip(),
            subject_id=data.get("subject"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            action=data.get("action") or "",
            event=data.get("event") or "",
            request_id=(data.get("request") or "").strip(),
        )


class SubjectLookupForm(GovukForm):
    """Find a data subject's ID by name, for the subject filter."""

    name = forms.CharField(
        label="Find a person by name",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off", "width": 20}),
        help_text="First name, last name, nickname or alias. Choose the person to see every "
        "event about them, including who viewed their record.",
    )
