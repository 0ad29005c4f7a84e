"""Email and text messages for notifications: sent after commit through SMTP or GOV.UK
Notify, holding only the service name and a link to the inbox; retried with backoff when
the provider fails; a message that cannot be delivered is shown to whoever raised it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import User
from cairn.audit.models import AuditEvent
from cairn.notifications import services
from cairn.notifications.models import Delivery, DeliveryStatus

from .conftest import API_KEY, SERVICE_ID, FakeNotify, SmtpServer

pytestmark = pytest.mark.django_db

TITLE = "Concern CN-1234: Amber Testcase at risk"
BODY = "Recorded by Sam Sender (Testshire Children's Trust) about Amber Testcase."
INBOX_URL = "http://testserver/inbox/"
ROW = "to <strong>Robin Recipient</strong>"  # one row of the problems list


@pytest.fixture
def people(users: dict[str, User]) -> dict[str, User]:
    """A sender and a recipient (a PPU co-ordinator with an email and a mobile number)."""
    sender = users["social_worker"]
    sender.first_name, sender.last_name = "Sam", "Sender"
    sender.save()
    recipient = users["ppu_coordinator"]
    recipient.first_name, recipient.last_name = "Robin", "Recipient"
    recipient.email = "ppu.desk@police.example"
    recipient.phone = "07700900123"
    recipient.save()
    return {"sender": sender, "recipient": recipient}


@pytest.fixture
def raise_one(
    people: dict[str, User], django_capture_on_commit_callbacks: Callable[..., Any]
) -> Callable[..., Delivery]:
    """Raise one notification as a service does, and commit (the task sends at once in
    tests: the ImmediateBackend). Returns its email delivery."""

    def run(sender: User | None = people["sender"], recipient: User | None = None) -> Delivery:
        with django_capture_on_commit_callbacks(execute=True):
            services.notify(
                recipients=[recipient or people["recipient"]],
                kind="risk.raised",
                title=TITLE,
                body=BODY,
                url="/concerns/1/",
                sender=sender,
            )
        return Delivery.objects.filter(channel="email").latest("pk")

    return run


def _later(delivery: Delivery, hours: float) -> dt.datetime:
    return delivery.created_at + dt.timedelta(hours=hours)


def _problems_page(client: Client, user: User) -> str:
    client.force_login(user)
    response = client.get(reverse("notifications:delivery-problems"))
    assert response.status_code == 200
    return response.content.decode()


# GOV.UK Notify ----------------------------------------------------------------------------


def test_notify_gets_only_the_link_never_the_notification(
    notify_server: FakeNotify, raise_one: Callable[..., Delivery], people: dict[str, User]
) -> None:
    email = raise_one()
    email.refresh_from_db()
    sms = Delivery.objects.get(channel="sms")
    assert email.status == sms.status == DeliveryStatus.SENT
    assert email.attempts == 1 and email.provider == "notify"
    assert {email.provider_id, sms.provider_id} == set(notify_server.sent)
    paths = [path for method, path, _ in notify_server.requests if method == "POST"]
    assert sorted(paths) == ["/v2/notifications/email", "/v2/notifications/sms"]
    # The bytes that reached the server: no name, title or text of the notification.
    raw = b"".join(body for _, _, body in notify_server.requests).decode()
    for secret in (TITLE, BODY, "Amber", "Testcase", "CN-1234", "Robin", "Recipient", "Sam"):
        assert secret not in raw
    for post in notify_server.posts():
        assert post["personalisation"] == {"service_name": "Cairn", "inbox_url": INBOX_URL}
        assert set(post) <= {
            "email_address",
            "phone_number",
            "template_id",
            "personalisation",
            "reference",
        }
        assert post["reference"].startswith("cairn-delivery-")
    by_type = {p.get("email_address") or p.get("phone_number") for p in notify_server.posts()}
    assert by_type == {"ppu.desk@police.example", "07700900123"}
    assert notify_server.refused_tokens == 0


def test_the_local_notify_checks_the_bearer_token(
    notify_server: FakeNotify, raise_one: Callable[..., Delivery], settings: Any
) -> None:
    """A key whose secret is wrong is refused (403 AuthError), as by Notify: not retried,
    and the error kept holds no message text."""
    settings.CAIRN_NOTIFY_API_KEY = f"cairn_test-{SERVICE_ID}-{'0' * 8}-0000-0000-0000-{'0' * 12}"
    email = raise_one()
    email.refresh_from_db()
    assert notify_server.refused_tokens == 2  # the email and the text
    assert email.status == DeliveryStatus.FAILED and email.attempts == 1
    assert email.last_error == "GOV.UK Notify answered 403 (AuthError)"
    assert API_KEY not in email.last_error


def test_a_server_error_is_retried_with_backoff_then_shown_to_the_sender(
    notify_server: FakeNotify,
    raise_one: Callable[..., Delivery],
    people: dict[str, User],
    client: Client,
    settings: Any,
) -> None:
    settings.CAIRN_NOTIFY_SMS_TEMPLATE_ID = ""  # email only: one message to follow
    notify_server.fail_next = [500] * services.MAX_ATTEMPTS
    email = raise_one()
    email.refresh_from_db()
    assert email.status == DeliveryStatus.PENDING and email.attempts == 1
    assert email.last_error == "GOV.UK Notify answered 500 (Exception)"
    first_retry = email.next_attempt_at
    assert first_retry is not None
    # Not due yet: nothing is sent.
    assert services.deliveries_run(now=first_retry - dt.timedelta(seconds=1))["sent"] == 0
    gaps = []
    at = first_retry
    while email.status == DeliveryStatus.PENDING:
        assert services.deliveries_run(now=at)["sent"] == 1
        email.refresh_from_db()
        if email.next_attempt_at is not None:
            gaps.append(email.next_attempt_at - at)
            at = email.next_attempt_at
    assert gaps == [dt.timedelta(minutes=m) for m in (15, 45, 135)]
    assert email.status == DeliveryStatus.FAILED
    assert email.attempts == services.MAX_ATTEMPTS == len(notify_server.posts())
    # Given up: no more tries.
    assert services.deliveries_run(now=_later(email, 48)) == {"sent": 0, "refreshed": 0}
    assert len(notify_server.posts()) == services.MAX_ATTEMPTS
    failed = AuditEvent.objects.get(event="notification.delivery_failed")
    assert failed.details["delivery"] == email.pk and failed.details["status"] == "failed"
    assert "Amber" not in str(failed.details)

    # The sender is told, on their inbox and the list; nothing of the notification shows.
    client.force_login(people["sender"])
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "1 email or text message could not be delivered" in inbox
    page = _problems_page(client, people["sender"])
    assert "Robin Recipient" in page and "Could not be sent" in page
    assert "Not sent after 5 tries" in page
    assert TITLE not in page and "Amber" not in page


def test_a_bad_request_is_not_retried(
    notify_server: FakeNotify, raise_one: Callable[..., Delivery], settings: Any
) -> None:
    settings.CAIRN_NOTIFY_SMS_TEMPLATE_ID = ""
    notify_server.fail_next = [400]
    email = raise_one()
    email.refresh_from_db()
    assert email.status == DeliveryStatus.FAILED and email.attempts == 1
    assert email.last_error == "GOV.UK Notify answered 400 (BadRequestError)"
    services.deliveries_run(now=_later(email, 24))
    assert len(notify_server.posts()) == 1


def test_delivered_status_is_polled_from_notify(
    notify_server: FakeNotify, raise_one: Callable[..., Delivery], settings: Any
) -> None:
    settings.CAIRN_NOTIFY_SMS_TEMPLATE_ID = ""
    email = raise_one()
    email.refresh_from_db()
    assert services.deliveries_run(now=_later(email, 0.1)) == {"sent": 0, "refreshed": 0}
    notify_server.set_status(email.provider_id, "sending")
    assert services.deliveries_run(now=_later(email, 0.5)) == {"sent": 0, "refreshed": 1}
    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT
    notify_server.set_status(email.provider_id, "delivered")
    services.deliveries_run(now=_later(email, 1))
    email.refresh_from_db()
    assert email.status == DeliveryStatus.DELIVERED and email.next_attempt_at is None
    gets = [p for m, p, _ in notify_server.requests if m == "GET"]
    assert gets == [f"/v2/notifications/{email.provider_id}"] * 2


def test_a_temporary_failure_is_sent_again(
    notify_server: FakeNotify, raise_one: Callable[..., Delivery], settings: Any
) -> None:
    settings.CAIRN_NOTIFY_SMS_TEMPLATE_ID = ""
    email = raise_one()
    email.refresh_from_db()
    first = email.provider_id
    notify_server.set_status(first, "temporary-failure")
    services.deliveries_run(now=_later(email, 0.5))  # learns of it: waits its backoff
    services.deliveries_run(now=_later(email, 1))  # sends again
    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT and email.attempts == 2
    assert email.provider_id != first and len(notify_server.posts()) == 2


def test_a_permanent_failure_stops_retrying_and_is_shown(
    notify_server: FakeNotify,
    raise_one: Callable[..., Delivery],
    people: dict[str, User],
    client: Client,
    settings: Any,
) -> None:
    settings.CAIRN_NOTIFY_SMS_TEMPLATE_ID = ""
    email = raise_one()
    email.refresh_from_db()
    notify_server.set_status(email.provider_id, "permanent-failure")
    services.deliveries_run(now=_later(email, 0.5))
    email.refresh_from_db()
    assert email.status == DeliveryStatus.PERMANENT_FAILURE and email.next_attempt_at is None
    requests = len(notify_server.requests)
    for hours in (1, 5, 24, 80):
        assert services.deliveries_run(now=_later(email, hours)) == {"sent": 0, "refreshed": 0}
    assert len(notify_server.requests) == requests
    page = _problems_page(client, people["sender"])
    assert "Address rejected" in page and "Robin Recipient" in page


# Who is told -------------------------------------------------------------------------------


def test_failures_are_shown_only_to_the_sender_or_the_agency_admin(
    notify_server: FakeNotify,
    raise_one: Callable[..., Delivery],
    people: dict[str, User],
    make_user: Callable[..., User],
    users: dict[str, User],
    client: Client,
    settings: Any,
) -> None:
    settings.CAIRN_NOTIFY_SMS_TEMPLATE_ID = ""
    notify_server.fail_next = [400, 400]
    by_sender = raise_one()
    by_timer = raise_one(sender=None)  # a timed job's reminder: no sender
    police_admin = make_user("system_admin", "police", username="police_admin")
    trust_admin = users["system_admin"]  # not the recipient's agency
    assert by_sender.recipient.agency == police_admin.agency != trust_admin.agency

    seen = {
        "sender": _problems_page(client, people["sender"]),
        "police_admin": _problems_page(client, police_admin),
        "trust_admin": _problems_page(client, trust_admin),
        "recipient": _problems_page(client, people["recipient"]),
        "colleague": _problems_page(client, users["practitioner"]),
    }
    assert seen["sender"].count(ROW) == 1  # their own, not the timer's
    assert seen["police_admin"].count(ROW) == 1  # the timer's only
    for other in ("trust_admin", "recipient", "colleague"):
        assert ROW not in seen[other] and "Every message has been sent" in seen[other]

    # Removing one from the list: only those who see it; anyone else gets 404.
    dismiss = reverse("notifications:delivery-dismiss", args=[by_sender.pk])
    for outsider in (police_admin, trust_admin, people["recipient"]):
        client.force_login(outsider)
        assert client.post(dismiss).status_code == 404
    client.force_login(people["sender"])
    assert client.post(dismiss).status_code == 302
    by_sender.refresh_from_db()
    assert by_sender.dismissed_by == people["sender"]
    event = AuditEvent.objects.get(event="notification.delivery_dismissed")
    assert event.actor == people["sender"] and event.object_id == str(by_sender.pk)
    assert ROW not in _problems_page(client, people["sender"])
    assert by_timer.sender is None


def test_problem_list_query_count(
    notify_server: FakeNotify,
    raise_one: Callable[..., Delivery],
    people: dict[str, User],
    client: Client,
    settings: Any,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    settings.CAIRN_NOTIFY_SMS_TEMPLATE_ID = ""
    notify_server.fail_next = [400] * 6
    for _ in range(6):
        raise_one()
    client.force_login(people["sender"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("notifications:delivery-problems"))
    assert response.content.decode().count(ROW) == 6


# SMTP ---------------------------------------------------------------------------------------


def test_smtp_message_arrives_with_only_the_link(
    smtp_server: SmtpServer, raise_one: Callable[..., Delivery]
) -> None:
    email = raise_one()
    email.refresh_from_db()
    assert email.provider == "smtp" and email.status == DeliveryStatus.SENT
    assert not Delivery.objects.filter(channel="sms").exists()  # SMTP sends email only
    [envelope] = smtp_server.mailbox.envelopes
    assert envelope.rcpt_tos == ["ppu.desk@police.example"]
    message = bytes(envelope.content or b"").decode()
    assert INBOX_URL in message and "you have a new notification" in message
    for secret in (TITLE, BODY, "Amber", "Testcase", "CN-1234", "Robin", "Sam"):
        assert secret not in message


def test_smtp_refused_address_is_a_permanent_failure(
    smtp_server: SmtpServer,
    raise_one: Callable[..., Delivery],
    people: dict[str, User],
    client: Client,
) -> None:
    people["recipient"].email = "nobody@police.example"
    people["recipient"].save()
    email = raise_one()
    email.refresh_from_db()
    assert email.status == DeliveryStatus.PERMANENT_FAILURE
    assert email.last_error == "SMTP server refused the address (550)"
    assert smtp_server.mailbox.envelopes == []
    assert "Address rejected" in _problems_page(client, people["sender"])


def test_smtp_server_down_is_retried_until_it_is_back(
    smtp_server: SmtpServer, raise_one: Callable[..., Delivery]
) -> None:
    smtp_server.stop()
    email = raise_one()
    email.refresh_from_db()
    assert email.status == DeliveryStatus.PENDING and email.attempts == 1
    assert email.last_error.startswith("SMTP server could not be reached")
    smtp_server.start()
    assert services.deliveries_run(now=email.next_attempt_at or timezone.now())["sent"] == 1
    email.refresh_from_db()
    assert email.status == DeliveryStatus.SENT and email.attempts == 2
    assert len(smtp_server.mailbox.envelopes) == 1


def test_without_configuration_email_goes_through_django_mail(
    raise_one: Callable[..., Delivery], mailoutbox: list[Any]
) -> None:
    """The newcomer's case (make demo, make test): no Notify settings, Django's backend."""
    email = raise_one()
    email.refresh_from_db()
    assert email.provider == "smtp" and email.status == DeliveryStatus.SENT
    [message] = mailoutbox
    assert message.to == ["ppu.desk@police.example"] and INBOX_URL in message.body
