"""A concern's content (Concern.draft), as GOV.UK forms: `ConcernForm` for its own answers
and `ObservationForm` for each sign observed. They validate the step pages (forms.py shows
some of their fields at a time), the API body and the stored draft at submit alike:
`clean` binds a draft dict to them, so each rule and message is written once. Mentions are
POLE's (cairn.pole.mentions). Nothing here touches the database except to look up
indicator codes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils import timezone

from cairn.core.forms import GovukDateField, GovukForm, GovukTimeField
from cairn.intelligence import crime_rules
from cairn.pole.mentions import clean_mentions

from .models import BoyfriendStage, ExploitationModel, ExploitationType, Indicator

YES_NO = [("yes", "Yes"), ("no", "No")]


@dataclass
class CleanIndicator:
    indicator: Indicator
    observed_on: dt.date
    evidence: str


@dataclass
class CleanConcern:
    child_id: int | None = None
    reporter_role: str = ""
    observed_on: dt.date | None = None
    observed_time: dt.time | None = None
    observed_where: str = ""
    narrative: str = ""
    exploitation_types: list[str] = field(default_factory=list)
    exploitation_model: str = ExploitationModel.NOT_KNOWN
    boyfriend_stage: int | None = None
    indicators: list[CleanIndicator] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    immediate_danger: bool | None = None
    crime_disclosed: bool | None = None
    crime_reference: str = ""


Errors = dict[str, list[str]]


def yes_no(value: Any) -> str:
    """A yes or no as the form takes it: the API's true or false, or the page's answer;
    anything else is no answer."""
    if value in (True, "yes", "true", "True", 1):
        return "yes"
    if value in (False, "no", "false", "False", 0):
        return "no"
    return ""


def _time(value: Any) -> Any:
    """A stored or API time ("14:30", "14:30:00") as a time; what was typed otherwise."""
    if isinstance(value, str) and value:
        try:
            return dt.time.fromisoformat(value)
        except ValueError:
            return value
    return value


class StepForm(GovukForm):
    """Every answer optional in a draft. A step page shows some of the answers
    (`step_fields`) and may require them (`step_required`); a concern submitted
    (`complete=True`) requires `REQUIRED_TO_SUBMIT`, with the messages in
    `SUBMIT_MESSAGES` where they differ from the step's."""

    step_fields: tuple[str, ...] | None = None
    step_required: tuple[str, ...] = ()
    REQUIRED_TO_SUBMIT: tuple[str, ...] = ()
    SUBMIT_MESSAGES: dict[str, str] = {}

    def __init__(
        self,
        *args: Any,
        only: tuple[str, ...] | None = None,
        complete: bool = False,
        today: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        keep = only if only is not None else self.step_fields
        if keep is not None:
            for name in [n for n in self.fields if n not in keep]:
                del self.fields[name]
        for name in self.step_required:
            if name in self.fields:
                self.fields[name].required = True
        if complete:
            for name in self.REQUIRED_TO_SUBMIT:
                if name in self.fields:
                    self.fields[name].required = True
                    if name in self.SUBMIT_MESSAGES:
                        self.fields[name].error_messages["required"] = self.SUBMIT_MESSAGES[name]
        self.today = today or timezone.localdate()

    def _not_future(self, value: dt.date | None, message: str) -> None:
        if value and value > self.today:
            raise forms.ValidationError(message)


CHOOSE_CHILD = "Choose or add the child this concern is about"


class ConcernForm(StepForm):
    """A concern's own answers (its signs and mentions are checked apart)."""

    REQUIRED_TO_SUBMIT = (
        "child_id",
        "observed_on",
        "narrative",
        "immediate_danger",
        "crime_disclosed",
    )
    SUBMIT_MESSAGES = {"observed_on": "Enter the date you observed this"}

    child_id = forms.IntegerField(
        required=False, error_messages={"required": CHOOSE_CHILD, "invalid": CHOOSE_CHILD}
    )
    reporter_role = forms.CharField(
        label="Your job or role",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"width": 20}),
        help_text="For example, early help worker, designated safeguarding lead",
    )
    observed_on = GovukDateField(
        label="Date observed",
        required=False,
        help_text="When you saw or were told this. For example, 27 11 2026",
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
        required=False,
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
        error_messages={
            "invalid_choice": "Choose exploitation types from the list",
            "invalid_list": "Choose exploitation types from the list",
        },
    )
    exploitation_model = forms.ChoiceField(
        label="Exploitation model, if you can tell",
        choices=ExploitationModel.choices,
        initial=ExploitationModel.NOT_KNOWN,
        required=False,
        widget=forms.RadioSelect(attrs={"small": True}),
        error_messages={"invalid_choice": "Choose an exploitation model from the list"},
    )
    # Asked under the boyfriend option only (a conditional reveal, see `option_reveals`),
    # with "Not known" so a stage once ticked can be taken back.
    boyfriend_stage = forms.TypedChoiceField(
        label="Which stage? (optional)",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Not known"), *BoyfriendStage.choices],
        widget=forms.RadioSelect(attrs={"small": True}),
        error_messages={"invalid_choice": "Boyfriend-model stage must be 1, 2, 3 or 4"},
    )
    exploitation_model.option_reveals = {  # type: ignore[attr-defined]
        ExploitationModel.BOYFRIEND.value: "boyfriend_stage"
    }
    boyfriend_stage.revealed_under = "exploitation_model"  # type: ignore[attr-defined]
    immediate_danger = forms.ChoiceField(
        label="Is the child in immediate danger?",
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect(attrs={"inline": True}),
        help_text="If yes, call 999 now, then finish this record.",
        error_messages={"required": "Select yes if the child is in immediate danger"},
    )
    crime_disclosed = forms.ChoiceField(
        label="Did the child, or anyone else, disclose a crime?",
        choices=YES_NO,
        required=False,
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

    def clean_observed_on(self) -> dt.date | None:
        value = self.cleaned_data.get("observed_on")
        self._not_future(value, "Date observed must be today or in the past")
        return value

    def clean_crime_reference(self) -> str:
        value = str(self.cleaned_data.get("crime_reference") or "").strip()
        # Bound on its own step the account is not in the data; the whole draft is
        # checked again at submit, account included.
        account = str(self.data.get("narrative") or "")
        if value and (problem := crime_rules.local_reference_problem(value, account)):
            raise forms.ValidationError(problem)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "exploitation_model" in data and not data["exploitation_model"]:
            data["exploitation_model"] = ExploitationModel.NOT_KNOWN
        if "exploitation_model" in data and data["exploitation_model"] != (
            ExploitationModel.BOYFRIEND
        ):
            # A stage belongs to the boyfriend model only. One sent with another model
            # (ticked before the model was changed: the radios cannot be unticked, and
            # without JavaScript they stay on the page) is dropped, not an error that
            # could only be cleared by choosing the boyfriend model again.
            data["boyfriend_stage"] = None
            self.errors.pop("boyfriend_stage", None)
        return data


def observation_fields(indicator: Indicator) -> dict[str, Any]:
    """The date a sign was observed (required) and the evidence (optional)."""
    return {
        "observed_on": GovukDateField(
            label=f"When was this last seen: {indicator.label}?",
            help_text=indicator.guidance or "For example, 20 11 2026",
            error_messages={"required": f"Enter the date '{indicator.label}' was observed"},
        ),
        "evidence": forms.CharField(
            label="Evidence: what was seen or said, and by whom (optional)",
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2}),
        ),
    }


