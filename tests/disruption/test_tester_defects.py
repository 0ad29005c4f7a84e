"""Defects found by an independent tester driving the demo: marker reviews overwriting each
other, duplicate CAWNs and breaches, court orders saved from an empty form, error wording,
the marker removal reason, and what the tactic page says."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from cairn.core.concurrency import Conflict
from cairn.disruption.models import Cawn, CawnBreach, Marker, Tactic, TacticType
from cairn.disruption.services import cawns, markers, tactics
from cairn.pole.models import Person

from ..api.conftest import ApiClient
from .conftest import future, past

pytestmark = pytest.mark.django_db


def api_for(user: Any) -> ApiClient:
    from cairn.api_auth import services as token_services

    return ApiClient(token_services.token_create(actor=user, name="t").secret)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def date_fields(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def issue(ppu: Any, child: Person, poc: Person) -> Cawn:
    return cawns.cawn_issue(
        actor=ppu,
        child=child,
        person_of_concern=poc,
        authorised_by="parent",
        authorised_by_name="Pat Testcase",
        review_on=future(90),
    )


@pytest.fixture
def marker(ppu: Any, poc: Person) -> Marker:
    return markers.marker_add(
        actor=ppu, entity_id=poc.pk, marker_type="cse", reason="CSE risk", review_on=future(30)
    )


# 1. Marker reviews --------------------------------------------------------------------


def test_second_of_two_marker_reviews_from_one_page_is_refused(
    ppu: Any, make_user: Any, marker: Marker
) -> None:
    other = make_user("ppu_coordinator", username="chair_two")
    url = f"/disruption/tactics/{marker.tactic_id}/review/"
    mine, theirs = client_for(ppu), client_for(other)
    page = mine.get(url).content.decode()
    version = Tactic.objects.get(pk=marker.tactic_id).version
    assert f'value="{version}"' in page
    first = theirs.post(
        url,
        {**date_fields("next_review_on", future(60)), "note": "Still seen", "version": version},
    )
    assert first.status_code == 302
    second = mine.post(
        url,
        {**date_fields("next_review_on", future(90)), "note": "Mine typed", "version": version},
    )
    assert second.status_code == 200
    text = second.content.decode()
    assert "Someone else changed this marker while you were reviewing it" in text
    assert f"{future(60):%-d %B %Y}" in text and "Still seen" in text
    assert "Mine typed" in text  # nothing typed is lost
    tactic = Tactic.objects.get(pk=marker.tactic_id)
    assert tactic.review_on == future(60)
    assert "Mine typed" not in tactic.notes


def test_marker_review_service_refuses_a_stale_version(ppu: Any, marker: Marker) -> None:
    version = Tactic.objects.get(pk=marker.tactic_id).version
    markers.marker_review(
        actor=ppu, marker=marker, next_review_on=future(60), note="One", version=version
    )
    stale = Marker.objects.get(pk=marker.pk)
    with pytest.raises(Conflict, match="its next review is now"):
        markers.marker_review(
            actor=ppu, marker=stale, next_review_on=future(90), note="Two", version=version
        )
    assert Tactic.objects.get(pk=marker.tactic_id).review_on == future(60)


# 2. Duplicate CAWNs --------------------------------------------------------------------


def test_a_second_cawn_for_the_same_pair_is_refused_naming_the_first(
    ppu: Any, child: Person, poc: Person
) -> None:
    first = issue(ppu, child, poc)
    with pytest.raises(Conflict) as exc:
        issue(ppu, child, poc)
    assert f"{first.tactic.reference} is already in force against" in str(exc.value)
    assert Cawn.objects.count() == 1
    # Once the first is no longer open, a new one may be issued.
    tactics.tactic_update(actor=ppu, tactic=first.tactic, status="cancelled", outcome="Ended")
    issue(ppu, child, poc)
    assert Cawn.objects.count() == 2


def test_only_those_who_may_issue_learn_of_an_existing_cawn(
    ppu: Any, users: dict[str, Any], child: Person, poc: Person
) -> None:
    issue(ppu, child, poc)
    for role in ("analyst", "mash_screener"):
        with pytest.raises(PermissionDenied):
            issue(users[role], child, poc)


def test_cawn_page_refuses_a_duplicate(ppu: Any, child: Person, poc: Person) -> None:
    first = issue(ppu, child, poc)
    response = client_for(ppu).post(
        f"/disruption/cawn/new/{child.pk}/",
        {
            "person_of_concern": str(poc.pk),
            "authorised_by": "parent",
            "authorised_by_name": "Pat Testcase",
            **date_fields("review_on", future(60)),
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert f"{first.tactic.reference} is already in force against Dean Fictional" in text
    assert Cawn.objects.count() == 1


def test_cawn_api_refuses_a_duplicate(ppu: Any, child: Person, poc: Person) -> None:
    issue(ppu, child, poc)
    response = api_for(ppu).post(
        "/disruption/cawns",
        {
            "child_id": child.pk,
            "person_of_concern_id": poc.pk,
            "authorised_by": "parent",
            "authorised_by_name": "Pat Testcase",
            "review_on": future(60).isoformat(),
        },
    )
    assert response.status_code == 409, response.content
    assert "already in force" in response.content.decode()
    assert Cawn.objects.count() == 1


# 3. Duplicate breaches -----------------------------------------------------------------


@pytest.fixture
def served(ppu: Any, child: Person, poc: Person) -> Cawn:
    from django.utils import timezone

    cawn = issue(ppu, child, poc)
    return cawns.cawn_record_service(
        actor=ppu,
        cawn=cawn,
        served_by_name="PC Example",
        served_at=timezone.now() - dt.timedelta(days=5),
        served_place="At home",
    )


def test_the_same_breach_twice_is_one_breach(ppu: Any, served: Cawn) -> None:
    cawns.cawn_breach_record(
        actor=ppu, cawn=served, occurred_on=past(1), evidence="Seen with the child"
    )
    with pytest.raises(Conflict, match="already logged by"):
        cawns.cawn_breach_record(
            actor=ppu, cawn=served, occurred_on=past(1), evidence="  seen with the  CHILD "
        )
    # A different day or different evidence is another breach.
    cawns.cawn_breach_record(
        actor=ppu, cawn=served, occurred_on=past(2), evidence="Seen with the child"
    )
    assert CawnBreach.objects.count() == 2


def test_breach_page_and_api_refuse_a_duplicate(ppu: Any, served: Cawn) -> None:
    url = f"/disruption/tactics/{served.tactic_id}/breach/"
    body = {**date_fields("occurred_on", past(1)), "evidence": "Seen at the park"}
    client = client_for(ppu)
    assert client.post(url, body).status_code == 302
    again = client.post(url, body)
    assert again.status_code == 200
    assert "was already logged by" in again.content.decode()
    api = api_for(ppu).post(
        f"/disruption/cawns/{served.tactic_id}/breaches",
        {"occurred_on": past(1).isoformat(), "evidence": "Seen at the park"},
    )
    assert api.status_code == 409
    assert CawnBreach.objects.count() == 1


# 4. Court orders -----------------------------------------------------------------------


def test_an_sro_from_an_empty_form_on_a_childs_page_is_refused(
    ppu: Any, child: Person, poc: Person
) -> None:
    client = client_for(ppu)
    url = f"/disruption/new/{child.pk}/sro/"
    page = client.get(url).content.decode()
    assert "Who is the order against?" in page
    # The only linked person of concern is chosen for them, and named in the title.
    assert "Sexual Risk Order against Dean Fictional (child: Amber Testcase)" in page
    assert "Sexual Risk Order: Amber" not in page
    title = "Sexual Risk Order (child: Amber Testcase)"
    response = client.post(url, {"title": title, "status": "planned"})
    assert response.status_code == 200
    text = response.content.decode()
    for message in (
        "Choose the person of concern the order is against",
        "Enter the date the order starts",
        "Enter the date the order expires",
    ):
        assert message in text
    assert not Tactic.objects.exists()
    response = client.post(
        url,
        {
            "title": title,
            "status": "planned",
            "person_of_concern": str(poc.pk),
            **date_fields("starts_on", past(1)),
            **date_fields("expires_on", future(700)),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    tactic = Tactic.objects.get()
    roles = {(s.entity_id, s.role) for s in tactic.subjects.all()}
    assert roles == {(child.pk, "protected_child"), (poc.pk, "target")}
    assert tactic.review_on == future(700)  # reminded before it lapses


def test_an_sro_named_from_the_persons_page_says_whom_it_is_against(
    ppu: Any, poc: Person, location: Any
) -> None:
    client = client_for(ppu)
    page = client.get(f"/disruption/new/{poc.pk}/sro/").content.decode()
    assert "Sexual Risk Order against Dean Fictional" in page
    assert "Who is the order against?" not in page
    # An order against a person is not recorded against a place.
    assert client.get(f"/disruption/new/{location.pk}/sro/").status_code == 404
    assert "/sro/" not in client.get(f"/disruption/new/{location.pk}/").content.decode()


def test_court_order_dates_and_person_are_required_by_the_service_and_api(
    ppu: Any, child: Person, poc: Person
) -> None:
    with pytest.raises(ValidationError) as exc:
        tactics.tactic_create(
            actor=ppu,
            tactic_type=TacticType.SRO,
            title="SRO",
            subjects=[(child.pk, "protected_child")],
            detail={"starts_on": past(1), "expires_on": future(700)},
        )
    assert set(exc.value.message_dict) == {"person_of_concern"}
    with pytest.raises(ValidationError) as exc:
        tactics.tactic_create(
            actor=ppu, tactic_type=TacticType.SRO, title="SRO", subjects=[(poc.pk, "target")]
        )
    assert set(exc.value.message_dict) == {"starts_on", "expires_on"}
    api = api_for(ppu).post(
        "/disruption/tactics",
        {
            "tactic_type": "closure_order",
            "title": "Closure",
            "subjects": [{"entity_id": poc.pk, "role": "target"}],
        },
    )
    assert api.status_code == 422
    assert "Enter the date the order starts" in api.content.decode()


# 5. Error wording ----------------------------------------------------------------------


def test_enforcement_visit_errors_name_their_fields_once(ppu: Any, location: Any) -> None:
    client = client_for(ppu)
    url = f"/disruption/new/{location.pk}/enforcement_visit/"
    empty = client.post(url, {"title": "", "status": "planned"})
    text = empty.content.decode()
    assert "This field is required" not in text
    assert "Enter the premises visited" in text and "Enter the date of the visit" in text
    assert "<title>Error: Enforcement visit \u2013 " in text and "(error)" not in text
    # The summary comes first in <main>: before the security marking and the h1.
    main = text[text.index('<main class="govuk-main-wrapper"') :]
    assert main.index('class="govuk-error-summary"') < main.index('class="cairn-marking"')
    assert main.index('class="govuk-error-summary"') < main.index("<h1")
    long = client.post(
        url,
        {
            "title": "Visit",
            "status": "done",
            "premises": "x" * 301,
            "legal_basis": "L" * 427,
            **date_fields("visited_on", past(1)),
            "review_on_day": "31",
            "review_on_month": "2",
            "review_on_year": "2030",
        },
    ).content.decode()
    assert "Ensure this value" not in long
    assert "Legal basis must be 300 characters or fewer (it has 427)" in long
    assert "Premises must be 300 characters or fewer (it has 301)" in long
    assert "Review date must be a real date" in long and "(optional) must" not in long
    assert "Outcome (optional)" not in long  # it is needed when the tactic is done


# 6. Marker removal ---------------------------------------------------------------------


def test_marker_removal_reason_is_limited_and_a_removed_marker_is_not_due(
    ppu: Any, marker: Marker
) -> None:
    client = client_for(ppu)
    url = f"/disruption/tactics/{marker.tactic_id}/remove/"
    long = client.post(url, {"reason": "x" * 12029})
    assert long.status_code == 200
    assert "Your answer must be 2,000 characters or fewer (it has 12029)" in (long.content.decode())
    with pytest.raises(ValidationError):
        markers.marker_remove(actor=ppu, marker=marker, reason="x" * 2001)
    assert client.post(url, {"reason": "Moved away"}).status_code == 302
    tactic = Tactic.objects.get(pk=marker.tactic_id)
    assert tactic.review_on is None
    page = client.get(f"/disruption/tactics/{marker.tactic_id}/").content.decode()
    assert "None: the marker was removed" in page
    assert f"{future(30):%-d %B %Y}" not in page


# 7. What the tactic page says ----------------------------------------------------------


def test_a_shared_police_tactic_is_not_labelled_police_only_to_the_partner(
    ppu: Any, users: dict[str, Any], agencies: dict[str, Any], child: Person, poc: Person
) -> None:
    cawn = issue(ppu, child, poc)
    tactics.tactic_share(
        actor=ppu, tactic=cawn.tactic, agency=agencies["trust"], reason="Safety planning"
    )
    partner = client_for(users["social_worker"])
    page = partner.get(f"/disruption/tactics/{cawn.tactic_id}/")
    assert page.status_code == 200
    assert "· Police only" not in page.content.decode()
    assert "Police tactic shared with" in page.content.decode()
    tracker = partner.get("/disruption/").content.decode()
    assert cawn.tactic.reference in tracker and "Shared by police" in tracker
    assert ">Police only<" not in tracker


def test_partner_tactic_sharing_wording_is_true(ppu: Any, location: Any) -> None:
    tactic = tactics.tactic_create(
        actor=ppu,
        tactic_type="cpn",
        title="CPN",
        police_only=False,
        subjects=[(location.pk, "location")],
    )
    page = client_for(ppu).get(f"/disruption/tactics/{tactic.pk}/").content.decode()
    assert "Visible to the owning agency and the Hub" not in page
    assert "when they may see every record it names" in page


def test_dates_show_the_start_and_the_visit(ppu: Any, location: Any) -> None:
    tactic = tactics.tactic_create(
        actor=ppu,
        tactic_type="drugs_warrant",
        title="Warrant",
        planned_on=past(3),
        subjects=[(location.pk, "location")],
        detail={"address": "1 Example Parade"},
    )
    tactics.tactic_update(actor=ppu, tactic=tactic, status="in_progress")
    tactic.refresh_from_db()
    assert tactic.started_on == past(0)
    client = client_for(ppu)
    assert "Started " in client.get(f"/disruption/tactics/{tactic.pk}/").content.decode()
    visit = tactics.tactic_create(
        actor=ppu,
        tactic_type="enforcement_visit",
        title="Visit",
        status="done",
        outcome="Nobody found",
        subjects=[(location.pk, "location")],
        detail={"premises": "Takeaway", "visited_on": past(2)},
    )
    assert visit.completed_on == past(2)
    page = client.get(f"/disruption/tactics/{visit.pk}/").content.decode()
    dates = page.split(">Dates</dt>")[1].split("</dd>")[0]
    assert f"Visited {past(2):%-d %b %Y}" in dates and "Not recorded" not in dates
