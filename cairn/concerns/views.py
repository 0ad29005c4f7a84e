"""'Record a concern': GOV.UK question pages over a server-side draft, then check your
answers, screening (suggested level, practitioner decides) and next steps. Every POST is
saved to the draft before validation, so nothing typed is lost on an error or time-out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cairn.core import step_guard
from cairn.core.check_answers import mark_changed, parse_seen, seen_value
from cairn.core.concurrency import DraftChanged
from cairn.core.http import (
    AuthenticatedHttpRequest,
    GoInstead,
    actor_of,
    apply_service_errors,
    form_saved,
    require,
)
from cairn.core.text import is_digits
from cairn.core.throttling import throttle
from cairn.core.views import confirm_discard
from cairn.intelligence.crime_model import family_label
from cairn.missing.selectors import missing_sign_offers
from cairn.network.selectors import possible_matches
from cairn.pole import services as pole_services
from cairn.pole.access import access_person_by_id, view_person
from cairn.pole.mentions import MENTION_FORMS, choose_person
from cairn.rights.selectors import whom_to_ask

from . import forms, selectors, services
from . import screening as rules
from .access import (
    access_concern_by_id,
    access_concern_next_steps,
    access_concern_to_screen,
    access_own_draft,
    can_decide_risk,
    view_concern,
)
from .check_page import check_sections
from .models import (
    BoyfriendStage,
    Concern,
    ConcernStatus,
    ExploitationModel,
    ExploitationType,
    Pathway,
)

STEPS = ["child", "details", "indicators", "indicator-details", "mentions", "questions", "check"]
STEP_TITLES = {
    "child": "Which child is this about?",
    "details": "What happened",
    "indicators": "Signs you have seen",
    "indicator-details": "When were the signs seen?",
    "mentions": "People, vehicles, phones, accounts and places",
    "questions": "Immediate danger and crimes",
    "check": "Check your answers",
}


def _next_url(concern: Concern, step: str, request: HttpRequest) -> str:
    if request.GET.get("return") == "check" and step != "indicators":
        return reverse("concerns:step", args=[concern.pk, "check"])
    following = STEPS[STEPS.index(step) + 1]
    return reverse("concerns:step", args=[concern.pk, following])


def _raw(concern: Concern, step: str) -> dict[str, Any] | None:
    return (concern.draft.get("_raw") or {}).get(step)


def _save(
    request: AuthenticatedHttpRequest,
    concern: Concern,
    step: str,
    data: dict[str, Any],
    *,
    valid: bool,
    posted: QueryDict | None = None,
    expected_version: str | None = None,
) -> None:
    """Keep the raw POST for an invalid step (shown again on return), or the clean values.
    `posted` is what was posted, reconciled with the draft (`cairn.core.step_guard`)."""
    raw: dict[str, Any] = {step: None}
    if not valid:
        skip = ("csrfmiddlewaretoken", "submit_key")
        raw[step] = {k: v for k, v in (posted or request.POST).lists() if k not in skip}
        data = {}
    services.concern_save_draft(
        actor=request.user,
        concern=concern,
        data={**data, "_raw": raw},
        expected_version=expected_version,
    )


def _guarded_step(
    request: AuthenticatedHttpRequest,
    concern: Concern,
    step: str,
    form: Callable[[QueryDict], Any],
    initial: Callable[[dict[str, Any]], dict[str, Any]],
    to_draft: Callable[[Any], dict[str, Any]],
) -> step_guard.Posted[Any]:
    """A step posted: reconciled with the draft (another tab may have changed it), then
    saved: the clean answers, or what was typed when they are not valid."""

    def save(bound: Any, expected_version: str) -> None:
        valid = bool(bound.is_valid())
        _save(
            request,
            concern,
            step,
            to_draft(bound) if valid else {},
            valid=valid,
            posted=bound.data,
            expected_version=expected_version,
        )

    draft = step_guard.draft_reader(concern, lambda: initial(concern.draft))
    posted = step_guard.handle_step(request.POST, form=form, draft=draft, save=save)
    if posted.done and posted.kept:
        messages.info(request, f"Your answers have been saved.{posted.kept}")
    return posted


def _bound_from_raw(raw: dict[str, list[str]]) -> Any:

    qd = QueryDict(mutable=True)
    for key, values in raw.items():
        qd.setlist(key, values)
    return qd


def _context(concern: Concern, step: str, **extra: Any) -> dict[str, Any]:
    if step in ("questions", "check"):
        # The net under the practitioner's answers: what they wrote, checked (ADR 0019).
        found = selectors.draft_text_check(concern)
        draft = concern.draft or {}
        extra.update(
            text_check=found,
            text_families=[family_label(f) for f in found.families],
            ask_crime=found.crime and draft.get("crime_disclosed") != "yes",
            danger_quote=found.sentence if found.danger_now else "",
            said_danger=draft.get("immediate_danger") == "yes",
            ask_no_danger=found.danger_now and draft.get("immediate_danger") == "no",
        )
    elif step in STEPS[STEPS.index("details") + 1 :]:
        # Danger now is shown as soon as what happened has been written, not three pages on.
        found = selectors.draft_text_check(concern)
        extra.update(danger_quote=found.sentence if found.danger_now else "")
    return {
        "concern": concern,
        "step": step,
        "step_title": STEP_TITLES.get(step, ""),
        "step_number": STEPS.index(step) + 1 if step in STEPS else None,
        "step_count": len(STEPS),
        "nav": "concerns",
        **extra,
    }


@login_required
def concern_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "concerns.view_concern")
    page = Paginator(selectors.my_concerns(request.user), 25).get_page(request.GET.get("page"))
    drafts = list(selectors.my_drafts(request.user)[:20])
    # A concern about a restricted record shows its reference and status only: no child
    # is shown, so none is consulted.
    shown = [c for c in page if not getattr(c, "child_restricted", False)]
    restricted = [c for c in page if getattr(c, "child_restricted", False)]
    # Whom to ask about one: named by agency where the reporter's has no IG (ADR 0023).
    ask = whom_to_ask(request.user, [c.child_id for c in restricted if c.child_id])
    for c in restricted:
        c.ask = ask.get(c.child_id or 0, "your information governance")  # type: ignore[attr-defined]
    selectors.consult_concerns(request.user, [*shown, *drafts], justification="My concerns list")
    return render(
        request,
        "concerns/list.html",
        {
            "page_obj": page,
            "drafts": drafts,
            "nav": "concerns",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def concern_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(actor_of(request), "concerns.add_concern")
    child = None
    child_id = request.POST.get("child") or request.GET.get("child")
    if child_id and is_digits(child_id):
        child = view_person(request.user, int(child_id), justification="Starting a concern")
    if request.method == "POST":
        concern = services.concern_start(actor=request.user, child=child)
        step = "details" if child is not None else "child"
        return redirect("concerns:step", concern_id=concern.pk, step=step)
    return render(request, "concerns/start.html", {"child": child, "nav": "concerns"})


def _own_draft_or_submitted(
    request: AuthenticatedHttpRequest, concern_id: int, *, resubmit: bool = False
) -> Concern:
    """The reporter's draft; or, once it is submitted, a redirect for its reporter (Back
    after submitting, a double click, a resent form; raised as GoInstead) rather than "page
    not found": a second submit goes where the first did (the screening), any other draft
    page to the submitted concern. Nothing is saved or submitted again. Anyone else: 404."""
    try:
        return access_own_draft(request.user, concern_id)
    except Http404:
        concern = access_concern_by_id(request.user, concern_id)
        if concern.reporter_id != request.user.pk or concern.status == ConcernStatus.DRAFT:
            raise
    if resubmit and request.method == "POST" and can_decide_risk(request.user, concern):
        raise GoInstead(redirect("concerns:screening", concern_id=concern.pk))
    messages.info(request, f"Concern {concern.reference} has already been submitted.")
    raise GoInstead(redirect("concerns:detail", concern_id=concern.pk))


def _searching(request: HttpRequest) -> bool:
    return bool(request.GET.get("q", "").strip())


@login_required
@require_http_methods(["GET", "POST"])
# The child step's search reads other children's names: the people search's limit.
@throttle("search", methods=("GET",), when=_searching)
def concern_step(request: AuthenticatedHttpRequest, concern_id: int, step: str) -> HttpResponse:
    concern = _own_draft_or_submitted(request, concern_id, resubmit=step == "check")
    handler = STEP_HANDLERS.get(step)
    if handler is None:
        raise Http404("No such step.")
    return handler(request, concern)


def _child_step(request: AuthenticatedHttpRequest, concern: Concern) -> HttpResponse:
    search = forms.ChildSearchForm(request.GET or None)
    children = []
    reasons: dict[int, list[str]] = {}
    query = ""
    if search.is_valid():
        query = search.cleaned_data.get("q") or ""
        if query.strip():
            found = selectors.search_children(request.user, query)
            children = [m.person for m in found]
            # Why each was found, beside their name (as "add a person" shows it).
            reasons = {m.person.pk: m.reasons for m in found}
    if concern.child is not None and concern.child not in children:
        children.insert(0, concern.child)
    choose = forms.ChooseChildForm(
        children=children, reasons=reasons, initial={"child_id": concern.child_id}
    )
    new_child = forms.NewChildForm(prefix="new")
    possible: list[Any] = []
    if request.method == "POST" and request.POST.get("action") == "choose":
        chosen = (
            [access_person_by_id(request.user, int(request.POST["child_id"]))]
            if is_digits(request.POST.get("child_id", ""))
            else []
        )
        choose = forms.ChooseChildForm(request.POST, children=chosen or children)
        if choose.is_valid():
            _save(
                request, concern, "child", {"child_id": choose.cleaned_data["child_id"]}, valid=True
            )
            return redirect(_next_url(concern, "child", request))
    elif request.method == "POST" and request.POST.get("action") == "new":
        new_child = forms.NewChildForm(request.POST, prefix="new")
        if new_child.is_valid():
            data = new_child.cleaned_data
            possible = possible_matches(request.user, data)
            if not possible or request.POST.get("confirm_new"):
                try:
                    person = pole_services.person_create(
                        actor=request.user,
                        given_name=data["given_name"],
                        family_name=data.get("family_name") or "",
                        category="child",
                        date_of_birth=data.get("date_of_birth"),
                        estimated_age=data.get("estimated_age"),
                        sex=data["sex"],
                        hub_shared=data.get("hub_shared", False),
                        justification="New child named in a concern",
                    )
                except ValidationError as exc:
                    apply_service_errors(new_child, exc)
                else:
                    _save(request, concern, "child", {"child_id": person.pk}, valid=True)
                    return redirect(_next_url(concern, "child", request))
    return render(
        request,
        "concerns/step_child.html",
        _context(
            concern,
            "child",
            search=search,
            query=query,
            choose=choose,
            new_child=new_child,
            children=children,
            possible_matches=possible,
        ),
    )


def _simple_step(
    form_class: type[forms.DraftForm], step: str, template: str
) -> Callable[[AuthenticatedHttpRequest, Concern], HttpResponse]:
    def handler(request: AuthenticatedHttpRequest, concern: Concern) -> HttpResponse:
        conflict = False
        if request.method == "POST":
            posted = _guarded_step(
                request,
                concern,
                step,
                form_class,
                form_class.initial_from,
                lambda bound: bound.to_draft(),
            )
            form, conflict = posted.form, posted.conflict
            if posted.done:
                return redirect(_next_url(concern, step, request))
        elif _raw(concern, step):
            form = form_class(_bound_from_raw(_raw(concern, step) or {}))
            form.is_valid()
        else:
            form = form_class(initial=form_class.initial_from(concern.draft))
        seen = step_guard.page_seen(
            form, form_class.initial_from(concern.draft), concern.version, conflict=conflict
        )
        return render(
            request,
            template,
            _context(concern, step, form=form, seen=seen),
            status=409 if conflict else 200,
        )

    return handler


def _indicators_step(request: AuthenticatedHttpRequest, concern: Concern) -> HttpResponse:
    catalogue = selectors.active_indicators()

    def initial(draft: dict[str, Any]) -> dict[str, Any]:
        return forms.IndicatorChoiceForm.initial_from(draft, catalogue)

    def to_draft(bound: forms.IndicatorChoiceForm) -> dict[str, Any]:
        codes = bound.selected_codes()
        # The details of the signs still chosen, as the draft (read again) has them.
        kept = [i for i in concern.draft.get("indicators") or [] if i.get("code") in codes]
        return {"indicator_codes": codes, "indicators": kept}

    conflict = False
    if request.method == "POST":
        posted = _guarded_step(
            request,
            concern,
            "indicators",
            lambda data: forms.IndicatorChoiceForm(data, indicators=catalogue),
            initial,
            to_draft,
        )
        form, conflict = posted.form, posted.conflict
        if posted.done:
            codes = form.selected_codes()
            target = "indicator-details" if codes else "mentions"
            url = reverse("concerns:step", args=[concern.pk, target])
            if request.GET.get("return") == "check" and codes:
                url += "?return=check"
            elif request.GET.get("return") == "check":
                url = reverse("concerns:step", args=[concern.pk, "check"])
            return redirect(url)
    else:
        form = forms.IndicatorChoiceForm(
            initial=forms.IndicatorChoiceForm.initial_from(concern.draft, catalogue),
            indicators=catalogue,
        )
    seen = step_guard.page_seen(form, initial(concern.draft), concern.version, conflict=conflict)
    return render(
        request,
        "concerns/step_indicators.html",
        _context(concern, "indicators", form=form, seen=seen),
        status=409 if conflict else 200,
    )


def _indicator_details_step(request: AuthenticatedHttpRequest, concern: Concern) -> HttpResponse:
    chosen = selectors.indicators_by_code(list(concern.draft.get("indicator_codes") or []))
    if not chosen:
        return redirect("concerns:step", concern_id=concern.pk, step="indicators")
    conflict = False
    if request.method == "POST":
        posted = _guarded_step(
            request,
            concern,
            "indicator-details",
            lambda data: forms.IndicatorDetailsForm(data, indicators=chosen),
            forms.IndicatorDetailsForm.initial_from,
            lambda bound: {"indicators": bound.to_draft()},
        )
        form, conflict = posted.form, posted.conflict
        if posted.done:
            return redirect(_next_url(concern, "indicator-details", request))
    elif _raw(concern, "indicator-details"):
        form = forms.IndicatorDetailsForm(
            _bound_from_raw(_raw(concern, "indicator-details") or {}), indicators=chosen
        )
        form.is_valid()
    else:
        form = forms.IndicatorDetailsForm(
            initial=forms.IndicatorDetailsForm.initial_from(concern.draft), indicators=chosen
        )
    seen = step_guard.page_seen(
        form,
        forms.IndicatorDetailsForm.initial_from(concern.draft),
        concern.version,
        conflict=conflict,
    )
    return render(
        request,
        "concerns/step_indicator_details.html",
        _context(concern, "indicator-details", form=form, seen=seen),
        status=409 if conflict else 200,
    )


def _mentions_step(request: AuthenticatedHttpRequest, concern: Concern) -> HttpResponse:
    mentions = list(concern.draft.get("mentions") or [])
    if request.method == "POST" and "remove" in request.POST:
        # The detail the button named, wherever it is now (another tab may have removed
        # one before it); one removed already is not removed twice.
        kept = step_guard.without_item(mentions, request.POST["remove"])
        if kept is None:
            messages.info(request, "That detail had already been removed.")
        else:
            services.concern_save_draft(
                actor=request.user, concern=concern, data={"mentions": kept}
            )
        return redirect("concerns:step", concern_id=concern.pk, step="mentions")
    if request.method == "POST":
        return redirect(_next_url(concern, "mentions", request))
    return render(
        request,
        "concerns/step_mentions.html",
        _context(
            concern,
            "mentions",
            mentions=mentions,
            kinds=MENTION_FORMS,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
@throttle("match", methods=("POST",))
def mention_add(request: AuthenticatedHttpRequest, concern_id: int, kind: str) -> HttpResponse:
    concern = _own_draft_or_submitted(request, concern_id)
    if kind not in MENTION_FORMS:
        raise Http404("No such kind.")
    form_class, noun = MENTION_FORMS[kind]
    form = form_class(request.POST or None)
    possible: list[Any] = []
    if request.method == "POST" and form.is_valid():
        mention = form.to_mention()
        if kind == "person":
            possible = choose_person(request.user, mention, request.POST)
        if not possible:
            mentions = [*list(concern.draft.get("mentions") or []), mention]
            services.concern_save_draft(
                actor=request.user, concern=concern, data={"mentions": mentions}
            )
            messages.success(request, f"Added {noun}.")
            return redirect("concerns:step", concern_id=concern.pk, step="mentions")
    return render(
        request,
        "concerns/mention_form.html",
        _context(concern, "mentions", form=form, noun=noun, kind=kind, possible_matches=possible),
    )


ERROR_STEP = {
    "child_id": "child",
    "observed_on": "details",
    "observed_time": "details",
    "narrative": "details",
    "exploitation_types": "details",
    "exploitation_model": "details",
    "boyfriend_stage": "details",
    "immediate_danger": "questions",
    "crime_disclosed": "questions",
}


def _check_step(request: AuthenticatedHttpRequest, concern: Concern) -> HttpResponse:
    errors: list[tuple[str, str]] = []
    changed = ""
    changed_rows: list[str] | None = None
    confirm = forms.NoDangerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        confirm.is_valid()
        try:
            services.concern_submit(
                actor=request.user,
                concern=concern,
                no_danger_now=bool(confirm.cleaned_data.get("no_danger_now")),
                # The version the page was drawn with (a form from before this field
                # existed carries none and is checked as before).
                expected_version=request.POST.get("version"),
            )
        except DraftChanged as exc:
            # Shown again with the answers as they are now; nothing was submitted.
            changed = exc.message_text
            confirm = forms.NoDangerForm()
        except ValidationError as exc:
            for key, msgs in exc.message_dict.items():
                if key == "no_danger_now":
                    # Beside the box on this page (the summary links to it).
                    confirm.add_error(key, msgs)
                    errors.extend(("#id_no_danger_now", m) for m in msgs)
                    continue
                step = ERROR_STEP.get(key) or (
                    "indicator-details" if key.startswith("indicators") else "mentions"
                )
                errors.extend((reverse("concerns:step", args=[concern.pk, step]), m) for m in msgs)
        else:
            return redirect("concerns:screening", concern_id=concern.pk)
    indicators = {
        i.code: i
        for i in selectors.indicators_by_code(
            [i.get("code", "") for i in concern.draft.get("indicators") or []]
        )
    }
    sections = check_sections(concern, indicators)
    if changed:
        # Each row changed since the page the user had open, marked (the rows it posted).
        seen = parse_seen(request.POST.get("seen"))
        if seen is not None:
            changed_rows = mark_changed(sections, seen)
    return render(
        request,
        "concerns/step_check.html",
        _context(
            concern,
            "check",
            draft=concern.draft,
            sections=sections,
            seen=seen_value(sections),
            changed_rows=changed_rows,
            errors=errors,
            page_has_errors=bool(errors),
            draft_changed=changed,
            confirm=confirm,
        ),
        status=409 if changed else 200,
    )


def _labels() -> dict[str, dict[str, str]]:

    return {
        "types": dict(ExploitationType.choices),
        "models": dict(ExploitationModel.choices),
        "stages": {str(k): v for k, v in BoyfriendStage.choices},
    }


STEP_HANDLERS: dict[str, Callable[[AuthenticatedHttpRequest, Concern], HttpResponse]] = {
    "child": _child_step,
    "details": _simple_step(forms.DetailsForm, "details", "concerns/step_details.html"),
    "indicators": _indicators_step,
    "indicator-details": _indicator_details_step,
    "mentions": _mentions_step,
    "questions": _simple_step(forms.QuestionsForm, "questions", "concerns/step_questions.html"),
    "check": _check_step,
}


@login_required
@require_http_methods(["GET", "POST"])
def concern_screening(request: AuthenticatedHttpRequest, concern_id: int) -> HttpResponse:
    concern = access_concern_to_screen(request.user, concern_id)
    child = access_person_by_id(request.user, int(concern.child_id or 0))
    # "Call 999" stays first on the page between the concern and its next steps (outside
    # tester: it vanished here and came back on the next page), and danger now raises the
    # suggested level to the top (issue 12).
    found = selectors.concern_text_check(concern)
    result, facts = selectors.concern_screening(concern, child, found)

    forbidden = rules.forbidden_levels(
        has_indicators=facts["has_indicators"],
        age=facts["age"],
        has_learning_disability=child.has_learning_disability,
    )
    form = forms.RiskDecisionForm(request.POST or None, initial={"level": result.suggested_level})
    saved = form_saved(
        request,
        form,
        lambda: services.risk_decision_record(
            actor=request.user,
            concern=concern,
            level=form.cleaned_data["level"],
            rationale=form.cleaned_data["rationale"],
        ),
        then=lambda _: redirect("concerns:next-steps", concern_id=concern.pk),
    )
    return saved or render(
        request,
        "concerns/screening.html",
        {
            "concern": concern,
            "child": child,
            "result": result,
            "form": form,
            "forbidden": forbidden,
            "previous": selectors.latest_decision(child),
            "danger_quote": found.sentence if found.danger_now else "",
            "said_danger": bool(concern.immediate_danger),
            "nav": "concerns",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def concern_next_steps(request: AuthenticatedHttpRequest, concern_id: int) -> HttpResponse:
    concern = access_concern_next_steps(request.user, concern_id)
    found = selectors.concern_text_check(concern)
    recs = selectors.pathways_for(concern, request.user, text=found)
    recommended = {r.code for r in recs}
    others = [(code, label) for code, label in Pathway.choices if code not in recommended]
    user = request.user
    if not (user.agency and user.agency.is_first_responder):
        others = [(c, label) for c, label in others if c != "nrm"]
    form = forms.PathwayForm(request.POST or None, recommendations=recs, others=others)
    saved = form_saved(
        request,
        form,
        lambda: services.pathway_decisions_record(
            actor=request.user, concern=concern, decisions=form.decisions()
        ),
        success=f"Concern {concern.reference} and its next steps have been recorded.",
        then=lambda _: redirect("concerns:detail", concern_id=concern.pk),
        rename=lambda code: f"note_{code}",
    )
    return saved or render(
        request,
        "concerns/next_steps.html",
        {
            "concern": concern,
            "form": form,
            "recs": recs,
            "others": others,
            "labels": dict(Pathway.choices),
            "missing_offers": missing_sign_offers(request.user, concern_id=concern.pk),
            "danger_quote": found.sentence if found.danger_now else "",
            "said_danger": bool(concern.immediate_danger),
            "nav": "concerns",
        },
    )


@login_required
def concern_detail(request: AuthenticatedHttpRequest, concern_id: int) -> HttpResponse:
    concern = view_concern(request.user, concern_id, justification="Opened a concern")
    if concern.status == ConcernStatus.DRAFT:
        return redirect("concerns:step", concern_id=concern.pk, step="check")
    return render(
        request,
        "concerns/detail.html",
        {
            "concern": concern,
            "observations": concern.observations.select_related("indicator").order_by(
                "-observed_on"
            ),
            "decisions": concern.risk_decisions.select_related("decided_by").order_by("decided_at"),
            "pathway_decisions": selectors.pathway_decisions(concern),
            "labels": _labels(),
            "nav": "concerns",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def draft_discard(request: AuthenticatedHttpRequest, concern_id: int) -> HttpResponse:
    concern = _own_draft_or_submitted(request, concern_id)
    asked = confirm_discard(
        request,
        what="Your draft concern",
        started=concern.created_at,
        cancel_url=reverse("concerns:step", args=[concern.pk, "check"]),
    )
    if asked is not None:
        return asked
    services.concern_discard_draft(actor=request.user, concern=concern)
    messages.success(request, "The draft has been deleted.")
    return redirect("concerns:list")
