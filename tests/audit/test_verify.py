"""`manage.py audit_verify`: a clean chain passes; edits, deletions (start, middle,
end) and a rewound or missing head are reported with their chain index."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cairn.accounts.models import User
from cairn.audit import services as audit
from cairn.audit.models import AuditChainHead, AuditEvent
from cairn.audit.verify import ProblemKind, verify_chain

from .helpers import tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(users: dict[str, User]) -> list[AuditEvent]:
    """Five events by different users (plus whatever the fixtures recorded)."""
    for n, role in enumerate(["social_worker", "fib_officer", "analyst", "hub_chair", "ig_admin"]):
        audit.record(actor=users[role], event="person.viewed", subject=500 + n, justification="ok")
    return list(AuditEvent.objects.order_by("chain_index"))


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("audit_verify", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _fails(*args: str) -> tuple[CommandError, str]:
    err = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("audit_verify", *args, stdout=StringIO(), stderr=err)
    return excinfo.value, err.getvalue()


def test_clean_chain_passes_and_prints_the_head(chain: list[AuditEvent]) -> None:
    last = chain[-1]
    out, err = _run("--chunk-size", "2")  # several chunks
    assert err == ""
    assert out.strip() == (
        f"OK: audit chain intact, {len(chain)} row(s), head #{last.chain_index} {last.hash}"
    )


def test_success_is_recorded_after_verifying(chain: list[AuditEvent]) -> None:
    _run()
    newest = AuditEvent.objects.order_by("-chain_index").first()
    assert newest is not None
    assert newest.event == "audit.verified"
    assert newest.chain_index == chain[-1].chain_index + 1
    assert newest.details == {
        "rows": len(chain),
        "head_index": chain[-1].chain_index,
        "head_hash": chain[-1].hash,
    }
    # The verification event extends the chain cleanly.
    _run("--no-record")
    assert AuditEvent.objects.order_by("-chain_index").first() == newest


def test_empty_log_passes(db: None) -> None:
    out, _ = _run("--no-record")
    assert out.startswith("OK: audit chain intact, 0 row(s), head #0 0000")
    assert not AuditEvent.objects.exists()


def test_edited_row_is_detected(chain: list[AuditEvent]) -> None:
    target = chain[2]
    with tamper() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET justification = %s WHERE chain_index = %s",
            ["nothing to see here", target.chain_index],
        )
    error, err = _fails()
    assert error.returncode == 2
    assert "FAILED: 1 problem(s)" in str(error)
    assert f"#{target.chain_index}: edited row" in err
    # Verification failed, so nothing was recorded.
    assert AuditEvent.objects.filter(event="audit.verified").count() == 0


def test_edited_and_rehashed_row_breaks_the_next_link(chain: list[AuditEvent]) -> None:
    target = chain[2]
    target.justification = "rewritten"
    forged = target.compute_hash()
    with tamper() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET justification = %s, hash = %s WHERE chain_index = %s",
            ["rewritten", forged, target.chain_index],
        )
    result = verify_chain()
    assert [(p.chain_index, p.kind) for p in result.problems] == [
        (target.chain_index + 1, ProblemKind.BROKEN_LINK)
    ]
    _, err = _fails()
    assert f"#{target.chain_index + 1}: broken link" in err


def test_deleted_middle_row_is_detected(chain: list[AuditEvent]) -> None:
    target = chain[3]
    with tamper() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE chain_index = %s", [target.chain_index])
    error, err = _fails()
    assert error.returncode == 2
    assert f"#{target.chain_index}: missing rows: 1 row(s) missing" in err
    result = verify_chain()
    assert [p.kind for p in result.problems] == [ProblemKind.MISSING_ROWS]


def test_deleted_first_rows_are_detected(chain: list[AuditEvent]) -> None:
    with tamper() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE chain_index <= 2")
    _, err = _fails()
    assert "#1: missing rows: 2 row(s) missing (#1 to #2)" in err


def test_deleted_last_row_is_detected_by_the_head(chain: list[AuditEvent]) -> None:
    last = chain[-1]
    with tamper() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE chain_index = %s", [last.chain_index])
    error, err = _fails()
    assert error.returncode == 2
    assert f"#{last.chain_index}: head mismatch" in err
    assert "newest row(s)" in err


def test_rewound_head_is_detected(chain: list[AuditEvent]) -> None:
    """Deleting the newest row and pointing the head at the one before hides the deletion
    from the chain itself; a head rewound without deleting rows is still caught."""
    previous = chain[-2]
    AuditChainHead.objects.filter(pk=1).update(
        last_index=previous.chain_index, last_hash=previous.hash
    )
    _, err = _fails()
    assert f"rows exist up to #{chain[-1].chain_index} beyond the chain head" in err


def test_head_with_wrong_hash_is_detected(chain: list[AuditEvent]) -> None:
    AuditChainHead.objects.filter(pk=1).update(last_hash="f" * 64)
    _, err = _fails()
    assert f"#{chain[-1].chain_index}: head mismatch: the chain head hash ffffffffffff" in err


def test_missing_head_is_detected(chain: list[AuditEvent]) -> None:
    AuditChainHead.objects.all().delete()
    _, err = _fails("--no-record")
    assert "head mismatch: the chain head record is missing" in err


def test_problem_list_is_bounded(chain: list[AuditEvent]) -> None:
    with tamper() as cursor:
        cursor.execute("UPDATE audit_auditevent SET justification = 'x'")
    result = verify_chain(max_problems=2)
    assert result.problem_count == len(chain)
    assert len(result.problems) == 2
    assert result.truncated
    _, err = _fails("--max-problems", "2")
    assert f"... and {len(chain) - 2} more problem(s)." in err


def test_help_text_says_to_anchor_the_head_hash() -> None:
    from cairn.audit.management.commands.audit_verify import Command

    assert "Anchor the printed head hash outside Cairn" in Command.help
