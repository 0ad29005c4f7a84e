"""Basis recorded on every disclosure, and IG's view of them: record shares through the
web and the API record theirs; every model that points at a disclosure is one of the
paths tested (a new path must be added here); IG sees counts and a filtered list, and the
CSV export is audited; other roles get 404 (web) or 403 (API)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from cairn.api_auth import services as token_services
from cairn.audit.models import AuditEvent
from cairn.pole import services as pole_services
from cairn.pole.models import EntityShare, Person
from cairn.sharing.models import Disclosure, SharingAgreement
from cairn.sharing.services import Claim

from ..api.conftest import ApiClient
from ..factories import SharingAgreementFactory

pytestmark = pytest.mark.django_db

# Every model holding a disclosure, and the test that proves its path records the basis.
DISCLOSING_MODELS = {
    "pole.entityshare": "tests/sharing/test_disclosures.py (record shares)",
    "disruption.tacticshare": "tests/disruption/test_access.py",
    "referrals.referral": "tests/referrals/test_disclosure_basis.py",
    "intelligence.dissemination": "tests/intelligence/test_disclosure_basis.py",
    "hub.minutesdistribution": "tests/hub/test_services.py",
}


def test_every_model_that_discloses_is_covered() -> None:
    found = {
        model._meta.label_lower
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if getattr(field, "related_model", None) is Disclosure
        and field.many_to_one
        and model is not Disclosure
    }
    assert found == set(DISCLOSING_MODELS)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def school_dsl(make_user: Any) -> Any:
    return make_user("practitioner", agency="school", username="school_dsl")


@pytest.fixture
def school_child(school_dsl: Any) -> Person:
    return pole_services.person_create(
        actor=school_dsl, given_name="Rowan", family_name="Farfield", category="child"
    )


def test_record_share_through_the_web_records_the_chosen_basis(
    school_dsl: Any, school_child: Person, agencies: dict[str, Any]
) -> None:
    second = SharingAgreementFactory(
        title="Schools and Trust protocol", parties=[agencies["school"], agencies["trust"]]
    )
    url = reverse("pole:person-share", args=[school_child.pk])
    client = _client(school_dsl)
    page = client.get(url).content.decode()
    assert "Schools and Trust protocol" in page and reverse("sharing:list") in page
    post = {"agency": agencies["trust"].pk, "reason": "Safety plan"}
    ambiguous = client.post(url, post)
    assert "Choose the agreement and lawful basis" in ambiguous.content.decode()
    assert not EntityShare.objects.exists()
    done = client.post(url, {**post, "sharing_basis": f"{second.pk}:ca2004_s11"})
    assert done.status_code == 302
    share = EntityShare.objects.get()
    assert share.disclosure is not None and share.disclosure.agreement == second
    assert share.disclosure.kind == "record_share"
    assert share.disclosure.from_agency == agencies["school"]


def test_record_share_through_the_api(
    school_dsl: Any, school_child: Person, agencies: dict[str, Any]
) -> None:
    SharingAgreement.objects.update(state="withdrawn")
    api = ApiClient(token_services.token_create(actor=school_dsl, name="t").secret)
    path = f"/people/{school_child.pk}/shares"
    refused = api.post(path, {"agency_id": agencies["trust"].pk, "reason": "Safety plan"})
    assert refused.status_code == 422
    assert "No active information-sharing agreement" in refused.content.decode()
    done = api.post(
        path,
        {
            "agency_id": agencies["trust"].pk,
            "reason": "Safety plan",
            "exceptional_reason": "Missing tonight; the Trust holds the placement address",
        },
    )
    assert done.status_code == 201, done.content
    assert done.json()["disclosure_basis"]["lawful_basis"] == "dpa_sch8_p4"
    listed = api.get(path).json()["shares"]
    assert listed[0]["disclosure_basis"]["exceptional_reason"].startswith("Missing tonight")


def _some_disclosures(school_dsl: Any, school_child: Person, agencies: dict[str, Any]) -> None:
    pole_services.person_share(
        actor=school_dsl, person_id=school_child.pk, agency=agencies["trust"], reason="Plan"
    )
    # No agreement covers the school and the police: the exceptional basis is for that.
    SharingAgreement.objects.get().parties.remove(agencies["police"])
    pole_services.person_share(
        actor=school_dsl,
        person_id=school_child.pk,
        agency=agencies["police"],
        reason="Missing",
        claim=Claim(exceptional=True, exceptional_reason="=Missing now"),
    )


def test_ig_sees_disclosures_by_basis_and_exports_them(
    users: dict[str, Any], school_dsl: Any, school_child: Person, agencies: dict[str, Any]
) -> None:
    _some_disclosures(school_dsl, school_child, agencies)
    ig = _client(users["ig_admin"])
    url = reverse("sharing:disclosures")
    page = ig.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "2 disclosures" in html
    assert "Children Act 2004 s.11" in html and "DPA 2018 Sch. 8 para 4" in html
    assert "Rowan" not in html  # a reference, never the person
    only = ig.get(url, {"basis": "dpa_sch8_p4"}).content.decode()
    assert "1 disclosure" in only and "=Missing now" in only
    exc = ig.get(url, {"exceptional": "on", "agency": agencies["police"].pk}).content.decode()
    assert "1 disclosure" in exc
    bad = ig.get(url, {"agency": "abc", "date_from": "not a date"})
    assert bad.status_code == 200 and "Select an agency from the list" in bad.content.decode()
    # Nothing listed for filters that are not valid, so nothing consulted.
    assert AuditEvent.objects.filter(event="sharing.disclosures_listed").count() == 3
    download = ig.get(reverse("sharing:disclosures-csv"), {"basis": "dpa_sch8_p4"})
    assert download.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert rows[0] == ["# OFFICIAL-SENSITIVE"]
    assert rows[1][0] == "disclosed_at" and len(rows) == 3
    assert rows[2][7] == "'=Missing now"  # a formula is never run by a spreadsheet
    export = AuditEvent.objects.get(event="sharing.disclosures_exported")
    assert export.details["rows"] == 1 and export.action == "disclosure"
    for role in ("social_worker", "practitioner", "hub_chair", "system_admin"):
        assert _client(users[role]).get(url).status_code == 404, role
        assert _client(users[role]).get(reverse("sharing:disclosures-csv")).status_code == 404


def test_api_agreements_and_disclosures(
    users: dict[str, Any], school_dsl: Any, school_child: Person, agencies: dict[str, Any]
) -> None:
    _some_disclosures(school_dsl, school_child, agencies)
    ig = ApiClient(token_services.token_create(actor=users["ig_admin"], name="t").secret)
    sw = ApiClient(token_services.token_create(actor=users["social_worker"], name="t").secret)
    listed = sw.get("/sharing/agreements").json()["results"]
    assert [a["title"] for a in listed] == [
        "Testshire Exploitation Hub information-sharing agreement"
    ]
    one = sw.get(f"/sharing/agreements/{listed[0]['id']}")
    assert one.status_code == 200 and one.json()["lawful_bases"] == ["ca2004_s11"]
    assert sw.get("/sharing/agreements/999999").status_code == 404
    body = {
        "title": "Trust and school protocol",
        "party_ids": [agencies["trust"].pk, agencies["school"].pk],
        "purposes": "Pupils at risk",
        "lawful_bases": ["cda1998_s115"],
        "start_date": "2026-01-01",
        "review_date": "2027-01-01",
    }
    assert sw.post("/sharing/agreements", body).status_code == 403
    assert ig.post("/sharing/agreements", {**body, "party_ids": [1, 999999]}).status_code == 422
    created = ig.post("/sharing/agreements", body)
    assert created.status_code == 201, created.content
    assert created.json()["state"] == "active"
    assert sw.get("/sharing/disclosures").status_code == 403
    page = ig.get("/sharing/disclosures", lawful_basis="ca2004_s11").json()
    assert page["count"] == 1 and page["results"][0]["kind"] == "record_share"
    counts = {c["lawful_basis"]: c for c in ig.get("/sharing/disclosures").json()["by_basis"]}
    assert counts["dpa_sch8_p4"]["exceptional"] == 1 and counts["ca2004_s11"]["total"] == 1
    # Filters that are not valid are 422 with the field named, never every disclosure.
    backwards = ig.get("/sharing/disclosures", date_from="2026-05-01", date_to="2026-04-01")
    assert backwards.status_code == 422
    assert "The to date must be the same as or after the from date" in backwards.content.decode()
    assert ig.get("/sharing/disclosures", date_from="2026-13-45").status_code == 422
    assert ig.get("/sharing/disclosures", agency_id="abc").status_code == 422


def test_the_disclosing_agencys_ig_reviews_an_exceptional_disclosure_once(
    users: dict[str, Any],
    school_dsl: Any,
    school_child: Person,
    agencies: dict[str, Any],
    make_user: Any,
) -> None:
    _some_disclosures(school_dsl, school_child, agencies)
    exceptional = Disclosure.objects.get(agreement__isnull=True)
    covered = Disclosure.objects.get(agreement__isnull=False)
    school_ig = make_user("ig_admin", agency="school", username="school_ig")
    ig = _client(school_ig)
    listing = ig.get(reverse("sharing:disclosures")).content.decode()
    assert "1 exceptional disclosure by your agency awaits your review" in listing
    url = reverse("sharing:disclosure-review", args=[exceptional.pk])
    assert url in listing
    # Another agency's IG, other roles, and a disclosure an agreement covered: all 404.
    for user in (users["ig_admin"], users["social_worker"], school_dsl):
        assert _client(user).get(url).status_code == 404
        assert _client(user).post(url, {"outcome": "justified", "note": "Fine"}).status_code == 404
    covered_url = reverse("sharing:disclosure-review", args=[covered.pk])
    assert ig.get(covered_url).status_code == 404
    assert ig.get(reverse("sharing:disclosure-review", args=[987654])).status_code == 404

    page = ig.get(url).content.decode()
    assert "Was the disclosure justified?" in page and "within 72 hours" in page
    empty = ig.post(url, {"note": "   "}).content.decode()
    assert "Enter what the review found" in empty
    assert "Select whether the disclosure was justified" in empty
    for says_nothing in ("n/a", "x", "..........", "ok fine"):
        page = ig.post(url, {"outcome": "justified", "note": says_nothing}).content.decode()
        assert "at least 10 characters" in page, says_nothing
    unknown = ig.post(url, {"outcome": "maybe", "note": "Kept text"}).content.decode()
    assert "Select whether the disclosure was justified" in unknown and "Kept text" in unknown
    note = "Missing child, police asked for the school's record. Ask the Hub for an ISA."
    done = ig.post(url, {"outcome": "justified", "note": note})
    assert done.status_code == 302
    exceptional.refresh_from_db()
    assert exceptional.reviewed_by == school_ig and exceptional.reviewed_at is not None
    assert exceptional.review_outcome == "justified"
    event = AuditEvent.objects.get(event="sharing.disclosure_reviewed")
    assert event.action == "alteration" and event.object_id == str(exceptional.pk)
    assert event.details["outcome"] == "justified"
    # A second review (a second IG pressing at the same time included) never overwrites.
    again = ig.post(url, {"outcome": "not_justified", "note": "Something else"})
    assert again.status_code == 200
    assert "already reviewed this disclosure" in again.content.decode()
    assert "Justified: the exceptional basis applied. Missing child" in again.content.decode()
    assert "Something else" in again.content.decode()  # what they typed is kept
    assert ig.get(url).status_code == 302
    exceptional.refresh_from_db()
    assert exceptional.review_note.startswith("Missing child")
    assert exceptional.review_outcome == "justified"

    after = ig.get(reverse("sharing:disclosures"), {"exceptional": "on"}).content.decode()
    assert "Reviewed by" in after and "awaits your review" not in after
    assert ">Justified</strong>" in after
    waiting = ig.get(reverse("sharing:disclosures"), {"awaiting": "on"}).content.decode()
    assert "No disclosures match these filters" in waiting
    download = ig.get(reverse("sharing:disclosures-csv"), {"exceptional": "on"})
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert rows[1][-4:] == ["reviewed_at", "reviewed_by", "review_outcome", "review_note"]
    assert rows[2][-2] == "Justified: the exceptional basis applied"
    assert rows[2][-1].startswith("Missing child")


def test_api_reviews_an_exceptional_disclosure(
    users: dict[str, Any],
    school_dsl: Any,
    school_child: Person,
    agencies: dict[str, Any],
    make_user: Any,
) -> None:
    _some_disclosures(school_dsl, school_child, agencies)
    exceptional = Disclosure.objects.get(agreement__isnull=True)
    school_ig = make_user("ig_admin", agency="school", username="school_ig")
    api = ApiClient(token_services.token_create(actor=school_ig, name="t").secret)
    other = ApiClient(token_services.token_create(actor=users["ig_admin"], name="t").secret)
    path = f"/sharing/disclosures/{exceptional.pk}/review"
    assert api.get("/sharing/disclosures", awaiting_review="true").json()["count"] == 1
    listed = api.get("/sharing/disclosures", exceptional_only="true").json()["results"]
    assert [d["review_outcome"] for d in listed] == [None]
    assert other.post(path, {"outcome": "justified", "note": "Fine"}).status_code == 404
    assert api.post(path, {"outcome": "justified", "note": ""}).status_code == 422
    assert api.post(path, {"note": "No outcome given"}).status_code == 422
    assert api.post(path, {"outcome": "perhaps", "note": "Odd outcome"}).status_code == 422
    assert api.post(path, {"outcome": "justified", "note": "n/a"}).status_code == 422
    reviewed = api.post(path, {"outcome": "not_justified", "note": "No risk to life."})
    assert reviewed.status_code == 200
    assert reviewed.json()["reviewed_by"] == "school_ig"
    assert reviewed.json()["review_outcome"] == "not_justified"
    assert reviewed.json()["review_note"] == "No risk to life."
    assert api.post(path, {"outcome": "justified", "note": "Again"}).status_code == 409
    assert api.get("/sharing/disclosures", awaiting_review="true").json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "7/12/2026"}, "Enter the from date as a real date"),
        ({"date_from": "2026-13-45"}, "Enter the from date as a real date"),
        ({"date_to": "tomorrow"}, "Enter the to date as a real date"),
        ({"agency": "abc"}, "Select an agency from the list"),
        ({"agreement": "-3"}, "Select an agreement from the list"),
        ({"basis": "because"}, "Select a lawful basis from the list"),
        (
            {"date_from": "2026-05-01", "date_to": "2026-04-01"},
            "The to date must be the same as or after the from date",
        ),
    ],
)
def test_filters_not_valid_are_an_error_and_the_csv_is_refused(
    users: dict[str, Any],
    school_dsl: Any,
    school_child: Person,
    agencies: dict[str, Any],
    query: dict[str, str],
    message: str,
) -> None:
    """A mistyped filter used to be dropped: the page listed, and the CSV exported, every
    disclosure as if filtered. Now the page says what is wrong (keeping what was typed)
    and offers no CSV link, and the CSV itself answers 400 in plain words."""
    _some_disclosures(school_dsl, school_child, agencies)
    ig = _client(users["ig_admin"])
    page = ig.get(reverse("sharing:disclosures"), query)
    html = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in html and message in html
    assert "Correct the filters above" in html and "2 disclosures" not in html
    assert reverse("sharing:disclosures-csv") not in html
    for value in query.values():
        if value not in ("abc", "-3", "because"):  # select values are not echoed as text
            assert f'value="{value}"' in html
    download = ig.get(reverse("sharing:disclosures-csv"), query)
    assert download.status_code == 400
    assert download["Content-Type"].startswith("text/plain")
    body = download.content.decode()
    assert "The CSV was not made" in body and message in body
    assert not AuditEvent.objects.filter(event="sharing.disclosures_exported").exists()


def test_a_review_returns_to_the_filters_it_came_from_by_get(
    users: dict[str, Any],
    school_dsl: Any,
    school_child: Person,
    agencies: dict[str, Any],
    make_user: Any,
) -> None:
    """The reviewer comes back to the list they were working through (awaiting review,
    their agency), by a redirect so the list is fetched by GET; the page says
    what was shared in plain words; a `back` that is not a valid set of filters (or tries
    to send them elsewhere) falls back to the exceptional disclosures."""
    from urllib.parse import parse_qs, urlsplit

    _some_disclosures(school_dsl, school_child, agencies)
    exceptional = Disclosure.objects.get(agreement__isnull=True)
    school_ig = make_user("ig_admin", agency="school", username="school_ig_back")
    ig = _client(school_ig)
    filters = {"awaiting": "on", "agency": str(agencies["school"].pk)}
    listing = ig.get(reverse("sharing:disclosures"), filters).content.decode()
    url = reverse("sharing:disclosure-review", args=[exceptional.pk])
    start = listing.index(url)
    href = listing[start : listing.index('"', start)].replace("&amp;", "&")
    assert "back=" in href
    page = ig.get(href).content.decode()
    assert "What was shared" in page
    assert f"{exceptional.reference}) was shared" in page
    assert "Rowan" not in page  # the reference only, never the person's name
    note = "A child missing overnight, but the school's file was not needed to find her."
    done = ig.post(href, {"outcome": "not_justified", "note": note})
    assert done.status_code == 302  # post/redirect/get: the list is fetched by GET
    # Not justified: the reviewer is told it may be a breach, with the ICO's 72 hours.
    banner = ig.get(done["Location"]).content.decode()
    assert "reviewed as not justified" in banner and "within 72 hours" in banner
    listed = ig.get(reverse("sharing:disclosures"), {"exceptional": "on"}).content.decode()
    assert ">Not justified</strong>" in listed
    location = urlsplit(done["Location"])
    assert location.path == reverse("sharing:disclosures")
    assert parse_qs(location.query) == {k: [v] for k, v in filters.items()}

    for back in ("agency=abc", "next=https://evil.example", "//evil.example", ""):
        other = ig.get(url, {"back": back})  # reviewed: sent back to the list
        assert other.status_code == 302
        assert other["Location"] == f"{reverse('sharing:disclosures')}?exceptional=on", back