def observed_too_late(indicator: Indicator, value: dt.date | None, today: dt.date) -> str:
    """The message for a sign observed after `today` ('' if it was not)."""
    if value and value > today:
        return f"Date '{indicator.label}' was observed must be today or in the past"
    return ""


class ObservationForm(StepForm):
    """One sign observed: `indicator` is the catalogue entry its code names."""

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields.update(observation_fields(indicator))

    def clean_observed_on(self) -> dt.date | None:
        value = self.cleaned_data.get("observed_on")
        if problem := observed_too_late(self.indicator, value, self.today):
            raise forms.ValidationError(problem)
        return value


def date_data(name: str, value: Any) -> dict[str, str]:
    """A stored date (ISO text or a date) as a date field's day, month and year."""
    if isinstance(value, str) and value:
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            # Not a date: as if typed in each part, so the field says it is not a real date.
            return {f"{name}_{part}": value for part in ("day", "month", "year")}
    if isinstance(value, dt.date):
        return {
            f"{name}_day": str(value.day),
            f"{name}_month": str(value.month),
            f"{name}_year": str(value.year),
        }
    return {}


def _errors(form: forms.Form, prefix: str = "") -> Errors:
    return {f"{prefix}{k}": [str(m) for m in v] for k, v in form.errors.items()}


