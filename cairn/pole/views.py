"""People pages: search, profile, create. Views parse input, call one selector or
service, and render; the access layer decides visibility."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cairn.audit import services as audit
from cairn.network import selectors as network_selectors

from . import search, selectors, services
from .access import access_person_by_id, can_change_person
from .forms import PersonForm, PersonSearchForm


def _require_perm(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


@login_required
def person_search(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "pole.view_person")
    form = PersonSearchForm(request.GET or None)
    page_obj = None
    searched = False
    if request.GET and form.is_valid():
        searched = True
        query = form.cleaned_data.get("q") or ""
        dob = form.cleaned_data.get("dob")
        matches = search.search_people(request.user, query=query, date_of_birth=dob)
        audit.record(
            actor=request.user,
            event="person.searched",
            justification="Person search",
            details={
                "query": query[:100],
                "dob": dob.isoformat() if dob else None,
                "results": len(matches),
            },
        )
        page_obj = Paginator(matches, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "pole/person_search.html",
        {"form": form, "page_obj": page_obj, "searched": searched, "nav": "people"},
    )


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access_person_by_id(request.user, person_id)
    audit.record(
        actor=request.user,
        event="person.viewed",
        obj=person,
        subject=person,
        justification=request.GET.get("reason", "")[:200] or "Opened person profile",
    )
    profile = selectors.person_profile(request.user, person)
    return render(
        request,
        "pole/person_detail.html",
        {
            "profile": profile,
            "person": person,
            "can_change": can_change_person(request.user, person),
            "nav": "people",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "pole.add_person")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Identity matching (cairn/network): blocking indexes + Fellegi-Sunter weights.
        possible_matches = network_selectors.possible_matches(request.user, data)
        if possible_matches and not request.POST.get("confirm_new"):
            # Show likely existing records before creating another one; nothing typed is lost.
            return render(
                request,
                "pole/person_form.html",
                {"form": form, "possible_matches": possible_matches, "nav": "people"},
            )
        fields = {
            k: data[k]
            for k in (
                "date_of_birth",
                "estimated_age",
                "sex",
                "ethnicity",
                "first_language",
                "interpreter_needed",
                "sen_disability",
                "has_learning_disability",
                "looked_after",
                "description",
            )
        }
        try:
            person = services.person_create(
                actor=request.user,
                given_name=data["given_name"],
                family_name=data.get("family_name") or "",
                category=data["category"],
                aliases=form.alias_tuples(),
                hub_shared=data.get("hub_shared", False),
                **fields,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"{person.full_name} has been added.")
            return redirect("pole:person-detail", person_id=person.pk)
    return render(request, "pole/person_form.html", {"form": form, "nav": "people"})
