"""`manage.py audit_verify`: a clean chain passes; edits, deletions (start, middle,
end) and a rewound or missing head are reported with their chain index."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cairn.accounts.models import User
from cairn.audit import services as audit
from cairn.audit.models import AppendOnlyError, AuditChainHead, AuditEvent
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


# Signed checkpoints (ADR 0014): deleting the newest rows and rewinding the head to match
# leaves a consistent chain; only a checkpoint signed with a key outside the database
# shows it was longer.


def _delete_newest_and_rewind(chain: list[AuditEvent], keep: int) -> None:
    kept = chain[keep - 1]
    with tamper() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE chain_index > %s", [kept.chain_index])
    AuditChainHead.objects.filter(pk=1).update(last_index=kept.chain_index, last_hash=kept.hash)


def test_rewind_after_a_checkpoint_is_detected(chain: list[AuditEvent]) -> None:
    call_command("audit_checkpoint", stdout=StringIO())
    _run("--no-record")  # intact so far
    rows = list(AuditEvent.objects.order_by("chain_index"))
    _delete_newest_and_rewind(rows, keep=len(rows) - 3)
    error, err = _fails("--no-record")
    assert error.returncode == 2
    assert "checkpoint mismatch" in err and "head rewound" in err


def test_rewind_is_undetectable_without_a_checkpoint(chain: list[AuditEvent]) -> None:
    """Why checkpoints exist: the same attack passes the chain checks alone."""
    _delete_newest_and_rewind(chain, keep=len(chain) - 2)
    _run("--no-record")


def test_an_altered_checkpoint_is_detected(chain: list[AuditEvent]) -> None:
    from cairn.audit.models import AuditCheckpoint

    call_command("audit_checkpoint", stdout=StringIO())
    checkpoint = AuditCheckpoint.objects.get()
    with pytest.raises(AppendOnlyError):
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(chain_hash="e" * 64)
    with tamper() as cursor:  # as an attacker with database access
        cursor.execute(
            "UPDATE audit_auditcheckpoint SET chain_hash = %s WHERE id = %s",
            ["e" * 64, checkpoint.pk],
        )
    _, err = _fails("--no-record")
    assert "wrong signature" in err


def test_a_forged_checkpoint_is_detected(chain: list[AuditEvent], settings: object) -> None:
    from cairn.audit import checkpoint

    setattr(settings, "CAIRN_AUDIT_CHECKPOINT_KEY", "an attacker's guess at the key")  # noqa: B010
    checkpoint.write_checkpoint()
    setattr(settings, "CAIRN_AUDIT_CHECKPOINT_KEY", "the-real-key-kept-outside-the-db")  # noqa: B010
    _, err = _fails("--no-record")
    assert "wrong signature" in err


def test_a_row_rewritten_at_the_checkpoint_is_detected(chain: list[AuditEvent]) -> None:
    """An attacker who rebuilds the chain consistently (edits a row and re-hashes it and
    everything after) still disagrees with the signed hash."""
    from cairn.audit import checkpoint

    point = checkpoint.write_checkpoint()
    assert point is not None
    rows = list(AuditEvent.objects.order_by("chain_index"))
    previous = "0" * 64
    with tamper() as cursor:
        for row in rows:
            if row.chain_index == point.chain_index:
                row.justification = "rewritten"
            row.prev_hash = previous
            row.hash = row.compute_hash()
            previous = row.hash
            cursor.execute(
                "UPDATE audit_auditevent SET justification = %s, prev_hash = %s, hash = %s "
                "WHERE chain_index = %s",
                [row.justification, row.prev_hash, row.hash, row.chain_index],
            )
    AuditChainHead.objects.filter(pk=1).update(last_hash=previous)
    result = verify_chain()
    kinds = {p.kind for p in result.problems}
    assert kinds == {ProblemKind.CHECKPOINT_MISMATCH}
    assert "history was rewritten" in str(result.problems[0])


def test_checkpoint_command_and_timers(chain: list[AuditEvent]) -> None:
    from cairn.audit.models import AuditCheckpoint

    out = StringIO()
    call_command("audit_checkpoint", stdout=out)
    checkpoint = AuditCheckpoint.objects.get()
    assert f"head #{checkpoint.chain_index}" in out.getvalue()
    assert AuditEvent.objects.filter(event="audit.checkpointed").exists()
    _run("--no-record")  # the checkpoint's own audit row extends the chain: still intact


def test_checkpoint_on_an_empty_log(db: None) -> None:
    out = StringIO()
    call_command("audit_checkpoint", stdout=out)
    assert "empty" in out.getvalue()
