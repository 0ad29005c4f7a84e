"""Hub pages: meetings (schedule, attendance, the generated agenda, recording each item
with its actions, minutes to print, PDF and distribution), actions ("my actions", "my
agency's actions"), the Philomena profile, the dashboard and problem profiles (missing
episodes: cairn/missing/views.py). Views parse input, call a service or selector, and
render; access is decided in access.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cairn.core.http import (
    AuthenticatedHttpRequest,
    actor_of,
    apply_service_errors,
    form_saved,
    require,
)
from cairn.core.pdf import render_pdf
from cairn.core.text import is_digits
from cairn.core.throttling import throttle, wants_pdf
from cairn.pole.access import access_entity_by_id
from cairn.sharing.services import Claim

from . import forms, selectors, services
from .access import (
    access_meeting_to_run,
    access_member_to_manage,
    can_manage_setup,
    can_view_setup,
    is_chair,
    open_item_to_run,
    view_action,
)
from .models import Meeting, MeetingStatus

# Hub home, set-up and meetings ------------------------------------------------------------


@login_required
def hub_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "hub.view_meeting")
    today = timezone.localdate()
    return render(
        request,
        "hub/home.html",
        {
            "upcoming": selectors.upcoming_meetings(request.user)[:10],
            "past": selectors.past_meetings(request.user)[:10],
            "mine_overdue": selectors.filter_actions(
                selectors.my_actions(request.user), "overdue", today
            ).count(),
            "mine_open": selectors.filter_actions(
                selectors.my_actions(request.user), "due", today
            ).count(),
            "nav": "hub",
        },
    )


@login_required
def hub_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The set-up summary: every Hub user reads it; the chair and system admins see the
    Change links."""
    if not can_view_setup(request.user):
        raise PermissionDenied
    manage = can_manage_setup(request.user)
    return render(
        request,
        "hub/setup.html",
        {
            "setup": selectors.hub_setup(),
            "members": selectors.hub_members(),
            "manage": manage,
            "can_add": manage and selectors.agencies_to_add().exists(),
            "nav": "hub",
        },
    )


