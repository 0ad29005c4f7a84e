"""The append-only audit log. Each row is hash-chained to the one before it, so an edited
or deleted row is detectable (`manage.py audit_verify`); on PostgreSQL a trigger also
refuses UPDATE and DELETE at the database (migration 0002)."""

from __future__ import annotations

import hashlib
import json
from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from cairn.accounts.roles import Role

from . import registry
from .registry import Action

GENESIS_HASH = "0" * 64


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove an audit row."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events are append-only.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit events are append-only.")


class AuditEvent(models.Model):
    chain_index = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    event = models.CharField(max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    # Snapshots: the log must still read correctly after a user moves agency.
    actor_username = models.CharField(max_length=150)
    actor_agency = models.CharField(max_length=200, blank=True)
    actor_role = models.CharField(max_length=32, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    recipient = models.CharField(max_length=300, blank=True)
    justification = models.CharField(max_length=500, blank=True)
    request_id = models.CharField(max_length=64, blank=True, db_index=True)
    source = models.CharField(max_length=20, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-chain_index"]
        indexes = [
            models.Index(fields=["actor", "-occurred_at"], name="audit_actor_time"),
            models.Index(fields=["subject_id", "-occurred_at"], name="audit_subject_time"),
            models.Index(fields=["actor_username", "-occurred_at"], name="audit_username_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.chain_index} {self.event} by {self.actor_username}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit events are append-only.")

    @property
    def actor_role_label(self) -> str:
        try:
            return str(Role(self.actor_role).label)
        except ValueError:
            return self.actor_role

    @property
    def event_description(self) -> str:
        event_type = registry.EVENTS.get(self.event)
        return event_type.description if event_type else ""

    @property
    def object_label(self) -> str:
        if not self.object_type:
            return ""
        return f"{self.object_type} #{self.object_id}" if self.object_id else self.object_type

    def hash_matches(self) -> bool:
        """Whether the row's contents still match its stored hash (see audit_verify)."""
        return self.compute_hash() == self.hash

    def hashed_fields(self, *, chain_index: Any = None) -> dict[str, Any]:
        """The fields the hash covers; `chain_index` stands in for the row's own when the
        database fills it in (services._append_in_one_statement)."""
        return {
            "chain_index": self.chain_index if chain_index is None else chain_index,
            "occurred_at": self.occurred_at.isoformat(timespec="microseconds"),
            "action": self.action,
            "event": self.event,
            "actor_id": self.actor_id,
            "actor_username": self.actor_username,
            "actor_agency": self.actor_agency,
            "actor_role": self.actor_role,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "subject_id": self.subject_id,
            "recipient": self.recipient,
            "justification": self.justification,
            "request_id": self.request_id,
            "source": self.source,
            "details": self.details,
        }

    def hashed_payload(self, fields: dict[str, Any] | None = None) -> str:
        """The canonical text the hash covers (after the previous hash and a "|")."""
        return json.dumps(
            fields if fields is not None else self.hashed_fields(),
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )

    def compute_hash(self) -> str:
        return hashlib.sha256(f"{self.prev_hash}|{self.hashed_payload()}".encode()).hexdigest()


class AuditChainHead(models.Model):
    """One row: the latest chain index and hash. Writers lock it, which serialises the
    chain; comparing it with the last row detects deletion of the newest events."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_index = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"audit head #{self.last_index}"


class AuditCheckpoint(models.Model):
    """A signed note of the chain head at one moment (cairn/audit/checkpoint.py): an HMAC,
    with a key kept outside the database, over the head's index and hash. Deleting the
    newest audit rows and rewinding the head to match no longer goes unnoticed, because
    the chain then falls short of, or disagrees with, the latest checkpoint."""

    created_at = models.DateTimeField()
    chain_index = models.BigIntegerField()
    chain_hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()  # append-only, like the events

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"audit checkpoint #{self.chain_index}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit checkpoints are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit checkpoints are append-only.")


class AuditValue(models.Model):
    """Personal values an audit row needs (a person's name or date of birth before and
    after a correction, the name typed into a search), held beside the chain rather than
    in it (ADR 0024). The row's `details["values"]` holds only a salted SHA-256 commitment
    to them, so the chain verifies whether or not these values still exist, and when the
    data subject's record is disposed of these rows are deleted: the salt goes with them,
    so the commitment cannot be tested against guesses (a date of birth has few values)."""

    event = models.OneToOneField(
        AuditEvent, on_delete=models.PROTECT, related_name="personal_values", db_constraint=False
    )
    salt = models.CharField(max_length=32)
    values = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"values of audit #{self.event_id}"


class AuditValueSubject(models.Model):
    """Whose data the values are: a correction names one person, a search's typed name
    may be any of the people it found. Disposal of any of them erases the values."""

    value = models.ForeignKey(AuditValue, on_delete=models.CASCADE, related_name="subjects")
    subject_id = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["value", "subject_id"], name="audit_value_subject_once")
        ]

    def __str__(self) -> str:
        return f"{self.value_id} about {self.subject_id}"


def values_commitment(salt: str, values: dict[str, Any]) -> str:
    payload = json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{salt}|{payload}".encode()).hexdigest()
