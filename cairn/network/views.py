"""Network pages: a person's network (chart + table), exports, the duplicate review
queue with merge/reject, and merges with undo. Views parse, call one selector or
service, and render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cairn.core.http import AuthenticatedHttpRequest, actor_of, require
from cairn.core.throttling import throttle

from . import exports, graph, selectors, services
from .forms import MergeForm, NetworkFilterForm, ReasonForm, moved_label


def _window(request: HttpRequest) -> tuple[NetworkFilterForm, int, dt.date | None, dt.date | None]:
    form = NetworkFilterForm(request.GET or None)
    hops, since, until = 2, None, None
    if request.GET and form.is_valid():
        hops = form.cleaned_data.get("hops") or 2
        since = form.cleaned_data.get("since")
        until = form.cleaned_data.get("until")
    return form, hops, since, until


@login_required
def person_network(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    require(actor_of(request), "network.view_network")
    form, hops, since, until = _window(request)
    person, network = selectors.network_for_person(
        request.user, person_id, hops=hops, since=since, until=until
    )
    analysis = graph.analyse(network)
    return render(
        request,
        "network/person_network.html",
        {
            "person": person,
            "network": network,
            "nodes": network.node_list(),
            "analysis": analysis,
            "correlations": graph.correlations(request.user, network),
            "elements": graph.as_cytoscape(network),
            "form": form,
            "query": request.GET.urlencode(),
            "can_export": request.user.has_perm("network.export_network"),
            "formats": [("anx", "i2 ANX"), ("graphml", "GraphML"), ("csv", "CSV")],
            "nav": "people",
        },
    )


@login_required
@throttle("export")
def person_network_export(
    request: AuthenticatedHttpRequest, person_id: int, fmt: str
) -> HttpResponse:
    require(actor_of(request), "network.export_network")
    _, hops, since, until = _window(request)
    person, content = selectors.export_network(
        request.user, person_id, fmt, hops=hops, since=since, until=until
    )
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    filename = f"cairn-network-{person.pk}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@throttle("match")
def candidate_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "network.merge_person")
    pairs = selectors.pending_pairs(request.user)
    page_obj = Paginator(pairs, 25).get_page(request.GET.get("page"))
    selectors.consult_pairs(request.user, page_obj)
    return render(
        request, "network/candidate_list.html", {"page_obj": page_obj, "nav": "duplicates"}
    )


def _survivor_choices(pair: Any) -> list[tuple[str, str]]:
    return [(str(p.pk), f"{p.full_name} (record {p.pk})") for p in (pair.person_a, pair.person_b)]


@login_required
@require_http_methods(["GET", "POST"])
def candidate_detail(request: AuthenticatedHttpRequest, pair_id: int) -> HttpResponse:
    require(actor_of(request), "network.merge_person")
    pair = selectors.access_pair(request.user, pair_id)
    choices = _survivor_choices(pair)
    merge_form = MergeForm(choices=choices, initial={"survivor": choices[0][0]})
    reject_form = ReasonForm(prefix="reject")
    action = request.POST.get("action")
    if request.method == "POST" and action == "merge":
        merge_form = MergeForm(request.POST, choices=choices)
        if merge_form.is_valid():
            survivor_id = int(merge_form.cleaned_data["survivor"])
            absorbed_id = pair.person_b_id if survivor_id == pair.person_a_id else pair.person_a_id
            try:
                merge = services.person_merge(
                    actor=request.user,
                    survivor_id=survivor_id,
                    absorbed_id=absorbed_id,
                    reason=merge_form.cleaned_data["reason"],
                    take_from_absorbed=merge_form.cleaned_data["take"],
                    pair=pair,
                )
            except ValidationError as exc:
                merge_form.add_error(None, exc.messages)
            else:
                messages.success(request, "The records have been merged. You can undo this.")
                return redirect("network:merge", merge_id=merge.pk)
    elif request.method == "POST" and action == "reject":
        reject_form = ReasonForm(request.POST, prefix="reject")
        if reject_form.is_valid():
            services.candidate_reject(
                actor=request.user, pair=pair, reason=reject_form.cleaned_data["reason"]
            )
            messages.success(request, "Marked as not the same person.")
            return redirect("network:candidates")
    rows = [
        (label, getattr(pair.person_a, name), getattr(pair.person_b, name))
        for name, label in (
            ("given_name", "First name"),
            ("family_name", "Last name"),
            ("date_of_birth", "Date of birth"),
            ("estimated_age", "Estimated age"),
            ("sex", "Sex"),
            ("category", "Category"),
        )
    ]
    explanation = sorted(pair.explanation.items(), key=lambda kv: -abs(kv[1].get("weight", 0)))
    return render(
        request,
        "network/candidate_detail.html",
        {
            "pair": pair,
            "rows": rows,
            "explanation": explanation,
            # What the reasons start from, so they add up to the match weight shown.
            "prior": pair.match_weight - sum(part.get("weight", 0) for _, part in explanation),
            "merge_form": merge_form,
            "reject_form": reject_form,
            "nav": "duplicates",
        },
    )


@login_required
def merge_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "network.merge_person")
    page_obj = selectors.consult_merges(request.user, request.GET.get("page"))
    return render(request, "network/merge_list.html", {"page_obj": page_obj, "nav": "duplicates"})


@login_required
@require_http_methods(["GET", "POST"])
def merge_detail(request: AuthenticatedHttpRequest, merge_id: int) -> HttpResponse:
    require(actor_of(request), "network.merge_person")
    merge = selectors.view_merge(request.user, merge_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and merge.is_active and form.is_valid():
        try:
            restored = services.person_unmerge(
                actor=request.user, merge=merge, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"The merge has been undone: {restored.full_name} is back.")
            return redirect("network:merge", merge_id=merge.pk)
    moved = [moved_label(m["model"], len(m["ids"])) for m in merge.moved]
    return render(
        request,
        "network/merge_detail.html",
        {"merge": merge, "moved": moved, "form": form, "nav": "duplicates"},
    )
