"""Network pages: the person's network (chart data + accessible tables), exports logged
as disclosures, the duplicate review queue, merge and undo; allowed and denied users."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.audit.models import AuditEvent
from cairn.network.models import CandidatePair, PairStatus, PersonMerge
from cairn.pole.models import Person

from .conftest import Ring

pytestmark = pytest.mark.django_db


def test_network_page_shows_chart_data_and_tables(
    client: Client, users: dict[str, Any], ring: Ring
) -> None:
    client.force_login(users["analyst"])
    url = reverse("network:person", args=[ring.adult.pk])
    response = client.get(url, {"hops": "3"})
    assert response.status_code == 200
    html = response.content.decode()
    for child in ring.children:
        assert child.full_name in html
    assert "Flat 9" in html and "FX10ABC" in html
    assert "Seen in vehicle" in html
    assert "is linked to 3 children" in html
    assert 'id="network-elements"' in html and "network.mjs" in html
    elements = json.loads(
        html.split('id="network-elements" type="application/json">')[1].split("</script>")[0]
    )
    assert len(elements["nodes"]) == 6 and len(elements["edges"]) == 7
    event = AuditEvent.objects.get(event="network.viewed")
    assert event.details["nodes"] == 6 and event.object_id == str(ring.adult.pk)
    assert "Download i2 ANX" in html


def test_network_page_window_validation(client: Client, users: dict[str, Any], ring: Ring) -> None:
    client.force_login(users["social_worker"])
    url = reverse("network:person", args=[ring.children[0].pk])
    response = client.get(
        url,
        {
            "hops": "1",
            "since_day": "1",
            "since_month": "7",
            "since_year": "2026",
            "until_day": "1",
            "until_month": "1",
            "until_year": "2026",
        },
    )
    assert response.status_code == 200
    assert "The end of the time window must be after its start" in response.content.decode()
    assert "Download" not in response.content.decode()  # social workers cannot export


@pytest.mark.parametrize(
    "role, status", [("practitioner", 403), ("ig_admin", 403), ("system_admin", 403)]
)
def test_network_page_denied(
    client: Client, users: dict[str, Any], ring: Ring, role: str, status: int
) -> None:
    client.force_login(users[role])
    assert client.get(reverse("network:person", args=[ring.adult.pk])).status_code == status


def test_network_of_invisible_person_is_404(
    client: Client, users: dict[str, Any], make_person: Any
) -> None:
    hidden = make_person(actor=users["fib_officer"], given_name="Quin", police_only=True)
    client.force_login(users["mash_screener"])
    assert client.get(reverse("network:person", args=[hidden.pk])).status_code == 404


def test_anx_export_is_valid_and_logged_as_disclosure(
    client: Client, users: dict[str, Any], ring: Ring
) -> None:
    client.force_login(users["analyst"])
    response = client.get(reverse("network:export", args=[ring.adult.pk, "anx"]), {"hops": "3"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.anx"')
    root = ET.fromstring(response.content)  # noqa: S314 (our own export)
    assert len(root.findall(".//Entity")) == 6
    event = AuditEvent.objects.get(event="network.exported")
    assert event.action == "disclosure" and event.details["format"] == "anx"
    assert len(event.details["links"]) == 7
    assert client.get(reverse("network:export", args=[ring.adult.pk, "pdf"])).status_code == 404


@pytest.mark.parametrize("role", ["social_worker", "hub_chair", "practitioner"])
def test_export_denied(client: Client, users: dict[str, Any], ring: Ring, role: str) -> None:
    client.force_login(users[role])
    assert client.get(reverse("network:export", args=[ring.adult.pk, "csv"])).status_code == 403
    assert not AuditEvent.objects.filter(event="network.exported").exists()


def test_review_queue_merge_and_undo(
    client: Client, users: dict[str, Any], make_person: Any
) -> None:
    a = make_person(given_name="Kai", family_name="Sampleford")
    b = make_person(given_name="Kye", family_name="Sampleford")
    low, high = sorted((a.pk, b.pk))
    pair = CandidatePair.objects.create(
        person_a_id=low,
        person_b_id=high,
        match_weight=8.5,
        match_probability=0.997,
        model_version="v1",
        explanation={"family_name": {"level": "last name the same", "weight": 9.1}},
    )
    client.force_login(users["mash_screener"])
    html = client.get(reverse("network:candidates")).content.decode()
    assert "Kai Sampleford and Kye Sampleford" in html
    detail = client.get(reverse("network:candidate", args=[pair.pk])).content.decode()
    assert "Last name the same" in detail
    # The starting point is shown, so the weights add up to the match weight (8.5 - 9.1),
    # and the model is said in words (outside tester 3: "(model default)").
    assert "two records picked at random are rarely the same person" in detail
    assert ">-0.6<" in detail
    assert "weights trained on these records (model v1)" in detail
    # Fields by their names, not their attribute names ("Sen disability").
    assert "SEN or disability" in detail and "Date the age was estimated" in detail
    assert "Sen disability" not in detail and "Estimated age on" not in detail
    response = client.post(
        reverse("network:candidate", args=[pair.pk]), {"action": "merge", "survivor": str(a.pk)}
    )
    assert response.status_code == 200
    assert "Enter why these records are the same person" in response.content.decode()
    response = client.post(
        reverse("network:candidate", args=[pair.pk]),
        {
            "action": "merge",
            "survivor": str(a.pk),
            "take": ["given_name"],
            "reason": "Same school record",
        },
    )
    merge = PersonMerge.objects.get()
    assert response["Location"] == reverse("network:merge", args=[merge.pk])
    # What moved, in words: "1 other name", not "1 x pole.personname.person_id".
    page = client.get(reverse("network:merge", args=[merge.pk])).content.decode()
    assert "1 other name" in page and "pole.personname" not in page
    a.refresh_from_db()
    assert a.given_name == "Kye" and not Person.objects.filter(pk=b.pk).exists()
    assert client.get(reverse("network:merges")).status_code == 200
    response = client.post(
        reverse("network:merge", args=[merge.pk]), {"reason": "Different children"}
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.given_name == "Kai" and Person.objects.filter(pk=b.pk).exists()


def test_reject_pair(client: Client, users: dict[str, Any], make_person: Any) -> None:
    a = make_person(given_name="Eli", family_name="Testgrove")
    b = make_person(given_name="Ela", family_name="Testgrove")
    low, high = sorted((a.pk, b.pk))
    pair = CandidatePair.objects.create(
        person_a_id=low,
        person_b_id=high,
        match_weight=6.5,
        match_probability=0.99,
        model_version="v1",
    )
    client.force_login(users["analyst"])
    response = client.post(
        reverse("network:candidate", args=[pair.pk]),
        {"action": "reject", "reject-reason": "Siblings"},
    )
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == PairStatus.REJECTED
    assert client.get(reverse("network:candidate", args=[pair.pk])).status_code == 404


@pytest.mark.parametrize("role", ["social_worker", "hub_chair", "ig_admin"])
def test_review_queue_denied(client: Client, users: dict[str, Any], role: str) -> None:
    client.force_login(users[role])
    assert client.get(reverse("network:candidates")).status_code == 403
    assert client.get(reverse("network:merges")).status_code == 403


def test_profile_links_to_network(client: Client, users: dict[str, Any], ring: Ring) -> None:
    client.force_login(users["analyst"])
    html = client.get(reverse("pole:person-detail", args=[ring.adult.pk])).content.decode()
    assert reverse("network:person", args=[ring.adult.pk]) in html
    client.force_login(users["practitioner"])
    child = ring.children[0]
    html = client.get(reverse("pole:person-detail", args=[child.pk])).content.decode()
    assert reverse("network:person", args=[child.pk]) not in html


def test_add_person_form_shows_possible_match_with_reasons_and_audits(
    client: Client, users: dict[str, Any], make_person: Any
) -> None:
    existing = make_person(
        given_name="Rebecca", family_name="Exampleham", date_of_birth=dt.date(2012, 4, 1)
    )
    client.force_login(users["social_worker"])
    response = client.post(
        reverse("pole:person-create"),
        {
            "category": "child",
            "given_name": "Bex",
            "family_name": "Exampleham",
            "date_of_birth_day": "1",
            "date_of_birth_month": "4",
            "date_of_birth_year": "2012",
            "sex": "female",
            "ethnicity": "not_known",
            "looked_after": "no",
        },
    )
    html = response.content.decode()
    assert "may already have a record" in html
    assert reverse("pole:person-detail", args=[existing.pk]) in html
    assert "first name a known nickname" in html
    event = AuditEvent.objects.get(event="person.matched")
    assert event.details["ids"] == [existing.pk]
    assert Person.objects.count() == 1


def test_home_and_nav_link_to_the_review_queue_for_merge_roles(
    client: Client, users: dict[str, Any]
) -> None:
    client.force_login(users["analyst"])
    html = client.get(reverse("core:home")).content.decode()
    assert "Duplicate records" in html and reverse("network:candidates") in html
    client.force_login(users["social_worker"])
    assert reverse("network:candidates") not in client.get(reverse("core:home")).content.decode()


def test_query_counts_do_not_grow_with_the_network_or_the_queue(
    client: Client, users: dict[str, Any], ring: Ring, make_person: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cairn.pole import services as pole

    client.force_login(users["analyst"])
    url = reverse("network:person", args=[ring.adult.pk])

    def count(path: str, **params: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path, params).status_code == 200
        return len(ctx.captured_queries)

    fib = users["fib_officer"]
    before = 0
    for n in range(6):
        if n == 1:  # one of each kind of record present: the baseline
            before = count(url, hops="3")
        child = make_person(actor=fib, given_name=f"Extra{n}", family_name="Testfold")
        phone = pole.phone_create(actor=fib, number=f"07700 900{500 + n}")
        for target, kind in ((ring.vehicle.pk, "seen_in_vehicle"), (phone.pk, "uses_phone")):
            pole.link_record(
                actor=fib,
                from_entity_id=child.pk,
                to_entity_id=target,
                link_type=kind,
                source_note="T",
            )
    assert count(url, hops="3") == before

    for n in range(2):
        a = make_person(given_name=f"Q{n}", family_name="Testpair")
        b = make_person(given_name=f"Q{n}x", family_name="Testpair")
        CandidatePair.objects.create(
            person_a_id=a.pk,
            person_b_id=b.pk,
            match_weight=7,
            match_probability=0.99,
            model_version="v1",
        )
    few = count(reverse("network:candidates"))
    for n in range(5):
        a = make_person(given_name=f"R{n}", family_name="Testpair")
        b = make_person(given_name=f"R{n}x", family_name="Testpair")
        CandidatePair.objects.create(
            person_a_id=a.pk,
            person_b_id=b.pk,
            match_weight=7,
            match_probability=0.99,
            model_version="v1",
        )
    assert count(reverse("network:candidates")) == few
