"""Intelligence pages: the submission form (server-side draft, structured details, the
crime-disclosure and quality check before submitting), the submitter's and recipients'
views, and the FIB's queue, triage, grading, redaction editor, linking and dissemination."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cairn.audit import services as audit
from cairn.concerns.access import access_concern_by_id
from cairn.concerns.forms import MENTION_FORMS

from . import forms, grading, search, selectors, services
from .access import access_for_fib, access_own_draft, access_submission_by_id, is_fib
from .models import Status, Submission

NAV = "intelligence"


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _errors_to_form(form: Any, exc: ValidationError, mapping: dict[str, str] | None = None) -> None:
    for key, errs in exc.message_dict.items():
        name = (mapping or {}).get(key, key)
        form.add_error(name if name in form.fields else None, errs)


@login_required
def submission_list(request: HttpRequest) -> HttpResponse:
    _require(request, "intelligence.view_submission")
    page = Paginator(selectors.my_submissions(request.user), 25).get_page(request.GET.get("page"))
    audit.record(actor=request.user, event="intel.listed", justification="My intelligence list")
    return render(
        request,
        "intelligence/list.html",
        {
            "page_obj": page,
            "drafts": selectors.my_drafts(request.user)[:20],
            "shared": selectors.shared_with_me(request.user)[:20],
            "is_fib": is_fib(request.user),
            "nav": NAV,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def submission_new(request: HttpRequest) -> HttpResponse:
    _require(request, "intelligence.add_submission")
    concern = None
    concern_id = request.POST.get("concern") or request.GET.get("concern")
    if concern_id and str(concern_id).isdigit():
        concern = access_concern_by_id(request.user, int(concern_id))
    if request.method == "POST":
        submission = services.submission_start(actor=request.user, concern=concern)
        return redirect("intelligence:edit", submission_id=submission.pk)
    return render(request, "intelligence/start.html", {"concern": concern, "nav": NAV})


@login_required
@require_http_methods(["GET", "POST"])
def submission_edit(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = access_own_draft(request.user, submission_id)
    if request.method == "POST" and request.POST.get("remove", "").isdigit():
        mentions = list(submission.mentions or [])
        index = int(request.POST["remove"])
        if 0 <= index < len(mentions):
            mentions.pop(index)
            services.submission_save_draft(
                actor=request.user, submission=submission, data={"mentions": mentions}
            )
        return redirect("intelligence:edit", submission_id=submission.pk)
    if request.method == "POST":
        form = forms.SubmissionForm(request.POST)
        if form.is_valid():
            errors = services.submission_save_draft(
                actor=request.user, submission=submission, data=form.to_data()
            )
            if not errors:
                add = request.POST.get("add")
                if add in MENTION_FORMS:
                    return redirect("intelligence:mention-add", submission.pk, add)
                if request.POST.get("action") == "save":
                    messages.success(request, "Your draft has been saved.")
                    return redirect("intelligence:edit", submission_id=submission.pk)
                return redirect("intelligence:check", submission_id=submission.pk)
            _errors_to_form(form, ValidationError(errors))
    else:
        form = forms.SubmissionForm(initial=forms.SubmissionForm.initial_from(submission))
    return render(
        request,
        "intelligence/edit.html",
        {
            "submission": submission,
            "form": form,
            "mentions": submission.mentions or [],
            "kinds": MENTION_FORMS,
            "nav": NAV,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def mention_add(request: HttpRequest, submission_id: int, kind: str) -> HttpResponse:
    submission = access_own_draft(request.user, submission_id)
    if kind not in MENTION_FORMS:
        raise Http404("No such kind.")
    form_class, noun = MENTION_FORMS[kind]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mentions = [*list(submission.mentions or []), form.to_mention()]  # type: ignore[attr-defined]
        services.submission_save_draft(
            actor=request.user, submission=submission, data={"mentions": mentions}
        )
        messages.success(request, f"Added {noun}.")
        return redirect("intelligence:edit", submission_id=submission.pk)
    return render(
        request,
        "intelligence/mention_form.html",
        {"submission": submission, "form": form, "noun": noun, "nav": NAV},
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
def submission_check(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = access_own_draft(request.user, submission_id)
    result = services.check_text(submission)
    form = forms.SubmitForm(request.POST if request.method == "POST" else None)
    missing: list[tuple[str, str]] = []
    blocked = False
    if request.method == "POST" and form.is_valid():
        try:
            services.submission_submit(
                actor=request.user,
                submission=submission,
                crime_reference=form.cleaned_data["crime_reference"],
                intel_only_reason=form.cleaned_data["intel_only_reason"],
            )
        except ValidationError as exc:
            for key, msgs in exc.message_dict.items():
                if key == "what" and services.CRIME_ROUTE in msgs:
                    blocked = True
                    msgs = [m for m in msgs if m != services.CRIME_ROUTE]
                missing.extend((ERROR_LINKS.get(key, "id_what"), m) for m in msgs)
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
    audit.record(
        actor=request.user,
        event="intel.checked",
        obj=submission,
        justification="Crime-disclosure and quality check",
        details={"crime": result.crime_disclosure},
    )
    return render(
        request,
        "intelligence/check.html",
        {
            "submission": submission,
            "result": result,
            "form": form,
            "missing": missing,
            "blocked": blocked,
            "nav": NAV,
        },
    )


@login_required
@require_POST
def draft_discard(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = access_own_draft(request.user, submission_id)
    services.submission_discard_draft(actor=request.user, submission=submission)
    messages.success(request, "The draft has been deleted.")
    return redirect("intelligence:list")


@login_required
def submission_detail(request: HttpRequest, submission_id: int) -> HttpResponse:
    view = access_submission_by_id(request.user, submission_id)
    submission = view.submission
    if submission.status == Status.DRAFT:
        return redirect("intelligence:edit", submission_id=submission.pk)
    audit.record(
        actor=request.user,
        event="intel.viewed",
        obj=submission,
        subject=submission.subject,
        justification="Opened intelligence" + (" (sanitised version)" if not view.original else ""),
    )
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
            "disseminations": submission.disseminations.select_related("recipient_agency")
            if view.workflow
            else [],
            "marking": submission.get_marking_display(),
            "nav": NAV,
        },
    )


@login_required
def source_detail(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = access_for_fib(request.user, submission_id)
    record = selectors.source_for(request.user, submission)
    return render(
        request,
        "intelligence/source.html",
        {"submission": submission, "record": record, "nav": NAV},
    )


@login_required
def fib_queue(request: HttpRequest) -> HttpResponse:
    _require(request, "intelligence.manage_fib")
    tab = request.GET.get("tab", "new")
    if tab not in selectors.QUEUE_STATUSES:
        tab = "new"
    page = Paginator(selectors.fib_queue(request.user, tab), 25).get_page(request.GET.get("page"))
    audit.record(actor=request.user, event="intel.listed", justification=f"FIB queue: {tab}")
    return render(
        request,
        "intelligence/queue.html",
        {
            "page_obj": page,
            "tab": tab,
            "counts": selectors.queue_counts(request.user),
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
def triage(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = access_for_fib(request.user, submission_id)
    form = forms.TriageForm(
        request.POST or None,
        initial={"priority": submission.priority or "routine", "note": submission.triage_note},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.submission_triage(
                actor=request.user,
                submission=submission,
                priority=form.cleaned_data["priority"],
                note=form.cleaned_data["note"],
                close=form.cleaned_data["close"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return redirect("intelligence:detail", submission_id=submission.pk)
    return _fib_page(request, submission, form, "Triage", "Save triage", show_original=True)


@login_required
@require_http_methods(["GET", "POST"])
def evaluate(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = access_for_fib(request.user, submission_id)
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
    if request.method == "POST" and form.is_valid():
        try:
            services.submission_evaluate(
                actor=request.user, submission=submission, **form.cleaned_data
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return redirect("intelligence:detail", submission_id=submission.pk)
    return _fib_page(
        request, submission, form, "Evaluate (3x5x2)", "Save grading", show_original=True
    )


@login_required
@require_http_methods(["GET", "POST"])
def sanitise(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = access_for_fib(request.user, submission_id)
    initial = submission.sanitised_text or services.suggested_sanitised(submission)
    form = forms.SanitiseForm(request.POST or None, initial={"text": initial})
    if request.method == "POST" and form.is_valid():
        try:
            services.submission_sanitise(
                actor=request.user, submission=submission, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return redirect("intelligence:detail", submission_id=submission.pk)
    return _fib_page(
        request, submission, form, "Sanitised version", "Save sanitised version", show_original=True
    )


@login_required
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = access_for_fib(request.user, submission_id)
    error = ""
    if request.method == "POST" and request.POST.get("mention", "").isdigit():
        choice = request.POST.get(f"choice_{request.POST['mention']}", "")
        try:
            services.mention_link(
                actor=request.user,
                submission=submission,
                mention_index=int(request.POST["mention"]),
                entity_id=int(choice) if choice.isdigit() else None,
            )
        except ValidationError as exc:
            error = "; ".join(m for msgs in exc.message_dict.values() for m in msgs)
        else:
            messages.success(request, "Linked to the POLE record.")
            return redirect("intelligence:link", submission_id=submission.pk)
    return render(
        request,
        "intelligence/link.html",
        {
            "submission": submission,
            "rows": selectors.link_candidates(request.user, submission),
            "error": error,
            "nav": NAV,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def disseminate(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = access_for_fib(request.user, submission_id)
    form = forms.DisseminateForm(request.POST or None, agencies=selectors.partner_agencies())
    if request.method == "POST" and form.is_valid():
        try:
            services.submission_disseminate(
                actor=request.user,
                submission=submission,
                recipient_kind=form.cleaned_data["recipient_kind"],
                agency=form.cleaned_data["agency"],
                reason=form.cleaned_data["reason"],
                conditions_met=form.cleaned_data["conditions_met"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "The sanitised intelligence has been disseminated.")
            return redirect("intelligence:detail", submission_id=submission.pk)
    return _fib_page(
        request,
        submission,
        form,
        "Disseminate",
        "Disseminate sanitised version",
        show_sanitised=True,
    )


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    _require(request, "intelligence.view_submission")
    form = forms.SearchForm(request.GET or None)
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
        audit.record(
            actor=request.user,
            event="intel.searched",
            justification="Searched sanitised intelligence",
            details={"q": filters.q[:100], "page": page.number},
        )
    return render(request, "intelligence/search.html", {"form": form, "page_obj": page, "nav": NAV})
