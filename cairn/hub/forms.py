"""Forms for the Hub pages. They parse and check the shape of input; the services decide
what is allowed and validate the rest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from cairn.accounts.models import Agency
from cairn.concerns.models import RiskLevel
from cairn.core.forms import GovukDateField, GovukForm, GovukHiddenInput, GovukTimeField
from cairn.sharing.forms import basis_fields

from .models import AttendanceStatus, MeetingType
from .services import THRESHOLD_BOUNDS


def _aware(day: dt.date | None, time: dt.time | None) -> dt.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, time or dt.time(0, 0)))


def _time_field(label: str, required: bool = True) -> forms.TimeField:
    return GovukTimeField(label=label, required=required)


class MeetingForm(GovukForm):
    meeting_type = forms.ChoiceField(
        label="Type of meeting",
        choices=MeetingType.choices,
        widget=forms.RadioSelect,
        initial=MeetingType.MACE_OPERATIONAL,
    )
    title = forms.CharField(label="Title (optional)", max_length=200, required=False)
    date = GovukDateField(label="Date")
    time = _time_field("Start time")
    venue = forms.CharField(label="Where (optional)", max_length=200, required=False)

    def starts_at(self) -> dt.datetime:
        value = _aware(self.cleaned_data["date"], self.cleaned_data["time"])
        assert value is not None
        return value


class AttendanceForm(GovukForm):
    user: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Who",
        queryset=None,
        empty_label="Choose a person",
        error_messages={
            "required": "Choose who attended or sent apologies",
            "invalid_choice": "Choose a person from the list",
        },
    )
    status = forms.ChoiceField(
        label="Attendance",
        choices=AttendanceStatus.choices,
        widget=forms.RadioSelect(attrs={"inline": True, "small": True}),
        initial=AttendanceStatus.ATTENDED,
        error_messages={"required": "Choose whether they attended, sent apologies or did not"},
    )

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users  # type: ignore[attr-defined]
        self.fields["user"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: f"{u} ({u.agency.short_name or u.agency.name})" if u.agency else str(u)
        )


LEVEL_CHOICES = [("", "No change to the risk level"), *list(RiskLevel.choices)]


class ItemForm(GovukForm):
    discussion = forms.CharField(
        label="Discussion summary",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
        error_messages={"required": "Summarise the discussion"},
    )
    agreed_level = forms.ChoiceField(
        label="Risk level agreed by the Hub",
        choices=LEVEL_CHOICES,
        required=False,
        widget=forms.RadioSelect(attrs={"small": True}),
        help_text="For a child: the agreed level is added to the child's risk trajectory.",
    )
    decisions = forms.CharField(
        label="Decisions (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10_000,
    )
    next_review_on = GovukDateField(label="Next review date (optional)", required=False)
    # The item's version when the form was drawn (see services.item_record).
    version = forms.CharField(required=False, widget=GovukHiddenInput)

    def show_version(self, version: str) -> None:
        """After a refused stale save: keep what was typed, but carry the version now
        stored, so saving again (having read the other discussion) is a deliberate choice."""
        self.data = {**dict(self.data.items()), "version": version}


class ActionForm(GovukForm):
    description = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": "Describe the action"},
    )
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Owner",
        queryset=None,
        empty_label="Choose the owner",
        error_messages={"required": "Choose who owns the action"},
    )
    due_on = GovukDateField(label="Due date")

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: f"{u} ({u.agency.name})" if u.agency else str(u)
        )


class CompleteForm(GovukForm):
    note = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": "Say what was done"},
    )


class DistributeForm(GovukForm):
    agencies = forms.ModelMultipleChoiceField(
        label="Send the minutes to",
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Each agency's Hub representative receives them. This is a disclosure and "
        "is recorded in the audit log.",
        error_messages={"required": "Choose at least one agency"},
    )

    def __init__(self, *args: Any, agencies: Any, sender: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies  # type: ignore[attr-defined]
        self.fields.update(basis_fields([sender] if sender else []))


class AreaForm(GovukForm):
    postcode = forms.CharField(
        label="Postcode area or district",
        max_length=10,
        min_length=2,
        help_text="For example TS1 or TS1 4",
        widget=forms.TextInput(attrs={"width": 10, "spellcheck": "false"}),
        error_messages={"required": "Enter a postcode area or district"},
    )


# Hub set-up -------------------------------------------------------------------------------


def _threshold_field(name: str, label: str, help_text: str) -> forms.IntegerField:
    low, high, what = THRESHOLD_BOUNDS[name]
    message = f"{what} must be a whole number between {low} and {high}"
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        help_text=help_text,
        widget=forms.TextInput(attrs={"width": 3, "inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter {what[0].lower()}{what[1:]}",
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )


class SetupForm(GovukForm):
    name = forms.CharField(
        label="Name of the Hub",
        max_length=200,
        error_messages={"required": "Enter the Hub's name"},
    )
    chair: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Chair",
        queryset=None,
        empty_label="Choose the chair",
        help_text="Only people whose role is Hub chair can chair the Hub.",
        error_messages={
            "required": "Choose the Hub chair",
            "invalid_choice": "Choose someone whose role is Hub chair",
        },
    )
    terms_of_reference = forms.CharField(
        label="Terms of reference (optional)",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=20_000,
    )
    frequent_missing_count = _threshold_field(
        "frequent_missing_count",
        "Frequent missing: number of episodes",
        "This many missing episodes within the period below add the frequent missing "
        "indicator. Between 1 and 20.",
    )
    frequent_missing_days = _threshold_field(
        "frequent_missing_days",
        "Frequent missing: period in days",
        "Between 7 and 365 days.",
    )
    flag_linked_children = _threshold_field(
        "flag_linked_children",
        "Flag for the agenda: number of linked children",
        "A person of concern or place linked to this many children at moderate or "
        "significant risk goes on the agenda. Between 1 and 20.",
    )
    default_lookback_days = _threshold_field(
        "default_lookback_days",
        "First agenda: days to look back",
        "With no previous meeting, risk levels that rose in this many days go on the "
        "agenda. Between 7 and 180 days.",
    )

    def __init__(self, *args: Any, chairs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = chairs  # type: ignore[attr-defined]


class MemberForm(GovukForm):
    """Add a member agency (with `agencies`) or change one's representative and deputy."""

    agency: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={
            "required": "Choose the agency",
            "invalid_choice": "Choose an agency that is not already a member",
        },
    )
    representative: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Representative",
        queryset=None,
        empty_label="Choose the representative",
        help_text="Someone from the agency who uses the Hub. They receive the minutes.",
        error_messages={
            "required": "Choose the agency's representative",
            "invalid_choice": "Choose someone who uses the Hub as the representative",
        },
    )
    deputy: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Deputy (optional)",
        queryset=None,
        required=False,
        empty_label="No deputy",
        help_text="Someone else from the same agency.",
        error_messages={"invalid_choice": "Choose someone who uses the Hub as the deputy"},
    )
    joined_on = GovukDateField(label="Date joined (optional)", required=False)

    def __init__(self, *args: Any, people: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agencies is None:
            self.fields.pop("agency")
        else:
            self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        for name in ("representative", "deputy"):
            field = self.fields[name]
            field.queryset = people  # type: ignore[attr-defined]
            field.label_from_instance = (  # type: ignore[attr-defined]
                lambda u: f"{u} ({u.agency.name})" if u.agency else str(u)
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rep, deputy = data.get("representative"), data.get("deputy")
        if rep is not None and deputy is not None and rep.pk == deputy.pk:
            self.add_error("deputy", "The deputy must be someone other than the representative")
        return data
