"""Crime route pages: the reason kept and refused on the check page, the FIB's decision
page (with confirmation before a referral), closure confirmation, the submitter's
returned entry (edit and resubmit, or withdraw), the crime recording queue and referral
page, the queue's columns, the concern and chronology; allowed and denied users."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cairn.audit.models import AuditEvent
from cairn.concerns.models import Concern
from cairn.intelligence import services
from cairn.intelligence.models import CrimeReferral, CrimeReferralStatus, Status, Submission

from .conftest import CRIME, REASON, start_crime

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def test_check_page_refuses_n_a_and_keeps_what_was_typed(partner: Any) -> None:
    draft = start_crime(partner)
    client = client_for(partner)
    response = client.post(f"/intelligence/{draft.pk}/check/", {"intel_only_reason": "n/a"})
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page and "is not enough" in page
    assert 'href="#id_intel_only_reason"' in page
    assert ">n/a</textarea>" in page
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    response = client.post(f"/intelligence/{draft.pk}/check/", {"crime_reference": "none"})
    assert "Enter the crime reference as the police gave it" in text(response)
    response = client.post(f"/intelligence/{draft.pk}/check/", {"intel_only_reason": REASON})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.NEW


def test_decision_page_allowed_for_fib_only(
    flagged: Submission, partner: Any, users: dict[str, Any]
) -> None:
    path = f"/intelligence/{flagged.pk}/crime/"
    page = client_for(users["fib_officer"]).get(path)
    assert page.status_code == 200
    assert REASON in text(page) and "Crime check decision" in text(page)
    assert AuditEvent.objects.filter(
        event="intel.viewed", object_id=str(flagged.pk), actor=users["fib_officer"]
    ).exists()
    for user in (partner, users["ppu_coordinator"], users["analyst"], users["social_worker"]):
        assert client_for(user).get(path).status_code == 404
        assert (
            client_for(user).post(path, {"decision": "refer", "note": "x" * 20}).status_code == 404
        )
    assert client_for(users["fib_officer"]).get("/intelligence/999999/crime/").status_code == 404


def test_referral_needs_a_note_and_a_confirmation(
    flagged: Submission, users: dict[str, Any]
) -> None:
    client = client_for(users["fib_officer"])
    path = f"/intelligence/{flagged.pk}/crime/"
    for bad in ({}, {"decision": "nonsense"}, {"decision": "refer", "note": ""}):
        response = client.post(path, bad)
        assert response.status_code == 200 and "There is a problem" in text(response)
    note = "A teacher was told of an assault on the child."
    response = client.post(path, {"decision": "refer", "note": note})
    assert response.status_code == 200
    assert "Refer this entry for crime recording?" in text(response)
    assert not CrimeReferral.objects.exists()
    response = client.post(path, {"decision": "refer", "note": note, "confirmed": "1"})
    assert response.status_code == 302
    referral = CrimeReferral.objects.get()
    assert referral.note == note
    detail = text(client.get(f"/intelligence/{flagged.pk}/"))
    assert "Referred for crime recording" in detail and referral.reference in detail
    # Acting again on an entry already referred: a clear message, not a 500.
    response = client.get(path)
    assert response.status_code == 200
    response = client.post(path, {"decision": "return", "note": "Please add more detail."})
    assert response.status_code == 200 and "Someone else has changed this entry" in text(response)


def test_closing_asks_for_confirmation(flagged: Submission, users: dict[str, Any]) -> None:
    client = client_for(users["fib_officer"])
    path = f"/intelligence/{flagged.pk}/triage/"
    data = {"priority": "routine", "note": "Nothing to act on.", "close": "on"}
    response = client.post(path, data)
    assert response.status_code == 200 and "Close this entry with no further action?" in text(
        response
    )
    flagged.refresh_from_db()
    assert flagged.status == Status.NEW
    assert client.post(path, {**data, "confirmed": "1"}).status_code == 302
    flagged.refresh_from_db()
    assert flagged.status == Status.CLOSED


def test_submitter_sees_the_note_and_can_resubmit_or_withdraw(
    flagged: Submission, partner: Any, users: dict[str, Any]
) -> None:
    note = "This is an assault: report it on 101 and add the reference."
    services.submission_return(
        actor=users["fib_officer"], submission=flagged, note=note, is_crime=True
    )
    client = client_for(partner)
    page = text(client.get(f"/intelligence/{flagged.pk}/"))
    assert note in page and "Edit and resubmit" in page and "Withdraw it" in page
    assert "Returned to you" in text(client.get("/intelligence/"))
    # Nobody else may reopen or withdraw it.
    for user in (users["fib_officer"], users["social_worker"], users["ppu_coordinator"]):
        assert client_for(user).post(f"/intelligence/{flagged.pk}/reopen/").status_code == 404
        assert client_for(user).get(f"/intelligence/{flagged.pk}/withdraw/").status_code == 404
    confirm = client.get(f"/intelligence/{flagged.pk}/withdraw/")
    assert "Are you sure you want to withdraw this entry?" in text(confirm)
    response = client.post(f"/intelligence/{flagged.pk}/reopen/")
    assert response.url == f"/intelligence/{flagged.pk}/edit/"
    assert note in text(client.get(response.url))
    flagged.refresh_from_db()
    assert flagged.status == Status.DRAFT
    # Once reopened, it is no longer "returned": withdrawing it is a 404.
    assert client.post(f"/intelligence/{flagged.pk}/withdraw/").status_code == 404


def test_withdraw_through_the_page(
    flagged: Submission, partner: Any, users: dict[str, Any]
) -> None:
    services.submission_return(
        actor=users["fib_officer"], submission=flagged, note="Please add more detail."
    )
    client = client_for(partner)
    response = client.post(f"/intelligence/{flagged.pk}/withdraw/", {"reason": "Reported."})
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.status == Status.WITHDRAWN
    assert "Withdrawn" in text(client.get(f"/intelligence/{flagged.pk}/"))


def test_crime_queue_and_referral_page(
    flagged: Submission,
    partner: Any,
    concern: Concern,
    child: Any,
    users: dict[str, Any],
) -> None:
    fib, ppu = users["fib_officer"], users["ppu_coordinator"]
    referral = services.submission_refer_crime(
        actor=fib, submission=flagged, note="Assault disclosed to a teacher."
    )
    client = client_for(ppu)
    assert "Crime recording queue (1 waiting)" in text(client.get("/intelligence/"))
    queue = client.get("/intelligence/crime-recording/")
    assert queue.status_code == 200 and referral.reference in text(queue)
    assert "Skye Examplewood" in text(queue)
    for user in (fib, partner, users["analyst"], users["social_worker"]):
        assert client_for(user).get("/intelligence/crime-recording/").status_code == 403
    path = f"/intelligence/crime-recording/{referral.pk}/"
    for user in (fib, partner, users["analyst"], users["social_worker"]):
        assert client_for(user).get(path).status_code == 404
        assert (
            client_for(user)
            .post(path, {"action": "record", "crime_reference": "43/1/26", "confirmed": "1"})
            .status_code
            == 404
        )
    assert client.get("/intelligence/crime-recording/999999/").status_code == 404
    page = text(client.get(path))
    assert CRIME in page and "Petra Sourceperson" not in page
    assert AuditEvent.objects.filter(event="intel.crime_referral_viewed").exists()
    # The crime recorder may open the entry itself (no source, no FIB workflow).
    entry = text(client.get(f"/intelligence/{flagged.pk}/"))
    assert (
        "Referred to you for crime recording" in entry and 'data-testid="fib-actions"' not in entry
    )
    # Bad references are refused with a clear message and kept.
    for bad in ("", "n/a", "<script>"):
        response = client.post(path, {"action": "record", "crime_reference": bad})
        assert response.status_code == 200 and "There is a problem" in text(response)
    response = client.post(path, {"action": "record", "crime_reference": "43/12345/26"})
    assert "Record crime reference 43/12345/26?" in text(response)
    assert CrimeReferral.objects.get().status == CrimeReferralStatus.OPEN
    response = client.post(
        path, {"action": "record", "crime_reference": "43/12345/26", "confirmed": "1"}
    )
    assert response.status_code == 302
    assert "Crime reported, reference 43/12345/26" in text(client.get(path))
    # Recorded once: a second attempt is refused, not a 500.
    response = client.post(
        path, {"action": "record", "crime_reference": "43/99/26", "confirmed": "1"}
    )
    assert response.status_code == 200 and "already been dealt with" in text(response)
    # The concern and the chronology say so; the submitter sees it and was told.
    reporter = client_for(partner)
    concern_page = text(reporter.get(reverse("concerns:detail", args=[concern.pk])))
    assert "Yes: crime reported, reference 43/12345/26" in concern_page
    person_page = text(reporter.get(reverse("pole:person-detail", args=[child.pk])))
    assert "Crime reported, reference 43/12345/26" in person_page
    mine = text(client_for(partner).get(f"/intelligence/{flagged.pk}/"))
    assert "Crime reported, reference 43/12345/26" in mine
    assert "43/12345/26" in text(client_for(partner).get("/inbox/"))


def test_crime_recorder_returns_through_the_page(
    flagged: Submission, users: dict[str, Any]
) -> None:
    referral = services.submission_refer_crime(
        actor=users["fib_officer"], submission=flagged, note="Assault disclosed to a teacher."
    )
    client = client_for(users["ppu_coordinator"])
    path = f"/intelligence/crime-recording/{referral.pk}/"
    response = client.post(path, {"action": "return", "note": ""})
    assert response.status_code == 200 and "Say why you are returning it" in text(response)
    response = client.post(path, {"action": "return", "note": "Already recorded: 43/5/26."})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == CrimeReferralStatus.RETURNED


def test_concern_says_crime_disclosed_once_the_fib_judges_a_crime(
    flagged: Submission, concern: Concern, partner: Any, users: dict[str, Any]
) -> None:
    sw = client_for(partner)
    path = reverse("concerns:detail", args=[concern.pk])
    assert 'data-testid="crime-disclosed">No' in sw.get(path).content.decode()
    services.submission_return(
        actor=users["fib_officer"],
        submission=flagged,
        note="Report it on 101 first.",
        is_crime=True,
    )
    assert 'data-testid="crime-disclosed">Yes' in sw.get(path).content.decode()


def test_queue_shows_subject_priority_place_age_and_crime_flag(
    flagged: Submission, users: dict[str, Any]
) -> None:
    services.submission_triage(
        actor=users["fib_officer"], submission=flagged, priority="urgent", note=""
    )
    page = text(client_for(users["fib_officer"]).get("/intelligence/fib/?tab=triaged"))
    for header in ("Subject", "Priority", "Place", "Age of entry", "Crime flag"):
        assert f'class="govuk-table__header">{header}</th>' in page
    assert "Skye Examplewood, 14" in page and "Testshire Academy, Example Road" in page
    assert "Urgent" in page and "Crime check flagged" in page and "Reason given" in page
    assert "minute" in page  # the age of the entry
    assert 'class="cairn-table-scroll" role="region"' in page
    for tab in ("crime_referred", "returned", "withdrawn"):
        assert f'href="?tab={tab}"' in page


def test_crime_queue_has_bounded_queries(
    partner: Any, users: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for _ in range(6):
        draft = start_crime(partner)
        entry = services.submission_submit(
            actor=partner, submission=draft, intel_only_reason=REASON
        )
        services.submission_refer_crime(
            actor=users["fib_officer"], submission=entry, note="Assault disclosed at school."
        )
    client = client_for(users["ppu_coordinator"])
    # As the FIB queue: the page's own queries plus the two-step verification check.
    with django_assert_max_num_queries(19):
        page = client.get("/intelligence/crime-recording/")
    assert page.status_code == 200 and text(page).count("CRR-") == 6


@pytest.mark.parametrize(
    ("further", "expected"),
    [
        ("Mum reported it to police the same night, crime ref 44/12345/26.", "44/12345/26"),
        # A log of a day without its year gets the year (the last 28/02 up to today).
        (
            "Youth club worker reported it at the time, incident no. 0219 of 28/02.",
            "0219 of 28/02/{last_28_02}",
        ),
        ("Police found her (missing ref MP/2231/26).", "MP/2231/26"),
        ("police already aware, log 0412 of today", "0412 of {today}"),
    ],
)
def test_a_reference_the_entry_gives_is_filled_in_to_confirm(
    partner: Any, further: str, expected: str
) -> None:
    """Blind two-field entries (issue 12): the account named an offence and "Anything else"
    said it had been reported, with the reference; the page asked for the reference again.
    It is offered, filled in ("today" as the date, since the FIB reads it later), and the
    entry goes with it, marked as given by the submitter."""
    from django.utils import timezone

    today = timezone.localdate()
    last_28_02 = today.year if (today.month, today.day) >= (2, 28) else today.year - 1
    expected = expected.format(today=today.strftime("%d/%m/%Y"), last_28_02=last_28_02)
    draft = start_crime(partner, further_information=further)
    client = client_for(partner)
    page = text(client.get(f"/intelligence/{draft.pk}/check/"))
    assert f"Your entry gives the reference {expected}" in page.replace("<strong>", "").replace(
        "</strong>", ""
    )
    assert f'name="crime_reference" type="text" value="{expected}"' in page
    response = client.post(f"/intelligence/{draft.pk}/check/", {"crime_reference": expected})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.NEW and draft.crime_reference == expected


def test_no_reference_is_offered_without_one_or_without_a_flag(partner: Any) -> None:
    flagged = start_crime(partner, further_information="She told me on Tuesday, no more.")
    page = text(client_for(partner).get(f"/intelligence/{flagged.pk}/check/"))
    assert "Crime reference it was reported under" in page
    assert "Your entry gives the reference" not in page
    assert 'name="crime_reference" type="text" value=' not in page
    plain = start_crime(
        partner,
        what="A grey Vauxhall Corsa waits outside the school gates most afternoons at 3pm.",
        further_information="Log 0412 of today noted by the caretaker.",
    )
    page = text(client_for(partner).get(f"/intelligence/{plain.pk}/check/"))
    assert "Crime reference it was reported under" not in page
    assert "Your entry gives the reference" not in page


@pytest.mark.parametrize(
    ("what", "further"),
    [
        # A new assault; the reference given is the first one's.
        (
            "Kyle Testbrennan told his tutor Dean Testrourke hit him again yesterday; the first "
            "assault was crime ref 44/13579/26.",
            "Nothing else.",
        ),
        ("Dean Testrourke hit him again yesterday.", "The first assault was crime ref 44/1/26."),
    ],
)
def test_an_earlier_offences_reference_neither_hides_nor_fills_in_a_new_one(
    partner: Any, what: str, further: str
) -> None:
    """Outside tester: a new assault with the earlier one's reference passed unflagged, and
    with the reference in "Anything else" the old one was filled in for the new one."""
    draft = start_crime(partner, what=what, further_information=further)
    page = text(client_for(partner).get(f"/intelligence/{draft.pk}/check/"))
    assert "Crime reference it was reported under" in page
    assert "Your entry gives the reference" not in page
    assert 'name="crime_reference" type="text" value=' not in page


def test_a_bare_number_is_not_a_police_reference(partner: Any) -> None:
    """Outside tester: "ref 44/24680/26" after a child's account of sexual abuse hid the
    flag, and a school's own log number was filled in as the crime reference."""
    abuse = start_crime(
        partner,
        what="Amy Testclarke (14) told me her boyfriend Jason Testpike, who is 24, has been "
        "having sex with her at his flat, ref 44/24680/26.",
        further_information="Nothing else.",
    )
    page = text(client_for(partner).get(f"/intelligence/{abuse.pk}/check/"))
    assert "Crime reference it was reported under" in page
    school_log = start_crime(
        partner,
        what="Kyle Testbrennan told his tutor Dean Testrourke hit him last week. Our school log "
        "ref 44/13579/26.",
    )
    page = text(client_for(partner).get(f"/intelligence/{school_log.pk}/check/"))
    assert "Crime reference it was reported under" in page
    assert "Your entry gives the reference" not in page


