"""Intelligence pages: the submission form (server-side draft, structured details, the
crime-disclosure and quality check before submitting), the submitter's and recipients'
views, and the FIB's queue, triage, grading, redaction editor, linking and dissemination."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cairn.concerns.access import access_concern_by_id, consult_concern
from cairn.core import step_guard
from cairn.core.check_answers import change_url, mark_changed, parse_seen, seen_value
from cairn.core.concurrency import DraftChanged
from cairn.core.http import (
    AuthenticatedHttpRequest,
    GoInstead,
    actor_of,
    apply_service_errors,
    form_saved,
    require,
)
from cairn.core.text import is_digits
from cairn.core.throttling import throttle
from cairn.core.views import confirm_discard
from cairn.network.matching.online import Match
from cairn.pole.mentions import MENTION_FORMS, choose_person
from cairn.sharing.services import Claim

from . import forms, grading, search, selectors, services
from .access import (
    access_crime_referral_by_id,
    access_for_fib,
    access_own_draft,
    access_returned_own,
    access_submission_by_id,
    consult_crime_queue,
    consult_crime_referral,
    fib_page,
    is_crime_recorder,
    is_fib,
    view_submission,
)
from .check_page import check_sections
from .forms import CrimeDecision
from .models import CrimeReferralStatus, Status, Submission, same_reference

NAV = "intelligence"


def _already_sent(request: AuthenticatedHttpRequest, submission_id: int) -> None:
    """A draft's page asked for after the entry was sent (Back after submitting, a double
    click, a resent form) takes its submitter to the sent entry, not to "page not found";
    nothing is saved or sent again. Anyone else still gets 404 (access_submission_by_id)."""
    submission = access_submission_by_id(request.user, submission_id).submission
    if submission.submitter_id != request.user.pk or submission.status == Status.DRAFT:
        return
    messages.info(request, f"Intelligence {submission.reference} has already been sent.")
    raise GoInstead(redirect("intelligence:detail", submission_id=submission.pk))


@login_required
def submission_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "intelligence.view_submission")
    page = Paginator(selectors.my_submissions(request.user), 25).get_page(request.GET.get("page"))
    drafts = list(selectors.my_drafts(request.user)[:20])
    shared = list(selectors.shared_with_me(request.user)[:20])
    selectors.consult_submissions(
        request.user, [*page, *drafts, *shared], justification="My intelligence list"
    )
    return render(
        request,
        "intelligence/list.html",
        {
            "page_obj": page,
            "drafts": drafts,
            "shared": shared,
            "is_fib": is_fib(request.user),
            "crime_counts": selectors.crime_referral_counts(request.user)
            if is_crime_recorder(request.user)
            else None,
            "nav": NAV,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def submission_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "intelligence.add_submission")
    concern = None
    concern_id = request.POST.get("concern") or request.GET.get("concern")
    if concern_id and is_digits(concern_id):
        concern = access_concern_by_id(request.user, int(concern_id))
    form = None
    people = selectors.concern_subjects(request.user, concern) if concern is not None else []
    if concern is not None and people:
        # Who the entry may be about: the child or another person the concern names.
        form = forms.StartSubjectForm(
            request.POST if request.method == "POST" else None,
            people=people,
            child_id=concern.child_id,
        )
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            submission = services.submission_start(
                actor=request.user,
                concern=concern,
                subject_id=int(form.cleaned_data["subject_id"]) if form is not None else None,
            )
        except ValidationError as exc:
            if form is None:
                raise
            apply_service_errors(form, exc)
        else:
            return redirect("intelligence:questions", submission_id=submission.pk)
    if concern is not None:
        consult_concern(
            request.user,
            concern,
            justification="Starting intelligence from the concern (the people it names)",
        )
    return render(
        request, "intelligence/start.html", {"concern": concern, "form": form, "nav": NAV}
    )


def _own_draft_or_sent(request: AuthenticatedHttpRequest, submission_id: int) -> Submission:
    """The submitter's draft; once sent, its submitter goes to the sent entry (GoInstead)."""
    try:
        return access_own_draft(request.user, submission_id)
    except Http404:
        _already_sent(request, submission_id)
        raise


