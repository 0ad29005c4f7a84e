"""What pages and API handlers share: who is asking (`actor_of`), the permission check
(`require`), a service's ValidationError shown on the form that was sent
(`apply_service_errors`), and the POST half of a form page (`form_saved`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse

from cairn.accounts.models import Agency, User
from cairn.accounts.rules import refusal

from .types import Actor


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a page under `@login_required`: its user is signed in. A type only
    (Django still passes an HttpRequest): annotate a view's `request` with it only below
    that decorator, and a helper's only when every caller holds one (mypy checks that)."""

    user: User


class GoInstead(Exception):
    """Raised by a view's helper when the page asked for has nothing left to do and its
    user belongs elsewhere (a draft already submitted, asked for again by Back, a double
    click or a resent form). `GoInsteadMiddleware` answers with `response`, so a view
    calls the helper for the record and never unwraps "record or redirect"."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.get("Location", ""))
        self.response = response


def actor_of(request: HttpRequest) -> Actor:
    """The user a request acts for: the one django-ninja authenticated (`request.auth`,
    by token or session) under the API, else the signed-in user of a page. Nobody signed
    in is refused (403), as a permission check on the anonymous user would be."""
    user = getattr(request, "auth", None) or request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def require(actor: Actor, permission: str, *, agency: bool = False, hide: bool = False) -> None:
    """Refuse an actor without `permission`: 403, saying in plain words what they cannot
    do (the API shows it as the `detail`; never the permission's internal name).
    `agency=True` also refuses an account not attached to an agency (for
    records that belong to the author's agency); `hide=True` answers 404 instead of 403,
    for pages whose very existence is not for this role."""
    if not actor.has_perm(permission):
        if hide:
            raise Http404("Page not found.")
        raise PermissionDenied(refusal(permission))
    if agency and actor.agency_id is None:
        raise PermissionDenied(NO_AGENCY)


NO_AGENCY = "Your account is not attached to an agency."


def agency_of(actor: Actor) -> Agency:
    """The actor's agency, for a record kept in its name. An account not attached to one
    is refused (403) as `require(..., agency=True)` refuses it; past a rule that already
    requires an agency (a reviewer, a sharer) this never refuses."""
    agency = actor.agency
    if agency is None:
        raise PermissionDenied(NO_AGENCY)
    return agency


def agency_id_of(actor: Actor) -> int:
    """`agency_of(actor).pk` without loading the agency."""
    if actor.agency_id is None:
        raise PermissionDenied(NO_AGENCY)
    return actor.agency_id


def apply_service_errors(
    form: forms.BaseForm,
    exc: ValidationError,
    rename: Mapping[str, str] | Callable[[str], str] | None = None,
) -> None:
    """Show a service's ValidationError on `form`: each message beside the field of the
    same name (or the field `rename` gives for the service's name), and anything that
    matches no field, or a ValidationError without fields, at the top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.message_dict.items():
        if rename is None:
            name = key
        elif callable(rename):
            name = rename(key)
        else:
            name = rename.get(key, key)
        form.add_error(name if name in form.fields else None, errors)


SavedT = TypeVar("SavedT")


def form_saved(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[], SavedT],
    *,
    then: Callable[[SavedT], HttpResponse],
    success: str | Callable[[SavedT], str] = "",
    rename: Mapping[str, str] | Callable[[str], str] | None = None,
) -> HttpResponse | None:
    """The POST half of a form page. On a POST whose form is valid, call `save` (the
    service, reading `form.cleaned_data`); once it has saved, flash `success` if given (a
    message, or one made from what `save` returned) and answer `then(what save returned)`,
    usually a redirect. Otherwise None, and the caller shows the form again: a GET, a form
    with errors, or a service's ValidationError (a `Conflict` too, ADR 0015) shown on it
    (as `apply_service_errors` does, with `rename`), so nothing typed is lost.

        saved = form_saved(
            request,
            form,
            lambda: services.thing_save(actor=actor, **form.cleaned_data),
            success="Saved.",
            then=lambda thing: redirect("app:detail", thing_id=thing.pk),
        )
        return saved or render(request, "app/form.html", {"form": form})
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save()
    except ValidationError as exc:
        apply_service_errors(form, exc, rename)
        return None
    message = success if isinstance(success, str) else success(result)
    if message:
        messages.success(request, message)
    return then(result)
