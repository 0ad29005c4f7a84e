"""cairn.core.http: who a request acts for, the permission check, and a service's
ValidationError shown on the form that was sent."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory

from cairn.accounts.models import User
from cairn.accounts.roles import Role
from cairn.core.http import actor_of, apply_service_errors, require

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
