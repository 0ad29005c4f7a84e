"""Information rights pages: IG's list of requests, logging one, a request with what can
be done next, the owner's correction, and lifting a restriction. Views parse, call one
service or selector, and render; people without access get 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Textarea, TextInput
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cairn.core.concurrency import Conflict
from cairn.core.http import AuthenticatedHttpRequest, actor_of, apply_service_errors, require
from cairn.core.pdf import render_pdf
from cairn.core.types import Actor
from cairn.pole.access import consult_person

from . import access, selectors, services
from .checks import part_checks, source_checks, unreviewed
from .forms import (
    ChangeIncludeForm,
    CloseForm,
    ConfirmForm,
    DiscloseForm,
    ExtendForm,
    NameSourceForm,
    NoticeForm,
    NotThemForm,
    ReasonForm,
    RectifyForm,
    RedactForm,
    RequestForm,
    SarForm,
    SourceReasonForm,
    SourceRedactForm,
    TakeOverForm,
    UnwithholdForm,
    WithholdForm,
)
from .letters import reply_text
from .models import RequestKind, RequestStatus, SarStatus, SubjectAccessRequest

PAGE_SIZE = 25


def changed_meanwhile(exc: Conflict) -> str:
    """The form-level message for a race lost on a page whose form is shown again (409),
    as the Conflict page words it (templates/409.html)."""
    # A message without a full stop ran into the next sentence ("...then disclose Nothing
    # you sent was saved", outside tester).
    text = str(exc).rstrip()
    stop = "" if text.endswith((".", "?", "!")) else "."
    return f"Someone else changed this record: {text}{stop} Nothing you sent was saved."


def errors_to(form: Any) -> Any:
    """`form`, ready to take a service's errors: a button with no fields ("About them:
    include", "Approve") leaves its page's form unbound, with nothing cleaned to add an
    error to (tester report 10, F1: a 500), so it is given an empty one."""
    if not form.is_bound:
        form.cleaned_data = {}
    return form


def add_conflict(form: Any, exc: Conflict) -> None:
    """The race lost, on the form shown again (409)."""
    errors_to(form).add_error(None, changed_meanwhile(exc))


@login_required
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "rights.view_request", hide=True)
    status = request.GET.get("status", RequestStatus.OPEN)
    if status not in RequestStatus.values:
        status = RequestStatus.OPEN
    page_obj = Paginator(selectors.requests_list(request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # The list names the people the requests are about: a consultation of each.
    selectors.consult_requests(request.user, page_obj, status=status)
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
def request_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "rights.manage_request", hide=True)
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
                authority_checked=data["authority_checked"],
            )
        except Http404:
            form.add_error("person", "There is no person record with that ID that you may see")
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{rr.reference} logged. Answer by {rr.due_on:%-d %B %Y}.")
            return redirect("rights:detail", request_id=rr.pk)
    return render(request, "rights/new.html", {"form": form, "nav": "rights"})


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    rr = access.access_request_by_id(request.user, request_id)
    reason_form = ReasonForm(request.POST or None)
    action = request.POST.get("action", "")
    status = 200
    if request.method == "POST" and action == "confirm_identity":
        services.request_confirm_identity(actor=request.user, request_id=rr.pk)
        messages.success(request, f"{rr.reference}: the requester's identity is confirmed.")
        return redirect("rights:detail", request_id=rr.pk)
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
            except Conflict as exc:
                # Lost a race (another IG restricted or answered first): say so on this
                # page, as correcting and lifting do, with the reason typed kept (ADR 0015).
                reason_form.add_error(None, changed_meanwhile(exc))
                status = 409
                rr = access.access_request_by_id(request.user, rr.pk)  # as it is now
            except ValidationError as exc:
                apply_service_errors(reason_form, exc)
            else:
                return redirect("rights:detail", request_id=rr.pk)
    else:
        selectors.consult_request(request.user, rr)
    person = rr.person
    lifted = selectors.lifted_restriction_of(rr)
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
            "lifted": lifted,
            "duplicate_alerts": selectors.duplicate_alerts_of(rr),
            "letter": "" if rr.is_open else reply_text(rr, lifted=lifted),
            "kept": status == 409,
            "nav": "rights",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_rectify(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    rr = access.access_request_by_id(request.user, request_id)
    # A request answered meanwhile still takes the owner's POST to the service, which
    # says so (Conflict): the loser of a race sees what they typed, not "Page not found".
    if rr.kind != RequestKind.RECTIFICATION or not (
        access.can_answer(request.user, rr)
        or (request.method == "POST" and access.is_owner(request.user, rr.person))
    ):
        raise Http404("No request found.")
    person = rr.person
    initial = {name: getattr(person, name) for name in RectifyForm.FIELDS}
    form = RectifyForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.request_rectify(
                actor=request.user,
                request_id=rr.pk,
                note=form.cleaned_data["note"],
                **form.person_fields(),
            )
        except Conflict as exc:
            form.add_error(None, changed_meanwhile(exc))
            status = 409
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{person.full_name}'s record is corrected.")
            return redirect("rights:detail", request_id=rr.pk)
    elif request.method == "GET":
        consult_person(
            request.user, person, justification=f"Opened to correct the record ({rr.reference})"
        )
    return render(
        request,
        "rights/rectify.html",
        {"rr": rr, "person": person, "form": form, "nav": "rights"},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_lift(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = access.access_person_for_rights(request.user, person_id)
    restriction = selectors.restriction_in_force(person)
    # Lifted meanwhile: a POST still goes to the service, which says so (as in
    # request_rectify), keeping the reason typed.
    if not access.can_lift(request.user, person, restriction) or (
        restriction is None and request.method != "POST"
    ):
        raise Http404("No person found.")
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.restriction_lift(
                actor=request.user, person_id=person.pk, reason=form.cleaned_data["reason"]
            )
        except Conflict as exc:
            form.add_error(None, changed_meanwhile(exc))
            status = 409
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"The restriction on {person.full_name}'s record is lifted.")
            if access.is_ig(request.user):
                return redirect("rights:list")
            return redirect("pole:person-detail", person_id=person.pk)
    elif request.method == "GET":
        consult_person(
            request.user, person, justification="Opened to lift a restriction of processing"
        )
    return render(
        request,
        "rights/lift.html",
        {"person": person, "restriction": restriction, "form": form, "nav": "rights"},
        status=status,
    )


# A new record that may duplicate a restricted one: the IG holding the restriction
# compares the two, then decides (ADR 0023, amendments).
DUPLICATE_ACTIONS = {
    "same": "The same person: restrict this record too",
    "not_same": "Not the same person",
}


@login_required
@require_http_methods(["GET", "POST"])
def duplicate_alert(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    """The pair side by side; a decision takes a reason, then a confirmation page, then
    the service. A decision lost to another press (or another IG) says so (409)."""
    alert, restricted, new = selectors.view_duplicate_alert(request.user, alert_id)
    form = ReasonForm(request.POST or None)
    action = request.POST.get("action", "")
    confirming = False
    status = 200
    if request.method == "POST":
        if action not in DUPLICATE_ACTIONS:
            raise Http404("No such action.")
        if form.is_valid() and request.POST.get("confirmed") != "yes":
            confirming = True
        elif form.is_valid():
            reason = form.cleaned_data["reason"]
            try:
                if action == "same":
                    services.duplicate_alert_restrict(
                        actor=request.user, alert_id=alert.pk, reason=reason
                    )
                    messages.success(
                        request,
                        f"Record {alert.person_id} is restricted too, under the same "
                        "restriction. Its holding agency has been told.",
                    )
                else:
                    services.duplicate_alert_dismiss(
                        actor=request.user, alert_id=alert.pk, reason=reason
                    )
                    messages.success(
                        request,
                        f"Alert closed: record {alert.person_id} is not the same person. "
                        "It stays in everyday use.",
                    )
            except Conflict as exc:
                form.add_error(None, changed_meanwhile(exc))
                status = 409
                alert = access.access_duplicate_alert(request.user, alert.pk)  # as it is now
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return redirect("rights:duplicate", alert_id=alert.pk)
    return render(
        request,
        "rights/duplicate.html",
        {
            "alert": alert,
            "restricted": restricted,
            "new": new,
            "creator_knew": services.creator_knew(
                alert.person.entity.created_by, alert.restriction.person
            ),
            "form": form,
            "action": action,
            "action_label": DUPLICATE_ACTIONS.get(action, ""),
            "confirming": confirming,
            "nav": "rights",
        },
        status=status,
    )


# Subject access requests (ADR 0025): IG only; the handling IG does everything, the IG
# of an agency owning records approves its part.


@login_required
def sar_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "rights.manage_request", hide=True)
    status = request.GET.get("status", "open")
    if status not in selectors.SAR_LIST_TABS:
        status = "open"
    page_obj = Paginator(
        selectors.sars_list(request.user, status=status).prefetch_related("people"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    selectors.consult_sars(
        request.user, page_obj, status=status, justification="Viewed subject access requests"
    )
    return render(
        request,
        "rights/sar_list.html",
        {"page_obj": page_obj, "status": status, "nav": "rights"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def sar_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "rights.manage_request", hide=True)
    form = SarForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sar = services.sar_log(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            if "confirm_duplicate" in getattr(exc, "error_dict", {}):
                # An open request for the same person: ask, keeping what was typed.
                form = SarForm(request.POST, ask_duplicate=True)
                form.is_valid()
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, f"{sar.reference} logged. Disclose by {sar.due_on:%-d %B %Y}."
            )
            return redirect("rights:sar-detail", sar_id=sar.pk)
    return render(request, "rights/sar_new.html", {"form": form, "nav": "rights"})


def _typed(form: Any) -> list[tuple[str, str]]:
    """What was typed in a form's text boxes, shown back after a lost race even where the
    form itself is no longer offered (the request disclosed meanwhile)."""
    return [
        (str(field.label), str(field.value()).strip())
        for field in form
        if not field.is_hidden
        and isinstance(field.field.widget, (TextInput, Textarea))
        and str(field.value() or "").strip()
    ]


def _confirm_choices(user: Actor, matches: list[Any]) -> list[tuple[int, str]]:
    out = []
    for m in matches:
        p = m.person  # a police-only record only for police IG (selectors.sar_candidates)
        born = f", born {p.date_of_birth:%-d %B %Y}" if p.date_of_birth else ""
        differs = ": date of birth differs" if m.dob_differs else ""
        out.append((p.pk, f"{p.full_name}{born} (record {p.pk}; {m.percent}% match{differs})"))
    return out


@login_required
@require_http_methods(["GET", "POST"])
def sar_detail(request: AuthenticatedHttpRequest, sar_id: int) -> HttpResponse:
    sar = access.access_sar_by_id(request.user, sar_id)
    handler = access.is_sar_handler(request.user, sar)
    action = request.POST.get("action", "")
    post = request.POST if request.method == "POST" else None
    matches = (
        selectors.sar_candidates(request.user, sar)
        if handler and sar.status == SarStatus.MATCHING
        else []
    )
    confirm_form = ConfirmForm(
        post if action == "confirm" else None, choices=_confirm_choices(request.user, matches)
    )
    extend_form = ExtendForm(post if action == "extend" else None)
    disclose_form = DiscloseForm(post if action == "disclose" else None)
    if request.method == "POST" and action == "confirm_identity":
        if not handler:
            raise Http404("No such action.")
        # A second confirmation meanwhile is a Conflict, answered 409 (ADR 0015).
        services.sar_confirm_identity(actor=request.user, sar_id=sar.pk)
        messages.success(request, f"{sar.reference}: the requester's identity is confirmed.")
        return redirect("rights:sar-detail", sar_id=sar.pk)
    status = 200
    target = {"confirm": confirm_form, "extend": extend_form}.get(action, disclose_form)
    if request.method == "POST":
        try:
            if action == "confirm" and handler and confirm_form.is_valid():
                services.sar_confirm(
                    actor=request.user,
                    sar_id=sar.pk,
                    person_ids=confirm_form.cleaned_data["people"],
                )
                messages.success(request, "Records confirmed: the bundle is ready to review.")
                return redirect("rights:sar-detail", sar_id=sar.pk)
            if action == "confirm_none" and handler:
                # No record is theirs: intelligence naming them in words is still searched.
                services.sar_confirm(actor=request.user, sar_id=sar.pk, person_ids=[], none=True)
                messages.success(
                    request, "Recorded: no record is the requester's. The bundle is ready."
                )
                return redirect("rights:sar-detail", sar_id=sar.pk)
            if action == "extend" and handler and extend_form.is_valid():
                services.sar_extend(actor=request.user, sar_id=sar.pk, **extend_form.cleaned_data)
                messages.success(request, f"{sar.reference}: time limit extended.")
                return redirect("rights:sar-detail", sar_id=sar.pk)
            if action == "approve":
                part = request.POST.get("agency", "")
                try:
                    approval = services.sar_approve(
                        actor=request.user,
                        sar_id=sar.pk,
                        agency_id=int(part) if part.isdigit() else None,
                        confirmed=request.POST.get("confirmed") == "yes",
                        source_reason=request.POST.get("source_reason", ""),
                    )
                except ValidationError as exc:
                    errors = getattr(exc, "error_dict", {})
                    if not errors or not set(errors) <= {"confirmed", "source_reason"}:
                        raise
                    # The reason is wrong only once the page asking for it was sent.
                    asked = "source_reason" in request.POST and "source_reason" in errors
                    return _approve_confirm(
                        request,
                        sar,
                        int(part) if part.isdigit() else None,
                        source_error=exc.message_dict["source_reason"][0] if asked else "",
                    )
                messages.success(request, f"{approval.agency.name}'s part is approved.")
                return redirect("rights:sar-detail", sar_id=sar.pk)
            if action == "redact_source":
                part = request.POST.get("agency", "")
                try:
                    count = services.sar_redact_source_words(
                        actor=request.user,
                        sar_id=sar.pk,
                        agency_id=int(part) if part.isdigit() else None,
                        reason=request.POST.get("reason", ""),
                    )
                except ValidationError as exc:
                    return _approve_confirm(
                        request,
                        sar,
                        int(part) if part.isdigit() else None,
                        redact_error=" ".join(exc.messages),
                    )
                messages.success(
                    request,
                    f"{count} word{'s' if count != 1 else ''} or number{'s' if count != 1 else ''} "
                    "that may identify the source redacted, in every record of this bundle "
                    "where they appear. Approve the part again when it is ready.",
                )
                return redirect("rights:sar-detail", sar_id=sar.pk)
            if action == "disclose" and handler and disclose_form.is_valid():
                services.sar_disclose(
                    actor=request.user,
                    sar_id=sar.pk,
                    version=request.POST.get("version", ""),
                    **disclose_form.cleaned_data,
                )
                messages.success(request, f"{sar.reference} disclosed.")
                return redirect("rights:sar-detail", sar_id=sar.pk)
            if (
                action
                not in ("confirm", "confirm_none", "extend", "approve", "redact_source", "disclose")
                or not handler
            ):
                raise Http404("No such action.")
        except Conflict as exc:
            if action not in ("extend", "disclose") or not target.is_bound:
                raise
            # Lost a race: the form again with what was typed (tester report 10, F11).
            add_conflict(target, exc)
            status = 409
            sar = access.access_sar_by_id(request.user, sar.pk)  # as it is now
        except ValidationError as exc:
            apply_service_errors(errors_to(target), exc)
    possible = list(selectors.possible_entries(request.user, sar))
    if request.method == "GET":
        if matches:
            selectors.consult_sar_matches(request.user, sar, matches)
        selectors.consult_possible_entries(request.user, sar, possible)
        selectors.consult_sar(
            request.user, sar, justification=f"Opened subject access request {sar.reference}"
        )
    own_agency = None if handler else getattr(request.user, "agency_id", None)
    items = selectors.sar_items(sar, own_agency, viewer=request.user)
    return render(
        request,
        "rights/sar_detail.html",
        {
            "sar": sar,
            "handler": handler,
            "matches": matches,
            "confirm_form": confirm_form,
            "extend_form": extend_form,
            "disclose_form": disclose_form,
            "items": items,
            # What in a partner's entry the handler reads may still name the partner.
            "source_pending": source_checks([i for i in items if i.shown]) if handler else [],
            "parts": selectors.sar_parts(sar, viewer=request.user),
            "can_close": access.can_close_sar(request.user, sar),
            "dob_differs": any(m.dob_differs for m in matches),
            "possible": possible,
            "undecided": sum(1 for e in possible if e.is_open),
            "my_agency": getattr(request.user, "agency_id", None),
            "bundle_version": selectors.bundle_version(sar),
            "kept": _typed(target) if status == 409 else [],
            "nav": "rights",
        },
        status=status,
    )


SOURCE_ACTIONS = ("name_source", "hide_source")
WORDS_ACTIONS = ("redact_source_words", "confirm_source_words")


def _approve_confirm(
    request: AuthenticatedHttpRequest,
    sar: SubjectAccessRequest,
    agency_id: int | None = None,
    *,
    source_error: str = "",
    redact_error: str = "",
) -> HttpResponse:
    """Before a part goes out with nothing redacted or withheld: what in it names other
    people or shows police methods, so its IG approves knowingly (tester 9, F4); a part
    taken over (`agency_id`) likewise for the officer who took it over (tester 11). Also,
    redacted or not, what in a partner's intelligence may identify that partner as the
    police's source: redacted in one step, or disclosed with a reason."""
    items = selectors.sar_items(sar, agency_id or request.user.agency_id, viewer=request.user)
    selectors.consult_sar(
        request.user,
        sar,
        justification=f"Checked what {sar.reference}'s part names before approving it",
    )
    # What was typed is kept: the reason asked for, and the redactions' reason.
    source_form = SourceReasonForm(request.POST if source_error else None)
    if source_error:
        source_form.add_error("source_reason", source_error)
    redact_form = SourceRedactForm(
        request.POST if redact_error else None, initial={"reason": SOURCE_REDACTION_REASON}
    )
    if redact_error and redact_form.is_valid():
        redact_form.add_error(None, redact_error)
    return render(
        request,
        "rights/sar_approve.html",
        {
            "sar": sar,
            "checks": part_checks(sar, items),
            # Only the records the approver reads: a partner's IG approves its entries
            # unread, and the handling police IG decides on them (sar_item).
            "source": source_checks([i for i in items if i.shown]),
            "as_it_is": unreviewed(items),
            "count": len(items),
            "agency_id": agency_id,
            "source_form": source_form,
            "redact_form": redact_form,
            "nav": "rights",
        },
        status=400 if source_error or redact_error else 200,
    )


