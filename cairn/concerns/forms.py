"""The question pages of 'Record a concern'. Each form reads from and writes to the
server-side draft (Concern.draft) in the payload format that payload.clean validates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from cairn.core.forms import GovukDateField, GovukForm, GovukTimeField
from cairn.pole.models import Platform, PremisesType, Sex

from .models import (
    BoyfriendStage,
    ExploitationModel,
    ExploitationType,
    Indicator,
    IndicatorCategory,
    RiskLevel,
)

YES_NO = [("yes", "Yes"), ("no", "No")]


def _not_future(value: dt.date | None, label: str) -> None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"{label} must be today or in the past")


class DraftForm(GovukForm):
    """A step form: `initial_from` reads the draft; `to_draft` writes cleaned data back."""

    @classmethod
    def initial_from(cls, draft: dict[str, Any]) -> dict[str, Any]:
        return {
            name: draft.get(name) for name in cls.base_fields if draft.get(name) not in (None, "")
        }

    def to_draft(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ChildSearchForm(GovukForm):
    q = forms.CharField(
        label="Search for the child by name",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "width": 20}),
        help_text="First name, last name or nickname. You will only see children you may see.",
    )


class ChooseChildForm(GovukForm):
    child_id = forms.TypedChoiceField(
        label="Which child is this concern about?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the child this concern is about"},
    )

    def __init__(self, *args: Any, children: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child_id"].choices = [  # type: ignore[attr-defined]
            (
                p.pk,
                f"{p.full_name}"
                + (f", born {p.date_of_birth:%-d %b %Y}" if p.date_of_birth else ""),
            )
            for p in children
        ]


class NewChildForm(GovukForm):
    given_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages={
            "required": "Enter the child's first name, or a nickname if that is all you know"
        },
        widget=forms.TextInput(attrs={"spellcheck": "false", "width": 20}),
    )
    family_name = forms.CharField(
        label="Last name (if known)",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "width": 20}),
    )
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, help_text="For example, 27 3 2011"
    )
    estimated_age = forms.IntegerField(
        label="Estimated age (if date of birth not known)",
        required=False,
        min_value=0,
        max_value=17,
        widget=forms.NumberInput(attrs={"width": 3}),
        error_messages={
            "max_value": "A child is under 18: estimated age must be 17 or less",
            "invalid": "Estimated age must be a whole number, like 15",
        },
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        initial=Sex.UNKNOWN,
        widget=forms.RadioSelect(attrs={"inline": True, "small": True}),
    )
    # The same sharing choice as adding a person on the people page (pole.forms.PersonForm).
    hub_shared = forms.BooleanField(
        label="Share this record with all Hub member agencies",
        required=False,
        help_text="Only if the child is, or is about to be, discussed by the Hub.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        dob = data.get("date_of_birth")
        if dob and dob > timezone.localdate():
            self.add_error("date_of_birth", "Date of birth must be in the past")
        elif dob and (timezone.localdate() - dob).days > 18 * 366:
            self.add_error("date_of_birth", "A child is under 18: check the date of birth")
        if dob and data.get("estimated_age") is not None:
            self.add_error(
                "estimated_age", "Give either a date of birth or an estimated age, not both"
            )
        return data


class DetailsForm(DraftForm):
    reporter_role = forms.CharField(
        label="Your job or role",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"width": 20}),
        help_text="For example, early help worker, designated safeguarding lead",
    )
    observed_on = GovukDateField(
        label="Date observed", help_text="When you saw or were told this. For example, 27 11 2026"
    )
    observed_time = GovukTimeField(label="Time (optional)", required=False)
    observed_where = forms.CharField(
        label="Where (optional)",
        max_length=300,
        required=False,
        help_text="An address, a place name or a description",
    )
    narrative = forms.CharField(
        label="What did you see or were you told?",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            "Short and to the point. Who, what, where, when, and how you know. "
            "Full names, not initials."
        ),
        error_messages={"required": "Describe what you saw or were told"},
    )
    exploitation_types = forms.MultipleChoiceField(
        label="What kind of exploitation might this be? (optional)",
        required=False,
        choices=ExploitationType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )
    exploitation_model = forms.ChoiceField(
        label="Exploitation model, if you can tell",
        choices=ExploitationModel.choices,
        initial=ExploitationModel.NOT_KNOWN,
        widget=forms.RadioSelect(attrs={"small": True}),
    )
    boyfriend_stage = forms.TypedChoiceField(
        label="Boyfriend model: which stage? (optional)",
        required=False,
        coerce=int,
        empty_value=None,
        choices=BoyfriendStage.choices,
        widget=forms.RadioSelect(attrs={"small": True}),
        help_text="Only if you chose the boyfriend model.",
    )

    def clean_observed_on(self) -> dt.date | None:
        value = self.cleaned_data.get("observed_on")
        _not_future(value, "Date observed")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("boyfriend_stage")
            and data.get("exploitation_model") != ExploitationModel.BOYFRIEND
        ):
            self.add_error("boyfriend_stage", "Only give a stage for the boyfriend model")
        return data

    @classmethod
    def initial_from(cls, draft: dict[str, Any]) -> dict[str, Any]:
        initial = super().initial_from(draft)
        if draft.get("observed_on"):
            initial["observed_on"] = dt.date.fromisoformat(draft["observed_on"])
        return initial

    def to_draft(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["observed_on"] = data["observed_on"].isoformat() if data.get("observed_on") else None
        data["observed_time"] = (
            data["observed_time"].strftime("%H:%M") if data.get("observed_time") else None
        )
        return data


CATEGORY_FIELDS = [
    ("ind_significant", IndicatorCategory.SIGNIFICANT),
    ("ind_county_lines_cce", IndicatorCategory.COUNTY_LINES),
    ("ind_moderate", IndicatorCategory.MODERATE),
    ("ind_online", IndicatorCategory.ONLINE),
    ("ind_vulnerability", IndicatorCategory.VULNERABILITY),
]


# Headings for each group of signs, written out: "Onlines" is not a word.
CATEGORY_HEADINGS = {
    IndicatorCategory.SIGNIFICANT: "Significant indicators",
    IndicatorCategory.COUNTY_LINES: "County lines or criminal exploitation indicators",
    IndicatorCategory.MODERATE: "Moderate indicators",
    IndicatorCategory.ONLINE: "Online indicators",
    IndicatorCategory.VULNERABILITY: "Vulnerability (background)",
}


class IndicatorChoiceForm(GovukForm):
    """Indicators, one group of checkboxes per category."""

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, category in CATEGORY_FIELDS:
            choices = [(i.code, i.label) for i in indicators if i.category == category]
            self.fields[name] = forms.MultipleChoiceField(
                label=CATEGORY_HEADINGS[category],
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def selected_codes(self) -> list[str]:
        codes: list[str] = []
        for name, _ in CATEGORY_FIELDS:
            codes.extend(self.cleaned_data.get(name) or [])
        return codes

    @staticmethod
    def initial_from(draft: dict[str, Any], indicators: list[Indicator]) -> dict[str, Any]:
        chosen = {i.get("code") for i in draft.get("indicators") or []} | set(
            draft.get("indicator_codes") or []
        )
        by_cat: dict[str, list[str]] = {}
        for ind in indicators:
            if ind.code in chosen:
                by_cat.setdefault(ind.category, []).append(ind.code)
        return {name: by_cat.get(cat, []) for name, cat in CATEGORY_FIELDS}


class IndicatorDetailsForm(GovukForm):
    """A date observed (required) and evidence (optional) for each chosen indicator."""

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for ind in indicators:
            self.fields[f"date_{ind.code}"] = GovukDateField(
                label=f"When was this last seen: {ind.label}?",
                help_text=ind.guidance or "For example, 20 11 2026",
                error_messages={"required": f"Enter the date '{ind.label}' was observed"},
            )
            self.fields[f"evidence_{ind.code}"] = forms.CharField(
                label="Evidence: what was seen or said, and by whom (optional)",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for ind in self.indicators:
            value = data.get(f"date_{ind.code}")
            if value and value > timezone.localdate():
                self.add_error(
                    f"date_{ind.code}",
                    f"Date '{ind.label}' was observed must be today or in the past",
                )
        return data

    def pairs(self) -> list[tuple[Any, Any, Indicator]]:
        return [(self[f"date_{i.code}"], self[f"evidence_{i.code}"], i) for i in self.indicators]

    @staticmethod
    def initial_from(draft: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for item in draft.get("indicators") or []:
            if item.get("observed_on"):
                initial[f"date_{item['code']}"] = dt.date.fromisoformat(item["observed_on"])
            initial[f"evidence_{item['code']}"] = item.get("evidence", "")
        return initial

    def to_draft(self) -> list[dict[str, Any]]:
        return [
            {
                "code": i.code,
                "observed_on": self.cleaned_data[f"date_{i.code}"].isoformat(),
                "evidence": self.cleaned_data.get(f"evidence_{i.code}", ""),
            }
            for i in self.indicators
        ]


class MentionPersonForm(GovukForm):
    given_name = forms.CharField(
        label="First name",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "width": 20}),
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "width": 20}),
    )
    nickname = forms.CharField(
        label="Nickname or street name",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "width": 20}),
    )
    date_of_birth = GovukDateField(label="Date of birth (if known)", required=False)
    note = forms.CharField(
        label="How are they connected to the child? (optional)", max_length=300, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("given_name") or data.get("family_name") or data.get("nickname")):
            raise forms.ValidationError("Enter a name or a nickname")
        return data

    def to_mention(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["date_of_birth"] = (
            data["date_of_birth"].isoformat() if data.get("date_of_birth") else None
        )
        return {"kind": "person", **data}


class MentionVehicleForm(GovukForm):
    registration = forms.CharField(
        label="Registration",
        max_length=12,
        widget=forms.TextInput(attrs={"width": 10, "spellcheck": "false"}),
        error_messages={"required": "Enter the registration, or as much of it as you know"},
    )
    make = forms.CharField(
        label="Make (optional)",
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"width": 20}),
    )
    model = forms.CharField(
        label="Model (optional)",
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"width": 20}),
    )
    colour = forms.CharField(
        label="Colour (optional)",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"width": 10}),
    )
    note = forms.CharField(
        label="How is it connected to the child? (optional)", max_length=300, required=False
    )

    def to_mention(self) -> dict[str, Any]:
        return {"kind": "vehicle", **self.cleaned_data}


class MentionPhoneForm(GovukForm):
    number = forms.CharField(
        label="Phone number",
        max_length=40,
        widget=forms.TextInput(attrs={"width": 20, "inputmode": "tel", "autocomplete": "off"}),
        error_messages={"required": "Enter the phone number"},
    )
    note = forms.CharField(
        label="Whose phone is it, if known? (optional)", max_length=300, required=False
    )

    def clean_number(self) -> str:
        from cairn.pole.normalise import InvalidPhoneNumber, phone_e164  # noqa: PLC0415  (cross-app or in-app import kept local; cycle not yet checked)

        value = self.cleaned_data["number"]
        try:
            phone_e164(value)
        except InvalidPhoneNumber:
            raise forms.ValidationError("Enter a phone number, like 07700 900 982") from None
        return value

    def to_mention(self) -> dict[str, Any]:
        return {"kind": "phone", **self.cleaned_data}


class MentionAccountForm(GovukForm):
    platform = forms.ChoiceField(label="Platform", choices=Platform.choices)
    handle = forms.CharField(
        label="Handle or username",
        max_length=100,
        widget=forms.TextInput(attrs={"width": 20, "spellcheck": "false"}),
        error_messages={"required": "Enter the handle or username"},
    )
    note = forms.CharField(
        label="Whose account is it, if known? (optional)", max_length=300, required=False
    )

    def to_mention(self) -> dict[str, Any]:
        return {"kind": "online_account", **self.cleaned_data}


class MentionLocationForm(GovukForm):
    name = forms.CharField(
        label="Place name (optional)",
        max_length=200,
        required=False,
        help_text="For example, a hotel, takeaway, park or car park",
    )
    address_line_1 = forms.CharField(label="Address (optional)", max_length=200, required=False)
    town = forms.CharField(
        label="Town (optional)",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"width": 20}),
    )
    postcode = forms.CharField(
        label="Postcode (optional)",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"width": 10}),
    )
    premises_type = forms.ChoiceField(
        label="Type of place", choices=PremisesType.choices, initial=PremisesType.OTHER
    )
    note = forms.CharField(label="What happened there? (optional)", max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("name") or data.get("address_line_1") or data.get("postcode")):
            raise forms.ValidationError("Enter a place name, an address or a postcode")
        return data

    def to_mention(self) -> dict[str, Any]:
        return {"kind": "location", **self.cleaned_data}


MENTION_FORMS: dict[str, tuple[type[GovukForm], str]] = {
    "person": (MentionPersonForm, "a person"),
    "vehicle": (MentionVehicleForm, "a vehicle"),
    "phone": (MentionPhoneForm, "a phone number"),
    "online_account": (MentionAccountForm, "an online account"),
    "location": (MentionLocationForm, "a place"),
}


class QuestionsForm(DraftForm):
    immediate_danger = forms.ChoiceField(
        label="Is the child in immediate danger?",
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"inline": True}),
        help_text="If yes, call 999 now, then finish this record.",
        error_messages={"required": "Select yes if the child is in immediate danger"},
    )
    crime_disclosed = forms.ChoiceField(
        label="Did the child, or anyone else, disclose a crime?",
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"inline": True}),
        help_text=(
            "For example, that someone assaulted or abused them. A crime must be reported "
            "as a crime, never on a FIB form."
        ),
        error_messages={"required": "Select yes if the child or anyone else disclosed a crime"},
    )
    crime_reference = forms.CharField(
        label="Crime reference, if it has already been reported (optional)",
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"width": 20}),
    )


class RiskDecisionForm(GovukForm):
    level = forms.ChoiceField(
        label="What is your judgement of the child's risk level?",
        choices=RiskLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a risk level"},
    )
    rationale = forms.CharField(
        label="Why? Give your reasons",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="Especially if you chose a different level from the one suggested.",
        error_messages={"required": "Explain why you chose this level"},
    )


class PathwayForm(GovukForm):
    """One yes/no and a note per pathway (recommended ones first)."""

    def __init__(
        self, *args: Any, recommendations: list[Any], others: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.recommendations = recommendations
        self.others = others
        for rec in recommendations:
            self.fields[f"taken_{rec.code}"] = forms.ChoiceField(
                label="Have you done this, or are you doing it now?",
                choices=YES_NO,
                widget=forms.RadioSelect(attrs={"inline": True}),
                error_messages={"required": "Say whether you did this"},
            )
            self.fields[f"note_{rec.code}"] = forms.CharField(
                label="Notes (required if you did not do this)",
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for code, _label in others:
            self.fields[f"also_{code}"] = forms.BooleanField(label="I did this too", required=False)

    def decisions(self) -> dict[str, tuple[bool, str]]:
        out = {
            rec.code: (
                self.cleaned_data[f"taken_{rec.code}"] == "yes",
                self.cleaned_data.get(f"note_{rec.code}", ""),
            )
            for rec in self.recommendations
        }
        for code, _label in self.others:
            if self.cleaned_data.get(f"also_{code}"):
                out[code] = (True, "")
        return out