def test_the_drafts_list_tells_drafts_apart(partner: Any) -> None:
    """Outside tester: drafts were listed as "Draft INT-..., last saved ..." only."""
    start_crime(partner, what="Grey van at the Testfield garages most evenings", where="Testfield")
    start_crime(partner, what="Two boys with new phones at the Testbury skate park")
    page = text(client_for(partner).get("/intelligence/"))
    assert "\u201cGrey van at the Testfield garages most evenings\u201d (Testfield)" in page
    assert "\u201cTwo boys with new phones at the Testbury skate park\u201d" in page


def test_the_entry_page_quotes_why_the_check_flagged_it(
    flagged: Submission, users: dict[str, Any]
) -> None:
    """Outside tester: the entry said "Flagged" without the sentence the check quoted."""
    page = text(client_for(users["fib_officer"]).get(f"/intelligence/{flagged.pk}/"))
    assert 'data-testid="detail-check-reason"' in page
    assert "the driver hit her in the car on Monday" in page.split("detail-check-reason")[1]


@pytest.mark.parametrize(
    ("what", "further"),
    [
        (
            "Leo Testwell said a man he met on Roblox has been asking him to meet up and sent "
            "him a sexual picture. School log ref 2026/4471.",
            "CPOMS incident 4471.",
        ),
        ("Callum Testwood said his stepdad punched him on Saturday.", "CPOMS incident 4502."),
    ],
)
def test_a_schools_own_number_is_not_a_police_reference(
    partner: Any, what: str, further: str
) -> None:
    """Outside tester 8: with a school log and a CPOMS number a grooming disclosure passed
    unflagged, and a CPOMS number was filled in as the crime reference and accepted."""
    draft = start_crime(partner, what=what, further_information=further)
    client = client_for(partner)
    page = text(client.get(f"/intelligence/{draft.pk}/check/"))
    assert "Crime reference it was reported under" in page
    assert "Your entry gives the reference" not in page
    response = client.post(f"/intelligence/{draft.pk}/check/", {"crime_reference": "CPOMS 4502"})
    assert "not your school" in text(response)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