# The draft's two step forms (`_handle_step`).
StepForm = TypeVar("StepForm", forms.QuestionsForm, forms.SubmissionForm)


def _initial(submission: Submission) -> dict[str, Any]:
    """The draft as its step pages draw it."""
    return {
        **forms.QuestionsForm.initial_from(submission),
        **forms.SubmissionForm.initial_from(submission),
    }


def _handle_step(
    request: AuthenticatedHttpRequest,
    submission: Submission,
    form: Callable[[QueryDict], StepForm],
    data_of: Callable[[StepForm], dict[str, Any]],
) -> step_guard.Posted[StepForm]:
    """A step posted, reconciled with the draft (another tab may have changed it) and,
    when valid, saved (`cairn.core.step_guard`); a draft keeps no invalid answers."""

    def save(bound: StepForm, expected_version: str) -> dict[str, list[str]]:
        if not bound.is_valid():
            return {}
        return services.submission_save_draft(
            actor=request.user,
            submission=submission,
            data=data_of(bound),
            expected_version=expected_version,
        )

    draft = step_guard.draft_reader(submission, lambda: _initial(submission))
    return step_guard.handle_step(request.POST, form=form, draft=draft, save=save)


def _seen(form: Any, submission: Submission, *, conflict: bool) -> step_guard.Seen:
    return step_guard.page_seen(form, _initial(submission), submission.version, conflict=conflict)


def _said_yes(submission: Submission) -> bool:
    return "yes" in (submission.anyone_in_danger, submission.crime_described)


