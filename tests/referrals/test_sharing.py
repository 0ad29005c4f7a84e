"""Access follows the work (Hub hand-offs issue, item 2): sending a referral shares the
child with the receiving agency, a MASH decision that allocates to a team shares the
child with that team, both recorded as disclosures with their recipient; the allocated
team finds and opens the child; an unrelated agency still gets 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cairn.accounts.models import Team
from cairn.accounts.roles import AgencyKind
from cairn.audit.models import AuditEvent
from cairn.pole import search
from cairn.pole import services as pole_services
from cairn.pole.models import EntityShare, Person, ShareBasis
from cairn.referrals import services
from cairn.referrals.models import Referral

from ..api.conftest import ApiClient
from ..factories import AgencyFactory, TeamFactory
from .conftest import DETAILS

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
    """A child only the school holds: nobody at the Trust can see it yet."""
    return pole_services.person_create(
        actor=school_dsl,
        given_name="Rowan",
        family_name="Farfield",
        category="child",
        date_of_birth=dt.date(2012, 3, 9),
    )


@pytest.fixture
def early_help(make_user: Callable[..., Any]) -> dict[str, Any]:
    """An early-help agency with one team: a worker in the team and one outside it."""
    agency = AgencyFactory(name="Testshire Early Help", kind=AgencyKind.EARLY_HELP)
    team = TeamFactory(agency=agency, name="Family Hub North")
    in_team = make_user("social_worker", agency="trust", username="eh_in_team")
    in_team.agency, in_team.team = agency, team
    in_team.save()
    outside = make_user("social_worker", agency="trust", username="eh_outside")
    outside.agency = agency
    outside.save()
    return {"agency": agency, "team": team, "in_team": in_team, "outside": outside}


def send(actor: Any, child: Person, kind: str = "mash") -> Referral:
    return services.referral_create(actor=actor, kind=kind, child=child, details=DETAILS[kind]())


def sees(user: Any, child: Person) -> bool:
    """Both ways the social worker looks: search by name, then the child's page."""
    found = [m.person.pk for m in search.search_people(user, query="Rowan Farfield")]
    status = client_for(user).get(reverse("pole:person-detail", args=[child.pk])).status_code
    assert (child.pk in found) is (status == 200), (found, status)
    return status == 200


def test_a_mash_referral_shares_the_child_with_the_receiving_agency(
    users: dict[str, Any], school_dsl: Any, school_child: Person, make_user: Callable[..., Any]
) -> None:
    sw = users["social_worker"]  # Children's Trust, where the MASH sits
    police_officer = make_user("practitioner", agency="police", username="pc_unrelated")
    assert not sees(sw, school_child)
    page = client_for(sw).get(reverse("pole:person-search"), {"q": "Rowan Farfield"})
    assert b"No people found" in page.content

    referral = send(school_dsl, school_child)

    assert sees(sw, school_child)
    page = client_for(sw).get(reverse("pole:person-search"), {"q": "Rowan Farfield"})
    assert b"No people found" not in page.content
    assert reverse("pole:person-detail", args=[school_child.pk]).encode() in page.content
    assert not sees(police_officer, school_child)
    share = EntityShare.objects.get(entity_id=school_child.pk)
    assert (share.agency_id, share.team_id, share.basis, share.source_id) == (
        sw.agency_id,
        None,
        ShareBasis.REFERRAL,
        str(referral.pk),
    )
    event = AuditEvent.objects.get(event="entity.shared")
    assert event.action == "disclosure"
    assert event.recipient == "Testshire Children's Trust"
    assert event.subject_id == school_child.pk
    assert event.actor == school_dsl
    assert event.details["basis"] == "referral" and event.details["source"] == str(referral.pk)


def test_a_ppu_notification_shares_the_child_with_the_police(
    users: dict[str, Any], school_dsl: Any, school_child: Person, make_user: Callable[..., Any]
) -> None:
    officer = make_user("practitioner", agency="police", username="pc_ppu_team")
    assert not sees(officer, school_child)
    send(school_dsl, school_child, kind="ppu")
    assert sees(officer, school_child)
    assert AuditEvent.objects.get(event="entity.shared").recipient == "Testshire Police"


def test_an_nrm_referral_leaves_cairn_and_shares_nothing_inside_it(
    users: dict[str, Any], child: Person
) -> None:
    send(users["social_worker"], child, kind="nrm")
    assert not EntityShare.objects.exists()


def test_a_referral_to_the_agency_that_holds_the_record_adds_no_share(
    users: dict[str, Any], child: Person
) -> None:
    send(users["social_worker"], child)  # Trust child, Trust MASH
    assert not EntityShare.objects.exists()
    assert not AuditEvent.objects.filter(event="entity.shared").exists()


