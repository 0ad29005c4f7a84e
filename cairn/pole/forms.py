from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from cairn.accounts.models import Agency
from cairn.core.forms import GovukDateField, GovukForm
from cairn.sharing.forms import basis_fields

from .models import Ethnicity, LookedAfter, NameKind, PersonCategory, Sex


class PersonSearchForm(GovukForm):
    q = forms.CharField(
        label="Name or alias",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off", "width": 20}),
        help_text=(
            "First name, last name, nickname or alias. Spelling can be approximate. Add a "
            "postcode (NM1 1AA or nm11aa) to find people linked to a place there."
        ),
    )
    dob = GovukDateField(label="Date of birth", required=False, help_text="For example, 27 3 2010")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not (data.get("q") or "").strip() and not data.get("dob"):
            # On the name field, so the error summary links to it (GOV.UK error pattern).
            self.add_error("q", "Enter a name, an alias or a date of birth to search")
        return data


class ObjectSearchForm(GovukForm):
    q = forms.CharField(
        label="Registration, phone number, handle or postcode",
        max_length=100,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off", "width": 20}),
        help_text=(
            "Type it any way: NM19 KXT or nm19kxt, 07700 900123 or +44 7700 900123, "
            "@handle or handle, NM1 1AA or nm11aa."
        ),
        error_messages={"required": "Enter a registration, phone number, handle or postcode"},
    )


NICKNAME_ONLY_HINT = (
    "Full names, not initials. If you know only a nickname or street name, leave this "
    "blank and put it under Nicknames or aliases: it is used as the name until a real one "
    "is known, and checked against every nickname and alias recorded."
)


class PersonForm(GovukForm):
    category = forms.ChoiceField(
        label="Who is this person?",
        choices=PersonCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who this person is"},
    )
    # Not required: a street name may be all anyone knows (`clean`).
    given_name = forms.CharField(
        label="First name",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "width": 20}),
        # What `clean` does with a nickname alone; the guide says the same (outside tester
        # 3: the guide said to type it here, where it is saved as a real first name and,
        # with a last name typed, is not looked up among recorded nicknames).
        help_text=NICKNAME_ONLY_HINT,
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "width": 20}),
    )
    aliases = forms.CharField(
        label="Nicknames or aliases (optional)",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
        help_text="Separate them with commas, for example: Jay, JJ",
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        help_text="For example, 27 3 2010. Leave blank if not known and give an estimated age.",
    )
    estimated_age = forms.IntegerField(
        label="Estimated age in years (if date of birth not known)",
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.NumberInput(attrs={"width": 3, "inputmode": "numeric"}),
        error_messages={
            "min_value": "Estimated age must be 0 or more",
            "max_value": "Estimated age must be 120 or less",
            "invalid": "Estimated age must be a whole number, like 15",
        },
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        initial=Sex.UNKNOWN,
        widget=forms.RadioSelect(attrs={"inline": True, "small": True}),
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity", choices=Ethnicity.choices, initial=Ethnicity.NOT_KNOWN
    )
    first_language = forms.CharField(
        label="First language (optional)",
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"width": 20}),
    )
    interpreter_needed = forms.BooleanField(label="Needs an interpreter", required=False)
    sen_disability = forms.CharField(
        label="Special educational needs or disability (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    has_learning_disability = forms.BooleanField(label="Has a learning disability", required=False)
    looked_after = forms.ChoiceField(
        label="Looked-after status", choices=LookedAfter.choices, initial=LookedAfter.NO
    )
    description = forms.CharField(
        label="Physical description (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Height, build, hair, distinguishing features. Helps police if the person goes missing."
        ),
    )
    hub_shared = forms.BooleanField(
        label="Share this record with all Hub member agencies",
        required=False,
        help_text="Only if the person is, or is about to be, discussed by the Hub.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("given_name"):
            nicknames = self.nicknames()
            if nicknames:
                # A nickname alone: it stands as the name (and is kept as a nickname, so
                # it is matched as one) until a real name is known, as for a mention.
                data["given_name"] = nicknames[0]
            elif "aliases" not in self.errors:
                self.add_error(
                    "given_name",
                    "Enter the person's first name, or a nickname if that is all you know",
                )
        dob = data.get("date_of_birth")
        if dob and dob > timezone.localdate():
            self.add_error("date_of_birth", "Date of birth must be in the past")
        if dob and data.get("estimated_age") is not None:
            self.add_error(
                "estimated_age", "Give either a date of birth or an estimated age, not both"
            )
        return data

    def nicknames(self) -> list[str]:
        raw = self.cleaned_data.get("aliases") or ""
        return [part.strip() for part in raw.split(",") if part.strip()]

    def alias_tuples(self) -> list[tuple[str, str, str]]:
        return [(NameKind.NICKNAME, name, "") for name in self.nicknames()]

    def match_fields(self) -> dict[str, Any]:
        """What the person matcher takes: the first nickname typed is looked up among
        every recorded alias and nickname."""
        nicknames = self.nicknames()
        return {**self.cleaned_data, "nickname": nicknames[0] if nicknames else ""}


class ShareForm(GovukForm):
    agency = forms.TypedChoiceField(
        label="Agency to share with",
        coerce=int,
        error_messages={
            "required": "Choose the agency to share the record with",
            "invalid_choice": "Choose an agency from the list",
        },
    )
    reason = forms.CharField(
        label="Why are you sharing this record?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say what the agency needs it for. This is recorded in the audit log.",
        error_messages={"required": "Say why you are sharing this record"},
    )

    def __init__(
        self,
        *args: Any,
        agencies: list[tuple[int, str]],
        sender: Agency | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "Choose an agency"), *agencies]  # type: ignore[attr-defined]
        self.fields.update(basis_fields([sender] if sender else []))


class RevokeShareForm(GovukForm):
    reason = forms.CharField(
        label="Why are you revoking this share?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="This is recorded in the audit log.",
        error_messages={"required": "Say why you are revoking this share"},
    )
