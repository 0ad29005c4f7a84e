"""The type-specific details of a tactic (a warrant, a visit, an order, an immigration
check): typed from a form's cleaned data or an API body alike, validated, and the detail
model and fields each type saves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from cairn.core.dates import add_months
from cairn.core.text import as_id, strip_controls
from cairn.disruption.models import (
    COURT_ORDER_TYPES,
    TOOLKIT_TYPES,
    DrugsWarrant,
    EnforcementVisit,
    TacticType,
    ToolkitOrder,
)

# s116 ASB, Crime and Policing Act 2014: a hotel notice lasts at most 6 months.
HOTEL_NOTICE_MAX_MONTHS = 6


DETAIL_DATES = (
    "applied_on",
    "granted_on",
    "executed_on",
    "starts_on",
    "expires_on",
    "visited_on",
    "checked_on",
    "referred_on",
)
DETAIL_TEXTS = ("address", "result", "premises", "found", "court_or_authority", "conditions")


def typed_detail(detail: dict[str, Any]) -> dict[str, Any]:
    """The type-specific fields as the types they must be (dates, text, a person id), from
    a form's cleaned data or an API body alike: a number where a date belongs, or "abc" as
    a person, is a validation error, never a crash further on."""
    out = dict(detail)
    errors: dict[str, str] = {}
    for key in DETAIL_DATES:
        value = out.get(key)
        if value in (None, ""):
            out.pop(key, None)
            continue
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                value = None
        if (
            not isinstance(value, dt.date)
            or isinstance(value, dt.datetime)
            or not 1900 <= value.year <= 2100
        ):
            errors[key] = "Enter a real date between 1900 and 2100, as YYYY-MM-DD"
            continue
        out[key] = value
    for key in DETAIL_TEXTS:
        value = out.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            errors[key] = "Enter this as text"
            continue
        out[key] = strip_controls(value)
    if "person_id" in out:
        person_id = out["person_id"]
        out["person_id"] = as_id(person_id if isinstance(person_id, int) else str(person_id))
        if out["person_id"] is None:
            errors["person_id"] = "Choose the person who was checked, by their record number"
    if errors:
        raise ValidationError(errors)
    return out


def validate_detail(tactic_type: str, detail: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if tactic_type in TOOLKIT_TYPES:
        starts, expires = detail.get("starts_on"), detail.get("expires_on")
        if tactic_type in COURT_ORDER_TYPES:
            # Without them the order never shows as expiring and no review is reminded.
            if not starts:
                errors["starts_on"] = "Enter the date the order starts"
            if not expires:
                errors["expires_on"] = "Enter the date the order expires"
        if starts and expires and expires < starts:
            errors["expires_on"] = "Expiry date must be on or after the start date"
        if tactic_type == TacticType.HOTEL_NOTICE:
            if not starts or not expires:
                errors["expires_on"] = "Enter when the hotel notice starts and expires"
            elif expires > add_months(starts, HOTEL_NOTICE_MAX_MONTHS):
                errors["expires_on"] = (
                    "A hotel notice (s116) can last at most 6 months: expiry must be on or "
                    f"before {add_months(starts, HOTEL_NOTICE_MAX_MONTHS):%-d %B %Y}"
                )
    if tactic_type == TacticType.DRUGS_WARRANT:
        if not str(detail.get("address") or "").strip():
            errors["address"] = "Enter the address the warrant is for"
        applied, granted, executed = (
            detail.get("applied_on"),
            detail.get("granted_on"),
            detail.get("executed_on"),
        )
        if applied and granted and granted < applied:
            errors["granted_on"] = "Date granted must be on or after the date applied"
        if granted and executed and executed < granted:
            errors["executed_on"] = "Date executed must be on or after the date granted"
    if tactic_type == TacticType.ENFORCEMENT_VISIT:
        if not str(detail.get("premises") or "").strip():
            errors["premises"] = "Enter the premises visited"
        if not detail.get("visited_on"):
            errors["visited_on"] = "Enter the date of the visit"
    if tactic_type == TacticType.IMMIGRATION_CHECK:
        if not detail.get("result"):
            errors["result"] = "Choose the result of the check"
        if not detail.get("checked_on"):
            errors["checked_on"] = "Enter the date of the check"
        if detail.get("referred_to_immigration_enforcement") and not detail.get("referred_on"):
            errors["referred_on"] = "Enter the date of the referral to Immigration Enforcement"
        if not detail.get("person_id"):
            errors["person_id"] = "Choose the person who was checked"
    if errors:
        raise ValidationError(errors)


ORDER_FIELDS = (
    "court_or_authority",
    "applied_on",
    "granted_on",
    "starts_on",
    "expires_on",
    "conditions",
)
DETAIL_FIELDS: dict[str, tuple[type[Any], tuple[str, ...]]] = {
    TacticType.DRUGS_WARRANT: (
        DrugsWarrant,
        ("address", "applied_on", "granted_on", "executed_on", "result"),
    ),
    TacticType.ENFORCEMENT_VISIT: (EnforcementVisit, ("premises", "visited_on", "found")),
    **dict.fromkeys(TOOLKIT_TYPES, (ToolkitOrder, ORDER_FIELDS)),
}