@pytest.mark.parametrize(
    ("what", "further"),
    [
        # The reference in the offence's own sentence: read as already reported, not flagged.
        (
            "Kyle Testbrennan told his tutor Dean Testrourke hit him outside the chippy last "
            "week, crime ref 12/34567/26.",
            "",
        ),
        # The same with the reference in "Anything else": flagged, the reference filled in.
        (
            "Kyle Testbrennan told his tutor Dean Testrourke hit him outside the chippy last week.",
            "Crime ref 12/34567/26.",
        ),
    ],
)
def test_a_reference_in_the_offences_sentence_is_offered_as_in_anything_else(
    partner: Any, what: str, further: str
) -> None:
    """Outside testers: the same account was flagged or not by which box held the
    reference. Now both are flagged and the reference offered, filled in (ADR 0016)."""
    draft = start_crime(partner, what=what, further_information=further)
    client = client_for(partner)
    page = text(client.get(f"/intelligence/{draft.pk}/check/"))
    assert "Crime reference it was reported under" in page
    assert 'name="crime_reference" type="text" value="12/34567/26"' in page
    response = client.post(f"/intelligence/{draft.pk}/check/", {"crime_reference": "12/34567/26"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.NEW and draft.crime_flagged
    assert draft.crime_reference == "12/34567/26"


def test_a_log_of_a_day_gets_the_last_such_day_up_to_today(partner: Any) -> None:
    """A log of 28/12 written on 5 January is last year's 28 December. (The account before
    it ends "after school.": a local system's word in another sentence no longer makes the
    police's number a school's, which hid it.)"""

    with time_machine.travel(dt.datetime(2027, 1, 5, 10, tzinfo=dt.UTC), tick=False):
        draft = start_crime(
            partner, further_information="Police attended, incident no. 0219 of 28/12."
        )
        assert services.reference_in_text(draft) == "0219 of 28/12/2026"
        draft.further_information = "Police attended, incident no. 0219 of 31/02."
        assert services.reference_in_text(draft) == "0219 of 31/02"  # no such day: as typed


KEPT_REFERENCE = "44/55555/26"


def test_what_was_typed_on_the_check_page_is_kept_through_a_change(partner: Any) -> None:
    """Outside tester: a crime reference typed on the check page was gone after a Change
    link there. Change is now a button of the page's form: the typed answers are kept in
    the draft (the version does not move), then the row's page opens; back on the check
    page they are shown again."""
    draft = start_crime(partner)
    client = client_for(partner)
    url = f"/intelligence/{draft.pk}/check/"
    page = text(client.get(url))
    assert 'name="change" value="entry.where"' in page and 'form="check-form"' in page
    version = Submission.objects.get(pk=draft.pk).version
    response = client.post(
        url,
        {
            "crime_reference": f" {KEPT_REFERENCE} ",
            "intel_only_reason": "Half a re",
            "change": "entry.where",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/intelligence/{draft.pk}/edit/#id_where"
    kept = Submission.objects.get(pk=draft.pk)
    assert (kept.crime_reference, kept.intel_only_reason) == (KEPT_REFERENCE, "Half a re")
    assert kept.status == Status.DRAFT and kept.version == version
    assert AuditEvent.objects.filter(event="intel.draft_saved", object_id=str(draft.pk)).exists()
    page = text(client.get(url))
    assert f'name="crime_reference" type="text" value="{KEPT_REFERENCE}"' in page
    assert ">Half a re</textarea>" in page
    # Sent as it is now shown.
    response = client.post(url, {"crime_reference": KEPT_REFERENCE, "intel_only_reason": ""})
    assert response.status_code == 302
    assert Submission.objects.get(pk=draft.pk).crime_reference == KEPT_REFERENCE


def test_back_to_the_details_keeps_what_was_typed_on_the_check_page(partner: Any) -> None:
    """Outside tester: a reason typed on the check page was gone after "Back to the
    details" (a plain link). Back is now a button of the page's form, like each Change:
    the typed answers are kept in the draft, the details page opens, and they are shown
    again when the partner comes back. Enter in a box still submits: the form's default
    (hidden) Submit comes before Back in the page."""
    draft = start_crime(partner)
    client = client_for(partner)
    url = f"/intelligence/{draft.pk}/check/"
    page = text(client.get(url))
    back = page.index('name="change" value="back"')
    assert "Back to the details</button>" in page
    assert page.index('tabindex="-1" aria-hidden="true">Submit to the FIB') < back
    assert 'class="govuk-back-link">Back to the details</a>' not in page
    response = client.post(
        url, {"crime_reference": "", "intel_only_reason": "Half a reason", "change": "back"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/intelligence/{draft.pk}/edit/"
    kept = Submission.objects.get(pk=draft.pk)
    assert (kept.crime_reference, kept.intel_only_reason, kept.status) == (
        "",
        "Half a reason",
        Status.DRAFT,
    )
    # The details changed on the way, then back to the check page: the reason is there.
    services.submission_save_draft(
        actor=partner, submission=kept, data={"where": "The car park behind Testfield Academy"}
    )
    page = text(client.get(url))
    assert "Testfield Academy" in page
    assert ">Half a reason</textarea>" in page


def test_back_is_a_plain_link_where_the_page_asks_nothing(partner: Any) -> None:
    """No crime read in the entry: nothing is typed on the check page, so Back stays a
    link (there is no form field to keep)."""
    draft = start_crime(partner, what="A grey van parked outside the school gates at 15:10.")
    page = text(client_for(partner).get(f"/intelligence/{draft.pk}/check/"))
    assert 'class="govuk-back-link">Back to the details</a>' in page
    assert 'value="back"' not in page


def test_a_change_goes_only_to_a_rows_own_page(partner: Any, users: dict[str, Any]) -> None:
    draft = start_crime(partner)
    url = f"/intelligence/{draft.pk}/check/"
    client = client_for(partner)
    for key in ("https://example.invalid/", "nonsense", ""):
        response = client.post(url, {"crime_reference": "", "change": key})
        assert response["Location"] == f"/intelligence/{draft.pk}/edit/"
    response = client.post(url, {"change": "questions.anyone_in_danger"})
    assert response["Location"] == f"/intelligence/{draft.pk}/questions/"
    # Someone else's draft: as missing, and nothing kept.
    other = client_for(users["social_worker"]).post(
        url, {"crime_reference": KEPT_REFERENCE, "change": "entry.what"}
    )
    assert other.status_code == 404
    assert Submission.objects.get(pk=draft.pk).crime_reference == ""


def test_a_kept_reference_comes_before_the_one_the_text_gives(partner: Any) -> None:
    """The text gives one reference, the submitter typed another and went to change an
    answer: theirs is shown, and they are told the FIB will see that the two differ."""
    draft = start_crime(
        partner, further_information="Mum reported it to police, crime ref 44/12345/26."
    )
    client = client_for(partner)
    url = f"/intelligence/{draft.pk}/check/"
    client.post(url, {"crime_reference": KEPT_REFERENCE, "change": "more.further_information"})
    page = text(client.get(url))
    assert f'name="crime_reference" type="text" value="{KEPT_REFERENCE}"' in page
    assert "you have given a different one below. The FIB will be told they differ" in page


def _sent_with_other_reference(partner: Any, concern: Concern) -> Submission:
    draft = start_crime(
        partner,
        concern,
        further_information="Mum reported it to police the same night, crime ref 44/12345/26.",
    )
    response = client_for(partner).post(
        f"/intelligence/{draft.pk}/check/", {"crime_reference": "44/12354/26"}
    )
    assert response.status_code == 302
    return Submission.objects.get(pk=draft.pk)


def test_the_fib_is_told_when_the_reference_differs_from_the_texts(
    partner: Any, concern: Concern, users: dict[str, Any]
) -> None:
    """Outside tester: the submitter changed the reference offered from the text and the
    FIB was not told. The entry page (and its queue row) says so beside the reference."""
    sent = _sent_with_other_reference(partner, concern)
    assert sent.crime_reference_in_text == "44/12345/26" and sent.crime_reference_differs
    fib = client_for(users["fib_officer"])
    page = text(fib.get(f"/intelligence/{sent.pk}/"))
    assert 'data-testid="reference-differs"' in page
    assert "Not the reference the entry itself gives, 44/12345/26" in page
    assert 'data-testid="detail-reference-differs"' in page
    queue = text(fib.get("/intelligence/fib/"))
    assert "Not the text's 44/12345/26" in queue
    # The crime recorder it is referred to sees it too (they see the original).
    services.submission_refer_crime(
        actor=users["fib_officer"], submission=sent, note="Check the reference with the PPU."
    )
    page = text(client_for(users["ppu_coordinator"]).get(f"/intelligence/{sent.pk}/"))
    assert "Not the reference the entry itself gives, 44/12345/26" in page
    # Nobody else sees the entry at all.
    assert client_for(users["social_worker"]).get(f"/intelligence/{sent.pk}/").status_code == 404


def test_no_warning_when_the_reference_is_the_texts(
    partner: Any, concern: Concern, users: dict[str, Any]
) -> None:
    draft = start_crime(
        partner, concern, further_information="Mum reported it to police, crime ref 44/12345/26."
    )
    client_for(partner).post(
        f"/intelligence/{draft.pk}/check/", {"crime_reference": "44/12345/26 "}
    )
    sent = Submission.objects.get(pk=draft.pk)
    assert sent.status == Status.NEW and not sent.crime_reference_differs
    page = text(client_for(users["fib_officer"]).get(f"/intelligence/{sent.pk}/"))
    assert "reference-differs" not in page


@pytest.mark.parametrize(
    "typed",
    ["CPOMS12345", "C P O M S 1234", "cp0ms 4431", "MASH 12345", "SIMS 1234", "Mosaic 1234"],
)
def test_a_local_systems_number_however_typed_is_refused(typed: str) -> None:
    """Outside tester 10: "CPOMS 12345" was refused but "CPOMS12345", spaced letters and
    other systems' numbers (MASH, SIMS, Mosaic) were taken as the crime reference."""
    assert services.crime_reference_problem(typed) == services.LOCAL_REFERENCE_MESSAGE


@pytest.mark.parametrize(
    "reference", ["NM/26/114532", "43/12345/26", "CRI-2026-001234", "0219 of 28/02", "log 0412"]
)
def test_police_references_are_still_accepted(reference: str) -> None:
    assert services.crime_reference_problem(reference) == ""


@pytest.mark.parametrize("typed", ["44871", "CP-44871", "44 871"])
def test_the_entrys_own_local_number_is_refused_typed_bare(partner: Any, typed: str) -> None:
    """Outside tester 9: the entry said "Logged on CPOMS ref 44871"; "CPOMS 44871" was
    refused, but "44871" and "CP-44871" were sent to the FIB as the crime reference."""
    draft = start_crime(
        partner,
        what="Sophie Testwright (14) says an intimate photo of her is being shared around a "
        "Snapchat group chat by an older boy. Logged on CPOMS ref 44871.",
    )
    response = client_for(partner).post(
        f"/intelligence/{draft.pk}/check/", {"crime_reference": typed}
    )
    page = text(response)
    assert response.status_code == 200
    assert services.LOCAL_REFERENCE_IN_ENTRY in page
    assert f'value="{typed}"' in page  # what was typed is kept
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.crime_reference == ""


def test_another_run_on_an_old_reference_is_not_filled_in(partner: Any) -> None:
    """Outside tester 9: "another package ... same as the time his mum reported under crime
    reference NM/26/114532" had the old reference filled in for a new offence."""
    draft = start_crime(
        partner,
        what="Deano made him take another package to Leeds on the train last night. Same as "
        "the time his mum reported under crime reference NM/26/114532.",
        further_information="",
    )
    page = text(client_for(partner).get(f"/intelligence/{draft.pk}/check/"))
    assert "Crime reference it was reported under" in page
    assert "Your entry gives the reference" not in page


def test_the_fib_sees_where_else_a_crime_reference_was_given(
    partner: Any, users: dict[str, Any]
) -> None:
    """Outside tester 9: two entries, an offence and a new one, both went to the FIB under
    NM/26/114532 and nothing said so. The FIB is shown the other entry; the submitter is
    not (the list could name entries of other agencies)."""
    first = start_crime(partner)
    services.submission_submit(actor=partner, submission=first, crime_reference="NM/26/114532")
    second = start_crime(partner)
    services.submission_submit(actor=partner, submission=second, crime_reference="nm/26/114532")
    lone = start_crime(partner)
    services.submission_submit(actor=partner, submission=lone, crime_reference="NM/26/999999")
    fib = client_for(users["fib_officer"])
    page = text(fib.get(f"/intelligence/{second.pk}/"))
    assert 'data-testid="same-reference"' in page
    assert first.reference in page.split('data-testid="same-reference"')[1].split("</dd>")[0]
    assert first.reference not in text(fib.get(f"/intelligence/{lone.pk}/"))
    assert 'data-testid="same-reference"' not in text(fib.get(f"/intelligence/{lone.pk}/"))
    own = text(client_for(partner).get(f"/intelligence/{second.pk}/"))
    assert 'data-testid="same-reference"' not in own


@pytest.mark.parametrize("filler", ["Nothing else.", "No further information.", "N/A", "none"])
def test_an_anything_else_that_says_nothing_does_not_hide_a_crime(
    partner: Any, filler: str
) -> None:
    """ "Nothing else." in "Anything else" took the model's reading of a coerced drugs run
    (which only the model flags) from 0.50 to 0.08, under its threshold: the entry went as
    plain intelligence. An answer that says nothing is left out of what the check reads."""
    from cairn.intelligence import checks

    assert checks.is_filler(filler)
    assert not checks.is_filler("Nothing else, but he said the man has a knife.")
    draft = start_crime(
        partner,
        what="Deano Testmoor made Jayden Testcroft take another package to Leeds on the "
        "train last night.",
        further_information=filler,
    )
    page = text(client_for(partner).get(f"/intelligence/{draft.pk}/check/"))
    assert "Crime reference it was reported under" in page


def test_a_schools_log_number_does_not_turn_the_check_off(partner: Any) -> None:
    """Outside tester 11: a nude image of a 14-year-old shared in a group chat, which only
    the model flags (p 0.63), went to the FIB unflagged once "Logged on CPOMS ref 55120"
    was added (p 0.01): the model reads a reference as "reported already". A school's own
    log number says nothing of the police."""
    draft = start_crime(
        partner,
        what="A nude photo of a 14 year old Year 10 girl was shared in the 'Y11 lads' "
        "Snapchat group chat by Brody on Friday. Several pupils have seen it. Logged on "
        "CPOMS ref 55120",
        further_information="",
    )
    page = text(client_for(partner).get(f"/intelligence/{draft.pk}/check/"))
    assert "Crime reference it was reported under" in page
    assert "Your entry gives the reference" not in page
