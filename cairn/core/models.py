"""Records the core app owns: the one-time submit keys of web forms (ADR 0015)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SubmitKey(models.Model):
    """A web form's one-time submit key, recorded with the result of the POST that first
    used it (the page it redirected to), in the same transaction as that POST's writes.
    One row per user and key: a second POST with the key (a double click, a resent form,
    three tabs) waits for the first on the unique index and is sent to the same page
    instead of creating the record again. Kept for a day (`submit_keys_purge`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    path = models.CharField(max_length=500)
    location = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_submit_key_per_user")
        ]
        verbose_name = "web form submit key"

    def __str__(self) -> str:
        return f"{self.key} -> {self.location or '(pending)'}"
