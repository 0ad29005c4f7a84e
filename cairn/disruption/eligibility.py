"""CAWN eligibility: a pure function of the child's age and looked-after status.

A Child Abduction Warning Notice can be issued for a child:
- under 16 (s2 Child Abduction Act 1984), whatever their care status; or
- under 18 and in care (a care order, including an interim care order: s31(11) Children
  Act 1989 says a care order includes an interim one), on an emergency protection order,
  or in police protection (s49 Children Act 1989).
A child of 16 or 17 accommodated by agreement (s20), remanded, or living at home is not
eligible; the alternative is a warning letter to the person of concern."""

from __future__ import annotations

from dataclasses import dataclass

# looked_after values (cairn.pole.models.LookedAfter) that make a 16 or 17 year old eligible.
S49_STATUSES = {
    "care_order": "care_order",
    "interim_care_order": "care_order",
    "epo": "epo",
    "police_protection": "police_protection",
}

LETTER_ALTERNATIVE = (
    "You can send a warning letter to the person of concern instead: it tells them the "
    "child's family and the agencies want no contact, and it is evidence if they persist."
)


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    basis: str  # a CawnBasis value when eligible, "" otherwise
    explanation: str
    alternative: str = ""


def cawn_eligibility(*, age: int | None, looked_after: str, is_child: bool = True) -> Eligibility:
    if not is_child:
        return Eligibility(
            False,
            "",
            "A CAWN protects a child. This record is not recorded as a child.",
            LETTER_ALTERNATIVE,
        )
    if age is None:
        return Eligibility(
            False,
            "",
            "The child's age is not known. Record their date of birth (or an estimated age) "
            "before issuing a CAWN, because eligibility depends on it.",
            LETTER_ALTERNATIVE,
        )
    if age < 16:
        return Eligibility(
            True,
            "under_16",
            f"Eligible: the child is {age}, under 16 (s2 Child Abduction Act 1984).",
        )
    if age >= 18:
        return Eligibility(
            False,
            "",
            f"Not eligible: the person is {age}. A CAWN can only protect someone under 18.",
            LETTER_ALTERNATIVE,
        )
    basis = S49_STATUSES.get(looked_after)
    if basis is not None:
        status = {
            "care_order": "in care (care order)",
            "interim_care_order": "in care (interim care order)",
            "epo": "on an emergency protection order",
            "police_protection": "in police protection",
        }[looked_after]
        return Eligibility(
            True,
            basis,
            f"Eligible: the child is {age} and {status} (s49 Children Act 1989).",
        )
    if looked_after == "unknown":
        reason = "their looked-after status is not known: check it with children's social care"
    elif looked_after == "s20":
        reason = (
            "they are accommodated by agreement (s20 Children Act 1989), which is not a care "
            "order, emergency protection order or police protection"
        )
    else:
        reason = (
            "they are not on a care order or emergency protection order and not in police "
            "protection"
        )
    return Eligibility(
        False,
        "",
        f"Not eligible: the child is {age}, so a CAWN needs them to be in care, on an "
        f"emergency protection order or in police protection, and {reason}.",
        LETTER_ALTERNATIVE,
    )
