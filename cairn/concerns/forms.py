"""The question pages of 'Record a concern'. Each form reads from and writes to the
server-side draft (Concern.draft); the answers' fields, rules and messages are declared
once, in payload.py, which validates the API body and the stored draft with them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from cairn.core.forms import GovukDateField, GovukForm
from cairn.intelligence.checks import NO_DANGER_LABEL
from cairn.pole.models import Sex

from . import payload
from .models import (
    Indicator,
    IndicatorCategory,
    RiskLevel,
)


class DraftForm(payload.ConcernForm):
    """A step form: some of the concern's answers (`step_fields`); `initial_from` reads
    the draft; `to_draft` writes cleaned data back."""

    @classmethod
    def initial_from(cls, draft: dict[str, Any]) -> dict[str, Any]:
        return {
            name: draft.get(name)
            for name in cls.step_fields or ()
            if draft.get(name) not in (None, "")
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

    def __init__(
        self,
        *args: Any,
        children: list[Any],
        reasons: dict[int, list[str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        reasons = reasons or {}
        self.fields["child_id"].choices = [  # type: ignore[attr-defined]
            (
                p.pk,
                f"{p.full_name}"
                + (f", born {p.date_of_birth:%-d %b %Y}" if p.date_of_birth else "")
                + (f" ({', '.join(reasons[p.pk])})" if reasons.get(p.pk) else ""),
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
    step_fields = (
        "reporter_role",
        "observed_on",
        "observed_time",
        "observed_where",
        "narrative",
        "exploitation_types",
        "exploitation_model",
        "boyfriend_stage",
    )
    step_required = ("observed_on", "narrative", "exploitation_model")

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
            fields = payload.observation_fields(ind)
            self.fields[f"date_{ind.code}"] = fields["observed_on"]
            self.fields[f"evidence_{ind.code}"] = fields["evidence"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        for ind in self.indicators:
            problem = payload.observed_too_late(ind, data.get(f"date_{ind.code}"), today)
            if problem:
                self.add_error(f"date_{ind.code}", problem)
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


class QuestionsForm(DraftForm):
    step_fields = ("immediate_danger", "crime_disclosed", "crime_reference")
    step_required = ("immediate_danger", "crime_disclosed")


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
                choices=payload.YES_NO,
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


class NoDangerForm(GovukForm):
    """On the check page, only when what was written reads as danger now but the answer to
    immediate danger is no (the FIB form asks the same)."""

    no_danger_now = forms.BooleanField(
        label=NO_DANGER_LABEL,
        required=False,
        help_text="If anyone is, call 999 now and change your answer about immediate danger.",
    )
