"""The demo hub shows each IG admin a non-empty retention queue: a MoPI group 3 record
ready to dispose of, one blocked by a restriction, an intelligence entry ready to dispose
of on its own, and a Trust care leaver's record."""

from __future__ import annotations

from typing import Any

import pytest

from cairn.accounts.models import User
from cairn.audit.verify import verify_chain
from cairn.intelligence.models import Submission
from cairn.notifications.models import Notification
from cairn.retention import selectors, services
from cairn.retention.models import RecordType

from ..demo.conftest import demo_hub  # noqa: F401 - the module-scoped fixture

pytestmark = pytest.mark.django_db


def test_demo_queues(demo_hub: Any) -> None:  # noqa: F811
    police_ig = User.objects.get(username="igpolice.demo")
    queue = {e.label: e for e in selectors.review_queue(police_ig)}
    lapsed = queue["Corwin Lapsedale"]
    assert lapsed.rule is not None and lapsed.rule.code == "mopi-3"
    assert lapsed.blockers == [] and lapsed.links == 2
    assert queue["Perrin Heldbackson"].blockers == ["restricted"]
    trust = {e.label: e for e in selectors.review_queue(User.objects.get(username="ig.demo"))}
    assert trust["Delphine Carefinished"].rule.code == "csc-25"  # type: ignore[union-attr]

    services.person_dispose(actor=police_ig, person_id=lapsed.record_id, reason="No action")
    assert verify_chain().ok
    entries = [
        e
        for e in selectors.review_queue(police_ig)
        if e.record_type == RecordType.SUBMISSION and e.blockers == []
    ]
    assert len(entries) == 1 and entries[0].rule.code == "mopi-3"  # type: ignore[union-attr]
    tombstone = services.submission_dispose(
        actor=police_ig, submission_id=entries[0].record_id, reason="Closed, no action since"
    )
    assert tombstone.removed["source_record"] == 1
    assert Submission.objects.get(pk=entries[0].record_id).disposed_at is not None
    assert verify_chain().ok
    # The Trust's child was linked: its recorder is told.
    assert Notification.objects.filter(kind="retention.linked_disposed").count() == 1