SOURCE_REDACTION_REASON = (
    "Would identify the partner agency that gave the police this information "
    "(an intelligence source)"
)


@login_required
@require_http_methods(["GET", "POST"])
def sar_item(request: AuthenticatedHttpRequest, sar_id: int, item_id: int) -> HttpResponse:
    sar = access.access_sar_by_id(request.user, sar_id)
    item = selectors.sar_item(sar, item_id, viewer=request.user)
    if not access.can_withhold_item(request.user, sar, item):
        raise Http404("No request found.")
    readable = access.readable_agencies(request.user, sar)
    can_redact = access.can_redact_item(request.user, sar, item, readable)
    can_unwithhold = access.can_unwithhold_item(request.user, sar, item, readable)
    action = request.POST.get("action", "")
    post = request.POST if request.method == "POST" else None
    redact_form = RedactForm(post if action == "redact" else None)
    # Its own prefix: both forms have an exemption and a reason on the one page.
    withhold_form = WithholdForm(post if action == "withhold" else None, prefix="withhold")
    unwithhold_form = UnwithholdForm(post if action == "unwithhold" else None, prefix="undo")
    # Naming (or no longer naming) a partner as the source of its intelligence (ADR 0025).
    can_name_source = can_redact and access.can_name_source(request.user, sar, item)
    source_form = NameSourceForm(post if action in SOURCE_ACTIONS else None, prefix="source")
    # Words in a partner's entry that may identify it as the source: redacted in one step
    # by whoever may redact it, or disclosed with a reason by the handling police IG.
    words_redact_form = SourceRedactForm(
        post if action == "redact_source_words" else None,
        prefix="words",
        initial={"reason": SOURCE_REDACTION_REASON},
    )
    words_confirm_form = NameSourceForm(
        post if action == "confirm_source_words" else None, prefix="disclose"
    )
    form = {
        "redact": redact_form,
        "unwithhold": unwithhold_form,
        "name_source": source_form,
        "hide_source": source_form,
        "redact_source_words": words_redact_form,
        "confirm_source_words": words_confirm_form,
    }.get(action, withhold_form)
    if request.method == "POST":
        if (
            action not in ("redact", "withhold", "unwithhold", *SOURCE_ACTIONS, *WORDS_ACTIONS)
            or (action in ("redact", "redact_source_words") and not can_redact)
            or (action == "unwithhold" and not can_unwithhold)
            or (action in (*SOURCE_ACTIONS, "confirm_source_words") and not can_name_source)
        ):
            raise Http404("No such action.")
        if form.is_valid():
            try:
                if action == "redact_source_words":
                    services.sar_redact_source_words(
                        actor=request.user, sar_id=sar.pk, item_id=item.pk, **form.cleaned_data
                    )
                elif action == "confirm_source_words":
                    services.sar_confirm_source_words(
                        actor=request.user, sar_id=sar.pk, item_id=item.pk, **form.cleaned_data
                    )
                elif action in SOURCE_ACTIONS:
                    services.sar_name_source(
                        actor=request.user,
                        sar_id=sar.pk,
                        item_id=item.pk,
                        named=action == "name_source",
                        **form.cleaned_data,
                    )
                elif action == "redact":
                    services.sar_redact(
                        actor=request.user, sar_id=sar.pk, item_id=item.pk, **form.cleaned_data
                    )
                elif action == "unwithhold":
                    services.sar_unwithhold(
                        actor=request.user, sar_id=sar.pk, item_id=item.pk, **form.cleaned_data
                    )
                else:
                    services.sar_withhold(
                        actor=request.user, sar_id=sar.pk, item_id=item.pk, **form.cleaned_data
                    )
            except Conflict:
                raise
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                done = {
                    "unwithhold": "The record is back in the disclosure.",
                    "redact": "Redaction recorded: the words are redacted in every record "
                    "of this bundle where they appear.",
                    "name_source": f"The disclosure names {item.agency.name} as holding "
                    "this record.",
                    "hide_source": "The disclosure gives this record as held by the police.",
                    "redact_source_words": "The words that may identify the source are "
                    "redacted, in every record of this bundle where they appear.",
                    "confirm_source_words": "Recorded: these words are disclosed, with your "
                    "reason.",
                }
                messages.success(
                    request, done.get(action, "The record is withheld from the disclosure.")
                )
                return redirect("rights:sar-item", sar_id=sar.pk, item_id=item.pk)
    else:
        selectors.consult_sar(
            request.user, sar, obj=item, justification=f"Reviewed a record in {sar.reference}"
        )
    return render(
        request,
        "rights/sar_item.html",
        {
            "sar": sar,
            "item": item,
            "segments": selectors.item_segments(item) if item.shown else [],
            "can_redact": can_redact,
            "can_unwithhold": can_unwithhold,
            "redact_form": redact_form,
            "withhold_form": withhold_form,
            "unwithhold_form": unwithhold_form,
            "can_name_source": can_name_source,
            "source_form": source_form,
            "source_words": source_checks([item], pending=False) if item.shown else [],
            "words_redact_form": words_redact_form,
            "words_confirm_form": words_confirm_form,
            "nav": "rights",
        },
    )


