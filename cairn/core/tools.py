"""The Tools page's list: the occasional tools (duplicates, audit log, API, user admin)
kept out of the main navigation, each shown only to the roles whose permission opens it.
One list, used by the Tools page and by the header to decide whether to offer Tools."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse

from cairn.core.types import Actor

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


@dataclass(frozen=True)
class Tool:
    name: str
    url_name: str
    permission: str
    description: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


TOOLS: tuple[Tool, ...] = (
    Tool(
        "Duplicate records",
        "network:candidates",
        "network.merge_person",
        "Review records that may be the same person: merge them (you can undo a merge) "
        "or mark them as different people.",
    ),
    Tool(
        "Information governance dashboard",
        "governance:dashboard",
        "governance.view_dashboard",
        "Reviews due and overdue, subject access requests by their clock, restrictions in "
        "force, disclosures by lawful basis and records held by each agency, with a CSV.",
    ),
    Tool(
        "Audit log",
        "audit:log",
        "audit.view_auditevent",
        "Who collected, changed, viewed, shared or erased what, and why (DPA 2018 s.62).",
    ),
    Tool(
        "Rectification and restriction requests",
        "rights:list",
        "rights.view_request",
        "Requests to correct a person's record or restrict its use (UK GDPR Art. 16 and "
        "18), with their one-month time limit.",
    ),
    Tool(
        "Subject access requests",
        "rights:sar-list",
        "rights.manage_request",
        "Requests for a copy of what the Hub holds about a person (UK GDPR Art. 15): find "
        "their records, redact, have each agency approve, disclose as a PDF.",
    ),
    Tool(
        "Retention review",
        "retention:queue",
        "retention.review_record",
        "Your agency's records due for review under its retention rules (MoPI, children's "
        "social care, health, schools): keep them, with a reason and the next review, or "
        "dispose of them.",
    ),
    Tool(
        "Information-sharing agreements",
        "sharing:list",
        "sharing.view_agreement",
        "The agreements between agencies and the lawful bases every share, referral and "
        "dissemination relies on, with their review dates.",
    ),
    Tool(
        "Disclosures by lawful basis",
        "sharing:disclosures",
        "sharing.view_disclosures",
        "Every disclosure to another agency and the basis it relied on, with exceptional "
        "disclosures and a CSV export.",
    ),
    Tool(
        "API documentation",
        "api:openapi-view",
        "api.use",
        "The Cairn API's endpoints. Scripts using it see only what you see.",
    ),
    Tool(
        "API tokens",
        "api_auth:token-list",
        "api.use",
        "Create or revoke tokens for scripts using the Cairn API.",
    ),
    Tool(
        "Agencies, teams and users",
        "admin:index",
        "accounts.manage_users",
        "Manage accounts and roles. System administrators cannot open case records.",
    ),
    Tool(
        "Account changes waiting for approval",
        "accounts:change-requests",
        "accounts.approve_change",
        "Approve or reject changes that give someone police or intelligence access: "
        "a second system admin must agree to each.",
    ),
    Tool(
        "Background jobs",
        "core:jobs",
        "core.view_jobs",
        "When the timed jobs (referral clocks, reminders, the audit checkpoint, the "
        "duplicate search) last ran and how it went, and when they run next.",
    ),
)

# The `nav` values of the pages reached from the Tools page: the Tools link is marked
# as the current section on them.
TOOL_SECTIONS = frozenset(
    {"tools", "duplicates", "audit", "rights", "retention", "api", "jobs", "governance"}
)


def tools_for(user: Actor | AnonymousUser | None) -> list[Tool]:
    """The tools `user` may use, in the order shown."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return [tool for tool in TOOLS if user.has_perm(tool.permission)]
