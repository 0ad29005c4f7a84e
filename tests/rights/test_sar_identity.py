"""A subject access request is never approved or disclosed before IG confirms the
requester's identity (UK GDPR Art. 12(6)), as for the other rights: logging it is
allowed, so the one-month clock starts; the confirmation is an audited event; a second
confirmation is a Conflict. Through the service and the page (the API:
tests/api/test_rights_sar.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import User
from cairn.audit.models import AuditEvent
from cairn.core.concurrency import Conflict
from cairn.pole.models import Person
from cairn.rights import services
from cairn.rights.models import SarStatus, SubjectAccessRequest


@pytest.fixture
def evie(make_person: Callable[..., Person]) -> Person:
    return make_person(
        given_name="Evie", family_name="Inventedcase", date_of_birth=dt.date(2011, 8, 2)
    )


def _log(ig: User, **kwargs: Any) -> SubjectAccessRequest:
    kwargs.setdefault("requester", "Caller claiming to be Evie")
    kwargs.setdefault("requester_kind", "subject")
    return services.sar_log(
        actor=ig,
        given_name="Evie",
        family_name="Inventedcase",
        date_of_birth=dt.date(2011, 8, 2),
        other_names="",
        received_on=timezone.localdate(),
        **kwargs,
    )


def test_unchecked_identity_blocks_approval_and_disclosure_until_confirmed(
    users: dict[str, User], evie: Person
) -> None:
    ig = users["ig_admin"]
    sar = _log(ig)  # logged: the clock runs
    assert not sar.authority_checked and sar.due_on
    services.sar_confirm(actor=ig, sar_id=sar.pk, person_ids=[evie.pk])
    with pytest.raises(ValidationError, match="identity"):
        services.sar_approve(actor=ig, sar_id=sar.pk, confirmed=True)
    with pytest.raises(ValidationError, match="identity"):
        services.sar_disclose(actor=ig, sar_id=sar.pk, recipient="Evie", method="post")
    sar.refresh_from_db()
    assert sar.status == SarStatus.REVIEW and not sar.approvals.exists()

    services.sar_confirm_identity(actor=ig, sar_id=sar.pk)
    row = AuditEvent.objects.get(event="rights.sar_identity_confirmed")
    assert row.actor_id == ig.pk and row.subject_id == evie.pk
    with pytest.raises(Conflict):
        services.sar_confirm_identity(actor=ig, sar_id=sar.pk)
    assert AuditEvent.objects.filter(event="rights.sar_identity_confirmed").count() == 1
    services.sar_approve(actor=ig, sar_id=sar.pk, confirmed=True)
    services.sar_disclose(actor=ig, sar_id=sar.pk, recipient="Evie Inventedcase", method="post")
    assert SubjectAccessRequest.objects.get(pk=sar.pk).status == SarStatus.DISCLOSED


def test_checked_at_logging_needs_no_second_confirmation(
    users: dict[str, User], evie: Person
) -> None:
    ig = users["ig_admin"]
    sar = _log(ig, authority_checked=True)
    assert sar.authority_checked
    with pytest.raises(Conflict):
        services.sar_confirm_identity(actor=ig, sar_id=sar.pk)


def test_the_page_offers_the_confirmation_and_refuses_disclosure_before_it(
    users: dict[str, User], evie: Person
) -> None:
    ig = users["ig_admin"]
    sar = _log(ig)
    services.sar_confirm(actor=ig, sar_id=sar.pk, person_ids=[evie.pk])
    client = Client()
    client.force_login(ig)
    url = reverse("rights:sar-detail", args=[sar.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="identity-not-checked"' in page
    assert 'value="confirm_identity"' in page
    refused = client.post(
        url, {"action": "disclose", "recipient": "Caller claiming to be Evie", "method": "post"}
    ).content.decode()
    assert "cannot be approved or disclosed yet" in refused
    assert "Caller claiming to be Evie" in refused  # what was typed is kept
    assert SubjectAccessRequest.objects.get(pk=sar.pk).status == SarStatus.REVIEW

    assert client.post(url, {"action": "confirm_identity"}).status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="authority-checked"' in page and "Identity checked" in page
    assert 'value="confirm_identity"' not in page
    assert client.post(url, {"action": "confirm_identity"}).status_code == 409
    assert AuditEvent.objects.filter(event="rights.sar_identity_confirmed").count() == 1


def test_only_the_handling_ig_may_confirm(
    users: dict[str, User], evie: Person, make_user: Callable[..., User]
) -> None:
    sar = _log(users["ig_admin"])
    client = Client()
    client.force_login(users["social_worker"])
    url = reverse("rights:sar-detail", args=[sar.pk])
    assert client.post(url, {"action": "confirm_identity"}).status_code == 404
    assert not SubjectAccessRequest.objects.get(pk=sar.pk).authority_checked
