"""Forms for the FIB submission and the bureau's workflow pages. Structured details
(people, vehicles, phones, accounts, places) use the POLE mention forms (cairn.pole.mentions);
the entry's own answers are validated by one form (draft.py), whose steps are re-exported."""

from __future__ import annotations

from typing import Any

from django import forms

from cairn.accounts.models import Agency
from cairn.core.forms import GovukDateField, GovukForm
from cairn.core.text import MAX_ID
from cairn.pole.models import SecurityMarking
from cairn.sharing.forms import basis_fields

from . import linking
from .checks import NO_DANGER_LABEL
from .draft import QuestionsForm as QuestionsForm
from .draft import SubmissionForm as SubmissionForm
from .models import DangerState, Handling, IntelGrade, Priority, RecipientKind, SourceGrade
from .search import SORTS
from .services import LinkAnswer


class SubmitForm(GovukForm):
    crime_reference = forms.CharField(
        label="Crime reference it was reported under",
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"width": 20}),
    )
    intel_only_reason = forms.CharField(
        label="Or, if this is not a crime, say why it is intelligence only",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In a sentence or two. The FIB reads your reason and decides: if it judges "
        "this a crime, it refers it for crime recording or returns it to you.",
    )
    # Shown only when the check reads the entry as danger now.
    no_danger_now = forms.BooleanField(
        label=NO_DANGER_LABEL,
        required=False,
        help_text="If anyone is, call 999 now and give the reference above instead.",
    )


