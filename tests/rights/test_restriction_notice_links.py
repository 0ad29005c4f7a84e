"""Every inbox item about a restriction opens for its recipient (tester report 1, F6): a
reporter's item opened the request, a 404 for them; now it opens their own list, where
their concern shows as Restricted, and it says whom to ask: their agency's information
governance, or where their agency has none in Cairn, the restricting agency's (by name).
Whoever may open the request or the record still gets that link; nobody gets a 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.accounts.models import User
from cairn.accounts.roles import Role
from cairn.concerns.models import Concern, ConcernStatus
from cairn.notifications.models import Notification
from cairn.pole.models import Person
from cairn.rights.models import Restriction

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def teacher(make_user: Callable[..., User]) -> User:
    return make_user(Role.PRACTITIONER, "school", username="teacher")


@pytest.fixture
def reported(child: Person, teacher: User, agencies: dict[str, Any]) -> Concern:
    return Concern.objects.create(
        child=child,
        status=ConcernStatus.SUBMITTED,
        reporter=teacher,
        reporter_agency=agencies["school"],
        narrative="Seen with an older man at the gates",
    )


def _every_link_opens(title: str) -> None:
    items = list(Notification.objects.filter(title=title).select_related("recipient"))
    assert items
    for item in items:
        if item.url:
            status = _client(item.recipient).get(item.url).status_code
            assert status == 200, (item.recipient.username, item.url, status)


def _ask(teacher: User) -> str:
    page = _client(teacher).get(reverse("concerns:list")).content.decode()
    return page.split('data-testid="whom-to-ask">', 1)[1].split("</span>", 1)[0]


def test_a_reporter_without_ig_is_sent_to_their_list_and_told_whom_to_ask(
    child: Person,
    teacher: User,
    reported: Concern,
    restrict: Callable[[Person], Restriction],
    lift: Callable[[Person], Restriction],
) -> None:
    restrict(child)
    title = f"Processing of record {child.pk} is restricted"
    (item,) = Notification.objects.filter(recipient=teacher, title=title)
    assert item.url == reverse("concerns:list")
    assert "ask Testshire Children&#x27;s Trust" not in item.body  # plain text, not HTML
    assert "ask Testshire Children's Trust's information governance" in item.body
    assert child.family_name not in item.title + item.body
    page = _client(teacher).get(item.url).content.decode()
    assert reported.reference in page and 'data-testid="restricted-concern"' in page
    assert _ask(teacher) == "ask Testshire Children&#x27;s Trust&#x27;s information governance"
    _every_link_opens(title)
    # The request's page stays 404 for the reporter, as before.
    rr = Restriction.objects.get(person=child).request
    assert rr is not None
    assert _client(teacher).get(reverse("rights:detail", args=[rr.pk])).status_code == 404

    lift(child)
    _every_link_opens(f"The restriction on record {child.pk} is lifted")


def test_a_reporter_whose_agency_has_ig_is_told_to_ask_it(
    child: Person,
    teacher: User,
    reported: Concern,
    make_user: Callable[..., User],
    restrict: Callable[[Person], Restriction],
) -> None:
    school_ig = make_user(Role.IG_ADMIN, "school", username="ig_school")
    restrict(child)
    title = f"Processing of record {child.pk} is restricted"
    (item,) = Notification.objects.filter(recipient=teacher, title=title)
    assert "ask your information governance" in item.body
    assert _ask(teacher) == "ask your information governance"
    # The school's IG holds records about her (its teacher's concern): told, no 404.
    assert Notification.objects.filter(recipient=school_ig, title=title).exists()
    _every_link_opens(title)
