"""Sending one email or text message, by SMTP (Django's email backend) or GOV.UK Notify,
and asking Notify what became of it. The message says only that there is something in
the inbox, with a link: never a name, a title or a notification's text. Errors come back
as a `SendError` whose `reason` holds only an error's type and code, because providers'
messages can quote the address."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from cairn.core.types import Actor

from .models import DeliveryChannel, DeliveryProvider


class SendError(Exception):
    """`retry`: worth trying again later (the provider or the network failed);
    `permanent`: the address itself was refused."""

    def __init__(self, reason: str, *, retry: bool, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason[:200]
        self.retry = retry
        self.permanent = permanent


@dataclass(frozen=True)
class Sent:
    provider_id: str = ""


def provider() -> str:
    return DeliveryProvider.NOTIFY if settings.CAIRN_NOTIFY_API_KEY else DeliveryProvider.SMTP


def channels() -> list[str]:
    """Texts need Notify and its text message template; SMTP sends email only."""
    if provider() == DeliveryProvider.NOTIFY and settings.CAIRN_NOTIFY_SMS_TEMPLATE_ID:
        return [DeliveryChannel.EMAIL, DeliveryChannel.SMS]
    return [DeliveryChannel.EMAIL]


def address(user: Actor, channel: str) -> str:
    return str(user.phone if channel == DeliveryChannel.SMS else user.email).strip()


def personalisation() -> dict[str, str]:
    """Everything a message holds besides fixed wording: the same for every notification."""
    base = getattr(settings, "CAIRN_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return {
        "service_name": settings.CAIRN_SERVICE_NAME,
        "inbox_url": f"{base}{reverse('notifications:inbox')}",
    }


def send(*, provider_name: str, channel: str, to: str, reference: str) -> Sent:
    if provider_name == DeliveryProvider.NOTIFY:
        return _notify_send(channel=channel, to=to, reference=reference)
    return _smtp_send(to=to)


def notify_status(provider_id: str) -> str:
    """Notify's status of one message (created, sending, delivered, permanent-failure,
    temporary-failure, technical-failure, ...)."""
    try:
        found = _client().get_notification_by_id(provider_id)
    except APIError as exc:
        raise _notify_error(exc) from exc
    return str(found.get("status", ""))


def _client() -> NotificationsAPIClient:
    # A short timeout: a hung Notify must not hold a worker; the timed job retries.
    return NotificationsAPIClient(
        settings.CAIRN_NOTIFY_API_KEY, base_url=settings.CAIRN_NOTIFY_BASE_URL, timeout=15
    )


def _notify_send(*, channel: str, to: str, reference: str) -> Sent:
    client = _client()
    try:
        if channel == DeliveryChannel.SMS:
            answer = client.send_sms_notification(
                phone_number=to,
                template_id=settings.CAIRN_NOTIFY_SMS_TEMPLATE_ID,
                personalisation=personalisation(),
                reference=reference,
            )
        else:
            answer = client.send_email_notification(
                email_address=to,
                template_id=settings.CAIRN_NOTIFY_EMAIL_TEMPLATE_ID,
                personalisation=personalisation(),
                reference=reference,
            )
    except APIError as exc:
        raise _notify_error(exc) from exc
    return Sent(provider_id=str(answer.get("id", "")))


def _notify_error(exc: APIError) -> SendError:
    """Notify answers {"errors": [{"error": "BadRequestError", "message": ...}]}: keep the
    error types, drop the messages. 429 and 5xx are worth retrying (the client reports a
    connection failure as 503); any other 4xx would be refused again the same way."""
    code = exc.status_code
    kinds: list[str] = []
    response = exc.response
    if response is not None:
        try:
            body = response.json()
        except ValueError:
            body = {}
        errors = body.get("errors") if isinstance(body, dict) else None
        if isinstance(errors, list):
            kinds = sorted({str(e.get("error", ""))[:40] for e in errors if isinstance(e, dict)})
    reason = f"GOV.UK Notify answered {code}" + (f" ({', '.join(kinds)})" if kinds else "")
    return SendError(reason, retry=code == 429 or code >= 500)


def _smtp_send(*, to: str) -> Sent:
    values = personalisation()
    message = EmailMessage(
        subject=f"{values['service_name']}: you have a new notification",
        body=(
            f"There is a new item in your {values['service_name']} inbox. For security this "
            f"email holds no details. Sign in to read it: {values['inbox_url']}"
        ),
        to=[to],
    )
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = sorted({str(code) for code, _text in exc.recipients.values()})
        permanent = all(c.startswith("5") for c in codes)
        raise SendError(
            f"SMTP server refused the address ({', '.join(codes)})",
            retry=not permanent,
            permanent=permanent,
        ) from exc
    except smtplib.SMTPResponseException as exc:
        raise SendError(
            f"SMTP server answered {exc.smtp_code} ({type(exc).__name__})",
            retry=not 500 <= exc.smtp_code < 600,
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(
            f"SMTP server could not be reached ({type(exc).__name__})", retry=True
        ) from exc
    return Sent()
