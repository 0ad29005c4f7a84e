"""An intelligence entry's own answers (the Submission fields a draft holds), as one GOV.UK
form. It validates the web steps (the two questions, then the details page), the API body
and the stored draft when it is submitted: `validate` binds a dict of answers to it, so
each rule and message is written once. Drafts may be incomplete; `complete=True` (submit)
asks for the answers an entry needs. The source's details are kept apart (the service)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from cairn.core.forms import GovukDateField, GovukForm

from .models import HowKnown

Errors = dict[str, list[str]]
YES_NO = [("yes", "Yes"), ("no", "No")]
# The answers an entry cannot be sent without (besides who it is about).
REQUIRED_TO_SUBMIT = ("what", "where", "when_on", "how_known")


class TimeText(forms.CharField):
    """A time as typed (15:20); a time already read (the API's, or the stored one) is
    taken as it is, seconds and all."""

    def clean(self, value: Any) -> Any:
        if isinstance(value, dt.time):
            return value.replace(tzinfo=None)
        return super().clean(value)


class DraftForm(GovukForm):
    """Every answer, each optional in a draft. A step shows some of them (`step_fields`)
    and may require them (`step_required`)."""

    step_fields: tuple[str, ...] | None = None
    step_required: tuple[str, ...] = ()

    subject_description = forms.CharField(
        label="Who is this entry about?",
        max_length=300,
        required=False,
        help_text="One subject per entry: their full name (not initials), nickname, and date "
        "of birth or age. Submit another entry for anyone else.",
        error_messages={"required": "Say who this entry is about (one subject per entry)"},
    )
    what = forms.CharField(
        label="What was seen or heard?",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        required=False,
        help_text="Short and to the point. Intelligence only: do not report a crime here.",
        error_messages={"required": "Describe what was seen or heard"},
    )
    where = forms.CharField(
        label="Where?",
        max_length=300,
        required=False,
        error_messages={"required": "Say where it was seen or heard"},
    )
    when_on = GovukDateField(
        label="Date seen or heard",
        required=False,
        error_messages={"required": "Enter the date it was seen or heard"},
    )
    when_time = TimeText(
        label="Time (optional)",
        max_length=5,
        required=False,
        help_text="For example, 15:20",
        widget=forms.TextInput(attrs={"width": 5}),
    )
    how_known = forms.ChoiceField(
        label="How does the source know this?",
        choices=HowKnown.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"required": "Select how the source knows this"},
    )
    source_is_submitter = forms.BooleanField(label="I am the source", required=False)
    source_name = forms.CharField(
        label="Source's name (if not you)",
        max_length=200,
        required=False,
        help_text="Kept apart from the entry and seen only by the Force Intelligence Bureau.",
    )
    source_contact = forms.CharField(
        label="How the FIB can contact the source (optional)", max_length=300, required=False
    )
    source_relationship = forms.CharField(
        label="Source's relationship to the subject (optional)", max_length=300, required=False
    )
    further_information = forms.CharField(
        label="Anything else (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        required=False,
    )
    # The two plain questions asked before the free text (ADR 0019).
    anyone_in_danger = forms.ChoiceField(
        label="Is anyone in danger right now?",
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"inline": True}),
        required=False,
        help_text="For example, a child with someone who is harming them, or about to be "
        "taken somewhere, now or tonight.",
        error_messages={"required": "Select yes if anyone is in danger right now"},
    )
    crime_described = forms.ChoiceField(
        label="Has anyone described something that happened to them or someone else that "
        "could be a crime?",
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"inline": True}),
        required=False,
        help_text="For example, a child telling you someone hurt them, touched them, sent "
        "them sexual messages, made them carry drugs or kept them somewhere.",
        error_messages={
            "required": "Select yes if anyone has described something that could be a crime"
        },
    )

    def __init__(
        self,
        *args: Any,
        only: tuple[str, ...] | None = None,
        complete: bool = False,
        has_subject: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        keep = only if only is not None else self.step_fields
        if keep is not None:
            for name in [n for n in self.fields if n not in keep]:
                del self.fields[name]
        required = (*self.step_required, *(REQUIRED_TO_SUBMIT if complete else ()))
        for name in required:
            if name in self.fields:
                self.fields[name].required = True
        self.complete = complete
        self.has_subject = has_subject

    def clean_subject_description(self) -> str:
        value = str(self.cleaned_data.get("subject_description") or "")
        if self.complete and not self.has_subject and not value:
            raise forms.ValidationError(
                self.fields["subject_description"].error_messages["required"]
            )
        return value

    def clean_when_on(self) -> dt.date | None:
        value = self.cleaned_data.get("when_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("Date must be today or in the past")
        return value

    def clean_when_time(self) -> dt.time | str:
        value = self.cleaned_data.get("when_time")
        if isinstance(value, dt.time):
            return value
        value = str(value or "").strip()
        if value:
            try:
                dt.time.fromisoformat(value)
            except ValueError:
                raise forms.ValidationError("Time must be a real time, like 15:20") from None
        return value


class QuestionsForm(DraftForm):
    """The two plain questions asked before the free text (ADR 0019)."""

    step_fields = ("anyone_in_danger", "crime_described")
    step_required = step_fields

    @staticmethod
    def initial_from(submission: Any) -> dict[str, Any]:
        return {
            "anyone_in_danger": submission.anyone_in_danger,
            "crime_described": submission.crime_described,
        }


class SubmissionForm(DraftForm):
    """The details page: everything but the two questions."""

    step_fields = (
        "subject_description",
        "what",
        "where",
        "when_on",
        "when_time",
        "how_known",
        "source_is_submitter",
        "source_name",
        "source_contact",
        "source_relationship",
        "further_information",
    )

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "subject_description": d["subject_description"],
            "what": d["what"],
            "where": d["where"],
            "when_on": d["when_on"],
            "when_time": d["when_time"] or None,
            "how_known": d["how_known"],
            "further_information": d["further_information"],
            "source_is_submitter": d["source_is_submitter"],
            "name": d["source_name"],
            "contact": d["source_contact"],
            "relationship": d["source_relationship"],
        }

    @classmethod
    def to_complete(cls, submission: Any) -> SubmissionForm:
        """The details page bound to the draft's stored answers and validated as on submit:
        each answer the entry cannot be sent without shows its error beside its field, with
        everything already written kept in the boxes."""
        form = cls(
            _form_data(cls.initial_from(submission)),
            complete=True,
            has_subject=submission.subject_id is not None,
        )
        form.is_valid()
        return form

    @staticmethod
    def initial_from(submission: Any) -> dict[str, Any]:
        source = submission.draft_source or {}
        return {
            "subject_description": submission.subject_description,
            "what": submission.what,
            "where": submission.where,
            "when_on": submission.when_on,
            "when_time": submission.when_time.strftime("%H:%M") if submission.when_time else "",
            "how_known": submission.how_known,
            "further_information": submission.further_information,
            "source_is_submitter": source.get("source_is_submitter", False),
            "source_name": source.get("name", ""),
            "source_contact": source.get("contact", ""),
            "source_relationship": source.get("relationship", ""),
        }


# The entry's own answers, as the service stores them on the Submission.
ENTRY_FIELDS = (
    "subject_description",
    "what",
    "where",
    "when_on",
    "when_time",
    "how_known",
    "further_information",
    "anyone_in_danger",
    "crime_described",
)


def _form_data(data: dict[str, Any]) -> dict[str, Any]:
    """Answers as the form's data: a date as its day, month and year; a time read already
    (a dt.time, or the API's ISO text) as a time."""
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name == "when_on":
            if isinstance(value, str) and value:
                try:
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    out["when_on_day"] = value
                    continue
            if isinstance(value, dt.date):
                out["when_on_day"], out["when_on_month"] = str(value.day), str(value.month)
                out["when_on_year"] = str(value.year)
        elif name == "when_time" and isinstance(value, str) and len(value) > 5:
            try:
                out[name] = dt.time.fromisoformat(value)
            except ValueError:
                out[name] = value
        elif name in ("anyone_in_danger", "crime_described"):
            out[name] = str(value or "").strip().lower()
        else:
            out[name] = "" if value is None else value
    return out


def missing_to_submit(submission: Any) -> Errors:
    """The stored draft's answers checked as on submit: field errors for what the entry
    cannot be sent without (empty if it may be sent)."""
    _, errors = validate(
        {name: getattr(submission, name) for name in ENTRY_FIELDS},
        complete=True,
        has_subject=submission.subject_id is not None,
    )
    return errors


def validate(
    data: dict[str, Any], *, complete: bool = False, has_subject: bool = False
) -> tuple[dict[str, Any], Errors]:
    """(clean answers, field errors) for the entry's answers in `data` (only those given
    are checked; `complete` asks for all an entry needs). Times are dt.time or None."""
    given = tuple(name for name in ENTRY_FIELDS if name in data or complete)
    form = DraftForm(
        _form_data({k: data.get(k) for k in given}),
        only=given,
        complete=complete,
        has_subject=has_subject,
    )
    form.is_valid()
    clean = dict(form.cleaned_data)
    if "when_time" in clean:
        raw = clean["when_time"]
        clean["when_time"] = (
            dt.time.fromisoformat(raw) if isinstance(raw, str) and raw else (raw or None)
        )
    return clean, {name: [str(m) for m in messages] for name, messages in form.errors.items()}
