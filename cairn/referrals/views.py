"""Referral pages: start (pre-filled from the child and, optionally, a concern), the
referral form with a server-side draft, the detail page with the clock and the actions
the signed-in user may take, the receiving team's inbox (the MASH dashboard), "sent by
me" and "my team's" lists, decisions, the PDF and the NRM export."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cairn.audit import services as audit
from cairn.concerns.access import access_concern_by_id
from cairn.pole.access import access_person_by_id

from . import documents, forms, payload, selectors, services
from .access import access_own_draft, access_referral_by_id, is_receiver, is_sender_side
from .models import MashOutcome, Referral, ReferralKind, ReferralStatus

BOXES = {
    "inbox": "Received by my team",
    "sent": "Sent by me",
    "team": "Sent by my team",
}


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _add_errors(form: Any, exc: ValidationError) -> None:
    for field, errs in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errs)


def _ctx(**extra: Any) -> dict[str, Any]:
    return {"nav": "referrals", **extra}


@login_required
def referral_list(request: HttpRequest, box: str = "inbox") -> HttpResponse:
    _require(request, "referrals.view_referral")
    if box not in BOXES:
        raise Http404("No such list.")
    user = request.user
    now = timezone.now()
    if box == "inbox":
        qs = selectors.inbox(user, open_only=request.GET.get("show") != "all")
        overdue = list(selectors.overdue_inbox(user, now)[:50])
    elif box == "sent":
        qs = selectors.sent_by_me(user)
        overdue = list(selectors.overdue_sent(user, now)[:50])
    else:
        qs = selectors.my_team(user)
        overdue = []
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    audit.record(
        actor=user, event="referral.listed", justification=f"Referrals: {BOXES[box].lower()}"
    )
    return render(
        request,
        "referrals/list.html",
        _ctx(
            box=box,
            boxes=BOXES,
            title=BOXES[box],
            page_obj=page,
            overdue=overdue,
            now=now,
            show_all=request.GET.get("show") == "all",
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest) -> HttpResponse:
    _require(request, "referrals.add_referral")
    source = request.POST if request.method == "POST" else request.GET
    child_id, concern_id = source.get("child", ""), source.get("concern", "")
    if not child_id.isdigit():
        raise Http404("Start a referral from the child's page.")
    child = access_person_by_id(request.user, int(child_id))
    concern = access_concern_by_id(request.user, int(concern_id)) if concern_id.isdigit() else None
    user: Any = request.user
    first_responder = bool(user.agency and user.agency.is_first_responder)
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") else {}
    form = forms.StartForm(
        request.POST if request.method == "POST" else None,
        first_responder=first_responder,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_start(
                actor=request.user, kind=form.cleaned_data["kind"], child=child, concern=concern
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect("referrals:edit", referral_id=referral.pk)
    return render(
        request,
        "referrals/start.html",
        _ctx(form=form, child=child, concern=concern, first_responder=first_responder),
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_edit(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = access_own_draft(request.user, referral_id)
    form_class = payload.FORMS[referral.kind]
    recipients = selectors.receiving_agencies(referral.kind)
    if request.method == "POST":
        form = form_class(request.POST, recipients=recipients)
        valid = form.is_valid()
        services.referral_save_draft(
            actor=request.user, referral=referral, details=payload.draft_details(form)
        )
        if request.POST.get("action") == "save":
            messages.success(request, f"Draft {referral.reference} saved.")
            return redirect("referrals:edit", referral_id=referral.pk)
        if valid:
            try:
                services.referral_submit(actor=request.user, referral=referral)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"{referral.get_kind_display()} {referral.reference} sent to "
                    f"{referral.recipient_name}.",
                )
                return redirect("referrals:detail", referral_id=referral.pk)
    else:
        form = form_class(
            initial=payload.initial_from(referral.details, form_class), recipients=recipients
        )
    return render(
        request, "referrals/edit.html", _ctx(referral=referral, form=form, child=referral.child)
    )


@login_required
@require_POST
def referral_discard(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = access_own_draft(request.user, referral_id)
    child_id = referral.child_id
    services.referral_discard_draft(actor=request.user, referral=referral)
    messages.success(request, "The draft referral has been deleted.")
    return redirect("pole:person-detail", child_id)


def _detail_context(request: HttpRequest, referral: Referral) -> dict[str, Any]:
    user = request.user
    decision = selectors.mash_decision(referral)
    return _ctx(
        referral=referral,
        answers=documents.answers(referral),
        actions=services.allowed_actions(user, referral),
        receiver=is_receiver(user, referral),
        sender_side=is_sender_side(user, referral),
        decision=decision,
        discussions=selectors.strategy_discussions(decision),
        nrm_decisions=selectors.nrm_decisions(referral),
        overdue=referral.is_overdue(timezone.now()),
        can_decide=(
            referral.kind == ReferralKind.MASH
            and decision is None
            and is_receiver(user, referral)
            and user.has_perm("referrals.decide_mash")
            and referral.status
            in (ReferralStatus.SUBMITTED, ReferralStatus.ACKNOWLEDGED, ReferralStatus.ACCEPTED)
        ),
        can_strategy=(
            decision is not None
            and decision.outcome == MashOutcome.S47
            and is_receiver(user, referral)
            and user.has_perm("referrals.decide_mash")
        ),
    )


@login_required
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = access_referral_by_id(request.user, referral_id)
    if referral.status == ReferralStatus.DRAFT:
        return redirect("referrals:edit", referral_id=referral.pk)
    audit.record(
        actor=request.user,
        event="referral.viewed",
        obj=referral,
        subject=referral.child_id,
        justification=f"Opened {referral.reference}",
    )
    return render(request, "referrals/detail.html", _detail_context(request, referral))


@login_required
@require_http_methods(["GET", "POST"])
def referral_action(request: HttpRequest, referral_id: int, action: str) -> HttpResponse:
    referral = access_referral_by_id(request.user, referral_id)
    if action not in services.allowed_actions(request.user, referral):
        raise Http404("Not available.")
    needs_reason = action in ("decline", "withdraw")
    form = forms.ReasonForm(request.POST or None) if needs_reason else None
    if request.method == "POST" and (form is None or form.is_valid()):
        reason = form.cleaned_data["reason"] if form is not None else ""
        try:
            services.referral_transition(
                actor=request.user, referral=referral, action=action, reason=reason
            )
        except ValidationError as exc:
            if form is None:
                raise
            _add_errors(form, exc)
        else:
            messages.success(request, f"{referral.reference} {services.PAST[action]}.")
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(
        request,
        "referrals/action.html",
        _ctx(referral=referral, action=action, form=form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def mash_decide(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = access_referral_by_id(request.user, referral_id)
    if not _detail_context(request, referral)["can_decide"]:
        raise Http404("Nothing to decide.")
    form = forms.MashDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.mash_decision_record(
                actor=request.user,
                referral=referral,
                outcome=form.cleaned_data["outcome"],
                rationale=form.cleaned_data["rationale"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Decision recorded: {decision.get_outcome_display()}.")
            if decision.outcome == MashOutcome.S47:
                return redirect("referrals:strategy", referral_id=referral.pk)
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(
        request,
        "referrals/decide.html",
        _ctx(referral=referral, form=form, overdue=referral.is_overdue(timezone.now())),
    )


@login_required
@require_http_methods(["GET", "POST"])
def strategy_new(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = access_referral_by_id(request.user, referral_id)
    if not _detail_context(request, referral)["can_strategy"]:
        raise Http404("No s47 decision.")
    form = forms.StrategyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.strategy_discussion_record(
                actor=request.user,
                referral=referral,
                held_on=form.cleaned_data["held_on"],
                attendees=services.parse_attendees(form.cleaned_data["attendees"]),
                decisions=form.cleaned_data["decisions"],
                actions=form.cleaned_data["actions"].splitlines(),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Strategy discussion recorded.")
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(request, "referrals/strategy.html", _ctx(referral=referral, form=form))


def _nrm_sender(request: HttpRequest, referral_id: int) -> Referral:
    referral = access_referral_by_id(request.user, referral_id)
    if (
        referral.kind != ReferralKind.NRM
        or not is_sender_side(request.user, referral)
        or referral.status in (ReferralStatus.DRAFT, ReferralStatus.WITHDRAWN)
    ):
        raise Http404("Not available.")
    return referral


@login_required
@require_http_methods(["GET", "POST"])
def nrm_reference(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _nrm_sender(request, referral_id)
    form = forms.NrmReferenceForm(
        request.POST or None, initial={"reference": referral.home_office_reference}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.nrm_reference_record(
                actor=request.user, referral=referral, reference=form.cleaned_data["reference"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Home Office reference recorded.")
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(
        request,
        "referrals/simple_form.html",
        _ctx(referral=referral, form=form, heading="Record the Home Office reference"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def nrm_decision(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _nrm_sender(request, referral_id)
    form = forms.NrmDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.nrm_decision_record(actor=request.user, referral=referral, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "NRM decision recorded.")
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(
        request,
        "referrals/simple_form.html",
        _ctx(referral=referral, form=form, heading="Record an NRM decision"),
    )


@login_required
def referral_pdf(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = access_referral_by_id(request.user, referral_id)
    if referral.status == ReferralStatus.DRAFT:
        raise Http404("Not sent yet.")
    pdf = services.referral_document(actor=request.user, referral=referral)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{referral.reference}.pdf"'
    return response


@login_required
def referral_print(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The same document as HTML with a print stylesheet (no PDF library needed)."""
    referral = access_referral_by_id(request.user, referral_id)
    if referral.status == ReferralStatus.DRAFT:
        raise Http404("Not sent yet.")
    audit.record(
        actor=request.user,
        event="referral.viewed",
        obj=referral,
        subject=referral.child_id,
        justification=f"Opened {referral.reference} for printing",
    )
    return HttpResponse(documents.render_html(referral, request))


@login_required
def nrm_export(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _nrm_sender(request, referral_id)
    data = services.nrm_export(actor=request.user, referral=referral)
    response = HttpResponse(json.dumps(data, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{referral.reference}.json"'
    return response
