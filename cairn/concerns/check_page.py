"""The concern check page's rows: every answer the draft will submit (the child, what
happened, each sign with its date and evidence, each detail named, the two questions and
the crime reference), each with a Change link to its step."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from cairn.core.check_answers import Section
from cairn.core.wording import long_date

from .models import BoyfriendStage, Concern, ExploitationModel, ExploitationType, Indicator

NOT_GIVEN = "Not given"
MENTION_NOUNS = {
    "person": "Person",
    "vehicle": "Vehicle",
    "phone": "Phone",
    "online_account": "Online account",
    "location": "Place",
}


def _yes_no(value: Any) -> str:
    return {"yes": "Yes", "no": "No"}.get(str(value or ""), "Not answered")


def check_sections(concern: Concern, indicators: dict[str, Indicator]) -> list[Section]:
    """`indicators`: the catalogue entries of the signs in the draft, by code."""
    draft = concern.draft or {}

    def url(step: str, back: bool = True) -> str:
        return reverse("concerns:step", args=[concern.pk, step]) + ("?return=check" if back else "")

    child = Section("child", "The child")
    who = NOT_GIVEN if concern.child is None else concern.child.full_name
    if concern.child is not None and concern.child.date_of_birth:
        who += f", born {long_date(concern.child.date_of_birth)}"
    child.add("child", "Child", who if concern.child else "Not chosen", url("child"), "child")

    details = url("details")
    what = Section("details", "What happened")
    what.add(
        "reporter_role", "Your role", draft.get("reporter_role") or NOT_GIVEN, details, "your role"
    )
    when = long_date(draft.get("observed_on")) or NOT_GIVEN
    if draft.get("observed_time"):
        when += f" at {draft['observed_time']}"
    what.add("observed", "When", when, details, "when")
    what.add("observed_where", "Where", draft.get("observed_where") or NOT_GIVEN, details, "where")
    what.add(
        "narrative",
        "What you saw or were told",
        draft.get("narrative") or NOT_GIVEN,
        details,
        "description",
    )
    types = dict(ExploitationType.choices)
    what.add(
        "exploitation_types",
        "Exploitation types",
        "\n".join(types.get(t, str(t)) for t in draft.get("exploitation_types") or [])
        or "Not known",
        details,
        "exploitation types",
    )
    model_code = draft.get("exploitation_model") or ""
    model = dict(ExploitationModel.choices).get(model_code, "") if model_code else ""
    model = model or "Not known"
    stage = draft.get("boyfriend_stage")
    if stage and model_code == ExploitationModel.BOYFRIEND:
        model += "\nStage " + dict(BoyfriendStage.choices).get(int(stage), str(stage))
    what.add("exploitation_model", "Model", model, details, "model")

    signs = Section("signs", "Signs")
    for item in draft.get("indicators") or []:
        code = str(item.get("code", ""))
        ind = indicators.get(code)
        seen = f"Seen {long_date(item.get('observed_on'))}"
        if item.get("evidence"):
            seen += f"\n{item['evidence']}"
        signs.add(code, ind.label if ind else code, seen, url("indicators"), "signs")
    if not signs.rows:
        signs.add("none", "Signs", "None selected", url("indicators"), "signs")

    named = Section("mentions", "People, vehicles, phones, accounts and places")
    for n, m in enumerate(draft.get("mentions") or []):
        html = render_to_string("concerns/_mention.html", {"m": m}).strip()
        noun = MENTION_NOUNS.get(str(m.get("kind")), "Detail")
        named.add(
            str(n),
            noun,
            "",
            url("mentions", back=False),
            f"{noun.lower()} {n + 1}",
            html=mark_safe(html),  # noqa: S308 - rendered by an autoescaping template
        )
    if not named.rows:
        named.add("none", "Mentioned", "None", url("mentions", back=False), "mentions")

    questions = url("questions")
    asked = Section("questions", "Immediate danger and crimes")
    asked.add(
        "immediate_danger",
        "In immediate danger",
        _yes_no(draft.get("immediate_danger")),
        questions,
        "immediate danger",
    )
    asked.add(
        "crime_disclosed",
        "Crime disclosed",
        _yes_no(draft.get("crime_disclosed")),
        questions,
        "crime disclosed",
    )
    asked.add(
        "crime_reference",
        "Crime reference",
        draft.get("crime_reference") or NOT_GIVEN,
        questions,
        "crime reference",
    )
    return [child, what, signs, named, asked]
