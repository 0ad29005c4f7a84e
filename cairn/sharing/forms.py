"""The sharing forms: the basis fields every disclosure form adds (one set of fields and
messages for record shares, referrals, disseminations, tactic shares and Hub minutes),
and IG's agreement form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from cairn.accounts.models import Agency
from cairn.core.forms import GovukDateField, GovukForm, GovukHiddenInput

from . import selectors
from .models import EXCEPTIONAL_BASES, AgreementState, LawfulBasis, ReviewOutcome
from .services import EXCEPTIONAL

EXCEPTIONAL_LABEL = "No agreement covers this, and a child's safety needs it shared now"


BASIS_LABEL = "Which information-sharing agreement and lawful basis does this rely on?"
BASIS_HELP = (
    "Only active agreements your agency is party to are listed; the agreement must also "
    "cover the agency you share with. Left blank, Cairn uses the only one there is."
)


def exceptional_basis_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Exceptional lawful basis (only when no agreement covers this)",
        choices=[(b.value, b.label) for b in EXCEPTIONAL_BASES],
        initial=LawfulBasis.DPA_SCH8_P4,
        required=False,
    )


def exceptional_reason_field() -> forms.CharField:
    return forms.CharField(
        label="Why must this be shared without an agreement? (only when no agreement covers this)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the child is missing tonight and the school may know where. "
        "Information governance reviews every exceptional disclosure.",
    )


def sharing_basis_choices(parties: Sequence[Agency]) -> list[tuple[str, str]]:
    return [*selectors.form_choices(parties), (EXCEPTIONAL, EXCEPTIONAL_LABEL)]


def basis_fields(parties: Sequence[Agency]) -> dict[str, forms.Field]:
    """The three fields a disclosure form adds. The first option is chosen when it is the
    only agreement basis there is (the service would choose it anyway). Left blank, the
    service chooses the only basis there is, or says what to choose."""
    choices = sharing_basis_choices(parties)
    choice = forms.ChoiceField(
        label=BASIS_LABEL,
        choices=choices,
        widget=forms.RadioSelect,
        initial=choices[0][0] if len(choices) == 2 else None,
        required=False,
        help_text=BASIS_HELP,
        error_messages={"invalid_choice": "Choose an agreement from the list"},
    )
    return {
        "sharing_basis": choice,
        "exceptional_basis": exceptional_basis_field(),
        "exceptional_reason": exceptional_reason_field(),
    }


class AgreementForm(GovukForm):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter the agreement's title"},
    )
    parties = forms.ModelMultipleChoiceField(
        label="Agencies party to the agreement",
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the agencies party to the agreement"},
    )
    purposes = forms.CharField(
        label="Purposes",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the agencies share information for.",
        error_messages={"required": "Enter what the agencies share information for"},
    )
    bases = forms.MultipleChoiceField(
        label="Lawful bases",
        choices=LawfulBasis.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one lawful basis"},
    )
    other_basis = forms.CharField(
        label="Other lawful basis (if you chose Other)",
        max_length=300,
        required=False,
    )
    start_date = GovukDateField(label="Start date", help_text="For example, 1 4 2026")
    review_date = GovukDateField(
        label="Review date",
        help_text="The register flags the agreement as this date approaches.",
    )
    document_reference = forms.CharField(
        label="Document reference (optional)",
        max_length=200,
        required=False,
        help_text="Where the signed agreement is kept, for example its file plan number.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = selectors.all_agencies()  # type: ignore[attr-defined]

    def terms(self) -> dict[str, Any]:
        """The agreement's terms, as `agreement_create` and `agreement_update` take them."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "parties": list(data["parties"]),
            "purposes": data["purposes"],
            "bases": data["bases"],
            "other_basis": data.get("other_basis") or "",
            "start_date": data["start_date"],
            "review_date": data["review_date"],
            "document_reference": data.get("document_reference") or "",
        }


class AgreementEditForm(AgreementForm):
    state = forms.ChoiceField(
        label="State",
        choices=[
            (AgreementState.ACTIVE, "Active"),
            (AgreementState.EXPIRED, "Expired"),
        ],
        widget=forms.RadioSelect(attrs={"inline": True, "small": True}),
    )
    version = forms.IntegerField(widget=GovukHiddenInput)


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why is the agreement withdrawn?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the agreement is withdrawn"},
    )


DATE_TO_BEFORE_FROM = "The to date must be the same as or after the from date"


class DisclosureFilterForm(forms.Form):
    """The disclosures page's filters and its CSV's. A value that is not valid is an
    error on the page and a refused export (400), never silently dropped: a CSV of every
    disclosure for a mistyped date would look like the filtered one."""

    basis = forms.ChoiceField(
        choices=[("", "Any basis"), *LawfulBasis.choices],
        required=False,
        error_messages={"invalid_choice": "Select a lawful basis from the list"},
    )
    agreement = forms.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        error_messages={
            "invalid": "Select an agreement from the list",
            "min_value": "Select an agreement from the list",
            "max_value": "Select an agreement from the list",
        },
    )
    agency = forms.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        error_messages={
            "invalid": "Select an agency from the list",
            "min_value": "Select an agency from the list",
            "max_value": "Select an agency from the list",
        },
    )
    date_from = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter the from date as a real date, for example 2026-04-01"},
    )
    date_to = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter the to date as a real date, for example 2026-04-30"},
    )
    exceptional = forms.BooleanField(required=False)
    awaiting = forms.BooleanField(required=False)

    # The order errors are listed in, as the fields are laid out on the page.
    FIELD_IDS = {
        "basis": "f-basis",
        "agreement": "f-agreement",
        "agency": "f-agency",
        "date_from": "f-from",
        "date_to": "f-to",
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", DATE_TO_BEFORE_FROM)
        return data

    def error_list(self) -> list[tuple[str, str]]:
        """(field id on the page, message) for the error summary."""
        return [
            (self.FIELD_IDS.get(name, "f-basis"), str(errors[0]))
            for name, errors in self.errors.items()
        ]

    def filters(self) -> selectors.DisclosureFilters | None:
        """The filters, or None when any is not valid (the caller shows the errors)."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return selectors.DisclosureFilters(
            lawful_basis=data.get("basis") or "",
            agreement_id=data.get("agreement"),
            agency_id=data.get("agency"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            exceptional_only=bool(data.get("exceptional")),
            awaiting_review=bool(data.get("awaiting")),
        )


class ReviewForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Was the disclosure justified?",
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect,
        help_text="Whether the exceptional basis it relied on applied at the time.",
        error_messages={
            "required": "Select whether the disclosure was justified",
            "invalid_choice": "Select whether the disclosure was justified",
        },
    )
    note = forms.CharField(
        label="What did the review find?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Why, and whether the Hub needs an agreement (or a new basis in one) for shares "
            "like it."
        ),
        error_messages={"required": "Enter what the review found"},
    )