def _clean_indicators(raw: Any, today: dt.date, errors: Errors) -> list[CleanIndicator]:
    items = raw or []
    if not isinstance(items, list):
        errors["indicators"] = ["Indicators must be a list"]
        return []
    codes = {str(i.get("code", "")) for i in items if isinstance(i, dict)}
    known = {i.code: i for i in Indicator.objects.filter(code__in=codes, active=True)}
    cleaned: list[CleanIndicator] = []
    for n, item in enumerate(items):
        key = f"indicators.{n}"
        if not isinstance(item, dict):
            errors[key] = ["Each indicator must have a code and a date observed"]
            continue
        code = str(item.get("code", ""))
        indicator = known.get(code)
        if indicator is None:
            errors[f"{key}.code"] = [f"Unknown indicator code '{code}'"]
            continue
        form = ObservationForm(
            {
                **date_data("observed_on", item.get("observed_on")),
                "evidence": item.get("evidence") or "",
            },
            indicator=indicator,
            today=today,
        )
        if form.is_valid():
            cleaned.append(CleanIndicator(indicator, **form.cleaned_data))
        errors.update(_errors(form, f"{key}."))
    return cleaned


# The answers before the signs and mentions (in the order errors are listed).
BEFORE_SIGNS = (
    "child_id",
    "reporter_role",
    "observed_on",
    "observed_time",
    "observed_where",
    "narrative",
    "exploitation_types",
    "exploitation_model",
    "boyfriend_stage",
)


def clean(
    data: dict[str, Any], *, today: dt.date, require_complete: bool
) -> tuple[CleanConcern, Errors]:
    """Validate a concern. With require_complete=False (drafts, preview) missing answers
    are allowed, but anything given must be valid."""
    answers: dict[str, Any] = {}
    for name in ConcernForm.base_fields:
        value = data.get(name)
        if name == "observed_on":
            answers.update(date_data(name, value))
        elif name == "observed_time":
            answers[name] = _time(value)
        elif name in ("immediate_danger", "crime_disclosed"):
            answers[name] = yes_no(value)
        elif name == "exploitation_types":
            answers[name] = value if value not in (None, "") else []
        elif value is not None:
            answers[name] = value
    form = ConcernForm(answers, complete=require_complete, today=today)
    form.is_valid()
    found = _errors(form)
    errors = {k: v for k, v in found.items() if k in BEFORE_SIGNS}
    out = CleanConcern(
        **{
            name: value
            for name, value in form.cleaned_data.items()
            if name not in ("immediate_danger", "crime_disclosed") and value is not None
        }
    )
    out.exploitation_types = sorted(set(out.exploitation_types or []))
    out.exploitation_model = out.exploitation_model or ExploitationModel.NOT_KNOWN
    out.immediate_danger = {"yes": True, "no": False}.get(answers["immediate_danger"])
    out.crime_disclosed = {"yes": True, "no": False}.get(answers["crime_disclosed"])
    out.indicators = _clean_indicators(data.get("indicators"), today, errors)
    out.mentions, mention_errors = clean_mentions(data.get("mentions"))
    errors.update(mention_errors)
    errors.update({k: v for k, v in found.items() if k not in BEFORE_SIGNS})
    return out, errors
