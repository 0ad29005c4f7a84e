"""Who a child's record is shared with (Hub hand-offs issue, item 2): the child's page
lists every share (agency, team, when, why); the owning agency shares by hand with a
reason and revokes such a share after a confirmation; the API does the same under the
same rules; adding a child inside a concern offers the people page's sharing choice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.audit.models import AuditEvent
from cairn.concerns.models import Concern
from cairn.pole import services as pole_services
from cairn.pole.models import EntityShare, Person, ShareBasis
from cairn.referrals import services as referral_services
from cairn.sharing.services import Claim

from ..api.conftest import ApiClient
from ..referrals.conftest import mash_details

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def school_dsl(make_user: Callable[..., Any]) -> Any:
    return make_user("practitioner", agency="school", username="school_dsl")


@pytest.fixture
def school_child(school_dsl: Any) -> Person:
    return pole_services.person_create(
        actor=school_dsl, given_name="Rowan", family_name="Farfield", category="child"
    )


def detail(person: Person) -> str:
    return reverse("pole:person-detail", args=[person.pk])


def share_url(person: Person) -> str:
    return reverse("pole:person-share", args=[person.pk])


def test_owning_agency_shares_with_a_reason_and_it_is_a_disclosure(
    school_dsl: Any, school_child: Person, users: dict[str, Any], agencies: dict[str, Any]
) -> None:
    officer = users["practitioner"]  # Trust practitioner: cannot see the school's child
    assert client_for(officer).get(detail(school_child)).status_code == 404
    dsl = client_for(school_dsl)
    page = dsl.get(detail(school_child)).content.decode()
    assert "Not shared with any other agency" in page
    assert share_url(school_child) in page
    viewed = AuditEvent.objects.filter(event="person.viewed", subject_id=school_child.pk).count()
    form = dsl.get(share_url(school_child))
    assert form.status_code == 200
    # The form names the child: opening it is a consultation like the profile.
    assert AuditEvent.objects.filter(event="person.viewed", subject_id=school_child.pk).count() == (
        viewed + 1
    )
    # No reason: a GOV.UK error summary, nothing shared.
    missing = dsl.post(share_url(school_child), {"agency": agencies["trust"].pk, "reason": ""})
    assert missing.status_code == 200
    assert "There is a problem" in missing.content.decode()
    assert "Say why you are sharing this record" in missing.content.decode()
    # An agency that is not a choice (here the owner itself) is a clear error, not a 500.
    own = dsl.post(share_url(school_child), {"agency": agencies["school"].pk, "reason": "x"})
    assert "Choose an agency from the list" in own.content.decode()
    assert not EntityShare.objects.exists()

    done = dsl.post(
        share_url(school_child),
        {"agency": agencies["trust"].pk, "reason": "Trust is assessing the family"},
    )
    assert done.status_code == 302
    assert client_for(officer).get(detail(school_child)).status_code == 200
    event = AuditEvent.objects.get(event="entity.shared")
    assert (event.action, event.recipient, event.subject_id, event.justification) == (
        "disclosure",
        "Testshire Children's Trust",
        school_child.pk,
        "Trust is assessing the family",
    )
    page = dsl.get(detail(school_child)).content.decode()
    assert "Testshire Children&#x27;s Trust" in page and "Trust is assessing the family" in page
    # A second manual share with the same agency says so instead of failing.
    again = dsl.post(share_url(school_child), {"agency": agencies["trust"].pk, "reason": "y"})
    assert "already shared with Testshire Children&#x27;s Trust" in again.content.decode()


def test_only_the_owning_agency_may_share(
    school_dsl: Any, school_child: Person, users: dict[str, Any], agencies: dict[str, Any]
) -> None:
    pole_services.person_share(
        actor=school_dsl, person_id=school_child.pk, agency=agencies["trust"], reason="MASH"
    )
    sw = client_for(users["social_worker"])  # sees the record through the share
    assert sw.get(detail(school_child)).status_code == 200
    assert share_url(school_child) not in sw.get(detail(school_child)).content.decode()
    assert sw.get(share_url(school_child)).status_code == 404
    response = sw.post(share_url(school_child), {"agency": agencies["police"].pk, "reason": "x"})
    assert response.status_code == 404
    # Hub-wide roles see every record but do not own this one.
    assert client_for(users["mash_screener"]).get(share_url(school_child)).status_code == 404
    # An analyst of no sharing role, even in a position to see it, cannot.
    assert client_for(users["analyst"]).get(share_url(school_child)).status_code == 404
    assert EntityShare.objects.count() == 1


def test_revoke_a_manual_share_after_confirmation(
    school_dsl: Any, school_child: Person, users: dict[str, Any], agencies: dict[str, Any]
) -> None:
    share = pole_services.person_share(
        actor=school_dsl, person_id=school_child.pk, agency=agencies["trust"], reason="MASH"
    )
    url = reverse("pole:person-share-revoke", args=[school_child.pk, share.pk])
    dsl = client_for(school_dsl)
    assert url in dsl.get(detail(school_child)).content.decode()
    confirm = dsl.get(url)
    assert confirm.status_code == 200
    assert "Are you sure you want to revoke the share with Testshire Children" in (
        confirm.content.decode()
    )
    # Someone who sees the record but does not own it cannot revoke.
    assert client_for(users["social_worker"]).post(url, {"reason": "x"}).status_code == 404
    no_reason = dsl.post(url, {"reason": ""})
    assert "Say why you are revoking this share" in no_reason.content.decode()
    assert EntityShare.objects.filter(pk=share.pk).exists()
    done = dsl.post(url, {"reason": "Assessment closed"})
    assert done.status_code == 302
    assert not EntityShare.objects.filter(pk=share.pk).exists()
    assert client_for(users["social_worker"]).get(detail(school_child)).status_code == 404
    event = AuditEvent.objects.get(event="entity.share_revoked")
    assert (event.recipient, event.justification, event.subject_id) == (
        "Testshire Children's Trust",
        "Assessment closed",
        school_child.pk,
    )
    # Revoked already (a colleague got there first): 404, not a 500.
    assert dsl.post(url, {"reason": "again"}).status_code == 404


def test_shares_that_follow_a_referral_are_listed_and_cannot_be_revoked(
    school_dsl: Any, school_child: Person, users: dict[str, Any], agencies: dict[str, Any]
) -> None:
    referral = referral_services.referral_create(
        actor=school_dsl, kind="mash", child=school_child, details=mash_details()
    )
    share = EntityShare.objects.get(basis=ShareBasis.REFERRAL)
    page = client_for(school_dsl).get(detail(school_child)).content.decode()
    assert "A referral from Testshire Academy was sent to this agency" in page
    assert referral.reference in page  # the sender may see the referral
    revoke = reverse("pole:person-share-revoke", args=[school_child.pk, share.pk])
    assert revoke not in page
    assert client_for(school_dsl).post(revoke, {"reason": "x"}).status_code == 404
    # A Trust social worker who may see the child but not the referral sees the share,
    # not the referral's reference.
    sw_page = client_for(users["social_worker"]).get(detail(school_child)).content.decode()
    assert "A referral from Testshire Academy" in sw_page
    assert referral.reference not in sw_page
    assert EntityShare.objects.filter(pk=share.pk).exists()


# API ------------------------------------------------------------------------------


def test_api_share_list_create_and_revoke(
    api_as: Callable[[Any], ApiClient],
    school_dsl: Any,
    school_child: Person,
    users: dict[str, Any],
    agencies: dict[str, Any],
) -> None:
    dsl, sw = api_as(school_dsl), api_as(users["social_worker"])
    path = f"/people/{school_child.pk}/shares"
    assert dsl.get(path).json() == {"person_id": school_child.pk, "shares": []}
    assert AuditEvent.objects.filter(event="entity.shares_viewed").count() == 1
    assert sw.get(path).status_code == 404  # cannot see the child
    assert sw.post(path, {"agency_id": agencies["police"].pk, "reason": "x"}).status_code == 404

    bad = dsl.post(path, {"agency_id": agencies["school"].pk, "reason": "x"})
    assert bad.status_code == 422
    assert dsl.post(path, {"agency_id": agencies["trust"].pk, "reason": ""}).status_code == 422
    created = dsl.post(path, {"agency_id": agencies["trust"].pk, "reason": "Assessment"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["agency"]["name"] == "Testshire Children's Trust"
    assert body["basis"] == "manual" and body["revocable"] is True
    assert AuditEvent.objects.get(event="entity.shared").recipient == "Testshire Children's Trust"
    duplicate = dsl.post(path, {"agency_id": agencies["trust"].pk, "reason": "Again"})
    assert duplicate.status_code == 422

    # The Trust now sees the child and who it is shared with, but may not share it on.
    listed = sw.get(path)
    assert listed.status_code == 200
    assert [s["id"] for s in listed.json()["shares"]] == [body["id"]]
    assert sw.post(path, {"agency_id": agencies["police"].pk, "reason": "x"}).status_code == 403
    revoke = f"{path}/{body['id']}/revoke"
    assert sw.post(revoke, {"reason": "x"}).status_code == 403
    assert dsl.post(revoke, {"reason": ""}).status_code == 422
    done = dsl.post(revoke, {"reason": "Closed"})
    assert done.status_code == 200
    assert done.json()["shares"] == []
    assert AuditEvent.objects.get(event="entity.share_revoked").recipient == (
        "Testshire Children's Trust"
    )
    assert dsl.post(revoke, {"reason": "Closed"}).status_code == 404
    assert sw.get(path).status_code == 404


def test_api_referral_share_is_not_revocable(
    api_as: Callable[[Any], ApiClient],
    school_dsl: Any,
    school_child: Person,
    users: dict[str, Any],  # the MASH screener the referral goes to
) -> None:
    referral_services.referral_create(
        actor=school_dsl, kind="mash", child=school_child, details=mash_details()
    )
    dsl = api_as(school_dsl)
    shares = dsl.get(f"/people/{school_child.pk}/shares").json()["shares"]
    assert [(s["basis"], s["revocable"]) for s in shares] == [("referral", False)]
    assert shares[0]["referral_reference"].startswith("MASH-")
    response = dsl.post(
        f"/people/{school_child.pk}/shares/{shares[0]['id']}/revoke", {"reason": "x"}
    )
    assert response.status_code == 422
    assert EntityShare.objects.count() == 1


# Adding a child inside a concern ----------------------------------------------------


def test_new_child_in_a_concern_offers_the_hub_sharing_choice(
    school_dsl: Any, users: dict[str, Any]
) -> None:
    client = client_for(school_dsl)
    client.post(reverse("concerns:new"))
    concern = Concern.objects.latest("pk")
    step = reverse("concerns:step", args=[concern.pk, "child"])
    assert "Share this record with all Hub member agencies" in client.get(step).content.decode()
    born = dt.date(2012, 5, 1)
    response = client.post(
        step,
        {
            "action": "new",
            "new-given_name": "Ember",
            "new-family_name": "Quillfield",
            "new-date_of_birth_day": str(born.day),
            "new-date_of_birth_month": str(born.month),
            "new-date_of_birth_year": str(born.year),
            "new-sex": "female",
            "new-hub_shared": "on",
        },
    )
    assert response.status_code == 302
    child = Person.objects.get(family_name="Quillfield")
    assert child.entity.hub_shared
    # So the Trust (another Hub agency) finds it.
    assert client_for(users["social_worker"]).get(detail(child)).status_code == 200


def test_the_share_list_costs_the_same_queries_for_one_share_or_many(
    school_dsl: Any, school_child: Person, agencies: dict[str, Any]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ..factories import AgencyFactory

    dsl = client_for(school_dsl)
    pole_services.person_share(
        actor=school_dsl, person_id=school_child.pk, agency=agencies["trust"], reason="One"
    )
    with CaptureQueriesContext(connection) as one:
        assert dsl.get(detail(school_child)).status_code == 200
    for n in range(3):
        agency = AgencyFactory(name=f"Testshire Partner {n}")
        pole_services.person_share(
            actor=school_dsl,
            person_id=school_child.pk,
            agency=agency,
            reason=f"Partner {n}",
            # No agreement covers these new agencies.
            claim=Claim(exceptional=True, exceptional_reason="Child missing tonight"),
        )
    with CaptureQueriesContext(connection) as many:
        page = dsl.get(detail(school_child))
    assert page.content.decode().count('data-testid="record-share"') == 4
    assert len(many) == len(one)


def test_a_police_only_record_says_who_it_may_go_to_on_the_page_and_in_the_api(
    api_as: Callable[[Any], ApiClient],
    make_person: Callable[..., Person],
    users: dict[str, Any],
    agencies: dict[str, Any],
) -> None:
    """With one police force in the Hub, a police-only record has no one to be shared
    with: the page says why and offers no empty form; the API names the rule."""
    fib = users["fib_officer"]
    suspect = make_person(
        actor=fib,
        given_name="Dale",
        family_name="Quietman",
        category="person_of_concern",
        police_only=True,
    )
    page = client_for(fib).get(share_url(suspect)).content.decode()
    assert "can be shared only with another police force" in page
    assert "no other police force is a member of the Hub" in page
    assert "Share record</button>" not in page

    refused = api_as(fib).post(
        f"/people/{suspect.pk}/shares", {"agency_id": agencies["trust"].pk, "reason": "Help"}
    )
    assert refused.status_code == 422
    assert "police-only record can be shared only with another police force" in refused.text
    assert not EntityShare.objects.filter(entity_id=suspect.pk).exists()
