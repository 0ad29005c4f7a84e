"""/readyz for load balancers: 200 only when the database answers, every migration is
applied and the audit chain head can be read; 503 with the failing check otherwise, and
back to 200 once it is put right. No sign-in, no personal data, never cached."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

pytestmark = pytest.mark.django_db


def test_ready_when_everything_answers() -> None:
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "ready": True,
        "database": "ok",
        "migrations": "ok",
        "audit": "ok",
    }
    assert "no-store" in response["Cache-Control"]


def test_a_migration_not_applied_is_not_ready_until_it_is() -> None:
    recorder = MigrationRecorder(connection)
    last = recorder.migration_qs.filter(app="audit").order_by("-id").first()
    assert last is not None
    app, name = last.app, last.name
    last.delete()

    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["ready"] is False
    assert response.json()["migrations"] == "1 not applied"

    recorder.record_applied(app, name)
    assert Client().get("/readyz").status_code == 200
    # Checked every time, not only until it first passes: a restore of an older schema
    # while the process runs shows too.
    recorder.record_unapplied(app, name)
    assert Client().get("/readyz").json()["migrations"] == "1 not applied"
    recorder.record_applied(app, name)