def test_a_mash_allocation_gives_the_team_and_only_the_team_access(
    users: dict[str, Any],
    school_dsl: Any,
    school_child: Person,
    early_help: dict[str, Any],
    make_user: Callable[..., Any],
) -> None:
    referral = send(school_dsl, school_child)
    member, outsider = early_help["in_team"], early_help["outside"]
    assert not sees(member, school_child)
    assert client_for(member).get(reverse("referrals:detail", args=[referral.pk])).status_code == (
        404
    )

    services.mash_decision_record(
        actor=users["mash_screener"],
        referral=referral,
        outcome="early_help",
        rationale="Family support through the family hub.",
        allocated_team=early_help["team"],
    )

    assert sees(member, school_child)
    assert not sees(outsider, school_child)  # same agency, other team
    unrelated = make_user("practitioner", agency="police", username="pc_other")
    assert not sees(unrelated, school_child)
    # The allocated team reads the referral, but does not act as its receiver.
    page = client_for(member).get(reverse("referrals:detail", args=[referral.pk]))
    assert page.status_code == 200
    assert "Allocated to <strong>Family Hub North</strong>" in page.content.decode()
    assert services.allowed_actions(member, referral) == []
    assert client_for(outsider).get(
        reverse("referrals:detail", args=[referral.pk])
    ).status_code == (404)
    event = AuditEvent.objects.filter(event="entity.shared").latest("chain_index")
    assert event.recipient == "Family Hub North, Testshire Early Help"
    assert event.actor == users["mash_screener"]
    assert event.details["basis"] == "allocation" and event.details["team"] == early_help["team"].pk
    assert member.notifications.filter(kind="referral.allocated").exists()


def test_no_further_action_allocates_no_team(
    users: dict[str, Any], school_dsl: Any, school_child: Person, early_help: dict[str, Any]
) -> None:
    referral = send(school_dsl, school_child)
    with pytest.raises(ValidationError) as exc:
        services.mash_decision_record(
            actor=users["mash_screener"],
            referral=referral,
            outcome="nfa",
            rationale="Below threshold.",
            allocated_team=early_help["team"],
        )
    assert "allocated_team" in exc.value.message_dict


def test_decide_page_allocates_to_a_team(
    users: dict[str, Any], school_dsl: Any, school_child: Person, early_help: dict[str, Any]
) -> None:
    referral = send(school_dsl, school_child)
    screener = client_for(users["mash_screener"])
    url = reverse("referrals:decide", args=[referral.pk])
    page = screener.get(url)
    assert "Family Hub North (Testshire Early Help)" in page.content.decode()
    bad = screener.post(url, {"outcome": "s47", "rationale": "Harm", "allocated_team": "999999"})
    assert bad.status_code == 200
    assert "Choose a team from the list" in bad.content.decode()
    done = screener.post(
        url, {"outcome": "s47", "rationale": "Harm", "allocated_team": early_help["team"].pk}
    )
    assert done.status_code == 302
    assert referral.mash_decision.allocated_team == early_help["team"]
    assert sees(early_help["in_team"], school_child)


def test_a_team_with_no_casework_member_is_never_offered_or_accepted(
    users: dict[str, Any],
    school_dsl: Any,
    school_child: Person,
    early_help: dict[str, Any],
    make_user: Callable[..., Any],
) -> None:
    """Allocation lets a team's members open the child's record: an information governance
    team (whose members see no case records) must not be a choice."""
    ig_team = TeamFactory(agency=early_help["agency"], name="Information Governance")
    ig = make_user("ig_admin", agency="trust", username="eh_ig")
    ig.agency, ig.team = early_help["agency"], ig_team
    ig.save()
    referral = send(school_dsl, school_child)
    screener = client_for(users["mash_screener"])
    url = reverse("referrals:decide", args=[referral.pk])
    page = screener.get(url).content.decode()
    assert "Family Hub North (Testshire Early Help)" in page
    assert "Information Governance (Testshire Early Help)" not in page
    refused = screener.post(
        url, {"outcome": "s47", "rationale": "Harm", "allocated_team": ig_team.pk}
    )
    assert refused.status_code == 200
    assert "Choose a team from the list" in refused.content.decode()
    assert not sees(ig, school_child)


def test_api_decision_allocates_to_a_team(
    api_as: Callable[[Any], ApiClient],
    users: dict[str, Any],
    school_dsl: Any,
    school_child: Person,
    early_help: dict[str, Any],
) -> None:
    referral = send(school_dsl, school_child)
    screener = api_as(users["mash_screener"])
    path = f"/referrals/{referral.pk}/mash-decision"
    unknown = screener.post(path, {"outcome": "s47", "rationale": "x", "allocated_team_id": 99999})
    assert unknown.status_code == 422
    assert "No such team" in unknown.content.decode()
    done = screener.post(
        path, {"outcome": "s47", "rationale": "x", "allocated_team_id": early_help["team"].pk}
    )
    assert done.status_code == 200, done.content
    assert (
        done.json()["mash_decision"]["allocated_team"] == "Family Hub North, Testshire Early Help"
    )
    member = api_as(early_help["in_team"])
    assert member.get(f"/people/{school_child.pk}").status_code == 200
    assert api_as(early_help["outside"]).get(f"/people/{school_child.pk}").status_code == 404


def test_team_allocation_does_not_reach_a_team_of_the_same_name_elsewhere(
    users: dict[str, Any], school_dsl: Any, school_child: Person, early_help: dict[str, Any]
) -> None:
    """A team share is for that team's members only, not for every user with a team."""
    referral = send(school_dsl, school_child)
    services.mash_decision_record(
        actor=users["mash_screener"],
        referral=referral,
        outcome="s17",
        rationale="Assessment.",
        allocated_team=early_help["team"],
    )
    other = Team.objects.create(agency=early_help["agency"], name="Family Hub South")
    outsider = early_help["outside"]
    outsider.team = other
    outsider.save()
    assert not sees(outsider, school_child)
