"""Referral pages: start (pre-filled from the child and, optionally, a concern), the
referral form with a server-side draft, the detail page with the clock and the actions
the signed-in user may take, the receiving team's inbox (the MASH dashboard), "sent by
me" and "my team's" lists, decisions, the PDF and the NRM export."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cairn.concerns.access import access_concern_by_id
from cairn.core import step_guard
from cairn.core.concurrency import Conflict
from cairn.core.http import (
    AuthenticatedHttpRequest,
    actor_of,
    apply_service_errors,
    form_saved,
    require,
)
from cairn.core.text import is_digits
from cairn.core.throttling import throttle
from cairn.core.views import confirm_discard
from cairn.pole.access import view_person

from . import documents, forms, payload, selectors, services
from .access import (
    access_own_draft,
    access_referral_by_id,
    is_receiver,
    is_sender_side,
    mark_hidden_references,
    referral_consulted,
    view_referral,
)
from .models import MashOutcome, Referral, ReferralKind, ReferralStatus

BOXES = {
    "inbox": "Received by my team",
    "sent": "Sent by me",
    "team": "Sent by my team",
}


def _ctx(**extra: Any) -> dict[str, Any]:
    return {"nav": "referrals", **extra}


@login_required
def referral_list(request: AuthenticatedHttpRequest, box: str = "inbox") -> HttpResponse:
    require(actor_of(request), "referrals.view_referral")
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
    page.object_list = list(page.object_list)
    mark_hidden_references(request.user, [*page.object_list, *overdue])
    selectors.consult_referrals(
        user, [*page.object_list, *overdue], justification=f"Referrals: {BOXES[box].lower()}"
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
def referral_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "referrals.add_referral")
    source = request.POST if request.method == "POST" else request.GET
    child_id, concern_id = source.get("child", ""), source.get("concern", "")
    if not is_digits(child_id):
        raise Http404("Start a referral from the child's page.")
    child = view_person(request.user, int(child_id), justification="Starting a referral")
    concern = access_concern_by_id(request.user, int(concern_id)) if is_digits(concern_id) else None
    user = request.user
    first_responder = bool(user.agency and user.agency.is_first_responder)
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") else {}
    form = forms.StartForm(
        request.POST if request.method == "POST" else None,
        first_responder=first_responder,
        initial=initial,
    )
    saved = form_saved(
        request,
        form,
        lambda: services.referral_start(
            actor=request.user, kind=form.cleaned_data["kind"], child=child, concern=concern
        ),
        then=lambda referral: redirect("referrals:edit", referral_id=referral.pk),
    )
    return saved or render(
        request,
        "referrals/start.html",
        _ctx(form=form, child=child, concern=concern, first_responder=first_responder),
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_edit(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    try:
        referral = access_own_draft(request.user, referral_id)
    except Http404:
        sent = _already_sent(request, referral_id) if request.method == "POST" else None
        if sent is not None:
            return sent
        raise
    form_class = payload.FORMS[referral.kind]
    recipients = selectors.receiving_agencies(referral.kind)

    def bind(data: QueryDict) -> Any:
        return form_class(data, recipients=recipients, sender=referral.sender_agency)

    def save(bound: Any, expected_version: str) -> None:
        bound.is_valid()  # what is clean is kept as cleaned, the rest as typed
        services.referral_save_draft(
            actor=request.user,
            referral=referral,
            details=payload.draft_details(bound),
            expected_version=expected_version,
        )

    draft = step_guard.draft_reader(
        referral, lambda: payload.initial_from(referral.details, form_class)
    )
    conflict = False
    if request.method == "POST":
        try:
            posted = step_guard.handle_step(request.POST, form=bind, draft=draft, save=save)
        except Conflict:
            # Sent by a request that overtook this one (a double click): show the result.
            sent = _already_sent(request, referral_id)
            if sent is not None:
                return sent
            raise
        form, conflict, kept = posted.form, posted.conflict, posted.kept
        if conflict:
            pass
        elif request.POST.get("action") == "save":
            messages.success(request, f"Draft {referral.reference} saved.{kept}")
            return redirect("referrals:edit", referral_id=referral.pk)
        elif kept:
            # Not sent: the referral would carry answers changed elsewhere that this page
            # did not show. They are saved; the page shows them to check and send again.
            messages.info(request, f"Your answers have been saved, not sent.{kept}")
            return redirect("referrals:edit", referral_id=referral.pk)
        elif posted.done:
            try:
                services.referral_submit(actor=request.user, referral=referral)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"{referral.get_kind_display()} {referral.reference} sent to "
                    f"{referral.recipient_name}.",
                )
                return redirect("referrals:detail", referral_id=referral.pk)
    else:
        form = form_class(
            initial=payload.initial_from(referral.details, form_class),
            recipients=recipients,
            sender=referral.sender_agency,
        )
    initial = payload.initial_from(referral.details, form_class)
    seen = step_guard.page_seen(form, initial, referral.version, conflict=conflict)
    return render(
        request,
        "referrals/edit.html",
        _ctx(referral=referral, form=form, child=referral.child, seen=seen),
        status=409 if conflict else 200,
    )


def _already_sent(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse | None:
    """A repeated 'send' of the user's own referral goes to the sent referral."""
    referral = access_referral_by_id(request.user, referral_id)
    if referral.sender_id != request.user.pk or referral.status == ReferralStatus.DRAFT:
        return None
    messages.info(request, f"{referral.reference} has already been sent.")
    return redirect("referrals:detail", referral_id=referral.pk)


