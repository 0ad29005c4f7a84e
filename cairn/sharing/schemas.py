"""API schemas shared by every disclosure endpoint: the basis a request body claims and
the basis a response reports."""

from __future__ import annotations

from ninja import Field, Schema

from cairn.api_auth.schemas import MAX_ID, InputSchema

from .models import Disclosure, LawfulBasis
from .services import Claim

NO_NUL = r"^[^\x00]*$"


class BasisIn(InputSchema):
    agreement_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="The information-sharing agreement relied on (GET /sharing/agreements). "
        "May be left out when exactly one active agreement covers the two agencies and it has "
        "one lawful basis.",
    )
    lawful_basis: LawfulBasis | None = Field(
        None,
        description="One of the agreement's bases; or, with no agreement_id and an "
        "exceptional_reason, a safeguarding or vital-interests basis (default dpa_sch8_p4).",
    )
    exceptional_reason: str = Field(
        "",
        max_length=1000,
        pattern=NO_NUL,
        description="Only when no agreement covers the two agencies and a child's safety "
        "needs the disclosure now: why.",
    )

    @property
    def basis_given(self) -> bool:
        return bool(self.agreement_id or self.lawful_basis or self.exceptional_reason.strip())

    def claim(self) -> Claim:
        return Claim(
            agreement_id=self.agreement_id,
            lawful_basis=self.lawful_basis.value if self.lawful_basis else "",
            exceptional=self.agreement_id is None and bool(self.exceptional_reason.strip()),
            exceptional_reason=self.exceptional_reason,
        )


class BasisOut(Schema):
    agreement_id: int | None
    lawful_basis: LawfulBasis
    exceptional_reason: str


def basis_out(disclosure: Disclosure | None) -> BasisOut | None:
    if disclosure is None:
        return None
    return BasisOut(
        agreement_id=disclosure.agreement_id,
        lawful_basis=LawfulBasis(disclosure.lawful_basis),
        exceptional_reason=disclosure.exceptional_reason,
    )
