"""Information rights pages: IG's list of requests, logging one, a request with what can
be done next, the owner's correction, and lifting a restriction. Views parse, call one
service or selector, and render; people without access get 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cairn.audit import services as audit
from cairn.core.concurrency import Conflict
from cairn.core.forms import GovukForm

from . import access, selectors, services
from .forms import ReasonForm, RectifyForm, RequestForm
from .letters import reply_text
from .models import RequestKind, RequestStatus

PAGE_SIZE = 25


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise Http404("Page not found.")


def _errors(form: GovukForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    _require(request, "rights.view_request")
    status = request.GET.get("status", RequestStatus.OPEN)
    if status not in RequestStatus.values:
        status = RequestStatus.OPEN
    page_obj = Paginator(selectors.requests_list(request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # The list names the people the requests are about: a consultation of each.
    audit.record_list(
        actor=request.user,
        event="rights.requests_listed",
        subjects=[rr.person_id for rr in page_obj],
        justification="Viewed information rights requests",
        details={"status": status, "page": page_obj.number},
    )
    return render(
        request,
        "rights/list.html",
        {
            "page_obj": page_obj,
            "status": status,
            "overdue": selectors.overdue_count(request.user),
            "is_ig": access.is_ig(request.user),
            "nav": "rights",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    _require(request, "rights.manage_request")
    form = RequestForm(request.POST or None, initial={"person": request.GET.get("person")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rr = services.request_log(
                actor=request.user,
                person_id=data["person"],
                kind=data["kind"],
                requester=data["requester"],
                requester_kind=data["requester_kind"],
                grounds=data["grounds"],
                received_on=data["received_on"],
            )
        except Http404:
            form.add_error("person", "There is no person record with that ID that you may see")
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"{rr.reference} logged. Answer by {rr.due_on:%-d %B %Y}.")
            return redirect("rights:detail", request_id=rr.pk)
    return render(request, "rights/new.html", {"form": form, "nav": "rights"})


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    rr = access.access_request_by_id(request.user, request_id)
    reason_form = ReasonForm(request.POST or None)
    action = request.POST.get("action", "")
    if request.method == "POST":
        if reason_form.is_valid():
            reason = reason_form.cleaned_data["reason"]
            try:
                if action == "extend":
                    services.request_extend(actor=request.user, request_id=rr.pk, reason=reason)
                    messages.success(request, f"{rr.reference}: time limit extended.")
                elif action == "refuse":
                    services.request_refuse(actor=request.user, request_id=rr.pk, reason=reason)
                    messages.success(request, f"{rr.reference} refused.")
                elif action == "restrict":
                    services.restriction_apply(
                        actor=request.user, person_id=rr.person_id, reason=reason, request_id=rr.pk
                    )
                    messages.success(request, "Processing of the record is now restricted.")
                else:
                    raise Http404("No such action.")
            except Conflict:
                raise  # answered 409 by ConflictMiddleware, saying what happened (ADR 0015)
            except ValidationError as exc:
                _errors(reason_form, exc)
            else:
                return redirect("rights:detail", request_id=rr.pk)
    else:
        audit.record(
            actor=request.user,
            event="rights.request_viewed",
            obj=rr,
            subject=rr.person,
            justification="Opened an information rights request",
        )
    person = rr.person
    return render(
        request,
        "rights/detail.html",
        {
            "rr": rr,
            "person": person,
            "form": reason_form,
            "action": action,
            "is_ig": access.is_ig(request.user),
            "can_answer": access.can_answer(request.user, rr),
            "restriction": selectors.restriction_in_force(person),
            "letter": "" if rr.is_open else reply_text(rr),
            "nav": "rights",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_rectify(request: HttpRequest, request_id: int) -> HttpResponse:
    rr = access.access_request_by_id(request.user, request_id)
    if rr.kind != RequestKind.RECTIFICATION or not access.can_answer(request.user, rr):
        raise Http404("No request found.")
    person = rr.person
    initial = {name: getattr(person, name) for name in RectifyForm.FIELDS}
    form = RectifyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_rectify(
                actor=request.user,
                request_id=rr.pk,
                note=form.cleaned_data["note"],
                **form.person_fields(),
            )
        except Conflict:
            raise
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"{person.full_name}'s record is corrected.")
            return redirect("rights:detail", request_id=rr.pk)
    elif request.method == "GET":
        audit.record(
            actor=request.user,
            event="person.viewed",
            obj=person,
            subject=person,
            justification=f"Opened to correct the record ({rr.reference})",
        )
    return render(
        request, "rights/rectify.html", {"rr": rr, "person": person, "form": form, "nav": "rights"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_lift(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.access_person_for_rights(request.user, person_id)
    restriction = selectors.restriction_in_force(person)
    if restriction is None or not access.can_restrict(request.user, person):
        raise Http404("No person found.")
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.restriction_lift(
                actor=request.user, person_id=person.pk, reason=form.cleaned_data["reason"]
            )
        except Conflict:
            raise
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"The restriction on {person.full_name}'s record is lifted.")
            if access.is_ig(request.user):
                return redirect("rights:list")
            return redirect("pole:person-detail", person_id=person.pk)
    elif request.method == "GET":
        audit.record(
            actor=request.user,
            event="person.viewed",
            obj=person,
            subject=person,
            justification="Opened to lift a restriction of processing",
        )
    return render(
        request,
        "rights/lift.html",
        {"person": person, "restriction": restriction, "form": form, "nav": "rights"},
    )
