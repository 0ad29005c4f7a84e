"""The intelligence check page's rows: every answer the draft will submit (the two
questions, the entry, the source and its details, the structured details and "Anything
else"), each with a Change link to the page that asks it. The source's details are shown
to the submitter who typed them; the FIB alone sees them once sent."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from cairn.core.check_answers import Section
from cairn.core.wording import long_date

from .models import Submission

NOT_GIVEN = "Not given"
MENTION_NOUNS = {
    "person": "Person",
    "vehicle": "Vehicle",
    "phone": "Phone",
    "online_account": "Online account",
    "location": "Place",
}


def check_sections(submission: Submission) -> list[Section]:
    questions_url = reverse("intelligence:questions", args=[submission.pk])
    edit_url = reverse("intelligence:edit", args=[submission.pk])

    def at(field: str) -> str:
        return f"{edit_url}#id_{field}"

    start = Section("questions", "Before you start")
    start.add(
        "anyone_in_danger",
        "Anyone in danger right now?",
        submission.get_anyone_in_danger_display() or "Not answered",
        questions_url,
        "whether anyone is in danger",
    )
    start.add(
        "crime_described",
        "Anyone described a possible crime?",
        submission.get_crime_described_display() or "Not answered",
        questions_url,
        "whether anyone described a possible crime",
    )

    entry = Section("entry", "Your entry")
    about = [submission.subject.full_name] if submission.subject else []
    if submission.subject_description:
        about.append(submission.subject_description)
    entry.add("subject", "About", "\n".join(about) or NOT_GIVEN, at("subject_description"), "who")
    entry.add("what", "What", submission.what or NOT_GIVEN, at("what"), "what")
    entry.add("where", "Where", submission.where or NOT_GIVEN, at("where"), "where")
    when = long_date(submission.when_on) if submission.when_on else NOT_GIVEN
    if submission.when_time:
        when += f" at {submission.when_time:%H:%M}"
    entry.add("when", "When", when, f"{edit_url}#id_when_on_0", "when")

    source = Section("source", "The source")
    details = submission.draft_source or {}
    source.add(
        "how_known",
        "How the source knows",
        submission.get_how_known_display() or NOT_GIVEN,
        f"{edit_url}#id_how_known_0",
        "how the source knows",
    )
    source.add(
        "source_is_submitter",
        "Are you the source?",
        "Yes, I am the source" if details.get("source_is_submitter") else "No",
        at("source_is_submitter"),
        "whether you are the source",
    )
    source.add(
        "name",
        "Source's name",
        str(details.get("name") or "") or NOT_GIVEN,
        at("source_name"),
        "source's name",
    )
    source.add(
        "contact",
        "Source's contact",
        str(details.get("contact") or "") or NOT_GIVEN,
        at("source_contact"),
        "source's contact",
    )
    source.add(
        "relationship",
        "Source's relationship to the subject",
        str(details.get("relationship") or "") or NOT_GIVEN,
        at("source_relationship"),
        "source's relationship to the subject",
    )

    mentions = Section("mentions", "People, vehicles, phones, accounts and places")
    for n, m in enumerate(submission.mentions or []):
        html = render_to_string("concerns/_mention.html", {"m": m}).strip()
        mentions.add(
            str(n),
            MENTION_NOUNS.get(str(m.get("kind")), "Detail"),
            "",
            edit_url,
            f"{MENTION_NOUNS.get(str(m.get('kind')), 'detail').lower()} {n + 1}",
            html=mark_safe(html),  # noqa: S308 - rendered by an autoescaping template
        )
    if not mentions.rows:
        mentions.add("none", "Added", "None", edit_url, "people, vehicles, phones and places")

    more = Section("more", "Anything else")
    more.add(
        "further_information",
        "Anything else",
        submission.further_information or NOT_GIVEN,
        at("further_information"),
        "anything else",
    )
    return [start, entry, source, mentions, more]
