"""cairn.core.http: who a request acts for, the permission check, a service's
ValidationError shown on the form that was sent, and the POST half of a form page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.test import RequestFactory

from cairn.accounts.models import User
from cairn.accounts.roles import Role
from cairn.core.http import actor_of, apply_service_errors, form_saved, require

pytestmark = pytest.mark.django_db


def test_actor_of_a_page_is_the_signed_in_user(users: dict[str, User]) -> None:
    request = RequestFactory().get("/")
    request.user = users[Role.PRACTITIONER]
    assert actor_of(request) == users[Role.PRACTITIONER]


def test_actor_of_an_api_call_is_whom_ninja_authenticated(users: dict[str, User]) -> None:
    # A token call: ninja sets request.auth; the session has nobody.
    request = RequestFactory().get("/api/v1/me")
    request.user = AnonymousUser()
    request.auth = users[Role.ANALYST]  # type: ignore[attr-defined]
    assert actor_of(request) == users[Role.ANALYST]


def test_nobody_signed_in_is_refused() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        actor_of(request)


def test_require_says_in_plain_words_what_is_refused(users: dict[str, User]) -> None:
    require(users[Role.PRACTITIONER], "pole.view_person")  # held: no error
    with pytest.raises(PermissionDenied) as refused:
        require(users[Role.PRACTITIONER], "hub.manage_setup")
    # What the user cannot do, never the internal permission name.
    assert str(refused.value) == "You cannot change the Hub's set-up: your role does not allow it."
    assert "hub.manage_setup" not in str(refused.value)


def test_require_can_hide_the_page(users: dict[str, User]) -> None:
    with pytest.raises(Http404):
        require(users[Role.PRACTITIONER], "hub.manage_setup", hide=True)


def test_require_agency_refuses_an_account_without_one(
    make_user: Callable[..., User],
) -> None:
    user = make_user(Role.PRACTITIONER)
    require(user, "pole.add_person", agency=True)
    user.agency = None
    with pytest.raises(PermissionDenied, match="not attached to an agency"):
        require(user, "pole.add_person", agency=True)


class _Form(forms.Form):
    name = forms.CharField(required=False)
    date = forms.DateField(required=False)


def _form() -> _Form:
    form = _Form({})
    assert form.is_valid()
    return form


def test_errors_go_beside_their_field_or_at_the_top() -> None:
    form = _form()
    apply_service_errors(
        form,
        ValidationError({"name": ["Too long."], "other": ["Not here."], NON_FIELD_ERRORS: ["No."]}),
    )
    assert form.errors["name"] == ["Too long."]
    assert form.non_field_errors() == ["Not here.", "No."]


def test_errors_can_be_renamed_by_mapping_or_function() -> None:
    form = _form()
    apply_service_errors(
        form, ValidationError({"starts_at": ["In the past."]}), {"starts_at": "date"}
    )
    assert form.errors["date"] == ["In the past."]
    form = _form()
    apply_service_errors(form, ValidationError({"items.0.name": ["Bad."]}), lambda key: "name")
    assert form.errors["name"] == ["Bad."]


def test_an_error_without_fields_goes_at_the_top() -> None:
    form = _form()
    apply_service_errors(form, ValidationError(["First.", "Second."]))
    assert form.non_field_errors() == ["First.", "Second."]


def _posted(data: dict[str, str] | None) -> HttpRequest:
    """A request with a message store, as the middleware gives a page: a POST of `data`,
    or a GET when None."""
    factory = RequestFactory()
    request = factory.get("/") if data is None else factory.post("/", data)
    request.session = {}  # type: ignore[assignment]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def _flashed(request: HttpRequest) -> list[str]:
    return [str(m) for m in get_messages(request)]


def _save_page(request: HttpRequest, save: Callable[[], str]) -> tuple[_Form, HttpResponse | None]:
    form = _Form(request.POST or None)
    response = form_saved(
        request,
        form,
        save,
        success=lambda name: f"Saved {name}.",
        then=lambda name: HttpResponseRedirect(f"/done/{name}"),
    )
    return form, response


def test_a_valid_post_is_saved_flashed_and_redirected() -> None:
    request = _posted({"name": "Ash"})
    saved: list[str] = []

    def save() -> str:
        saved.append("Ash")
        return "Ash"

    _, response = _save_page(request, save)
    assert saved == ["Ash"]
    assert isinstance(response, HttpResponseRedirect) and response.url == "/done/Ash"
    assert _flashed(request) == ["Saved Ash."]


def test_a_get_or_an_invalid_form_saves_nothing() -> None:
    def save() -> str:
        raise AssertionError("save must not be called")

    for request in (_posted(None), _posted({"date": "not a date"})):
        form, response = _save_page(request, save)
        assert response is None
        assert _flashed(request) == []
    assert form.errors["date"]  # what was sent is shown again with its error


def test_a_service_refusal_is_shown_on_the_form_and_nothing_flashed() -> None:
    request = _posted({"name": "Ash"})

    def save() -> str:
        raise ValidationError({"name": ["Already taken."], "other": ["Not now."]})

    form, response = _save_page(request, save)
    assert response is None
    assert form.errors["name"] == ["Already taken."]
    assert form.non_field_errors() == ["Not now."]
    assert form["name"].value() == "Ash"  # nothing typed is lost
    assert _flashed(request) == []
