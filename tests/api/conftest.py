"""The API tests' JSON client, which sends a bearer token (`api_as` and `token_for`, in
tests/conftest.py, give one for any user)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cairn.accounts.models import User

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
def school_practitioner(make_user: Callable[..., User]) -> User:
    """A practitioner in another agency (the school), for the other-agency denied case."""
    return make_user("practitioner", agency="school", username="practitioner_school")
