"""Disruption plan pages: start or change a plan, and read one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cairn.core import step_guard
from cairn.core.concurrency import DraftChanged
from cairn.core.http import AuthenticatedHttpRequest, actor_of, apply_service_errors, require
from cairn.disruption import forms, selectors
from cairn.disruption.access import view_plan
from cairn.disruption.models import DisruptionPlan
from cairn.disruption.services import plans
from cairn.pole.access import view_person

from ._common import NAV, _form_page


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(
    request: AuthenticatedHttpRequest, person_id: int | None = None, plan_id: int | None = None
) -> HttpResponse:
    require(actor_of(request), "disruption.manage_plan")
    plan = view_plan(request.user, plan_id, justification="Changing a plan") if plan_id else None
    person = (
        plan.person_of_concern
        if plan
        else view_person(request.user, person_id or 0, justification="Starting a plan")
    )
    tactics = selectors.plan_tactic_choices(request.user, person)

    def initial_of(plan: DisruptionPlan) -> dict[str, Any]:
        # Only the tactics this user can choose: the boxes they are shown.
        shown = {t.pk for t in tactics}
        return {
            "objectives": plan.objectives,
            "review_on": plan.review_on,
            "tactics": [t.pk for t in plan.tactics.all() if t.pk in shown],
        }

    def bind(data: QueryDict | None) -> forms.PlanForm:
        return forms.PlanForm(data, tactics=tactics, initial=initial_of(plan) if plan else {})

    def save(bound: forms.PlanForm, outcome: step_guard.Outcome | None) -> DisruptionPlan | None:
        if not bound.is_valid():
            return None
        try:
            return plans.plan_save(
                actor=actor_of(request),
                person_of_concern=person,
                objectives=bound.cleaned_data["objectives"],
                review_on=bound.cleaned_data["review_on"],
                tactic_ids=bound.cleaned_data.get("tactics") or [],
                plan=plan,
                expected_version=outcome.version if outcome else None,
            )
        except DraftChanged:
            raise  # reconciled again with the newer plan (step_guard.save_step)
        except ValidationError as exc:
            apply_service_errors(bound, exc)
            return None

    conflict = False
    if request.method != "POST":
        form = bind(None)
    elif plan is None:
        form = bind(request.POST)
        if (done := save(form, None)) is not None:
            messages.success(request, "Disruption plan saved.")
            return redirect("disruption:plan-detail", plan_id=done.pk)
    else:
        # Two people may change a plan at once: each keeps the other's changes, and an
        # answer both changed differently is asked about (ADR 0015).
        changing = plan
        now = step_guard.draft_reader(changing, lambda: initial_of(changing))
        step = step_guard.save_step(request.POST, form=bind, draft=now, save=save)
        form, conflict = step.form, step.conflict
        if step.result is not None:
            note = step_guard.kept_note(form, step.outcome)
            messages.success(request, f"Disruption plan saved.{note}")
            return redirect("disruption:plan-detail", plan_id=step.result.pk)
    seen = None
    if plan is not None:
        initial = initial_of(plan)
        seen = step_guard.page_seen(form, initial, plan.version, conflict=conflict)
    return _form_page(
        request,
        form,
        title="Disruption plan",
        caption=person.full_name,
        submit="Save plan",
        seen=seen,
        status=409 if conflict else 200,
    )


@login_required
def plan_detail(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = view_plan(request.user, plan_id, justification="Opened a disruption plan")
    return render(
        request,
        "disruption/plan_detail.html",
        {
            "plan": plan,
            "tactics": selectors.plan_tactics(request.user, plan),
            "today": timezone.localdate(),
            "nav": NAV,
        },
    )