def _require_setup(request: AuthenticatedHttpRequest) -> None:
    if not can_manage_setup(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def setup_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_setup(request)
    current = selectors.hub_setup()
    initial = {name: getattr(current, name) for name in forms.SetupForm.base_fields}
    initial["chair"] = current.chair_id
    form = forms.SetupForm(request.POST or None, initial=initial, chairs=selectors.chair_choices())
    saved = form_saved(
        request,
        form,
        lambda: services.setup_update(actor=request.user, **form.cleaned_data),
        success="Hub set-up saved",
        then=lambda _: redirect("hub:setup"),
    )
    return saved or render(request, "hub/setup_edit.html", {"form": form, "nav": "hub"})


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_setup(request)
    agencies = selectors.agencies_to_add()
    form = forms.MemberForm(
        request.POST or None, agencies=agencies, people=selectors.representative_choices()
    )
    saved = form_saved(
        request,
        form,
        lambda: services.member_set(
            actor=request.user,
            agency=form.cleaned_data["agency"],
            representative=form.cleaned_data["representative"],
            deputy=form.cleaned_data.get("deputy"),
            joined_on=form.cleaned_data.get("joined_on"),
            new=True,
        ),
        success=lambda member: f"{member.agency.name} added as a member agency",
        then=lambda _: redirect("hub:setup"),
    )
    return saved or render(
        request,
        "hub/member_form.html",
        {"form": form, "member": None, "no_agencies": not agencies.exists(), "nav": "hub"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: AuthenticatedHttpRequest, member_id: int) -> HttpResponse:
    member = access_member_to_manage(request.user, member_id)
    form = forms.MemberForm(
        request.POST or None,
        people=selectors.representative_choices(member.agency_id),
        initial={
            "representative": member.representative_id,
            "deputy": member.deputy_id,
            "joined_on": member.joined_on,
        },
    )
    saved = form_saved(
        request,
        form,
        lambda: services.member_set(
            actor=request.user,
            agency=member.agency,
            representative=form.cleaned_data["representative"],
            deputy=form.cleaned_data.get("deputy"),
            joined_on=form.cleaned_data.get("joined_on"),
        ),
        success=lambda _: f"{member.agency.name}'s representatives saved",
        then=lambda _: redirect("hub:setup"),
    )
    return saved or render(
        request, "hub/member_form.html", {"form": form, "member": member, "nav": "hub"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: AuthenticatedHttpRequest, member_id: int) -> HttpResponse:
    member = access_member_to_manage(request.user, member_id)
    problems = services.member_removal_problems(member)
    if request.method == "POST" and not problems:
        try:
            services.member_remove(actor=request.user, member=member)
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, f"{member.agency.name} removed from the Hub")
            return redirect("hub:setup")
    return render(
        request,
        "hub/member_remove.html",
        {"member": member, "problems": problems, "nav": "hub"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "hub.manage_meeting")
    form = forms.MeetingForm(request.POST or None)
    saved = form_saved(
        request,
        form,
        lambda: services.meeting_schedule(
            actor=request.user,
            starts_at=form.starts_at(),
            meeting_type=form.cleaned_data["meeting_type"],
            title=form.cleaned_data["title"],
            venue=form.cleaned_data["venue"],
        ),
        success=lambda meeting: f"{meeting.title} scheduled",
        then=lambda meeting: redirect("hub:meeting", meeting_id=meeting.pk),
        rename={"starts_at": "date"},
    )
    return saved or render(request, "hub/meeting_new.html", {"form": form, "nav": "hub"})


def _meeting_context(
    request: AuthenticatedHttpRequest, meeting: Meeting, view: Any = None, **extra: Any
) -> dict[str, Any]:
    view = view or selectors.meeting_view(request.user, meeting)
    return {
        "meeting": meeting,
        "view": view,
        "chair": is_chair(request.user),
        "today": timezone.localdate(),
        "marking": meeting.get_marking_display(),
        "nav": "hub",
        **extra,
    }


@login_required
def meeting_detail(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    view = selectors.consult_meeting(request.user, meeting_id, justification="Opened {reference}")
    return render(request, "hub/meeting.html", _meeting_context(request, view.meeting, view))


@login_required
@require_POST
def agenda_generate(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting_to_run(request.user, meeting_id)
    try:
        added = services.agenda_generate(actor=request.user, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Agenda built: {len(added)} new item{'s' if len(added) != 1 else ''}"
            if added
            else "Agenda is up to date: nothing new to add",
        )
    return redirect("hub:meeting", meeting_id=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting_to_run(request.user, meeting_id)
    form = forms.AttendanceForm(request.POST or None, users=selectors.owner_choices())
    if request.method == "POST" and form.is_valid():
        services.attendance_record(
            actor=request.user,
            meeting=meeting,
            user=form.cleaned_data["user"],
            status=form.cleaned_data["status"],
        )
        messages.success(request, "Attendance recorded")
        return redirect("hub:attendance", meeting_id=meeting.pk)
    return render(request, "hub/attendance.html", _meeting_context(request, meeting, form=form))


@login_required
@require_http_methods(["GET", "POST"])
def item_detail(request: AuthenticatedHttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    item = open_item_to_run(request.user, meeting_id, item_id)
    meeting = item.meeting
    is_child = item.child is not None
    initial = {
        "discussion": item.discussion,
        "agreed_level": item.agreed_level,
        "decisions": item.decisions,
        "next_review_on": item.next_review_on,
        "version": item.version,
    }
    form = forms.ItemForm(
        request.POST if request.POST.get("form") == "item" else None, initial=initial
    )
    if not is_child:
        form.fields.pop("agreed_level")
    action_form = forms.ActionForm(
        request.POST if request.POST.get("form") == "action" else None,
        users=selectors.owner_choices(),
        prefix="action",
    )
    if request.method == "POST" and request.POST.get("form") == "item" and form.is_valid():
        try:
            services.item_record(
                actor=request.user,
                item=item,
                discussion=form.cleaned_data["discussion"],
                agreed_level=form.cleaned_data.get("agreed_level") or "",
                decisions=form.cleaned_data["decisions"],
                next_review_on=form.cleaned_data.get("next_review_on"),
                version=form.cleaned_data.get("version") or None,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            form.show_version(item.version)
        else:
            messages.success(request, f"Discussion of {item.title} recorded")
            return redirect("hub:item", meeting_id=meeting.pk, item_id=item.pk)
    if request.method == "POST" and request.POST.get("form") == "action" and action_form.is_valid():
        try:
            action = services.action_create(
                actor=request.user,
                description=action_form.cleaned_data["description"],
                owner=action_form.cleaned_data["owner"],
                due_on=action_form.cleaned_data["due_on"],
                item=item,
            )
        except ValidationError as exc:
            apply_service_errors(action_form, exc)
        else:
            messages.success(request, f"Action {action.reference} added for {action.owner}")
            return redirect("hub:item", meeting_id=meeting.pk, item_id=item.pk)
    return render(
        request,
        "hub/item.html",
        _meeting_context(
            request,
            meeting,
            item=item,
            form=form,
            action_form=action_form,
            item_actions=selectors.item_actions(item),
            is_child=is_child,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def minutes_finalise(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    """Final minutes cannot be changed, so the chair is asked first, and told which items
    have no discussion recorded."""
    meeting = access_meeting_to_run(request.user, meeting_id)
    confirmed = request.method == "POST" and request.POST.get("confirm") == "yes"
    if confirmed:
        try:
            services.minutes_finalise(
                actor=request.user, meeting=meeting, undiscussed_confirmed=True
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Minutes finalised")
        return redirect("hub:meeting", meeting_id=meeting.pk)
    # The confirmation lists the items' titles, which name children: a consultation.
    view = selectors.consult_meeting(
        request.user, meeting.pk, justification="Minutes of {reference} opened to finalise"
    )
    return render(
        request,
        "hub/finalise_confirm.html",
        {
            "meeting": meeting,
            "not_discussed": [item for item in view.items if not item.discussed],
            "discussed": [item for item in view.items if item.discussed],
            "total": len(view.items),
            "held": meeting.starts_at <= timezone.now(),
            "nav": "hub",
        },
    )


@login_required
def minutes(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    view = selectors.consult_meeting(
        request.user,
        meeting_id,
        event="hub.minutes_printed",
        justification="Minutes of {reference} opened for print",
    )
    return render(request, "hub/minutes.html", _meeting_context(request, view.meeting, view))


@login_required
@throttle("export")
def minutes_pdf(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    view = selectors.consult_meeting(
        request.user,
        meeting_id,
        event="hub.minutes_printed",
        justification="Minutes of {reference} downloaded as PDF",
        details={"format": "pdf"},
    )
    meeting = view.meeting
    pdf = render_pdf(
        "hub/minutes_pdf.html",
        _meeting_context(request, meeting, view),
        request=request,
        stylesheet="hub/print.css",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{meeting.reference}-minutes.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def distribute(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting_to_run(request.user, meeting_id)
    form = forms.DistributeForm(
        request.POST or None,
        agencies=selectors.member_agencies(),
        sender=getattr(request.user, "agency", None),
    )
    saved = form_saved(
        request,
        form,
        lambda: services.minutes_distribute(
            actor=request.user,
            meeting=meeting,
            agencies=list(form.cleaned_data["agencies"]),
            claim=Claim.from_form(form.cleaned_data),
        ),
        success=lambda rows: f"Minutes sent to {len(rows)} agencies",
        then=lambda _: redirect("hub:meeting", meeting_id=meeting.pk),
    )
    return saved or render(
        request,
        "hub/distribute.html",
        _meeting_context(
            request,
            meeting,
            form=form,
            sent=selectors.distribution(meeting),
            final=meeting.status == MeetingStatus.FINALISED,
        ),
    )


# Actions ----------------------------------------------------------------------------------

ACTION_STATES = {"open": "All open", "overdue": "Overdue", "due": "Due", "complete": "Complete"}


@login_required
def action_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "hub.view_action")
    scope = "agency" if request.GET.get("view") == "agency" else "mine"
    state = request.GET.get("state") or "open"
    if state not in ACTION_STATES:
        state = "open"
    today = timezone.localdate()
    base = (
        selectors.agency_actions(request.user)
        if scope == "agency"
        else selectors.my_actions(request.user)
    )
    rows = selectors.filter_actions(base, state, today)
    if state == "open":
        rows = rows.filter(status="open")
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    selectors.consult_actions(
        request.user,
        page,
        justification="My agency's actions" if scope == "agency" else "My actions",
        details={"state": state},
    )
    return render(
        request,
        "hub/actions.html",
        {
            "page_obj": page,
            "scope": scope,
            "state": state,
            "states": ACTION_STATES,
            "today": today,
            "nav": "hub",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_detail(request: AuthenticatedHttpRequest, action_id: int) -> HttpResponse:
    action = view_action(request.user, action_id)
    form = forms.CompleteForm(request.POST or None)
    saved = form_saved(
        request,
        form,
        lambda: services.action_complete(
            actor=request.user, action=action, note=form.cleaned_data["note"]
        ),
        success=f"Action {action.reference} completed",
        then=lambda _: redirect("hub:action-detail", action_id=action.pk),
    )
    return saved or render(
        request,
        "hub/action.html",
        {
            "action": action,
            "form": form,
            "can_complete": services.can_complete(request.user, action),
            "overdue": action.is_overdue(),
            "nav": "hub",
        },
    )


# The Philomena profile --------------------------------------------------------------------


@login_required
def philomena(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    require(actor_of(request), "hub.view_missing")
    child = selectors.view_philomena(request.user, person_id)
    return render(
        request,
        "hub/philomena.html",
        {
            "profile": selectors.philomena_profile(request.user, child),
            "marking": child.entity.get_marking_display(),
            "nav": "hub",
        },
    )


# Dashboard and problem profiles -----------------------------------------------------------


@login_required
def dashboard_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "hub.view_dashboard")
    counted = selectors.consult_dashboard(request.user, recount="recount" in request.GET)
    return render(
        request,
        "hub/dashboard.html",
        {
            "panels_html": selectors.dashboard_panels_html(counted),
            "counted_at": counted.at,
            "nav": "hub",
        },
    )


@login_required
@throttle("export", when=wants_pdf)
def problem_profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "hub.view_problem_profile")
    entity = None
    if is_digits(request.GET.get("entity", "")):
        entity = access_entity_by_id(request.user, int(request.GET["entity"]))
    form = forms.AreaForm(request.GET if "postcode" in request.GET else None)
    profile = None
    pdf = request.GET.get("format") == "pdf"
    if entity is not None:
        profile = selectors.consult_problem_profile(request.user, entity=entity, pdf=pdf)
    elif form.is_bound and form.is_valid():
        postcode = form.cleaned_data["postcode"]
        profile = selectors.consult_problem_profile(request.user, postcode=postcode, pdf=pdf)
    query = request.GET.copy()
    query["format"] = "pdf"
    context = {
        "form": form,
        "profile": profile,
        "entity": entity,
        "marking": "OFFICIAL-SENSITIVE",
        "nav": "hub",
        "pdf_url": reverse("hub:problem-profile") + "?" + query.urlencode(),
    }
    if profile is not None and pdf:
        pdf_bytes = render_pdf(
            "hub/problem_profile_pdf.html", context, request=request, stylesheet="hub/print.css"
        )
        response = HttpResponse(pdf_bytes, content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="problem-profile.pdf"'
        return response
    return render(request, "hub/problem_profile.html", context)
