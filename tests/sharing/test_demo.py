"""The demo's agreements: the Hub's covers every demo agency with one basis (so the
demo's disclosures need no choice), one is due for review soon, one has expired."""

from __future__ import annotations

import pytest

from cairn.demo.org import ensure_agencies, ensure_demo_users
from cairn.sharing import selectors
from cairn.sharing.demo import HUB_TITLE, install_agreements
from cairn.sharing.models import SharingAgreement

pytestmark = pytest.mark.django_db


def test_demo_agreements() -> None:
    agencies = ensure_agencies()
    ensure_demo_users(agencies)
    install_agreements(agencies=agencies)
    install_agreements(agencies=agencies)  # idempotent
    assert SharingAgreement.objects.count() == 3
    hub = SharingAgreement.objects.get(title=HUB_TITLE)
    assert hub.parties.count() == len(agencies) and hub.bases == ["ca2004_s11"]
    options = selectors.basis_options([agencies["police"], agencies["charity"]])
    assert [(a.title, b) for a, b in options] == [(HUB_TITLE, "ca2004_s11")]
    states = sorted(
        (a.state, a.review_status()) for a in SharingAgreement.objects.exclude(pk=hub.pk)
    )
    assert states == [("active", "soon"), ("expired", "")]
