"""Neighbourhood walk, time window, igraph analysis, visibility of counts, and exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from cairn.network import exports, graph
from cairn.pole import services as pole

from .conftest import Ring

pytestmark = pytest.mark.django_db


def test_two_hops_from_the_adult_reach_three_children(users: dict[str, Any], ring: Ring) -> None:
    network = graph.neighbourhood(users["analyst"], ring.adult.pk, hops=2)
    kinds = sorted(n.kind for n in network.nodes.values())
    assert kinds == ["person", "person", "person", "person", "vehicle"]
    assert {c.pk for c in ring.children} <= set(network.nodes)
    three = graph.neighbourhood(users["analyst"], ring.adult.pk, hops=3)
    assert ring.flat.pk in three.nodes and len(three.edges) == 7
    analysis = graph.analyse(three)
    assert analysis.groups == 1
    assert [(n.id, count) for n, count, _ in analysis.connectors] == [(ring.adult.pk, 3)]
    assert {(n.id, count) for n, count in analysis.shared} == {
        (ring.vehicle.pk, 3),
        (ring.flat.pk, 3),
    }
    assert three.nodes[ring.vehicle.pk].degree == 4


def test_time_window_filters_links(users: dict[str, Any], ring: Ring) -> None:
    only_march = graph.neighbourhood(
        users["analyst"],
        ring.adult.pk,
        hops=3,
        since=dt.date(2026, 3, 1),
        until=dt.date(2026, 3, 31),
    )
    assert ring.flat.pk not in only_march.nodes
    assert len(only_march.edges) == 4
    before = graph.neighbourhood(
        users["analyst"], ring.adult.pk, hops=3, until=dt.date(2025, 12, 31)
    )
    assert set(before.nodes) == {ring.adult.pk}


def test_counts_never_include_what_the_viewer_cannot_see(
    users: dict[str, Any], ring: Ring, make_person: Any
) -> None:
    fib = users["fib_officer"]
    secret = make_person(actor=fib, given_name="Zed", family_name="Hiddenham", police_only=True)
    pole.link_record(
        actor=fib,
        from_entity_id=secret.pk,
        to_entity_id=ring.vehicle.pk,
        link_type="seen_in_vehicle",
        source_note="Intelligence",
        police_only=True,
    )
    police_view = graph.neighbourhood(users["analyst"], ring.adult.pk, hops=2)
    trust_view = graph.neighbourhood(users["mash_screener"], ring.adult.pk, hops=2)
    assert secret.pk in police_view.nodes
    assert secret.pk not in trust_view.nodes
    assert len(trust_view.edges) == len(police_view.edges) - 1
    # The hidden child is not counted among the vehicle's children for the trust viewer.
    assert (ring.vehicle.pk, 4) in [(n.id, c) for n, c in graph.analyse(police_view).shared]
    assert (ring.vehicle.pk, 3) in [(n.id, c) for n, c in graph.analyse(trust_view).shared]


def test_anx_graphml_csv(users: dict[str, Any], ring: Ring) -> None:
    network = graph.neighbourhood(users["analyst"], ring.adult.pk, hops=3)
    root = ET.fromstring(exports.to_anx(network))  # noqa: S314 (our own export)
    entities = root.findall(".//Entity")
    links = root.findall(".//Link")
    assert len(entities) == 6 and len(links) == 7
    icons = sorted(e.find("Icon/IconStyle").get("Type") for e in entities)  # type: ignore[union-attr]
    assert icons == ["Car", "Child", "Child", "Child", "House", "Person"]
    ids = {e.get("EntityId") for e in entities}
    assert all(link.get("End1Id") in ids and link.get("End2Id") in ids for link in links)
    dated = [i for i in root.iter("ChartItem") if i.get("DateSet") == "true"]
    assert len(dated) == 7

    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    gml = ET.fromstring(exports.to_graphml(network))  # noqa: S314 (our own export)
    assert len(gml.findall(".//g:node", ns)) == 6 and len(gml.findall(".//g:edge", ns)) == 7

    rows = list(csv.reader(io.StringIO(exports.to_csv(network).decode())))
    assert rows[0] == ["# OFFICIAL-SENSITIVE"] and len(rows) == 2 + 7
    assert {r[3] for r in rows[2:]} == {"owns_vehicle", "seen_in_vehicle", "seen_at"}


def test_correlations_flag_confusable_registrations_within_visibility(
    users: dict[str, Any], ring: Ring
) -> None:
    fib = users["fib_officer"]
    same = pole.vehicle_create(actor=fib, registration="FX1O ABC")  # O for 0: only "possible"
    secret = pole.vehicle_create(actor=fib, registration="fx10abc", police_only=True)
    pole.vehicle_create(actor=fib, registration="FX11 ABC")  # a different car
    police = graph.correlations(
        users["analyst"], graph.neighbourhood(users["analyst"], ring.adult.pk, hops=1)
    )
    found = {(c.other_id, c.reason, c.possible) for c in police}
    assert found == {
        (same.pk, "registration differs only by 0/O or 1/I", True),
        (secret.pk, "same registration", False),
    }
    trust = graph.correlations(
        users["mash_screener"], graph.neighbourhood(users["mash_screener"], ring.adult.pk, hops=1)
    )
    assert {c.other_id for c in trust} == {same.pk}  # the police-only car is never counted


def test_correlations_for_phones_accounts_and_addresses(users: dict[str, Any], ring: Ring) -> None:
    fib = users["fib_officer"]
    other_flat = pole.location_create(
        actor=fib, address_line_1="1 EXAMPLE ROW", postcode="nm11aa", town="Northmoor"
    )
    network = graph.neighbourhood(users["analyst"], ring.adult.pk, hops=3)
    found = {
        (c.node.id, c.other_id, c.reason) for c in graph.correlations(users["analyst"], network)
    }
    assert (ring.flat.pk, other_flat.pk, "same address") in found
