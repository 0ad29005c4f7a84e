"""The register of information-sharing agreements: IG adds, changes (a stale edit is
refused, not overwritten) and withdraws them, each audited; caseworkers may read it;
review dates are flagged; withdrawn, expired and future agreements are never offered."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cairn.audit.models import AuditEvent
from cairn.core.concurrency import Conflict
from cairn.sharing import selectors, services
from cairn.sharing.models import AgreementState, SharingAgreement

from ..factories import SharingAgreementFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _create(actor: Any, agencies: dict[str, Any], **kw: Any) -> SharingAgreement:
    data: dict[str, Any] = {
        "title": "Testshire schools protocol",
        "parties": [agencies["trust"], agencies["school"]],
        "purposes": "Pupils at risk",
        "bases": ["ca2004_s10", "ca2004_s11"],
        "start_date": timezone.localdate() - dt.timedelta(days=1),
        "review_date": timezone.localdate() + dt.timedelta(days=30),
    }
    data.update(kw)
    return services.agreement_create(actor=actor, **data)


def test_ig_adds_changes_and_withdraws_and_each_is_audited(
    users: dict[str, Any], agencies: dict[str, Any]
) -> None:
    ig = users["ig_admin"]
    with pytest.raises(PermissionDenied):
        _create(users["social_worker"], agencies)
    with pytest.raises(ValidationError) as bad:
        _create(ig, agencies, parties=[agencies["trust"]], bases=["other"], other_basis="")
    assert set(bad.value.message_dict) == {"parties", "other_basis"}
    agreement = _create(ig, agencies)
    assert agreement.bases == ["ca2004_s10", "ca2004_s11"] and agreement.version == 1
    changed = services.agreement_update(
        actor=ig,
        agreement_id=agreement.pk,
        version=1,
        title=agreement.title,
        parties=[agencies["trust"], agencies["police"]],  # the school replaced by the police
        purposes=agreement.purposes,
        bases=["ca2004_s11"],
        start_date=agreement.start_date,
        review_date=agreement.review_date + dt.timedelta(days=365),
        state=AgreementState.ACTIVE,
    )
    assert changed.version == 2 and changed.parties.count() == 2
    # Someone who read version 1 cannot overwrite version 2.
    with pytest.raises(Conflict, match="Someone else changed this agreement"):
        services.agreement_update(
            actor=ig,
            agreement_id=agreement.pk,
            version=1,
            title="Stale",
            parties=[agencies["trust"], agencies["school"]],
            purposes="x",
            bases=["ca2004_s10"],
            start_date=agreement.start_date,
            review_date=agreement.review_date,
            state=AgreementState.ACTIVE,
        )
    with pytest.raises(ValidationError):
        services.agreement_withdraw(actor=ig, agreement_id=agreement.pk, reason=" ")
    services.agreement_withdraw(actor=ig, agreement_id=agreement.pk, reason="Superseded")
    services.agreement_withdraw(actor=ig, agreement_id=agreement.pk, reason="Again")  # no-op
    agreement.refresh_from_db()
    assert (
        agreement.state == AgreementState.WITHDRAWN and agreement.withdrawn_reason == "Superseded"
    )
    events = list(
        AuditEvent.objects.filter(object_id=str(agreement.pk), event__startswith="sharing.")
        .order_by("pk")
        .values_list("event", flat=True)
    )
    assert events == [
        "sharing.agreement_created",
        "sharing.agreement_changed",
        "sharing.agreement_withdrawn",
    ]


def test_only_active_agreements_in_force_covering_both_agencies_are_offered(
    agencies: dict[str, Any],
) -> None:
    police, trust, school = agencies["police"], agencies["trust"], agencies["school"]
    today = timezone.localdate()
    SharingAgreementFactory(title="Withdrawn", parties=[trust, school], state="withdrawn")
    SharingAgreementFactory(title="Expired", parties=[trust, school], state="expired")
    SharingAgreementFactory(
        title="Not yet", parties=[trust, school], start_date=today + dt.timedelta(days=3)
    )
    SharingAgreementFactory(title="Police and school", parties=[police, school])
    titles = {a.title for a in selectors.covering_agreements([trust, school])}
    assert titles == {"Testshire Exploitation Hub information-sharing agreement"}
    assert {a.title for a in selectors.covering_agreements([police, school])} == {
        "Testshire Exploitation Hub information-sharing agreement",
        "Police and school",
    }


def test_review_flags(agencies: dict[str, Any]) -> None:
    parties = [agencies["trust"], agencies["school"]]
    overdue = SharingAgreementFactory(parties=parties, review_date=TODAY - dt.timedelta(days=1))
    soon = SharingAgreementFactory(parties=parties, review_date=TODAY + dt.timedelta(days=60))
    later = SharingAgreementFactory(parties=parties, review_date=TODAY + dt.timedelta(days=61))
    gone = SharingAgreementFactory(
        parties=parties, review_date=TODAY - dt.timedelta(days=9), state="withdrawn"
    )
    assert [a.review_status(TODAY) for a in (overdue, soon, later, gone)] == [
        "overdue",
        "soon",
        "",
        "",
    ]


def test_register_pages_for_ig_and_readers(users: dict[str, Any], agencies: dict[str, Any]) -> None:
    SharingAgreementFactory(
        title="Overdue protocol",
        parties=[agencies["trust"], agencies["school"]],
        review_date=timezone.localdate() - dt.timedelta(days=3),
    )
    ig = _client(users["ig_admin"])
    page = ig.get(reverse("sharing:list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Overdue protocol" in html and "Review overdue" in html
    assert reverse("sharing:new") in html
    assert AuditEvent.objects.filter(event="sharing.agreements_listed").exists()
    reader = _client(users["social_worker"])
    read = reader.get(reverse("sharing:list")).content.decode()
    assert "Overdue protocol" in read and reverse("sharing:new") not in read
    assert reader.get(reverse("sharing:new")).status_code == 404
    assert _client(users["system_admin"]).get(reverse("sharing:list")).status_code == 404


def test_add_edit_and_withdraw_through_the_pages(
    users: dict[str, Any], agencies: dict[str, Any]
) -> None:
    ig = _client(users["ig_admin"])
    bad = ig.post(
        reverse("sharing:new"),
        {"title": "Schools protocol", "purposes": "Pupils", "bases": ["ca2004_s11"]},
    )
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "Choose the agencies party to the agreement" in html
    assert 'value="Schools protocol"' in html  # nothing typed is lost
    form = {
        "title": "Schools protocol",
        "parties": [agencies["trust"].pk, agencies["school"].pk],
        "purposes": "Pupils at risk",
        "bases": ["ca2004_s11"],
        "start_date_day": "1",
        "start_date_month": "1",
        "start_date_year": "2026",
        "review_date_day": "1",
        "review_date_month": "1",
        "review_date_year": "2027",
    }
    assert ig.post(reverse("sharing:new"), form).status_code == 302
    agreement = SharingAgreement.objects.get(title="Schools protocol")
    edit = reverse("sharing:edit", args=[agreement.pk])
    assert ig.get(edit).status_code == 200
    saved = ig.post(
        edit, {**form, "title": "Schools protocol v2", "state": "active", "version": "1"}
    )
    assert saved.status_code == 302
    stale = ig.post(edit, {**form, "title": "Stale", "state": "active", "version": "1"})
    assert stale.status_code == 200
    assert "Someone else changed this agreement" in stale.content.decode()
    assert _client(users["social_worker"]).get(edit).status_code == 404
    withdraw = reverse("sharing:withdraw", args=[agreement.pk])
    confirm = ig.get(withdraw)
    assert "Are you sure you want to withdraw this agreement?" in confirm.content.decode()
    assert ig.post(withdraw, {"reason": "Replaced"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "Schools protocol v2" and agreement.state == "withdrawn"
    assert ig.get(edit).status_code == 404  # a withdrawn agreement is not edited


def test_only_a_partys_ig_adds_or_changes_an_agreement(
    users: dict[str, Any], agencies: dict[str, Any], make_user: Any
) -> None:
    """The Trust's IG may not write an agreement in the police and the school's name, nor
    change or withdraw one they signed; the police IG may."""
    trust_ig = users["ig_admin"]
    police_ig = make_user("ig_admin", agency="police", username="ig_police_isa")
    with pytest.raises(ValidationError) as exc:
        _create(trust_ig, agencies, parties=[agencies["police"], agencies["school"]])
    assert "Your agency must be party" in exc.value.message_dict["parties"][0]
    theirs = _create(police_ig, agencies, parties=[agencies["police"], agencies["school"]])
    client = _client(trust_ig)
    for page in ("sharing:edit", "sharing:withdraw"):
        assert client.get(reverse(page, args=[theirs.pk])).status_code == 404
    assert (
        client.post(reverse("sharing:withdraw", args=[theirs.pk]), {"reason": "x"}).status_code
        == 404
    )
    listing = client.get(reverse("sharing:list")).content.decode()
    assert reverse("sharing:edit", args=[theirs.pk]) not in listing
    assert "Changed by its parties" in listing
    services.agreement_withdraw(actor=police_ig, agreement_id=theirs.pk, reason="Superseded")
    theirs.refresh_from_db()
    assert theirs.state == AgreementState.WITHDRAWN and theirs.withdrawn_by == police_ig
    withdrawn = client.get(reverse("sharing:list"), {"state": "withdrawn"}).content.decode()
    assert "Withdrawn on" in withdrawn and "Superseded" in withdrawn


def test_agreement_form_refusals_say_what_to_do(
    users: dict[str, Any], agencies: dict[str, Any]
) -> None:
    ig = users["ig_admin"]
    with pytest.raises(ValidationError) as exc:
        _create(
            ig,
            agencies,
            review_date=timezone.localdate() - dt.timedelta(days=1),
            start_date=timezone.localdate() - dt.timedelta(days=400),
            other_basis="Section 999 of an invented act",
        )
    errors = exc.value.message_dict
    assert "today or later" in errors["review_date"][0]
    assert "Tick Other" in errors["other_basis"][0]
    response = _client(ig).post(reverse("sharing:new"), {"title": "x" * 5000})
    assert "Title must be 200 characters or fewer (it has 5000)" in response.content.decode()
    assert "x" * 5000 in response.content.decode()  # what was typed is kept


def test_exceptional_basis_only_where_no_agreement_covers(
    users: dict[str, Any], agencies: dict[str, Any], make_person: Any
) -> None:
    from cairn.notifications.models import Notification
    from cairn.pole import services as pole_services
    from cairn.sharing.services import Claim

    child = make_person(given_name="Ottilie", family_name="Exceptionalcase")
    claim = Claim(exceptional=True, exceptional_reason="Missing tonight; school may know")
    with pytest.raises(ValidationError) as exc:
        pole_services.person_share(
            actor=users["social_worker"],
            person_id=child.pk,
            agency=agencies["school"],
            reason="Missing",
            claim=claim,
        )
    assert "choose it" in exc.value.message_dict["sharing_basis"][0]
    SharingAgreement.objects.update(state=AgreementState.WITHDRAWN)
    pole_services.person_share(
        actor=users["social_worker"],
        person_id=child.pk,
        agency=agencies["school"],
        reason="Missing",
        claim=claim,
    )
    told = Notification.objects.get(recipient=users["ig_admin"], kind="sharing.exceptional")
    assert "Ottilie" not in told.title + told.body and "awaiting=on" in told.url
    # A second one before IG has read the first: still one item in the inbox.
    pole_services.person_share(
        actor=users["social_worker"],
        person_id=make_person(given_name="Piet", family_name="Secondcase").pk,
        agency=agencies["school"],
        reason="Missing",
        claim=claim,
    )
    mine = Notification.objects.filter(recipient=users["ig_admin"], kind="sharing.exceptional")
    assert mine.count() == 1
    # Once read, the next one is a new item.
    mine.update(read_at=timezone.now())
    pole_services.person_share(
        actor=users["social_worker"],
        person_id=make_person(given_name="Quin", family_name="Thirdcase").pk,
        agency=agencies["school"],
        reason="Missing",
        claim=claim,
    )
    assert mine.count() == 2 and mine.filter(read_at__isnull=True).count() == 1


def test_disclosure_dates_the_wrong_way_round_are_an_error(users: dict[str, Any]) -> None:
    page = _client(users["ig_admin"]).get(
        reverse("sharing:disclosures"), {"date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    html = page.content.decode()
    assert page.status_code == 200 and "There is a problem" in html
    assert "The to date must be the same as or after the from date" in html


def test_one_party_leaves_a_multi_party_agreement_and_the_others_are_told(
    users: dict[str, Any], agencies: dict[str, Any], make_user: Any
) -> None:
    """The Trust's IG cannot end the Hub agreement for every agency: the Trust leaves it,
    it stays in force between the others, and their IG are told."""
    from cairn.notifications.models import Notification

    police_ig = make_user("ig_admin", agency="police", username="ig_police_hub")
    hub = SharingAgreement.objects.get()
    before = set(hub.parties.values_list("pk", flat=True))
    assert len(before) > 2
    client = _client(users["ig_admin"])
    page = client.get(reverse("sharing:withdraw", args=[hub.pk])).content.decode()
    assert "Withdraw my agency" in page and "stays in force between" in page
    client.post(reverse("sharing:withdraw", args=[hub.pk]), {"reason": "Our own protocol now"})
    hub.refresh_from_db()
    assert hub.state == AgreementState.ACTIVE
    assert set(hub.parties.values_list("pk", flat=True)) == before - {agencies["trust"].pk}
    assert Notification.objects.filter(recipient=police_ig, kind="sharing.withdrawn").exists()
    # No longer a party: the Trust's IG may not change it again.
    assert client.get(reverse("sharing:withdraw", args=[hub.pk])).status_code == 404