POSSIBLE_DONE = {
    "include": "{ref} is included: it is in {agency}'s part of the bundle, to review and "
    "approve like the others.",
    "not_them": "{ref} is recorded as not about them.",
}


@login_required
@require_http_methods(["GET", "POST"])
def sar_possible(request: AuthenticatedHttpRequest, sar_id: int, entry_id: int) -> HttpResponse:
    """An entry that names the requester in words only: what it says where it names
    them, and the two decisions. A decision lost to another press says so (409), keeping
    the reason typed."""
    sar = access.access_sar_by_id(request.user, sar_id)
    entry = selectors.access_possible_entry(request.user, sar, entry_id)
    action = request.POST.get("action", "")
    # A decision changed (tester 9, F5): both ways need a reason.
    change = request.POST.get("change") == "yes"
    form = NotThemForm(request.POST if action == "not_them" else None)
    include_form = ChangeIncludeForm(request.POST if action == "include" and change else None)
    notice = NoticeForm({})
    notice.is_valid()
    status = 200
    if request.method == "POST":
        if action not in POSSIBLE_DONE:
            raise Http404("No such action.")
        used = form if action == "not_them" else include_form
        if (action == "include" and not change) or used.is_valid():
            try:
                services.sar_possible_decide(
                    actor=request.user,
                    sar_id=sar.pk,
                    entry_id=entry.pk,
                    decision=action,
                    reason=used.cleaned_data["reason"] if used.is_bound else "",
                    change=change,
                )
            except Conflict as exc:
                # A plain "include" press has no bound form: the page-level one carries it.
                shown = used if used.is_bound else notice
                shown.add_error(None, changed_meanwhile(exc))
                status = 409
                entry = selectors.access_possible_entry(request.user, sar, entry.pk)
            except ValidationError as exc:
                apply_service_errors(used, exc)
            else:
                messages.success(
                    request,
                    POSSIBLE_DONE[action].format(ref=entry.reference, agency=entry.agency.name),
                )
                return redirect(reverse("rights:sar-detail", args=[sar.pk]) + "#possible")
    else:
        selectors.consult_possible_entries(request.user, sar, [entry])
    return render(
        request,
        "rights/sar_possible.html",
        {
            "sar": sar,
            "entry": entry,
            "details": selectors.possible_entry_details(entry),
            "form": form,
            "include_form": include_form,
            "notice": notice,
            # A decision lost to another: the reason typed is shown, not dropped.
            "kept": request.POST.get("reason", "").strip() if status == 409 else "",
            "nav": "rights",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def sar_take_over(request: AuthenticatedHttpRequest, sar_id: int, agency_id: int) -> HttpResponse:
    """The handling IG takes over an agency's unapproved part (never a police agency's)."""
    sar = access.access_sar_by_id(request.user, sar_id)
    # Taken over (or approved) meanwhile: a POST still goes to the service, which says so
    # (409, the reason kept) rather than "Page not found" (tester report 10, F9).
    part = next(
        (
            p
            for p in selectors.sar_parts(sar, viewer=request.user)
            if p["agency"].pk == agency_id
            and (
                p["can_take_over"]
                or (request.method == "POST" and access.can_take_over(request.user, sar, agency_id))
            )
        ),
        None,
    )
    if part is None:
        raise Http404("No part found.")
    form = TakeOverForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.sar_take_over(
                actor=request.user, sar_id=sar.pk, agency_id=agency_id, **form.cleaned_data
            )
        except Conflict as exc:
            add_conflict(form, exc)
            status = 409
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            told = selectors.part_contacts([agency_id])[agency_id]
            messages.success(
                request,
                f"You took over {part['agency'].name}'s part: open each of its records, then "
                "approve it before disclosing. "
                + (
                    f"Told: {told.said}."
                    if told.users
                    else f"Nobody could be told: {part['agency'].name} has no information "
                    "governance user and Cairn has no user administrator. Tell the agency "
                    "yourself."
                ),
            )
            return redirect("rights:sar-detail", sar_id=sar.pk)
    return render(
        request,
        "rights/sar_take_over.html",
        {"sar": sar, "part": part, "form": form, "nav": "rights"},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def sar_close(request: AuthenticatedHttpRequest, sar_id: int) -> HttpResponse:
    """Withdraw or close without disclosure: the form, then a confirmation page (the step
    cannot be undone), then the service."""
    sar = access.access_sar_by_id(request.user, sar_id)
    if not access.can_close_sar(request.user, sar):
        raise Http404("No request found.")
    form = CloseForm(request.POST or None)
    confirming = False
    if request.method == "POST" and form.is_valid():
        try:
            services.sar_close(
                actor=request.user,
                sar_id=sar.pk,
                confirmed=request.POST.get("confirmed") == "yes",
                **form.cleaned_data,
            )
        except ValidationError as exc:
            if set(getattr(exc, "error_dict", {})) == {"confirmed"}:
                confirming = True  # valid: show what will happen and ask to confirm
            else:
                apply_service_errors(form, exc)
        else:
            messages.success(request, f"{sar.reference} closed without disclosure.")
            return redirect("rights:sar-detail", sar_id=sar.pk)
    if request.method == "GET":
        selectors.consult_sar(
            request.user, sar, justification=f"Closing subject access request {sar.reference}"
        )
    return render(
        request,
        "rights/sar_close.html",
        {"sar": sar, "form": form, "confirming": confirming, "nav": "rights"},
    )


@login_required
def sar_pdf(request: AuthenticatedHttpRequest, sar_id: int) -> HttpResponse:
    sar = access.access_sar_by_id(request.user, sar_id)
    if not access.is_sar_handler(request.user, sar) or sar.status != SarStatus.DISCLOSED:
        raise Http404("No disclosure found.")
    pdf = render_pdf(
        "rights/sar_pdf.html", selectors.disclosure_context(sar), stylesheet="hub/print.css"
    )
    selectors.consult_sar_pdf(request.user, sar)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{sar.reference}.pdf"'
    return response