@login_required
@require_http_methods(["GET", "POST"])
def submission_questions(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    """The two plain questions, before the free text: a yes goes to 999 and the crime
    steps first; the text check is the net under a no (ADR 0019)."""
    submission = _own_draft_or_sent(request, submission_id)
    initial = forms.QuestionsForm.initial_from(submission)
    status = 200
    if request.method == "POST":
        posted = _handle_step(
            request, submission, forms.QuestionsForm, lambda bound: dict(bound.cleaned_data)
        )
        form = posted.form
        if posted.conflict:
            status = 409
        elif posted.done:
            if _said_yes(submission):
                return redirect("intelligence:report-crime", submission_id=submission.pk)
            return redirect("intelligence:edit", submission_id=submission.pk)
    else:
        form = forms.QuestionsForm(initial=initial)
    return render(
        request,
        "intelligence/questions.html",
        {
            "submission": submission,
            "form": form,
            "seen": _seen(form, submission, conflict=status == 409),
            "nav": NAV,
        },
        status=status,
    )


@login_required
@require_GET
def submission_report_crime(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    """What to do after a yes: 999 first if anyone is in danger, then report the crime
    (101 or online), a MASH referral, and only then the intelligence around it."""
    submission = _own_draft_or_sent(request, submission_id)
    if not _said_yes(submission):
        return redirect("intelligence:edit", submission_id=submission.pk)
    return render(
        request,
        "intelligence/report_crime.html",
        {
            "submission": submission,
            "danger": submission.anyone_in_danger == "yes",
            "crime": submission.crime_described == "yes",
            "nav": NAV,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def submission_edit(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    submission = _own_draft_or_sent(request, submission_id)
    if request.method == "POST" and "remove" in request.POST:
        # The detail the button named, wherever it is now (another tab may have removed
        # one before it); one removed already is not removed twice.
        left = step_guard.without_item(list(submission.mentions or []), request.POST["remove"])
        if left is None:
            messages.info(request, "That detail had already been removed.")
        else:
            services.submission_save_draft(
                actor=request.user, submission=submission, data={"mentions": left}
            )
        return redirect("intelligence:edit", submission_id=submission.pk)
    status = 200
    if request.method == "POST":
        posted = _handle_step(
            request, submission, forms.SubmissionForm, lambda bound: bound.to_data()
        )
        form = posted.form
        if posted.conflict:
            status = 409
        elif posted.done:
            add = request.POST.get("add")
            if add in MENTION_FORMS:
                return redirect("intelligence:mention-add", submission.pk, add)
            if request.POST.get("action") == "save":
                messages.success(request, f"Your draft has been saved.{posted.kept}")
                return redirect("intelligence:edit", submission_id=submission.pk)
            return redirect("intelligence:check", submission_id=submission.pk)
    elif request.GET.get("check"):
        # Sent back from the check step: what the entry cannot be sent without, beside
        # each field (the draft's answers stay in the boxes).
        form = forms.SubmissionForm.to_complete(submission)
    else:
        form = forms.SubmissionForm(initial=forms.SubmissionForm.initial_from(submission))
    return render(
        request,
        "intelligence/edit.html",
        {
            "submission": submission,
            "result": services.check_text(submission),
            "said_danger": submission.anyone_in_danger == "yes",
            "form": form,
            "seen": _seen(form, submission, conflict=status == 409),
            "mentions": submission.mentions or [],
            "kinds": MENTION_FORMS,
            "nav": NAV,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@throttle("match", methods=("POST",))
def mention_add(request: AuthenticatedHttpRequest, submission_id: int, kind: str) -> HttpResponse:
    submission = _own_draft_or_sent(request, submission_id)
    if kind not in MENTION_FORMS:
        raise Http404("No such kind.")
    form_class, noun = MENTION_FORMS[kind]
    form = form_class(request.POST or None)
    possible: list[Match] = []
    if request.method == "POST" and form.is_valid():
        mention = form.to_mention()
        if kind == "person":
            possible = choose_person(request.user, mention, request.POST)
        if not possible:
            mentions = [*list(submission.mentions or []), mention]
            services.submission_save_draft(
                actor=request.user, submission=submission, data={"mentions": mentions}
            )
            messages.success(request, f"Added {noun}.")
            return redirect("intelligence:edit", submission_id=submission.pk)
    return render(
        request,
        "intelligence/mention_form.html",
        {
            "submission": submission,
            "form": form,
            "noun": noun,
            "nav": NAV,
            "possible_matches": possible,
        },
    )


ERROR_LINKS = {
    "subject_description": "id_subject_description",
    "what": "id_what",
    "where": "id_where",
    "when_on": "id_when_on_0",
    "how_known": "id_how_known_0",
}


@login_required
@require_http_methods(["GET", "POST"])
def submission_check(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    submission = _own_draft_or_sent(request, submission_id)
    if request.method == "GET" and not (submission.anyone_in_danger and submission.crime_described):
        # The two plain questions come before anything else.
        return redirect("intelligence:questions", submission_id=submission.pk)
    edit_url = reverse("intelligence:edit", args=[submission.pk])
    if request.method == "GET" and services.missing_answers(submission):
        # An answer the entry cannot be sent without is empty (boxes left empty before
        # "Check before submitting", the draft changed in another tab, or this page opened
        # directly): back to the details page, which shows each one beside its field,
        # rather than a check page offering to send what cannot be sent.
        return redirect(f"{edit_url}?check=1")
    if request.method == "POST" and "change" in request.POST:
        # A Change button on this page: what was typed below is kept in the draft, then
        # the page that asks the answer (outside tester: a reference typed here was lost).
        # Buttons are drawn only where the page asks for a reference or reason.
        if "crime_reference" in request.POST or "intel_only_reason" in request.POST:
            services.submission_keep_crime_answers(
                actor=request.user,
                submission=submission,
                crime_reference=request.POST.get("crime_reference", ""),
                intel_only_reason=request.POST.get("intel_only_reason", ""),
            )
        return redirect(change_url(check_sections(submission), request.POST["change"], edit_url))
    result = services.check_text(submission)
    # A reference the entry gives is offered, filled in, where the page asks for one;
    # answers kept from this page (the user went to change something) come first.
    reference = services.reference_in_text(submission) if result.crime_disclosure else ""
    kept = {
        name: value
        for name, value in (
            ("crime_reference", submission.crime_reference),
            ("intel_only_reason", submission.intel_only_reason),
        )
        if value
    }
    form = forms.SubmitForm(
        request.POST if request.method == "POST" else None,
        initial=kept or ({"crime_reference": reference} if reference else None),
    )
    given = str(form["crime_reference"].value() or "")
    missing: list[tuple[str, str]] = []
    blocked = False
    changed = ""
    changed_rows: list[str] | None = None
    unanswered = not (submission.anyone_in_danger and submission.crime_described)
    if request.method == "POST" and unanswered:
        form.is_valid()
        missing.append(
            (
                reverse("intelligence:questions", args=[submission.pk]),
                "Answer the two questions about danger and crimes before you submit",
            )
        )
    elif request.method == "POST" and form.is_valid():
        try:
            services.submission_submit(
                actor=request.user,
                submission=submission,
                crime_reference=form.cleaned_data["crime_reference"],
                intel_only_reason=form.cleaned_data["intel_only_reason"],
                no_danger_now=form.cleaned_data["no_danger_now"],
                # The version the page was drawn with (a form from before this field
                # existed carries none and is checked as before).
                expected_version=request.POST.get("version"),
            )
        except DraftChanged as exc:
            # Shown again with the entry as it is now; nothing was sent. What it cannot
            # be sent without is listed, as the details page would.
            changed = exc.message_text
            result = services.check_text(submission)
            missing.extend(
                (f"{edit_url}?check=1#{ERROR_LINKS.get(key, 'id_what')}", m)
                for key, msgs in services.missing_answers(submission).items()
                for m in msgs
            )
        except ValidationError as exc:
            for key, msgs in exc.message_dict.items():
                if key in ("crime_reference", "intel_only_reason", "no_danger_now"):
                    # Shown on this page, beside what they typed (which the form keeps).
                    form.add_error(key, msgs)
                    continue
                if key == "what" and services.CRIME_ROUTE in msgs:
                    blocked = True
                    msgs = [m for m in msgs if m != services.CRIME_ROUTE]
                # To the field on the details page, which then shows the error beside it.
                missing.extend(
                    (f"{edit_url}?check=1#{ERROR_LINKS.get(key, 'id_what')}", m) for m in msgs
                )
            if blocked:
                form.add_error(
                    "crime_reference",
                    "Give the crime reference, or say why this is intelligence only",
                )
        else:
            messages.success(
                request, f"Intelligence {submission.reference} has been sent to the FIB."
            )
            return redirect("intelligence:detail", submission_id=submission.pk)
    selectors.consult_text_check(request.user, submission, result)
    sections = check_sections(submission)
    if changed:
        # Each row changed since the page the user had open, marked (the rows it posted).
        seen = parse_seen(request.POST.get("seen"))
        if seen is not None:
            changed_rows = mark_changed(sections, seen)
    return render(
        request,
        "intelligence/check.html",
        {
            "submission": submission,
            "sections": sections,
            "seen": seen_value(sections),
            "changed_rows": changed_rows,
            "result": result,
            "said_danger": submission.anyone_in_danger == "yes",
            "reference_in_text": reference,
            # How the reference given below stands to the one the text gives.
            "reference_given": "same"
            if same_reference(given, reference)
            else ("other" if given.strip() else "none"),
            "form": form,
            "missing": missing,
            "blocked": blocked,
            "page_has_errors": bool(missing or blocked),
            "draft_changed": changed,
            "nav": NAV,
        },
        status=409 if changed else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def draft_discard(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    submission = _own_draft_or_sent(request, submission_id)
    asked = confirm_discard(
        request,
        what="Your draft intelligence entry",
        started=submission.created_at,
        cancel_url=reverse("intelligence:edit", args=[submission.pk]),
    )
    if asked is not None:
        return asked
    services.submission_discard_draft(actor=request.user, submission=submission)
    messages.success(request, "The draft has been deleted.")
    return redirect("intelligence:list")


@login_required
def submission_detail(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    view = view_submission(request.user, submission_id)
    submission = view.submission
    if submission.status == Status.DRAFT:
        return redirect("intelligence:edit", submission_id=submission.pk)
    legacy = grading.from_legacy(submission.legacy_grade) if submission.legacy_grade else None
    return render(
        request,
        "intelligence/detail.html",
        {
            "view": view,
            "submission": submission,
            "legacy": legacy,
            "correlations": selectors.correlations(request.user, submission)
            if view.sanitised
            else [],
            "disseminations": submission.disseminations.select_related(
                "recipient_agency", "disclosure__agreement"
            )
            if view.workflow
            else [],
            "crime_referrals": selectors.crime_referrals_for(submission)
            if view.workflow or view.crime_recording
            else [],
            "same_reference": selectors.same_crime_reference(request.user, submission)
            if view.workflow
            else [],
            "can_decide": view.workflow and submission.status in services.FIB_ACTIVE,
            "marking": submission.get_marking_display(),
            "nav": NAV,
        },
    )


@login_required
def source_detail(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    submission = access_for_fib(request.user, submission_id)
    record = selectors.source_for(request.user, submission)
    return render(
        request,
        "intelligence/source.html",
        {"submission": submission, "record": record, "nav": NAV},
    )


@login_required
def fib_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "intelligence.manage_fib")
    tab = request.GET.get("tab", "new")
    if tab not in selectors.QUEUE_STATUSES:
        tab = "new"
    page = Paginator(selectors.fib_queue(request.user, tab), 25).get_page(request.GET.get("page"))
    counts = selectors.queue_counts(request.user)
    # Above the tabs on every page, whatever tab each sits in, until someone acts.
    waiting = list(selectors.danger_waiting(request.user)[:50])
    selectors.consult_submissions(
        request.user, [*waiting, *page], justification=f"FIB queue: {tab}"
    )
    return render(
        request,
        "intelligence/queue.html",
        {
            "page_obj": page,
            "danger_waiting": waiting,
            "tab": tab,
            "tabs": [(key, label, counts.get(key, 0)) for key, label in selectors.QUEUE_TABS],
            "nav": NAV,
        },
    )


def _fib_page(
    request: HttpRequest,
    submission: Submission,
    form: Any,
    title: str,
    button: str,
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        "intelligence/fib_form.html",
        {
            "submission": submission,
            "form": form,
            "title": title,
            "button": button,
            "nav": NAV,
            **extra,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def triage(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    submission = fib_page(request.user, submission_id, step="triage")
    form = forms.TriageForm(
        request.POST or None,
        initial={"priority": submission.priority or "routine", "note": submission.triage_note},
    )
    confirming = request.method == "POST" and not request.POST.get("confirmed")
    if confirming and form.is_valid() and form.cleaned_data["close"]:
        if not form.cleaned_data["note"].strip():
            form.add_error("note", "Say why no further action is needed")
        else:
            return _confirm(
                request,
                submission,
                title="Close this entry with no further action?",
                lead="The entry will be closed and the submitter told that no further "
                "action is being taken. You cannot reopen it.",
                button="Yes, close with no further action",
                fields=[
                    ("priority", form.cleaned_data["priority"]),
                    ("note", form.cleaned_data["note"]),
                    ("close", "on"),
                ],
                summary=[("Reason", form.cleaned_data["note"])],
            )
    saved = form_saved(
        request,
        form,
        lambda: services.submission_triage(
            actor=request.user,
            submission=submission,
            priority=form.cleaned_data["priority"],
            note=form.cleaned_data["note"],
            close=form.cleaned_data["close"],
        ),
        then=lambda _: redirect("intelligence:detail", submission_id=submission.pk),
    )
    return saved or _fib_page(
        request, submission, form, "Triage", "Save triage", show_original=True
    )


def _confirm(
    request: HttpRequest,
    submission: Submission,
    *,
    title: str,
    lead: str,
    button: str,
    fields: list[tuple[str, str]],
    summary: list[tuple[str, str]],
    cancel: str = "",
) -> HttpResponse:
    """The GOV.UK confirmation step before an irreversible action: the answers are posted
    again with `confirmed`."""
    return render(
        request,
        "intelligence/confirm.html",
        {
            "submission": submission,
            "title": title,
            "lead": lead,
            "button": button,
            "fields": fields,
            "summary": summary,
            "cancel": cancel or request.path,
            "nav": NAV,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def crime_decision(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    """The FIB decides where a (flagged) entry goes: accept the reason, refer the crime for
    recording (after a confirmation step), or return it to the submitter."""
    submission = fib_page(request.user, submission_id, step="crime check decision")
    form = forms.CrimeDecisionForm(
        request.POST if request.method == "POST" else None,
        has_reason=bool(submission.crime_flagged and submission.intel_only_reason),
    )
    if request.method == "POST" and form.is_valid():
        decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
        try:
            if decision == CrimeDecision.REFER and not request.POST.get("confirmed"):
                # Validate the note before asking for confirmation.
                services.clean_note(note, "note", services.REFER_NOTE)
                return _confirm(
                    request,
                    submission,
                    title="Refer this entry for crime recording?",
                    lead="The entry and the person it is about will be sent to the PPU / CSE "
                    "co-ordinators to record a crime, and the submitter will be told. This is a "
                    "disclosure and is logged; you cannot take it back.",
                    button="Yes, refer for crime recording",
                    fields=[("decision", decision), ("note", note)],
                    summary=[("Why it is a crime", note)],
                )
            if decision == CrimeDecision.REFER:
                services.submission_refer_crime(
                    actor=request.user, submission=submission, note=note
                )
                messages.success(request, "The entry has been referred for crime recording.")
            elif decision == CrimeDecision.ACCEPT:
                services.submission_accept_reason(
                    actor=request.user, submission=submission, note=note
                )
                messages.success(request, "You accepted the reason: it is intelligence only.")
            else:
                services.submission_return(
                    actor=request.user,
                    submission=submission,
                    note=note,
                    is_crime=decision == CrimeDecision.RETURN_CRIME,
                )
                messages.success(request, "The entry has been returned to the submitter.")
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("intelligence:detail", submission_id=submission.pk)
    return _fib_page(
        request,
        submission,
        form,
        "Crime check decision",
        "Continue",
        show_original=True,
        show_crime=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def danger_action(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    """The FIB records what it did about an entry escalated as danger now; that ends the
    urgent state. If another officer recorded it first, the page says what they recorded."""
    submission = fib_page(request.user, submission_id, step="danger now")
    form = forms.DangerActionForm(request.POST if request.method == "POST" else None)
    saved = form_saved(
        request,
        form,
        lambda: services.submission_danger_action(
            actor=request.user,
            submission=submission,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        ),
        success="What you did has been recorded.",
        then=lambda _: redirect("intelligence:detail", submission_id=submission.pk),
    )
    return saved or _fib_page(
        request,
        submission,
        form,
        "Danger now: record what you did",
        "Record what you did",
        show_original=True,
        show_crime=True,
        danger_why=services.danger_why(submission) if submission.danger_state else "",
    )


@login_required
@require_POST
def reopen(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    submission = access_returned_own(request.user, submission_id)
    try:
        services.submission_reopen(actor=request.user, submission=submission)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("intelligence:detail", submission_id=submission.pk)
    return redirect("intelligence:edit", submission_id=submission.pk)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    submission = access_returned_own(request.user, submission_id)
    form = forms.WithdrawForm(request.POST if request.method == "POST" else None)
    saved = form_saved(
        request,
        form,
        lambda: services.submission_withdraw(
            actor=request.user, submission=submission, reason=form.cleaned_data["reason"]
        ),
        success=f"Intelligence {submission.reference} has been withdrawn.",
        then=lambda _: redirect("intelligence:detail", submission_id=submission.pk),
    )
    return saved or render(
        request,
        "intelligence/withdraw.html",
        {"submission": submission, "form": form, "nav": NAV},
    )


@login_required
def crime_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "intelligence.record_crime")
    tab = request.GET.get("tab", "open")
    if tab not in selectors.CRIME_TABS:
        tab = "open"
    page = Paginator(selectors.crime_referral_queue(request.user, tab), 25).get_page(
        request.GET.get("page")
    )
    consult_crime_queue(request.user, page, tab=tab)
    return render(
        request,
        "intelligence/crime_queue.html",
        {
            "page_obj": page,
            "tab": tab,
            "counts": selectors.crime_referral_counts(request.user),
            "nav": NAV,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def crime_referral(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    """A referral for the crime recorder: the entry and the child; record the crime
    reference (after a check-your-answer step) or return it to the FIB."""
    referral = access_crime_referral_by_id(request.user, referral_id)
    action = request.POST.get("action", "")
    record_form = forms.CrimeRecordForm(request.POST if action == "record" else None)
    return_form = forms.CrimeReturnForm(request.POST if action == "return" else None)
    if action == "record" and record_form.is_valid():
        reference = " ".join(record_form.cleaned_data["crime_reference"].split())
        problem = services.crime_reference_problem(reference)
        if problem:
            record_form.add_error("crime_reference", problem)
        elif not request.POST.get("confirmed"):
            return _confirm(
                request,
                referral.submission,
                title=f"Record crime reference {reference}?",
                lead="The submitter, the FIB, the concern and the "
                f"{referral.subject_label.lower()}'s chronology will show "
                "“crime reported, reference " + reference + "”. Check it carefully: you "
                "cannot change it afterwards.",
                button="Yes, record the crime reference",
                fields=[("action", "record"), ("crime_reference", reference)],
                summary=[("Crime reference", reference)],
            )
        else:
            try:
                services.crime_referral_record(
                    actor=request.user, referral=referral, crime_reference=reference
                )
            except ValidationError as exc:
                apply_service_errors(record_form, exc)
            else:
                messages.success(request, f"Crime reference {reference} recorded.")
                return redirect("intelligence:crime-referral", referral_id=referral.pk)
    elif action == "return" and return_form.is_valid():
        try:
            services.crime_referral_return(
                actor=request.user, referral=referral, note=return_form.cleaned_data["note"]
            )
        except ValidationError as exc:
            apply_service_errors(return_form, exc)
        else:
            messages.success(request, "The referral has been returned to the FIB.")
            return redirect("intelligence:crime-referral", referral_id=referral.pk)
    consult_crime_referral(request.user, referral, justification="Opened a crime referral")
    return render(
        request,
        "intelligence/crime_referral.html",
        {
            "referral": referral,
            "submission": referral.submission,
            "record_form": record_form,
            "return_form": return_form,
            "is_open": referral.status == CrimeReferralStatus.OPEN,
            "nav": NAV,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluate(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    submission = fib_page(request.user, submission_id, step="evaluation")
    form = forms.EvaluateForm(
        request.POST or None,
        initial={
            "source_grade": submission.source_grade,
            "intel_grade": submission.intel_grade,
            "handling": submission.handling,
            "conditions": submission.handling_conditions,
            "marking": submission.marking,
            "legacy_grade": submission.legacy_grade,
        },
    )
    saved = form_saved(
        request,
        form,
        lambda: services.submission_evaluate(
            actor=request.user, submission=submission, **form.cleaned_data
        ),
        then=lambda _: redirect("intelligence:detail", submission_id=submission.pk),
    )
    return saved or _fib_page(
        request, submission, form, "Evaluate (3x5x2)", "Save grading", show_original=True
    )


@login_required
@require_http_methods(["GET", "POST"])
def sanitise(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    submission = fib_page(request.user, submission_id, step="sanitising")
    initial = submission.sanitised_text or services.suggested_sanitised(submission)
    form = forms.SanitiseForm(request.POST or None, initial={"text": initial})
    saved = form_saved(
        request,
        form,
        lambda: services.submission_sanitise(
            actor=request.user, submission=submission, text=form.cleaned_data["text"]
        ),
        then=lambda _: redirect("intelligence:detail", submission_id=submission.pk),
    )
    return saved or _fib_page(
        request, submission, form, "Sanitised version", "Save sanitised version", show_original=True
    )


@login_required
@require_http_methods(["GET", "POST"])
def link(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    """The FIB's linking step: every detail of the entry at once (which record, whose it
    is, how), linked in one submit; any problem links nothing and keeps every answer."""
    submission = fib_page(request.user, submission_id, step="linking")
    rows = selectors.link_rows(request.user, submission)
    form = forms.LinkStepForm(request.POST if request.method == "POST" else None, rows=rows)
    if request.method == "POST" and not form.rows:
        # Sent again after everything was linked (a double click, a resent form).
        messages.info(request, "Every detail of this entry is already linked.")
        return redirect("intelligence:link", submission_id=submission.pk)
    saved = form_saved(
        request,
        form,
        lambda: services.mentions_link(
            actor=request.user, submission=submission, answers=form.answers()
        ),
        success=lambda linked: (
            f"{len(linked)} detail{'s' if len(linked) != 1 else ''} linked to POLE records."
        ),
        then=lambda _: redirect("intelligence:link", submission_id=submission.pk),
        rename=form.service_field,
    )
    return saved or render(
        request,
        "intelligence/link.html",
        {
            "submission": submission,
            "rows": rows,
            "linked_rows": [row for row in rows if row.linked is not None],
            "form": form,
            "nav": NAV,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def disseminate(request: AuthenticatedHttpRequest, submission_id: int) -> HttpResponse:
    submission = fib_page(request.user, submission_id, step="dissemination")
    form = forms.DisseminateForm(
        request.POST or None,
        agencies=selectors.partner_agencies(),
        sender=getattr(request.user, "agency", None),
    )
    saved = form_saved(
        request,
        form,
        lambda: services.submission_disseminate(
            actor=request.user,
            submission=submission,
            recipient_kind=form.cleaned_data["recipient_kind"],
            agency=form.cleaned_data["agency"],
            reason=form.cleaned_data["reason"],
            conditions_met=form.cleaned_data["conditions_met"],
            claim=Claim.from_form(form.cleaned_data),
        ),
        success="The sanitised intelligence has been disseminated.",
        then=lambda _: redirect("intelligence:detail", submission_id=submission.pk),
    )
    return saved or _fib_page(
        request,
        submission,
        form,
        "Disseminate",
        "Disseminate sanitised version",
        show_sanitised=True,
    )


@login_required
@throttle("search", methods=("GET",))
def search_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "intelligence.view_submission")
    form = forms.SearchForm(request.GET or None, fib=is_fib(request.user))
    page = None
    # The order alone is not a search.
    if form.is_valid() and any(
        v not in (None, "") for k, v in form.cleaned_data.items() if k != "sort"
    ):
        d = form.cleaned_data
        filters = search.Filters(
            q=d["q"] or "",
            date_from=d["date_from"],
            date_to=d["date_to"],
            source_grade=d["source_grade"] or "",
            intel_grade=d["intel_grade"] or "",
            area=d["area"] or "",
            entity_id=d["entity"],
            sort=d["sort"] or search.RELEVANCE,
        )
        page = search.paginate(request.user, filters, 25).get_page(request.GET.get("page"))
        selectors.consult_search(
            request.user,
            page,
            q=filters.q,
            justification="Searched sanitised intelligence",
            details={"page": page.number},
        )
    return render(
        request,
        "intelligence/search.html",
        {"form": form, "page_obj": page, "nav": NAV, "fib": is_fib(request.user)},
    )
