"""Structured logs (cairn/core/logs.py): one JSON object per line, tied to the audit rows
of the same request by its id, and never personal data: a person's page and a failure
while showing it leave the person's name out of the log."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.audit.models import AuditEvent
from cairn.core.logs import JsonFormatter

pytestmark = pytest.mark.django_db


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    """What the production settings write: JSON lines, request lines at INFO."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    root, request_logger = logging.getLogger(), logging.getLogger("cairn.request")
    level = request_logger.level
    root.addHandler(handler)
    request_logger.setLevel(logging.INFO)
    try:
        yield out
    finally:
        root.removeHandler(handler)
        request_logger.setLevel(level)


def _lines(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def test_a_person_page_logs_the_view_and_request_id_and_no_name(
    log: io.StringIO, users: dict[str, Any], make_person: Any
) -> None:
    sw = users["social_worker"]
    child = make_person(actor=sw, given_name="Zephyrine", family_name="Quillbottom")
    client = Client()
    client.force_login(sw)
    response = client.get(
        reverse("pole:person-detail", args=[child.pk]) + "?q=Zephyrine+Quillbottom"
    )
    assert response.status_code == 200

    requests = [line for line in _lines(log) if line["logger"] == "cairn.request"]
    assert len(requests) == 1
    line = requests[0]
    assert line["view"] == "pole:person-detail"
    assert line["status"] == 200 and line["method"] == "GET" and line["user_id"] == sw.pk
    assert line["request_id"] == response["X-Request-ID"]
    # The same id as the consultation row the view wrote.
    viewed = AuditEvent.objects.filter(actor=sw, subject_id=child.pk).latest("chain_index")
    assert viewed.request_id == line["request_id"]
    text = log.getvalue()
    assert "Zephyrine" not in text and "Quillbottom" not in text
    assert str(child.pk) not in line["view"]


def test_an_exception_is_logged_by_type_and_place_not_its_message(log: io.StringIO) -> None:
    try:
        raise ValueError("duplicate key (given_name)=(Zephyrine)")
    except ValueError:
        logging.getLogger("cairn.test").exception("Could not save")
    (line,) = _lines(log)
    assert line["message"] == "Could not save"
    assert line["exception"] == "ValueError"
    assert any("test_logs.py" in frame for frame in line["stack"])
    assert "Zephyrine" not in log.getvalue()
