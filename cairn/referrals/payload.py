"""The answers each kind of referral holds (Referral.details), as GOV.UK forms. One form
per kind validates the web page, the API body and the stored draft alike: `validate`
binds a details dict to the kind's form, so there is one set of rules and messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import QueryDict

from cairn.accounts.models import Agency
from cairn.concerns.selectors import active_indicators
from cairn.core.forms import GovukDateField, GovukForm
from cairn.pole.models import Ethnicity, Sex
from cairn.sharing.forms import (
    BASIS_HELP,
    BASIS_LABEL,
    exceptional_basis_field,
    exceptional_reason_field,
    sharing_basis_choices,
)

from .models import ReferralKind

YES_NO = [("yes", "Yes"), ("no", "No")]
CONSENT = [
    ("yes", "Yes, they consent"),
    ("no", "No, they do not consent"),
    ("not_asked", "They were not asked"),
]
NRM_TYPES = [
    ("sexual", "Sexual exploitation"),
    ("criminal", "Criminal exploitation"),
    ("labour", "Labour exploitation"),
    ("domestic_servitude", "Domestic servitude"),
    ("other", "Other"),
]
Errors = dict[str, list[str]]


def _required_message(label: str, message: str) -> str:
    """'Enter your name' from a noun label; a question label needs its own message, since
    'Enter where is the child now' is not English."""
    if message:
        return message
    if label.endswith("?"):
        raise ValueError(f"Write the required-answer message for the question {label!r}")
    return f"Enter {label[0].lower()}{label[1:]}"


def _text(
    label: str,
    *,
    required: bool = True,
    rows: int = 4,
    help_text: str = "",
    message: str = "",
) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        error_messages={"required": _required_message(label, message) if required else ""},
    )


def _line(
    label: str,
    *,
    required: bool = True,
    width: int | None = None,
    help_text: str = "",
    message: str = "",
) -> Any:
    attrs = {"width": width} if width else {}
    return forms.CharField(
        label=label,
        required=required,
        max_length=300,
        widget=forms.TextInput(attrs=attrs),
        help_text=help_text,
        error_messages={"required": _required_message(label, message) if required else ""},
    )


def _yes_no(label: str, message: str, help_text: str = "") -> Any:
    return forms.ChoiceField(
        label=label,
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"inline": True, "small": True}),
        help_text=help_text,
        error_messages={"required": message},
    )


class DetailsForm(GovukForm):
    """Base: `recipient_agency` is offered when the kind is sent to an agency in Cairn;
    so is the basis it relies on (`sharing_basis`, when the form is shown to a sender)."""

    kind: str = ""

    def __init__(
        self,
        *args: Any,
        recipients: list[tuple[int, str]] | None = None,
        sender: Agency | None = None,
        **kw: Any,
    ):
        super().__init__(*args, **kw)
        if "recipient_agency" in self.fields:
            self.fields["recipient_agency"].choices = [  # type: ignore[attr-defined]
                (str(pk), name) for pk, name in (recipients or [])
            ]
        if "sharing_basis" in self.fields:
            # Asked last, once the recipient is chosen.
            basis = list(BasisDetails.base_fields)
            self.order_fields([n for n in self.fields if n not in basis] + basis)
        if "sharing_basis" in self.fields and sender is not None:
            # The offered agreements are the sender's; the service checks the one chosen
            # covers the recipient too (and takes the only one there is when left blank).
            choices = sharing_basis_choices([sender])
            self.fields["sharing_basis"].widget.choices = choices
            if len(choices) == 2 and not self.is_bound and not self.initial.get("sharing_basis"):
                self.initial["sharing_basis"] = choices[0][0]


class BasisDetails(forms.Form):
    """The basis fields kept in a referral's details. Stored as the text chosen: the
    options are each sender's, so the service (cairn.sharing) validates the value."""

    sharing_basis = forms.CharField(
        label=BASIS_LABEL,
        help_text=BASIS_HELP,
        required=False,
        max_length=40,
        widget=forms.RadioSelect(),
    )
    exceptional_basis = exceptional_basis_field()
    exceptional_reason = exceptional_reason_field()


