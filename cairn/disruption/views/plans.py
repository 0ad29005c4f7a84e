"""Disruption plan pages: start or change a plan, and read one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cairn.core.http import AuthenticatedHttpRequest, actor_of, form_saved, require
from cairn.disruption import forms, selectors
from cairn.disruption.access import view_plan
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
    initial: dict[str, Any] = {}
    if plan is not None:
        initial = {
            "objectives": plan.objectives,
            "review_on": plan.review_on,
            "tactics": [t.pk for t in plan.tactics.all()],
        }
    form = forms.PlanForm(request.POST or None, tactics=tactics, initial=initial)
    saved = form_saved(
        request,
        form,
        lambda: plans.plan_save(
            actor=actor_of(request),
            person_of_concern=person,
            objectives=form.cleaned_data["objectives"],
            review_on=form.cleaned_data["review_on"],
            tactic_ids=form.cleaned_data.get("tactics") or [],
            plan=plan,
        ),
        success="Disruption plan saved.",
        then=lambda done: redirect("disruption:plan-detail", plan_id=done.pk),
    )
    return saved or _form_page(
        request,
        form,
        title="Disruption plan",
        caption=person.full_name,
        submit="Save plan",
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
