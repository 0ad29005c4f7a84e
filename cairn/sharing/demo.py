"""Demo information-sharing agreements: the Hub's agreement covering every demo agency
(one lawful basis, so the demo's shares, referrals and disseminations rely on it without
choosing), a health-and-school protocol due for review soon, and an expired one. Entered
through the services as set-up data; titles and references invented.

Installed by the demo hub builder (cairn/demo/hub.py) before its first share, since every
disclosure needs an agreement; `load_demo` only tops up a database loaded without them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cairn.accounts.models import Agency
from cairn.demo.org import ensure_agencies

from . import services
from .models import AgreementState, LawfulBasis, SharingAgreement

HUB_TITLE = "Northmoor Exploitation Hub information-sharing agreement"


def install_agreements(*, agencies: dict[str, Agency], today: dt.date | None = None) -> None:
    if SharingAgreement.objects.filter(title=HUB_TITLE).exists():
        return
    today = today or timezone.localdate()
    ig = None  # set-up data: the Hub's agreements as they stand, not one IG lead's entries
    services.agreement_create(
        actor=ig,
        title=HUB_TITLE,
        parties=list(agencies.values()),
        purposes=(
            "Identifying, safeguarding and protecting children at risk of sexual or criminal "
            "exploitation, and disrupting those who exploit them, through the multi-agency "
            "Exploitation Hub (MACE)."
        ),
        bases=[LawfulBasis.CA2004_S11],
        start_date=today - dt.timedelta(days=400),
        review_date=today + dt.timedelta(days=330),
        document_reference="NMH-ISA-2025-01 (invented)",
    )
    if "health" in agencies and "school" in agencies:
        services.agreement_create(
            actor=ig,
            title="Heatherfield school nursing safeguarding protocol",
            parties=[agencies["health"], agencies["school"]],
            purposes="School nurses and designated safeguarding leads sharing concerns "
            "about pupils' welfare.",
            bases=[LawfulBasis.CA2004_S10, LawfulBasis.CA2004_S11],
            start_date=today - dt.timedelta(days=700),
            review_date=today + dt.timedelta(days=21),
            document_reference="HAT-NCH-SNP-03 (invented)",
        )
    if "police" in agencies and "youth_justice" in agencies:
        services.agreement_create(
            actor=ig,
            title="Northmoor youth offending disclosure protocol (2019)",
            parties=[agencies["police"], agencies["youth_justice"]],
            purposes="Superseded by the Hub agreement.",
            bases=[LawfulBasis.CDA1998_S115],
            start_date=today - dt.timedelta(days=2400),
            review_date=today - dt.timedelta(days=420),
            document_reference="NYJS-PROT-2019 (invented)",
            state=AgreementState.EXPIRED,
        )


def load_demo(*, seed: int) -> None:  # the same agreements for every seed

    install_agreements(agencies=ensure_agencies())
