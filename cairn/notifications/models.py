"""In-app notifications: a user's inbox. Emails carry only a link, never personal data."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    # The record it is about, so access is re-checked when the recipient follows it.
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notif_inbox")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class DeliveryProvider(models.TextChoices):
    SMTP = "smtp", "SMTP"
    NOTIFY = "notify", "GOV.UK Notify"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Could not be sent"
    PERMANENT_FAILURE = "permanent-failure", "Address rejected"


# The two end states the sender is told about.
DELIVERY_PROBLEMS = (DeliveryStatus.FAILED, DeliveryStatus.PERMANENT_FAILURE)


class Delivery(models.Model):
    """One email or text message telling a user of a notification: its provider's id and
    status, so failures are retried and shown to the sender. Holds no message content,
    and `last_error` only an error's type and code, never a provider's free text (which
    can quote the address)."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Whose action raised the notification; none for timed jobs (the recipient's agency
    # admin is told instead).
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(max_length=10, choices=DeliveryChannel.choices)
    provider = models.CharField(max_length=10, choices=DeliveryProvider.choices)
    provider_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the timed job next sends (pending) or asks Notify for the status (sent).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["sender", "status"], name="delivery_sender"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} to {self.recipient_id}: {self.status}"
