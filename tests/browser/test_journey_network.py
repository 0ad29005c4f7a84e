"""Issue 8 acceptance journey: typing a known child with a misspelt name and date of
birth into a concern shows the existing child as a likely match, which the worker then
uses instead of adding a new record; an analyst opens the network of a person of concern,
sees three children linked through a vehicle and a location, and downloads an ANX file
that is valid XML with the expected entities and links. The duplicates review is reached
from the Tools page. axe on each page."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from cairn.concerns.models import Concern
from cairn.pole.models import Person

from ..network.conftest import Ring, ring  # noqa: F401  (fixture)
from .test_journey_concern import fill_date


def test_misspelt_child_is_matched_and_analyst_exports_the_network(
    page: Any,
    users: dict[str, Any],
    ring: Ring,  # noqa: F811
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    keira = ring.children[0]  # Keira Testwood, born 9 February 2011, shared with the Hub
    login_as(page, users["social_worker"])
    page.goto("/concerns/new/")
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Which child is this about?")
    page.get_by_label("First name").fill("Kiera")
    page.get_by_label("Last name (if known)").fill("Testwod")
    fill_date(page, "Date of birth", dt.date(2011, 2, 9))
    page.get_by_role("button", name="Add child and continue").click()

    warning = page.get_by_test_id("possible-duplicates")
    expect(warning).to_contain_text("This child may already have a record")
    match = page.get_by_role("listitem").filter(has_text="Keira Testwood")
    expect(match).to_contain_text("born 9 Feb 2011")
    expect(match).to_contain_text("date of birth the same")
    assert_accessible(page)
    concern = Concern.objects.latest("pk")
    assert concern.child is None  # nothing created or chosen yet
    assert keira.family_name == "Testwood"

    # The worker uses the existing record instead of adding a new child.
    people = Person.objects.count()
    match.get_by_role("button", name="Use this child (Keira Testwood, born 9 Feb 2011)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What happened")
    expect(page.get_by_text("Record a concern about Keira Testwood")).to_be_visible()
    concern.refresh_from_db()
    assert concern.child == keira
    assert Person.objects.count() == people

    # The analyst opens the network of the person of concern from their profile.
    page.context.clear_cookies()
    login_as(page, users["analyst"])
    page.goto(f"/people/{ring.adult.pk}/")
    page.get_by_role("link", name="View Dex Examplar's network").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Network of Dex Examplar")
    page.get_by_text("Change distance or time window").click()
    page.get_by_label("Up to 3 links away").check()
    page.get_by_role("button", name="Show network").click()
    expect(page.get_by_test_id("network-chart")).to_have_attribute("data-ready", "true")
    links = page.get_by_test_id("network-links")
    for child in ring.children:
        expect(links.get_by_role("row").filter(has_text=child.full_name).first).to_be_visible()
    expect(links.get_by_role("row").filter(has_text="Seen in vehicle")).to_have_count(3)
    expect(links.get_by_role("row").filter(has_text="Flat 9")).to_have_count(3)
    expect(page.get_by_test_id("analysis")).to_contain_text(
        "Dex Examplar (person of concern) is linked to 3 children"
    )
    assert_accessible(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download i2 ANX").click()
    path = info.value.path()
    root = ET.parse(path).getroot()  # noqa: S314 (our own export)
    labels = {item.get("Label") for item in root.iter("ChartItem") if item.find("End") is not None}
    assert {c.full_name for c in ring.children} | {"Dex Examplar", "FX10ABC"} <= labels
    assert len(root.findall(".//Entity")) == 6
    assert len(root.findall(".//Link")) == 7


def test_analyst_reviews_a_duplicate_merges_and_undoes(
    page: Any,
    users: dict[str, Any],
    make_person: Callable[..., Any],
    login_as: Callable[..., None],
    assert_accessible: Callable[[Any], None],
) -> None:
    from cairn.network.models import CandidatePair

    a = make_person(
        given_name="Jason", family_name="Samplecroft", date_of_birth=dt.date(2010, 1, 2)
    )
    b = make_person(given_name="Jay", family_name="Samplecroft", date_of_birth=dt.date(2010, 1, 2))
    CandidatePair.objects.create(
        person_a_id=a.pk,
        person_b_id=b.pk,
        match_weight=12.3,
        match_probability=0.9998,
        model_version="v1",
        explanation={"given_name": {"level": "first name a known nickname", "weight": 6.9}},
    )
    login_as(page, users["analyst"])
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Tools").click()
    page.get_by_role("link", name="Duplicate records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible duplicate records")
    assert_accessible(page)
    page.get_by_role("link", name="Jason Samplecroft and Jay Samplecroft").click()
    expect(page.get_by_test_id("explanation")).to_contain_text("First name a known nickname")
    assert_accessible(page)
    page.get_by_label("Jason Samplecroft (record").check()
    page.get_by_label("Why are these the same person?").fill("Same school, same carer")
    page.get_by_role("button", name="Merge records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Jay Samplecroft merged into Jason Samplecroft"
    )
    assert_accessible(page)
    assert not Person.objects.filter(pk=b.pk).exists()
    page.get_by_label("Reason").fill("Checked with school: two different boys")
    page.get_by_role("button", name="Undo merge").click()
    expect(page.get_by_text("The merge has been undone")).to_be_visible()
    assert_accessible(page)
    assert Person.objects.filter(pk=b.pk).exists()
