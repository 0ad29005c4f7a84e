from __future__ import annotations

from typing import Any

from django import forms

from cairn.core.forms import GovukDateField, GovukForm
from cairn.pole.models import Ethnicity, Sex

from .models import DisclosureMethod, Exemption, RequesterKind, RequestKind, SarCloseReason


def reason_field(
    label: str, required: str, *, rows: int = 2, help_text: str = ""
) -> forms.CharField:
    """The free-text reason most rights steps ask for (kept, audited, shown on the request):
    up to 2,000 characters, `required` the message when it is left empty."""
    return forms.CharField(
        label=label,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        error_messages={"required": required},
    )


def requester_field() -> forms.CharField:
    """Who made a rights request, as every request form asks it."""
    return forms.CharField(
        label="Who asked",
        max_length=200,
        widget=forms.TextInput(attrs={"width": 30}),
        help_text="Name, and for a representative who they act for (a parent, a solicitor).",
        error_messages={"required": "Enter who asked"},
    )


def requester_kind_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="They are",
        choices=RequesterKind.choices,
        widget=forms.RadioSelect(attrs={"inline": True, "small": True}),
        error_messages={"required": "Select whether they are the data subject"},
    )


def authority_checked_field(held_until: str) -> forms.BooleanField:
    """The identity and authority check; a data subject's may come later, and nothing is
    `held_until` ("approved or disclosed") until it does."""
    return forms.BooleanField(
        label=(
            "I have checked the requester's identity, and for a parent, carer or "
            "representative their parental responsibility or written authority"
        ),
        required=False,
        help_text=(
            "Required now for a parent, carer or representative. For the data subject you "
            "may log the request before their identity is checked, so the clock starts, and "
            f"confirm the check later: nothing is {held_until} until you do."
        ),
    )


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
    requester = requester_field()
    requester_kind = requester_kind_field()
    authority_checked = authority_checked_field("corrected or restricted")
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
    reason = reason_field(
        "Reason",
        "Enter a reason",
        rows=3,
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


# Subject access requests (ADR 0025): one form per shape of what IG records.


class SarForm(GovukForm):
    requester = requester_field()
    requester_kind = requester_kind_field()
    given_name = forms.CharField(
        label="The data subject's first name",
        max_length=100,
        widget=forms.TextInput(attrs={"width": 20}),
        error_messages={"required": "Enter the data subject's first name"},
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"width": 20}),
    )
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, help_text="For example, 14 3 2010"
    )
    other_names = forms.CharField(
        label="Other names they have used (optional)",
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"width": 30}),
        help_text=(
            "Nicknames, aliases and former surnames, separated by commas. "
            "For example: JJ, Jade Oldsurname"
        ),
    )
    received_on = GovukDateField(
        label="Date received",
        help_text="The one-month time limit runs from this date. For example, 27 3 2026",
    )
    authority_checked = authority_checked_field("approved or disclosed")
    confirm_duplicate = forms.BooleanField(
        label="This is a new request, not the one already open: log it as well",
        required=False,
    )

    def __init__(self, *args: Any, ask_duplicate: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Asked only once the service has found an open request for the same person.
        if not ask_duplicate and not self.data.get("confirm_duplicate"):
            del self.fields["confirm_duplicate"]


class CloseForm(GovukForm):
    reason = forms.ChoiceField(
        label="Why is the request ending without a disclosure?",
        choices=SarCloseReason.choices,
        widget=forms.RadioSelect(attrs={"small": True}),
        error_messages={"required": "Select why the request is closed"},
    )
    note = forms.CharField(
        label="What happened",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "For example: the requester emailed on 3 March to withdraw; or two requests "
            "for proof of identity went unanswered. At least 20 characters."
        ),
        error_messages={"required": "Enter what happened"},
    )


class ExtendForm(GovukForm):
    months = forms.TypedChoiceField(
        label="Extend by",
        coerce=int,
        choices=[(1, "One month"), (2, "Two months")],
        widget=forms.RadioSelect(attrs={"inline": True, "small": True}),
        error_messages={"required": "Select how long to extend by"},
    )
    reason = reason_field(
        "Why the request needs more time",
        "Enter why the request needs more time",
    )


class ConfirmForm(GovukForm):
    people = forms.TypedMultipleChoiceField(
        label="Which of these records are the requester's?",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the records that are the requester's"},
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = choices  # type: ignore[attr-defined]


EXEMPTION_FIELD: dict[str, Any] = {
    "label": "Exemption",
    "choices": Exemption.choices,
    "widget": forms.RadioSelect(attrs={"small": True}),
    "error_messages": {"required": "Select the exemption that applies"},
}


class RedactForm(GovukForm):
    phrase = forms.CharField(
        label="Words to redact",
        max_length=1000,
        widget=forms.TextInput(attrs={"width": 30}),
        help_text="As they appear in the text; every place they appear in any record of this "
        "bundle is redacted.",
        error_messages={"required": "Enter the words to redact"},
    )
    exemption = forms.ChoiceField(**EXEMPTION_FIELD)
    reason = reason_field(
        "Reason",
        "Enter the reason for this redaction",
    )


class WithholdForm(GovukForm):
    exemption = forms.ChoiceField(**EXEMPTION_FIELD)
    reason = reason_field(
        "Reason the whole record is withheld",
        "Enter the reason the record is withheld",
    )


class DiscloseForm(GovukForm):
    recipient = forms.CharField(
        label="Sent to",
        max_length=300,
        widget=forms.TextInput(attrs={"width": 30}),
        help_text="Name and address or email the disclosure goes to.",
        error_messages={"required": "Enter who the disclosure is sent to"},
    )
    method = forms.ChoiceField(
        label="How it is sent",
        choices=DisclosureMethod.choices,
        widget=forms.RadioSelect(attrs={"small": True}),
        error_messages={"required": "Select how it is sent"},
    )


class TakeOverForm(GovukForm):
    reason = reason_field(
        "Why you take over this part",
        "Enter why you take over this agency's part",
        rows=3,
        help_text="At least 20 characters: what happened, for example that you asked the "
        "agency on a given date and it has not answered, or that it has nobody who can "
        "approve. Say it as it is: it is kept and shown on the request.",
    )


class UnwithholdForm(GovukForm):
    reason = reason_field(
        "Why the record is no longer withheld",
        "Enter why the record is no longer withheld",
    )


class NotThemForm(GovukForm):
    reason = reason_field(
        "Why it is not about them",
        "Enter why the entry is not about them",
        help_text="For example: a different age, area or family; the FIB knows this person "
        "as someone else.",
    )


class NameSourceForm(GovukForm):
    reason = reason_field(
        "Why",
        "Enter why",
        help_text="Naming the agency tells the requester who gave the police this "
        "information: say why that is safe and right.",
    )


class ChangeIncludeForm(GovukForm):
    reason = reason_field(
        "Why it is about them after all",
        "Enter why the decision changes",
    )


class NoticeForm(GovukForm):
    """No fields: carries a page-level message (a decision lost to another) where the
    action pressed had no form of its own."""


class SourceReasonForm(GovukForm):
    """Why words that may identify a partner as the police's source are disclosed: checked
    by the service (services.sar_approve), so a short one keeps what was typed."""

    source_reason = forms.CharField(
        label="Why these words may be disclosed",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the partner agreed to be named, or the requester already "
        "knows it told the police. Kept in the audit log.",
    )


class SourceRedactForm(GovukForm):
    reason = reason_field(
        "Reason for the redactions",
        "Enter the reason for these redactions",
        help_text="Each word or number listed is redacted as an intelligence source, in every "
        "record of this bundle where it appears.",
    )
