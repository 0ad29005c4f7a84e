"""A restricted record is withheld from everyday use in every channel (web and API):
person search, matching at entry, Hub agendas, the network and its exports, until the
restriction is lifted; only IG and the owning agency open it, by direct link."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from cairn.api_auth import services as token_services
from cairn.audit.models import AuditEvent
from cairn.core.concurrency import Conflict
from cairn.hub import services as hub
from cairn.network.matching.online import match_person
from cairn.pole import services as pole
from cairn.pole.models import Person
from cairn.rights import services

from ..api.conftest import ApiClient
from ..hub.conftest import ago, chair, decide, schedule  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user: Any) -> ApiClient:
    return ApiClient(token_services.token_create(actor=user, name="Test").secret)


def _web_search(user: Any) -> str:
    response = _client(user).get(reverse("pole:person-search"), {"q": "Tamsin"})
    assert response.status_code == 200
    return response.content.decode()


def _api_search_ids(user: Any) -> set[int]:
    response = _api(user).get("/people", q="Tamsin")
    assert response.status_code == 200
    return {row["person"]["id"] for row in response.json()["results"]}


def test_person_search_web_and_api_withhold_until_lifted(
    users: dict[str, Any], child: Person, restrict: Any, lift: Any
) -> None:
    sw, fib = users["social_worker"], users["fib_officer"]
    assert "Withheldcase" in _web_search(sw)
    assert _api_search_ids(fib) == {child.pk}

    restrict(child)
    assert "Withheldcase" not in _web_search(sw)
    assert "Withheldcase" not in _web_search(fib)  # Hub-wide roles too
    assert _api_search_ids(sw) == set()
    assert _api_search_ids(fib) == set()
    # A Hub-wide role does not open it (the owning agency does: tests below).
    assert _api(fib).get(f"/people/{child.pk}").status_code == 404

    lift(child)
    assert "Withheldcase" in _web_search(sw)
    assert _api_search_ids(sw) == {child.pk}


def test_matching_at_entry_offers_no_restricted_candidate(
    users: dict[str, Any], child: Person, restrict: Any, lift: Any
) -> None:
    fields = {
        "given_name": "Tamsin",
        "family_name": "Withheldcase",
        "date_of_birth": dt.date(2012, 5, 4),
    }
    for role in ("social_worker", "fib_officer"):
        assert child.pk in {m.person.pk for m in match_person(users[role], fields)}
    restrict(child)
    for role in ("social_worker", "fib_officer"):
        assert child.pk not in {m.person.pk for m in match_person(users[role], fields)}
    lift(child)
    assert child.pk in {m.person.pk for m in match_person(users["fib_officer"], fields)}


def test_agenda_leaves_out_a_restricted_child(
    child: Person,
    decide: Callable[..., Any],  # noqa: F811
    schedule: Callable[..., Any],  # noqa: F811
    chair: Any,  # noqa: F811
    restrict: Any,
    lift: Any,
) -> None:
    decide(child, "significant", ago(days=2))
    restrict(child)
    meeting = schedule()
    items = hub.agenda_generate(actor=chair, meeting=meeting)
    assert f"child-{child.pk}" not in {i.key for i in items}
    page = _client(chair).get(reverse("hub:meeting", args=[meeting.pk]))
    assert "Withheldcase" not in page.content.decode()

    lift(child)
    items = hub.agenda_generate(actor=chair, meeting=meeting)
    assert f"child-{child.pk}" in {i.key for i in items}


def test_network_and_exports_withhold_the_restricted_end(
    users: dict[str, Any],
    child: Person,
    make_person: Callable[..., Person],
    restrict: Any,
    lift: Any,
) -> None:
    analyst, fib = users["analyst"], users["fib_officer"]
    adult = make_person(
        actor=fib, given_name="Dex", family_name="Examplar", category="person_of_concern"
    )
    pole.link_record(
        actor=fib,
        from_entity_id=adult.pk,
        to_entity_id=child.pk,
        link_type="associate",
        source_note="Seen together",
    )
    web = _client(analyst)
    export_url = reverse("network:export", args=[adult.pk, "csv"])
    network_url = reverse("network:person", args=[adult.pk])

    def api_export() -> str:
        response = _api(analyst).get(f"/network/people/{adult.pk}/export", format="csv")
        assert response.status_code == 200
        return response.content.decode()

    assert "Withheldcase" in web.get(export_url).content.decode()
    assert "Withheldcase" in api_export()

    restrict(child)
    assert "Withheldcase" not in web.get(export_url).content.decode()
    assert "Withheldcase" not in web.get(network_url).content.decode()
    assert "Withheldcase" not in api_export()
    # The restricted person's own network: as for a record the analyst may not see.
    assert web.get(reverse("network:person", args=[child.pk])).status_code == 404
    assert _api(analyst).get(f"/people/{adult.pk}/links").json()["results"] == []

    lift(child)
    assert "Withheldcase" in web.get(export_url).content.decode()
    assert "Withheldcase" in api_export()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("ig_admin", 200),  # information governance (Trust)
        ("social_worker", 200),  # the owning agency
        ("practitioner", 200),
        ("fib_officer", 404),  # Hub-wide, but restriction withholds it from everyday use
        ("hub_chair", 404),
        ("analyst", 404),
        ("system_admin", 404),
    ],
)
def test_who_opens_a_restricted_record_by_direct_link(
    users: dict[str, Any], child: Person, restrict: Any, role: str, status: int
) -> None:
    restrict(child)
    response = _client(users[role]).get(reverse("pole:person-detail", args=[child.pk]))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Processing restricted since" in body
        assert "Accuracy contested" in body


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("social_worker", 200),  # the owning agency, as on the web
        ("practitioner", 200),
        ("mash_screener", 200),
        ("fib_officer", 404),  # Hub-wide, but restriction withholds it from everyday use
        ("hub_chair", 404),
        ("analyst", 404),
        ("ig_admin", 403),  # IG opens it on the web; it reads no records via the API
        ("system_admin", 403),
    ],
)
def test_the_api_opens_a_restricted_record_to_whom_the_web_does(
    users: dict[str, Any], child: Person, restrict: Any, lift: Any, role: str, status: int
) -> None:
    """The owning agency used to get a 404 from the API where the web showed the record
    under its banner: now it gets who the person is and the restriction, marked
    `restricted: true`, and nothing more; everyone else, as before."""
    user = users[role]
    restrict(child)
    client = _api(user) if user.has_perm("api.use") else ApiClient(session_user=user)
    response = client.get(f"/people/{child.pk}", reason="Checking the restriction")
    assert response.status_code == status, response.content
    if status != 200:
        assert "Withheldcase" not in response.content.decode()
        assert not AuditEvent.objects.filter(event="person.viewed", actor=user).exists()
        return
    body = response.json()
    assert body["restricted"] is True
    assert (body["id"], body["full_name"]) == (child.pk, "Tamsin Withheldcase")
    assert body["date_of_birth"] == "2012-05-04"
    assert body["owning_agency"]["name"] == child.entity.owning_agency.name
    assert body["restriction"]["reason"] == "Accuracy contested"  # the web's banner's
    assert body["restriction"]["restricted_by"]
    # Who the person is, and no more: the web's page shows no other detail either.
    assert {"description", "ethnicity", "other_names", "marking"}.isdisjoint(body)
    viewed = AuditEvent.objects.get(event="person.viewed", actor=user)
    assert (viewed.object_id, viewed.source) == (str(child.pk), "api")
    assert viewed.justification == "Checking the restriction"
    # Nothing linked to it is shown, and it is not in search.
    assert client.get(f"/people/{child.pk}/links").status_code == 404
    assert client.get("/people", q="Tamsin").json()["results"] == []
    # Lifted: the whole record again, marked as not restricted.
    lift(child)
    whole = client.get(f"/people/{child.pk}").json()
    assert whole["restricted"] is False and "description" in whole


def test_another_agencys_ig_cannot_open_it(
    users: dict[str, Any], make_user: Any, make_person: Any, restrict: Any
) -> None:
    school_child = make_person(actor=make_user("practitioner", "school"), given_name="Sol")
    school_ig = make_user("ig_admin", "school", username="ig_school")
    services.restriction_apply(
        actor=school_ig,
        person_id=school_child.pk,
        reason="Accuracy contested",
        request_id=services.request_log(
            actor=school_ig,
            person_id=school_child.pk,
            kind="restriction",
            requester="Sol",
            requester_kind="subject",
            authority_checked=True,  # Sol's identity was checked
            grounds="Contested",
            received_on=dt.date.today(),
        ).pk,
    )
    url = reverse("pole:person-detail", args=[school_child.pk])
    assert _client(school_ig).get(url).status_code == 200
    assert _client(users["ig_admin"]).get(url).status_code == 404
    assert _client(users["social_worker"]).get(url).status_code == 404


def test_a_restricted_record_is_not_changed_and_restricted_once(
    users: dict[str, Any], child: Person, restrict: Any, log_request: Any
) -> None:
    restrict(child)
    child.refresh_from_db()
    child.entity.refresh_from_db()
    with pytest.raises(PermissionDenied):
        pole.person_update(actor=users["social_worker"], person=child, given_name="Tam")
    with pytest.raises(Conflict):
        services.restriction_apply(
            actor=users["social_worker"], person_id=child.pk, reason="Asked again by the child"
        )
    from cairn.rights.models import Restriction

    assert Restriction.objects.filter(person=child).count() == 1


def test_lifting_is_audited_with_its_reason(
    users: dict[str, Any], child: Person, restrict: Any, lift: Any
) -> None:
    from cairn.audit.models import AuditEvent

    restrict(child)
    lift(child)
    event = AuditEvent.objects.get(event="rights.restriction_lifted")
    assert event.subject_id == child.pk
    assert event.justification == "Checked and accurate"
    with pytest.raises(Conflict):
        lift(child)


def test_lift_page_by_the_owner(users: dict[str, Any], child: Person, restrict: Any) -> None:
    restrict(child)
    client = _client(users["social_worker"])
    url = reverse("rights:lift", args=[child.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Verified with the family"})
    assert response.status_code == 302
    child.entity.refresh_from_db()
    assert child.entity.restricted_since is None
    assert _client(users["fib_officer"]).get(url).status_code == 404


def test_actions_about_a_restricted_child_are_withheld(
    users: dict[str, Any], agencies: dict[str, Any], child: Person, restrict: Any, lift: Any
) -> None:
    from cairn.hub.access import visible_actions
    from cairn.hub.models import Action

    action = Action.objects.create(
        description="Visit school",
        owner=users["social_worker"],
        owner_agency=agencies["trust"],
        subject_id=child.pk,
        due_on=dt.date.today(),
        created_by=users["hub_chair"],
    )
    for role in ("social_worker", "hub_chair"):
        assert action in visible_actions(users[role])
    restrict(child)
    for role in ("social_worker", "hub_chair"):
        assert action not in visible_actions(users[role])
    lift(child)
    assert action in visible_actions(users["social_worker"])


def test_referral_documents_are_withheld(
    users: dict[str, Any], child: Person, restrict: Any, lift: Any
) -> None:
    """The NRM export and the referral's PDF read through the same access layer."""
    from cairn.referrals import services as referrals

    from ..referrals.conftest import nrm_details

    sw = users["social_worker"]
    referral = referrals.referral_create(actor=sw, kind="nrm", child=child, details=nrm_details())
    web = _client(sw)
    export = reverse("referrals:nrm-export", args=[referral.pk])
    assert web.get(export).status_code == 200
    restrict(child)
    assert web.get(export).status_code == 404
    assert web.get(reverse("referrals:pdf", args=[referral.pk])).status_code == 404
    assert _api(sw).get(f"/referrals/{referral.pk}/nrm-export").status_code == 404
    lift(child)
    assert web.get(export).status_code == 200


def test_concerns_are_withheld_from_their_reporter_too(
    users: dict[str, Any], child: Person, restrict: Any, lift: Any
) -> None:
    from cairn.concerns import services as concerns
    from cairn.concerns.access import visible_concerns

    from ..concerns.conftest import complete_payload

    sw = users["social_worker"]
    concern = concerns.concern_create(actor=sw, data=complete_payload(child.pk))
    assert concern in visible_concerns(sw)
    restrict(child)
    assert concern not in visible_concerns(sw)
    assert _api(sw).get(f"/concerns/{concern.pk}").status_code == 404
    lift(child)
    assert concern in visible_concerns(sw)