class MashForm(DetailsForm, BasisDetails):
    kind = ReferralKind.MASH
    recipient_agency = forms.ChoiceField(
        label="Send to",
        error_messages={"required": "Choose the MASH to send this referral to"},
    )
    concern_summary = _text("What is the concern?", rows=6, message="Enter what the concern is")
    how_arose = _text(
        "How did the concern arise?",
        help_text="What you saw or were told, when and by whom.",
        message="Enter how the concern arose",
    )
    child_address = _line("Where does the child live?", required=False)
    household = _text("Who lives in the child's household?", required=False, rows=3)
    parental_responsibility = _text(
        "People with parental responsibility",
        rows=3,
        help_text="Name, relationship to the child and contact details for each.",
    )
    ethnicity = forms.ChoiceField(
        label="Child's ethnicity", choices=Ethnicity.choices, initial=Ethnicity.NOT_KNOWN
    )
    language = _line("Child's first language", width=20)
    interpreter_needed = _yes_no(
        "Does the child need an interpreter?", "Say whether the child needs an interpreter"
    )
    sen_disability = _text(
        "Special educational needs or disability",
        required=False,
        rows=2,
        help_text="Leave blank if none are known.",
    )
    professionals = _text(
        "Professionals involved", required=False, rows=3, help_text="Name, role and agency."
    )
    child_views = _text(
        "The child's views", help_text="What the child has said, in their words if you can."
    )
    parents_aware = _yes_no(
        "Do the parents or carers know about this referral?",
        "Say whether the parents or carers know about this referral",
    )
    parents_consent = forms.ChoiceField(
        label="Have the parents or carers consented?",
        choices=CONSENT,
        widget=forms.RadioSelect(attrs={"small": True}),
        error_messages={"required": "Say whether the parents or carers have consented"},
        help_text="You do not need consent if asking would put the child at risk.",
    )
    consent_reason = _text(
        "Why not?",
        required=False,
        rows=2,
        help_text="If they did not consent or were not asked, say why.",
    )
    first_hand = _yes_no(
        "Is this information first-hand?", "Say whether the information is first-hand"
    )
    information_source = _text("If not first-hand, where did it come from?", required=False, rows=2)
    child_location = _line("Where is the child now?", message="Enter where the child is now")
    referrer_name = _line("Your name")
    referrer_role = _line("Your job or role")
    referrer_agency = _line("Your agency")
    referrer_phone = _line("Your phone number", required=False, width=20)
    referrer_email = forms.EmailField(label="Your email address", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("parents_consent") in ("no", "not_asked") and not data.get("consent_reason"):
            self.add_error(
                "consent_reason", "Say why the parents or carers did not consent or were not asked"
            )
        if data.get("first_hand") == "no" and not data.get("information_source"):
            self.add_error("information_source", "Say where the information came from")
        if "referrer_phone" in data and not (
            data.get("referrer_phone") or data.get("referrer_email")
        ):
            self.add_error("referrer_phone", "Give a phone number or email address")
        return data


class NrmForm(DetailsForm):
    """For a child no consent is needed, and safeguarding comes first, so it is asked first."""

    kind = ReferralKind.NRM
    child_safeguarded = _yes_no(
        "Has the child been safeguarded?",
        "Say whether the child has been safeguarded",
        help_text="The child must be safe before you make an NRM referral. "
        "For a child, no consent is needed.",
    )
    full_name = _line("Full name")
    aliases = _line("Other names or aliases", required=False)
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, help_text="For example, 27 3 2011"
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        initial=Sex.UNKNOWN,
        widget=forms.RadioSelect(attrs={"inline": True, "small": True}),
    )
    nationality = _line("Nationality", width=20, help_text="Write 'Not known' if you do not know.")
    languages = _line("Languages spoken", required=False)
    interpreter_needed = _yes_no(
        "Does the child need an interpreter?", "Say whether the child needs an interpreter"
    )
    exploitation_types = forms.MultipleChoiceField(
        label="Types of exploitation",
        choices=NRM_TYPES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Select at least one type of exploitation"},
    )
    exploitation_other = _line("If other, describe it", required=False)
    indicators = forms.MultipleChoiceField(
        label="Indicators",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Signs recorded for this child are already selected.",
    )
    account = _text("The account of exploitation", rows=8)
    fr_name = _line("First responder's name")
    fr_role = _line("First responder's job or role")
    fr_organisation = _line("First responder organisation")
    fr_phone = _line("First responder's phone number", required=False, width=20)
    fr_email = forms.EmailField(label="First responder's email address", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        self.fields["indicators"].choices = [  # type: ignore[attr-defined]
            (i.code, i.label) for i in active_indicators()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("child_safeguarded") == "no":
            self.add_error(
                "child_safeguarded",
                "Make sure the child is safe first: call 999 if they are in immediate danger "
                "and make a MASH referral, then come back to the NRM referral",
            )
        if "other" in (data.get("exploitation_types") or []) and not data.get("exploitation_other"):
            self.add_error("exploitation_other", "Describe the other type of exploitation")
        if "fr_phone" in data and not (data.get("fr_phone") or data.get("fr_email")):
            self.add_error("fr_phone", "Give a phone number or email address")
        return data


class PpuForm(DetailsForm, BasisDetails):
    kind = ReferralKind.PPU
    recipient_agency = forms.ChoiceField(
        label="Send to",
        error_messages={"required": "Choose the police force to notify"},
    )
    summary = _text(
        "What should the PPU / CSE co-ordinator know?",
        rows=6,
        message="Enter what the PPU / CSE co-ordinator should know",
        help_text="The concern, who is involved and what you need from the police.",
    )
    police_reference = _line("Police or crime reference (if any)", required=False, width=20)
    action_taken = _text("What has been done already?", required=False, rows=3)


FORMS: dict[str, type[DetailsForm]] = {
    ReferralKind.MASH: MashForm,
    ReferralKind.NRM: NrmForm,
    ReferralKind.PPU: PpuForm,
}


def to_details(cleaned: dict[str, Any]) -> dict[str, Any]:
    """Cleaned form values as JSON (dates as ISO strings)."""
    out: dict[str, Any] = {}
    for name, value in cleaned.items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        out[name] = value
    return out


def draft_details(form: DetailsForm) -> dict[str, Any]:
    """Every answer on a submitted form, valid or not, as JSON for the draft: the cleaned
    value where the field is valid, otherwise exactly what was typed (a cleared field is
    stored empty, so a draft never keeps an answer the user removed). A date that is not
    yet a real date is kept as its [day, month, year] parts."""
    out: dict[str, Any] = {}
    for name, field in form.fields.items():
        if name in form.cleaned_data:
            value = form.cleaned_data[name]
        else:
            raw = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
            if isinstance(field, GovukDateField):
                parts = [str(p or "").strip() for p in (raw or ["", "", ""])]
                value = parts if any(parts) else None
            elif isinstance(raw, list | tuple):
                value = [str(v) for v in raw]
            else:
                value = "" if raw is None else str(raw)
        if isinstance(value, dt.date):
            value = value.isoformat()
        out[name] = value
    return out


def _date_parts(value: Any) -> list[str] | None:
    """A stored draft date that is not yet a real date: its typed [day, month, year]."""
    if isinstance(value, list) and len(value) == 3:
        return [str(v) for v in value]
    return None


def as_form_data(form_class: type[DetailsForm], details: dict[str, Any]) -> QueryDict:
    """A stored details dict as the POST data the kind's form expects."""
    data = QueryDict(mutable=True)
    for name, field in form_class.base_fields.items():
        value = details.get(name)
        if value in (None, "", []):
            continue
        if isinstance(field, GovukDateField):
            parts = _date_parts(value)
            if parts is not None:
                data[f"{name}_day"], data[f"{name}_month"], data[f"{name}_year"] = parts
                continue
            try:
                day = dt.date.fromisoformat(str(value))
            except ValueError:
                data[f"{name}_day"] = str(value)
                continue
            data[f"{name}_day"], data[f"{name}_month"] = str(day.day), str(day.month)
            data[f"{name}_year"] = str(day.year)
        elif isinstance(value, list):
            data.setlist(name, [str(v) for v in value])
        else:
            data[name] = str(value)
    return data


def initial_from(details: dict[str, Any], form_class: type[DetailsForm]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for name, field in form_class.base_fields.items():
        value = details.get(name)
        if value in (None, ""):
            continue
        if isinstance(field, GovukDateField):
            parts = _date_parts(value)
            if parts is not None:
                initial[name] = parts  # the widget shows the parts as typed
                continue
            try:
                value = dt.date.fromisoformat(str(value))
            except ValueError:
                continue
        initial[name] = value
    return initial


def validate(
    kind: str, details: dict[str, Any], *, recipients: list[tuple[int, str]] | None = None
) -> tuple[dict[str, Any], Errors]:
    """(clean details, field errors) for a stored or submitted details dict."""
    form_class = FORMS[kind]
    form = form_class(as_form_data(form_class, details), recipients=recipients)
    if form.is_valid():
        return to_details(form.cleaned_data), {}
    return to_details(form.cleaned_data), {k: [str(m) for m in v] for k, v in form.errors.items()}