class TriageForm(GovukForm):
    priority = forms.ChoiceField(
        label="Priority", choices=Priority.choices, widget=forms.RadioSelect(attrs={"small": True})
    )
    note = forms.CharField(
        label="Triage note (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    close = forms.BooleanField(label="Close with no further action", required=False)


class EvaluateForm(GovukForm):
    source_grade = forms.ChoiceField(
        label="Source evaluation",
        choices=SourceGrade.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    intel_grade = forms.ChoiceField(
        label="Intelligence assessment",
        choices=IntelGrade.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    handling = forms.ChoiceField(
        label="Handling code", choices=Handling.choices, widget=forms.RadioSelect, required=False
    )
    conditions = forms.CharField(
        label="Conditions for sharing (required for handling code C)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    marking = forms.ChoiceField(
        label="Security marking",
        choices=SecurityMarking.choices,
        widget=forms.RadioSelect(attrs={"small": True}),
        initial=SecurityMarking.OFFICIAL_SENSITIVE,
    )
    legacy_grade = forms.CharField(
        label="Legacy 5x5x5 grade (optional)",
        max_length=8,
        required=False,
        help_text="For example B24. Any grade left blank above is filled from its mapping.",
        widget=forms.TextInput(attrs={"width": 5}),
    )


class SanitiseForm(GovukForm):
    text = forms.CharField(
        label="Sanitised text",
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=10_000,
        help_text="Remove anything that could identify the source: names, contact details, "
        "relationships, and details only the source could know. Only this text is ever "
        "disseminated.",
        error_messages={"required": "Enter the sanitised text"},
    )


class DisseminateForm(GovukForm):
    recipient_kind = forms.ChoiceField(
        label="Who should receive it?", choices=RecipientKind.choices, widget=forms.RadioSelect
    )
    agency = forms.ModelChoiceField(
        label="Partner agency (if a partner agency)",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Choose an agency",
    )
    reason = forms.CharField(
        label="Why do they need to know?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why this is being shared (need to know)"},
    )
    conditions_met = forms.BooleanField(
        label="The handling conditions are met for this recipient", required=False
    )

    def __init__(
        self, *args: Any, agencies: Any, sender: Agency | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        # Outside the police (a partner agency, the Hub): the basis relied on.
        self.fields.update(basis_fields([sender] if sender else []))


class SearchForm(GovukForm):
    q = forms.CharField(
        label="Search sanitised intelligence",
        max_length=200,
        required=False,
        help_text=(
            "Registrations, phone numbers and postcodes match however they are typed: "
            "NM19 KXT or nm19kxt, 07700 900123 or +44 7700 900123, NM1 1AA or nm11aa."
        ),
    )
    date_from = GovukDateField(label="Seen or heard from", required=False)
    date_to = GovukDateField(label="Seen or heard to", required=False)
    source_grade = forms.ChoiceField(
        label="Source evaluation", choices=[("", "Any"), *SourceGrade.choices], required=False
    )
    intel_grade = forms.ChoiceField(
        label="Intelligence assessment", choices=[("", "Any"), *IntelGrade.choices], required=False
    )
    area = forms.CharField(
        label="Area or place",
        max_length=100,
        required=False,
        help_text=(
            "Searches the sanitised text of entries shared with you. A postcode matches with "
            "or without its space."
        ),
    )
    sort = forms.ChoiceField(
        label="Order",
        choices=SORTS,
        required=False,
        widget=forms.RadioSelect,
        help_text="Best match first needs some words to search for.",
    )
    entity = forms.IntegerField(
        label="POLE record number (optional)",
        required=False,
        min_value=1,
        max_value=MAX_ID,
        error_messages={"max_value": "Enter a POLE record number, like 1234"},
        widget=forms.TextInput(attrs={"width": 10, "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, fib: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not fib:
            # Only the FIB holds the original date seen; others filter by date submitted.
            self.fields["date_from"].label = "Submitted from"
            self.fields["date_to"].label = "Submitted to"


class CrimeDecision:
    ACCEPT = "accept"
    REFER = "refer"
    RETURN_CRIME = "return_crime"
    RETURN = "return"
    CHOICES = [
        (ACCEPT, "Intelligence only: accept the submitter's reason"),
        (REFER, "A crime: refer it for crime recording (the PPU / CSE co-ordinators)"),
        (RETURN_CRIME, "A crime: return it to the submitter to report it and add the reference"),
        (RETURN, "Return it to the submitter to correct or add detail"),
    ]


class CrimeDecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="What should happen to this entry?",
        choices=CrimeDecision.CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what should happen to this entry"},
    )
    note = forms.CharField(
        label="Note",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required to refer or return it. A referral note goes to the crime recorder; "
        "a return note goes to the submitter.",
    )

    def __init__(self, *args: Any, has_reason: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not has_reason:
            # Nothing to accept: the submitter gave a crime reference, or the entry was
            # not flagged (outside tester 9).
            field = self.fields["decision"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [c for c in CrimeDecision.CHOICES if c[0] != CrimeDecision.ACCEPT]


class DangerActionForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What did you do?",
        choices=[
            (DangerState.PASSED, "Passed it on for an immediate police response"),
            (DangerState.NOT_DANGER, "Nobody is in danger now: no immediate response needed"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you did"},
    )
    note = forms.CharField(
        label="Say what you did, when, and the log number, or why nobody is in danger now",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example \u201cPassed to the control room at 14:02, log 123\u201d, or "
        "\u201cSpoke to the submitter at 14:05: the messages are from last year\u201d.",
        error_messages={"required": "Say what you did, or why nobody is in danger now"},
    )


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why are you withdrawing it? (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CrimeRecordForm(GovukForm):
    crime_reference = forms.CharField(
        label="Crime reference number",
        max_length=60,
        help_text="As the crime recording system gave it, for example 43/12345/26.",
        widget=forms.TextInput(attrs={"width": 20}),
        error_messages={"required": "Enter the crime reference"},
    )


class CrimeReturnForm(GovukForm):
    note = forms.CharField(
        label="Why are you returning it to the FIB?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why you are returning it to the FIB"},
    )


class LinkStepForm(GovukForm):
    """The FIB's linking step, one form for every detail not yet linked: which record it
    is, whose it is and how it is linked to them. Every field is optional here: the
    service checks all the answers at once and its errors are shown against the fields,
    with what was chosen kept."""

    def __init__(self, *args: Any, rows: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = [row for row in rows if row.linked is None]
        invalid = {"invalid_choice": "Choose one of the options"}
        for row in self.rows:
            i = row.index
            record = forms.ChoiceField(
                label="Which record is it?",
                choices=[
                    *[(str(c.entity_id), c.label) for c in row.candidates],
                    (linking.NEW, "Create a new police-only record"),
                    (linking.SKIP, "Leave it for now"),
                ],
                widget=forms.RadioSelect,
                required=False,
                error_messages=invalid,
            )
            record.option_hints = {str(c.entity_id): c.hint for c in row.candidates}  # type: ignore[attr-defined]
            self.fields[f"record_{i}"] = record
            self.fields[f"owner_{i}"] = forms.ChoiceField(
                label=row.question,
                choices=[(o.value, o.label) for o in row.owners],
                widget=forms.RadioSelect,
                required=False,
                error_messages=invalid,
            )
            self.fields[f"type_{i}"] = forms.ChoiceField(
                label="How are they linked?",
                help_text=(
                    "Read it as: this person, the link, then the person chosen"
                    if row.kind == "person"
                    else f"Read it as: the person, the link, then this {linking.NOUN[row.kind]}"
                ),
                choices=[(t.value, t.label) for t in row.link_types],
                initial=row.link_types[0].value if row.link_types else "",
                required=False,
                error_messages=invalid,
            )

    def sections(self) -> list[tuple[Any, list[Any]]]:
        """Each detail with its three bound fields, in the entry's order."""
        return [
            (row, [self[f"{part}_{row.index}"] for part in ("record", "owner", "type")])
            for row in self.rows
        ]

    def answers(self) -> list[LinkAnswer]:
        d = self.cleaned_data
        return [
            LinkAnswer(
                mention_index=row.index,
                record=d.get(f"record_{row.index}") or "",
                belongs_to=d.get(f"owner_{row.index}") or "",
                link_type=d.get(f"type_{row.index}") or "",
            )
            for row in self.rows
        ]

    @staticmethod
    def service_field(key: str) -> str:
        """The field of this form for a service error's key ("items.2.belongs_to" is
        "owner_2"); "" (the top of the form) for any other key."""
        fields = {"record": "record", "belongs_to": "owner", "link_type": "type"}
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "items" and parts[2] in fields:
            return f"{fields[parts[2]]}_{parts[1]}"
        return ""


class StartSubjectForm(GovukForm):
    """Starting an entry from a concern: who it is about, the child or a person the
    concern names (one subject per entry)."""

    subject_id = forms.ChoiceField(
        label="Who is this entry about?",
        help_text="One subject per entry. Start another entry for anyone else.",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who this entry is about",
            "invalid_choice": "Select who this entry is about",
        },
    )

    def __init__(self, *args: Any, people: list[Any], child_id: int | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = []
        for person in people:
            born = f", born {person.date_of_birth:%-d %B %Y}" if person.date_of_birth else ""
            role = "the child in the concern" if person.pk == child_id else "named in the concern"
            choices.append((str(person.pk), f"{person.full_name} ({role}{born})"))
        self.fields["subject_id"].choices = choices  # type: ignore[attr-defined]
