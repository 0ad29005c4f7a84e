"""The main navigation (at most seven work areas), the header's account area (Tools,
Inbox, Sign out) and the Tools page, which lists only the tools a role may use."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.accounts.roles import Role
from cairn.core import tools

pytestmark = pytest.mark.django_db

MAIN_ITEM = re.compile(
    r'<li class="govuk-service-navigation__item[^"]*"><a [^>]*>(?:<strong[^>]*>)?([^<]+)'
)
TOOL_LINK = re.compile(
    r'<h2 class="govuk-heading-m[^"]*"><a class="govuk-link" href="([^"]+)">([^<]+)</a>'
)


def _main_items(html: str) -> list[str]:
    return MAIN_ITEM.findall(html)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_no_role_sees_more_than_seven_main_items(
    client: Client, users: dict[str, Any], role: str
) -> None:
    client.force_login(users[role])
    html = client.get(reverse("core:home")).content.decode()
    items = _main_items(html)
    assert items[0] == "Home"
    assert len(items) <= 7
    for moved in ("Duplicates", "Audit log", "API", "Inbox", "Tools"):
        assert moved not in items
    # Inbox and Sign out are in the account area for everyone.
    account = html.split('<nav aria-label="Account"', 1)[1].split("</nav>", 1)[0]
    assert ">Inbox" in account
    assert ">Sign out</button>" in account


def test_fib_officer_main_menu_is_the_work_areas(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["fib_officer"])
    html = client.get(reverse("core:home")).content.decode()
    assert _main_items(html) == [
        "Home",
        "People",
        "Concerns",
        "Intelligence",
        "Disruption",
        "Referrals",
        "Hub",
    ]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            "fib_officer",
            [
                "Duplicate records",
                "Rectification and restriction requests",
                "Information-sharing agreements",
                "API documentation",
                "API tokens",
            ],
        ),
        (
            "practitioner",
            [
                "Rectification and restriction requests",
                "Information-sharing agreements",
                "API documentation",
                "API tokens",
            ],
        ),
        (
            "ig_admin",
            [
                "Information governance dashboard",
                "Audit log",
                "Rectification and restriction requests",
                "Subject access requests",
                "Retention review",
                "Information-sharing agreements",
                "Disclosures by lawful basis",
                "API documentation",
                "API tokens",
            ],
        ),
        (
            "system_admin",
            [
                "Agencies, teams and users",
                "Account changes waiting for approval",
                "Background jobs",
            ],
        ),
    ],
)
def test_tools_page_lists_only_the_roles_tools(
    client: Client, users: dict[str, Any], role: str, expected: list[str]
) -> None:
    user = users[role]
    if role == "system_admin":
        user.is_staff = True  # as the demo's system admins are, for Django's admin
        user.save(update_fields=["is_staff"])
    client.force_login(user)
    home = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("core:tools")}"' in home
    response = client.get(reverse("core:tools"))
    assert response.status_code == 200
    html = response.content.decode()
    links = TOOL_LINK.findall(html)
    assert [name for _, name in links] == expected
    # Each listed tool opens for this user.
    for href, _ in links:
        assert client.get(href).status_code == 200, href
    assert f'href="{reverse("core:tools")}" aria-current="page">Tools</a>' in html


def test_tools_link_marks_the_section_on_a_tools_page(
    client: Client, users: dict[str, Any]
) -> None:
    client.force_login(users["analyst"])
    html = client.get(reverse("network:candidates")).content.decode()
    assert f'href="{reverse("core:tools")}" aria-current="true">Tools</a>' in html
    assert (
        'aria-current="page"' not in html.split('<nav aria-label="Menu"', 1)[1].split("</nav>")[0]
    )
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert f'href="{reverse("notifications:inbox")}" aria-current="page">Inbox' in inbox
    assert f'href="{reverse("core:tools")}">Tools</a>' in inbox


def test_without_tools_the_link_is_hidden_and_the_page_denied(
    client: Client, users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the audit log left as a tool: a social worker may use none.
    monkeypatch.setattr(tools, "TOOLS", tuple(t for t in tools.TOOLS if t.url_name == "audit:log"))
    client.force_login(users["social_worker"])
    home = client.get(reverse("core:home")).content.decode()
    assert reverse("core:tools") not in home
    assert client.get(reverse("core:tools")).status_code == 403
    client.force_login(users["ig_admin"])
    assert client.get(reverse("core:tools")).status_code == 200


def test_tools_page_needs_sign_in(client: Client) -> None:
    response = client.get(reverse("core:tools"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
