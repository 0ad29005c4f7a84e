"""Retention review pages for information governance: the queue of records due, one
record's review (keep, with reason and next review), the confirmation before disposal,
and the tombstones. Views parse, call one service or selector, and render; anyone who
is not IG of the record's agency gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cairn.core.concurrency import Conflict
from cairn.core.http import AuthenticatedHttpRequest, apply_service_errors

from . import access, selectors, services
from .forms import DisposeForm, RetainForm
from .models import SLUGS

PAGE_SIZE = 25


@login_required
@require_GET
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require_reviewer(request.user)
    page_obj = Paginator(selectors.review_queue(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    selectors.consult_review_queue(request.user, page_obj)
    return render(request, "retention/queue.html", {"page_obj": page_obj, "nav": "retention"})


@login_required
@require_http_methods(["GET", "POST"])
def review(request: AuthenticatedHttpRequest, slug: str, record_id: int) -> HttpResponse:
    record_type = SLUGS.get(slug)
    if record_type is None:
        raise Http404("No record found.")
    record = access.access_record(request.user, record_type, record_id)
    rules = selectors.assignable_rules(request.user, record_type)
    form = RetainForm(request.POST or None, rules=rules)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_retain(
                actor=request.user,
                record_type=record_type,
                record_id=record.pk,
                reason=form.cleaned_data["reason"],
                next_review_on=form.cleaned_data["next_review_on"],
                assigned_rule_id=form.cleaned_data["rule"],
            )
        except Conflict:
            raise  # answered 409 by ConflictMiddleware, saying what happened (ADR 0015)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Review recorded: the record is kept.")
            return redirect("retention:queue")
    elif request.method == "GET":
        selectors.consult_review(
            request.user,
            record_type,
            record,
            justification="Opened a record due for retention review",
        )
    entry = selectors.review_entry(request.user, record_type, record.pk)
    return render(
        request,
        "retention/review.html",
        {
            "entry": entry,
            "form": form,
            "decisions": selectors.decisions_for(record_type, record.pk),
            "is_due": entry.due.on is not None and entry.due.on <= timezone.localdate(),
            "nav": "retention",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def dispose(request: AuthenticatedHttpRequest, slug: str, record_id: int) -> HttpResponse:
    record_type = SLUGS.get(slug)
    if record_type is None:
        raise Http404("No record found.")
    # A second submit of the form (a double click, or a retry) finds the concern or entry
    # already disposed of: the service answers that with a conflict (409), not a 404.
    record = access.access_record(
        request.user, record_type, record_id, disposed_too=request.method == "POST"
    )
    form = DisposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tombstone = services.record_dispose(
                actor=request.user,
                record_type=record_type,
                record_id=record.pk,
                reason=form.cleaned_data["reason"],
            )
        except Conflict:
            raise  # answered 409 by ConflictMiddleware, saying what happened (ADR 0015)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"The record was disposed of ({tombstone.reference}).")
            return redirect("retention:tombstone", tombstone_id=tombstone.pk)
    elif request.method == "GET":
        selectors.consult_review(
            request.user,
            record_type,
            record,
            justification="Opened to confirm disposal of a record",
        )
    if getattr(record, "disposed_at", None) is not None:  # a refused second submit
        raise Conflict("This record has already been disposed of.")
    entry = selectors.review_entry(request.user, record_type, record.pk)
    is_due = entry.due.on is not None and entry.due.on <= timezone.localdate()
    return render(
        request,
        "retention/dispose.html",
        {"entry": entry, "form": form, "is_due": is_due, "nav": "retention"},
    )


@login_required
@require_GET
def tombstone_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require_reviewer(request.user)
    return render(
        request,
        "retention/tombstones.html",
        {"tombstones": selectors.tombstones(request.user), "nav": "retention"},
    )


@login_required
@require_GET
def tombstone_detail(request: AuthenticatedHttpRequest, tombstone_id: int) -> HttpResponse:
    tombstone = selectors.view_tombstone(request.user, tombstone_id)
    return render(request, "retention/tombstone.html", {"tombstone": tombstone, "nav": "retention"})
