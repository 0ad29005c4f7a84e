"""What a referral says, for people and machines: its answers as labelled rows (the detail
page and the PDF share them), the PDF (WeasyPrint, with the security marking on every
page) and the NRM referral as structured JSON for the Home Office service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from cairn.core import pdf
from cairn.core.forms import GovukDateField
from cairn.core.wording import long_date

from . import payload
from .models import MashDecision, NrmDecision, Referral, StrategyDiscussion

SCHEMA_VERSION = "cairn-nrm-export/1"
TEMPLATE = "referrals/pdf.html"  # the print page and the PDF


@dataclass
class Answer:
    name: str
    label: str
    value: str


def _choice_labels(field: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in getattr(field, "choices", [])}


# The sender's choice of basis is stored as a form value ("1:ca2004_s11", and the
# exceptional fields' defaults even when unused): the basis relied on is shown from the
# disclosure the referral recorded instead.
BASIS_FIELDS = frozenset(payload.BasisDetails.base_fields)


def _basis(referral: Referral) -> Answer | None:
    disclosure = referral.disclosure
    if disclosure is None:
        return None
    text = disclosure.basis_label
    if disclosure.agreement is not None:
        text = f"{disclosure.agreement.title}: {text}"
    elif disclosure.exceptional_reason:
        text = f"{text} (exceptional: no agreement covered it). {disclosure.exceptional_reason}"
    return Answer("sharing_basis", "Lawful basis for sharing", text)


def answers(referral: Referral) -> list[Answer]:
    form_class = payload.FORMS[referral.kind]
    form = form_class()
    details = referral.details
    out = []
    for name, field in form.fields.items():
        value = details.get(name)
        if name == "recipient_agency" or name in BASIS_FIELDS:
            continue
        labels = _choice_labels(field)
        if isinstance(value, list):
            text = "\n".join(labels.get(str(v), str(v)) for v in value)
        elif value in (None, ""):
            text = ""
        elif isinstance(field, GovukDateField):
            # Dates are kept in the draft as ISO strings: shown as people write them.
            text = long_date(value)
        else:
            text = labels.get(str(value), str(value))
        out.append(Answer(name, str(field.label), text))
    basis = _basis(referral)
    if basis is not None:
        out.append(basis)
    return out


def _context(referral: Referral) -> dict[str, Any]:
    decision = MashDecision.objects.filter(referral=referral).first()
    discussions: list[StrategyDiscussion] = (
        list(decision.strategy_discussions.all()) if decision else []
    )
    return {
        "referral": referral,
        "answers": answers(referral),
        "decision": decision,
        "discussions": discussions,
        "nrm_decisions": list(NrmDecision.objects.filter(referral=referral)),
        "marking": referral.child.entity.get_marking_display(),
        "generated_at": timezone.localtime(),
    }


def render_html(referral: Referral, request: HttpRequest | None = None) -> str:
    """The document as HTML; with the request, its inline stylesheet carries the CSP nonce."""
    return render_to_string(TEMPLATE, _context(referral), request=request)


def render_pdf(referral: Referral) -> bytes:
    return pdf.render_pdf(TEMPLATE, _context(referral))


def nrm_json(referral: Referral) -> dict[str, Any]:
    d = referral.details
    types = dict(payload.NRM_TYPES)
    labels = _choice_labels(payload.NrmForm().fields["indicators"])
    return {
        "schema": SCHEMA_VERSION,
        "reference": referral.reference,
        "home_office_reference": referral.home_office_reference or None,
        "submitted_at": referral.submitted_at.isoformat() if referral.submitted_at else None,
        "potential_victim": {
            "is_child": True,
            "consent_required": False,
            "safeguarded": d.get("child_safeguarded") == "yes",
            "full_name": d.get("full_name", ""),
            "aliases": [a.strip() for a in str(d.get("aliases", "")).split(",") if a.strip()],
            "date_of_birth": d.get("date_of_birth") or None,
            "sex": d.get("sex", ""),
            "nationality": d.get("nationality", ""),
            "languages": d.get("languages", ""),
            "interpreter_needed": d.get("interpreter_needed") == "yes",
        },
        "exploitation": {
            "types": [
                {"code": t, "label": types.get(t, t)} for t in d.get("exploitation_types", [])
            ],
            "other": d.get("exploitation_other", ""),
            "indicators": [{"code": c, "label": labels.get(c, c)} for c in d.get("indicators", [])],
            "account": d.get("account", ""),
        },
        "first_responder": {
            "name": d.get("fr_name", ""),
            "role": d.get("fr_role", ""),
            "organisation": d.get("fr_organisation", ""),
            "phone": d.get("fr_phone", ""),
            "email": d.get("fr_email", ""),
            "agency": referral.sender_agency.name,
        },
        "decisions": [
            {"stage": x.stage, "outcome": x.outcome, "decided_on": x.decided_on.isoformat()}
            for x in NrmDecision.objects.filter(referral=referral)
        ],
    }