@login_required
@require_http_methods(["GET", "POST"])
def referral_discard(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = access_own_draft(request.user, referral_id)
    asked = confirm_discard(
        request,
        what=f"Your draft {referral.get_kind_display()} referral",
        started=referral.created_at,
        cancel_url=reverse("referrals:edit", args=[referral.pk]),
    )
    if asked is not None:
        return asked
    child_id = referral.child_id
    services.referral_discard_draft(actor=request.user, referral=referral)
    messages.success(request, "The draft referral has been deleted.")
    return redirect("pole:person-detail", child_id)


def _detail_context(request: AuthenticatedHttpRequest, referral: Referral) -> dict[str, Any]:
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
def referral_detail(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = view_referral(request.user, referral_id)
    if referral.status == ReferralStatus.DRAFT:
        return redirect("referrals:edit", referral_id=referral.pk)
    return render(request, "referrals/detail.html", _detail_context(request, referral))


@login_required
@require_http_methods(["GET", "POST"])
def referral_action(
    request: AuthenticatedHttpRequest, referral_id: int, action: str
) -> HttpResponse:
    referral = access_referral_by_id(request.user, referral_id)
    if action not in services.TRANSITIONS or not services.may_take_action(
        request.user, referral, action
    ):
        raise Http404("Not available.")
    if action not in services.allowed_actions(request.user, referral):
        if request.method != "POST":
            raise Http404("Not available.")
        # Someone else moved the referral on (e.g. declined it while this was withdrawn).
        messages.error(
            request,
            f"{referral.reference} is now {referral.get_status_display().lower()}: "
            f"it can no longer be {services.PAST[action]}.",
        )
        return redirect("referrals:detail", referral_id=referral.pk)
    referral_consulted(
        request.user, referral, justification=f"Opened {referral.reference} to {action}"
    )
    needs_reason = action in ("decline", "withdraw")
    form = forms.ReasonForm(request.POST or None) if needs_reason else None
    if request.method == "POST" and (form is None or form.is_valid()):
        reason = form.cleaned_data["reason"] if form is not None else ""
        try:
            services.referral_transition(
                actor=request.user, referral=referral, action=action, reason=reason
            )
        except Conflict as exc:
            messages.error(request, str(exc))
            return redirect("referrals:detail", referral_id=referral.pk)
        except ValidationError as exc:
            if form is None:
                raise
            apply_service_errors(form, exc)
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
def mash_decide(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = access_referral_by_id(request.user, referral_id)
    if not _detail_context(request, referral)["can_decide"]:
        if is_receiver(request.user, referral) and selectors.mash_decision(referral):
            messages.error(request, f"A MASH decision on {referral.reference} is already recorded.")
            return redirect("referrals:detail", referral_id=referral.pk)
        raise Http404("Nothing to decide.")
    referral_consulted(
        request.user, referral, justification=f"Opened {referral.reference} to decide"
    )
    form = forms.MashDecisionForm(request.POST or None, teams=selectors.allocation_teams())
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.mash_decision_record(
                actor=request.user,
                referral=referral,
                outcome=form.cleaned_data["outcome"],
                rationale=form.cleaned_data["rationale"],
                allocated_team=selectors.allocation_team(form.cleaned_data["allocated_team"]),
            )
        except Conflict as exc:
            messages.error(request, str(exc))
            return redirect("referrals:detail", referral_id=referral.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
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
def strategy_new(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = access_referral_by_id(request.user, referral_id)
    if not _detail_context(request, referral)["can_strategy"]:
        raise Http404("No s47 decision.")
    referral_consulted(
        request.user,
        referral,
        justification=f"Opened {referral.reference} for a strategy discussion",
    )
    form = forms.StrategyForm(request.POST or None)
    saved = form_saved(
        request,
        form,
        lambda: services.strategy_discussion_record(
            actor=request.user,
            referral=referral,
            held_on=form.cleaned_data["held_on"],
            attendees=services.parse_attendees(form.cleaned_data["attendees"]),
            decisions=form.cleaned_data["decisions"],
            actions=form.cleaned_data["actions"].splitlines(),
        ),
        success="Strategy discussion recorded.",
        then=lambda _: redirect("referrals:detail", referral_id=referral.pk),
    )
    return saved or render(request, "referrals/strategy.html", _ctx(referral=referral, form=form))


def _nrm_sender(request: AuthenticatedHttpRequest, referral_id: int) -> Referral:
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
def nrm_reference(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = _nrm_sender(request, referral_id)
    referral_consulted(
        request.user,
        referral,
        justification=f"Opened {referral.reference} for its Home Office reference",
    )
    form = forms.NrmReferenceForm(
        request.POST or None, initial={"reference": referral.home_office_reference}
    )
    saved = form_saved(
        request,
        form,
        lambda: services.nrm_reference_record(
            actor=request.user, referral=referral, reference=form.cleaned_data["reference"]
        ),
        success="Home Office reference recorded.",
        then=lambda _: redirect("referrals:detail", referral_id=referral.pk),
    )
    return saved or render(
        request,
        "referrals/simple_form.html",
        _ctx(referral=referral, form=form, heading="Record the Home Office reference"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def nrm_decision(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = _nrm_sender(request, referral_id)
    referral_consulted(
        request.user, referral, justification=f"Opened {referral.reference} for its NRM decision"
    )
    form = forms.NrmDecisionForm(request.POST or None)
    saved = form_saved(
        request,
        form,
        lambda: services.nrm_decision_record(
            actor=request.user, referral=referral, **form.cleaned_data
        ),
        success="NRM decision recorded.",
        then=lambda _: redirect("referrals:detail", referral_id=referral.pk),
    )
    return saved or render(
        request,
        "referrals/simple_form.html",
        _ctx(referral=referral, form=form, heading="Record an NRM decision"),
    )


@login_required
@throttle("export")
def referral_pdf(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = access_referral_by_id(request.user, referral_id)
    if referral.status == ReferralStatus.DRAFT:
        raise Http404("Not sent yet.")
    pdf = services.referral_document(actor=request.user, referral=referral)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{referral.reference}.pdf"'
    return response


@login_required
def referral_print(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    """The same document as HTML with a print stylesheet (no PDF library needed)."""
    referral = access_referral_by_id(request.user, referral_id)
    if referral.status == ReferralStatus.DRAFT:
        raise Http404("Not sent yet.")
    referral_consulted(
        request.user, referral, justification=f"Opened {referral.reference} for printing"
    )
    return HttpResponse(documents.render_html(referral, request))


@login_required
@throttle("export")
def nrm_export(request: AuthenticatedHttpRequest, referral_id: int) -> HttpResponse:
    referral = _nrm_sender(request, referral_id)
    data = services.nrm_export(actor=request.user, referral=referral)
    response = HttpResponse(json.dumps(data, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{referral.reference}.json"'
    return response
