"""Fixtures for the API tests: a token for any user, and a JSON client that sends it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cairn.accounts.models import User
from cairn.api_auth import services as token_services

API = "/api/v1"


class ApiClient:
    """A Django test client that sends a bearer token and JSON bodies."""

    def __init__(self, secret: str | None = None, session_user: User | None = None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        if session_user is not None:
            self.client.force_login(session_user)

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"{API}{path}", params, headers=self.headers)

    def post(self, path: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
        return self.client.post(
            f"{API}{path}",
            data=json.dumps(body),
            content_type="application/json",
            headers={**self.headers, **(headers or {})},
        )


@pytest.fixture
def token_for() -> Callable[..., str]:
    def make(user: User, name: str = "Test script", **kwargs: Any) -> str:
        return token_services.token_create(actor=user, name=name, **kwargs).secret

    return make


@pytest.fixture
def api_as(token_for: Callable[..., str]) -> Callable[[User], ApiClient]:
    """`api_as(user)`: a client authenticated with a fresh token for `user`. A user whose
    role may not hold a token (system admin) is signed in with a session instead."""

    def make(user: User) -> ApiClient:
        if not user.has_perm("api.use"):
            return ApiClient(session_user=user)
        return ApiClient(token_for(user))

    return make


@pytest.fixture
def school_practitioner(make_user: Callable[..., User]) -> User:
    """A practitioner in another agency (the school), for the other-agency denied case."""
    return make_user("practitioner", agency="school", username="practitioner_school")
