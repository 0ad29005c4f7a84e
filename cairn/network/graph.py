"""The network around a person: a breadth-first walk over the links the viewer may see
(cairn.pole.access.visible_links, so both ends and the link itself are visible), with a
time window, and igraph analysis of the result (connected groups, degree and betweenness
centrality, adults who connect many children, places and objects shared by children)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, Value
from django.db.models.functions import Replace

from cairn.core.types import Actor
from cairn.pole import normalise
from cairn.pole.access import visible_entities, visible_links
from cairn.pole.models import (
    Entity,
    EntityKind,
    Link,
    Location,
    OnlineAccount,
    PersonCategory,
    Phone,
    Vehicle,
)
from cairn.pole.selectors import sources_note, sources_span, with_visible_sources

MAX_HOPS = 3
MAX_NODES = 500


@dataclass
class Node:
    id: int
    kind: str
    label: str
    category: str = ""  # people only
    hop: int = 0
    detail: str = ""
    degree: int = 0

    @property
    def kind_label(self) -> str:
        if self.kind == EntityKind.PERSON:
            return PersonCategory(self.category).label if self.category else "Person"
        return EntityKind(self.kind).label

    @property
    def is_child(self) -> bool:
        return self.category == PersonCategory.CHILD


@dataclass
class Edge:
    id: int
    source: int
    target: int
    link_type: str
    link_label: str
    started_on: dt.date | None
    ended_on: dt.date | None
    source_note: str = ""
    source_label: str = ""
    target_label: str = ""


@dataclass
class Network:
    centre: int
    hops: int
    nodes: dict[int, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    truncated: bool = False

    def node_list(self) -> list[Node]:
        return sorted(self.nodes.values(), key=lambda n: (n.hop, n.kind, n.label))


@dataclass
class Analysis:
    groups: int
    connectors: list[tuple[Node, int, float]]  # adult, children reached, betweenness
    shared: list[tuple[Node, int]]  # place or object, number of children linked
    degree: dict[int, int]


def _window_q(since: dt.date | None, until: dt.date | None) -> Q:
    q = Q()
    if since is not None:
        q &= Q(ended_on__isnull=True) | Q(ended_on__gte=since)
    if until is not None:
        q &= Q(started_on__isnull=True) | Q(started_on__lte=until)
    return q


def _detail(entity: Entity) -> str:
    if entity.kind == EntityKind.PERSON:
        dob = entity.person.date_of_birth
        return f"born {dob:%-d %b %Y}" if dob else ""
    if entity.kind == EntityKind.VEHICLE:
        v = entity.vehicle
        return " ".join(x for x in (v.colour, v.make, v.model) if x)
    if entity.kind == EntityKind.LOCATION:
        return entity.location.get_premises_type_display()
    if entity.kind == EntityKind.ONLINE_ACCOUNT:
        return entity.online_account.get_platform_display()
    return ""


def neighbourhood(
    user: Actor,
    entity_id: int,
    *,
    hops: int = 2,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Network:
    """Entities within `hops` links of `entity_id` that `user` may see, and the visible
    links between them. The caller has already checked the centre is visible."""
    hops = max(1, min(hops, MAX_HOPS))
    links = with_visible_sources(user, visible_links(user).filter(_window_q(since, until)))
    network = Network(centre=entity_id, hops=hops)
    hop_of: dict[int, int] = {entity_id: 0}
    frontier = {entity_id}
    seen_links: dict[int, Link] = {}
    for hop in range(1, hops + 1):
        if not frontier:
            break
        batch = links.filter(Q(from_entity_id__in=frontier) | Q(to_entity_id__in=frontier))
        nxt: set[int] = set()
        for link in batch:
            seen_links[link.pk] = link
            for end in (link.from_entity_id, link.to_entity_id):
                if end not in hop_of:
                    if len(hop_of) >= MAX_NODES:
                        network.truncated = True
                        continue
                    hop_of[end] = hop
                    nxt.add(end)
        frontier = nxt
    entities = (
        visible_entities(user)
        .filter(pk__in=hop_of)
        .select_related("person", "vehicle", "phone", "online_account", "location")
    )
    for entity in entities:
        network.nodes[entity.pk] = Node(
            id=entity.pk,
            kind=entity.kind,
            label=entity.label,
            category=entity.person.category if entity.kind == EntityKind.PERSON else "",
            hop=hop_of[entity.pk],
            detail=_detail(entity),
        )
    for link in sorted(seen_links.values(), key=lambda x: x.pk):
        if link.from_entity_id in network.nodes and link.to_entity_id in network.nodes:
            # Dates and notes as the viewer's visible sources give them.
            sources = list(getattr(link, "visible_sources", []))
            started_on, ended_on = sources_span(sources)
            network.edges.append(
                Edge(
                    id=link.pk,
                    source=link.from_entity_id,
                    target=link.to_entity_id,
                    link_type=link.link_type,
                    link_label=link.get_link_type_display(),
                    started_on=started_on,
                    ended_on=ended_on,
                    source_note=sources_note(sources),
                    source_label=network.nodes[link.from_entity_id].label,
                    target_label=network.nodes[link.to_entity_id].label,
                )
            )
    return network


def analyse(network: Network) -> Analysis:
    """Connected groups, degree and betweenness (igraph); adults ranked by the children
    they reach within two links; places and objects linked to two or more children."""
    import igraph  # noqa: PLC0415  (lazy: heavy library)

    ids = list(network.nodes)
    index = {node_id: i for i, node_id in enumerate(ids)}
    graph = igraph.Graph(
        n=len(ids), edges=[(index[e.source], index[e.target]) for e in network.edges]
    )
    graph.simplify()
    degree = dict(zip(ids, graph.degree(), strict=True))
    for node_id, value in degree.items():
        network.nodes[node_id].degree = value
    betweenness = dict(zip(ids, graph.betweenness(), strict=True)) if ids else {}
    neighbours: dict[int, set[int]] = defaultdict(set)
    for e in network.edges:
        neighbours[e.source].add(e.target)
        neighbours[e.target].add(e.source)
    children = {n.id for n in network.nodes.values() if n.is_child}
    connectors = []
    for node in network.nodes.values():
        if node.kind != EntityKind.PERSON or node.is_child:
            continue
        reach = set(neighbours[node.id])
        for mid in list(reach):
            if network.nodes[mid].kind != EntityKind.PERSON:
                reach |= neighbours[mid]
        count = len(reach & children)
        if count >= 2:
            connectors.append((node, count, round(betweenness.get(node.id, 0.0), 1)))
    connectors.sort(key=lambda c: (-c[1], -c[2], c[0].label))
    shared = [
        (node, len(neighbours[node.id] & children))
        for node in network.nodes.values()
        if node.kind != EntityKind.PERSON and len(neighbours[node.id] & children) >= 2
    ]
    shared.sort(key=lambda s: (-s[1], s[0].label))
    return Analysis(
        groups=len(graph.connected_components()) if ids else 0,
        connectors=connectors,
        shared=shared,
        degree=degree,
    )


def as_cytoscape(network: Network) -> dict[str, Any]:
    """Elements for Cytoscape.js."""
    return {
        "centre": network.centre,
        "nodes": [
            {
                "data": {
                    "id": str(n.id),
                    "label": n.label,
                    "kind": n.kind,
                    "category": n.category,
                    "centre": n.id == network.centre,
                }
            }
            for n in network.node_list()
        ],
        "edges": [
            {
                "data": {
                    "id": f"l{e.id}",
                    "source": str(e.source),
                    "target": str(e.target),
                    "label": e.link_label,
                    "started_on": e.started_on.isoformat() if e.started_on else None,
                    "ended_on": e.ended_on.isoformat() if e.ended_on else None,
                }
            }
            for e in network.edges
        ],
    }


@dataclass
class Correlation:
    node: Node
    other_id: int
    other_label: str
    reason: str
    possible: bool  # True for a 0/O or 1/I confusion: flagged, never assumed


def correlations(user: Actor, network: Network) -> list[Correlation]:
    """Other records, visible to `user`, that may be the same object or place as one in
    the network: the same registration (or one differing only by 0/O, 1/I), the same
    phone number, the same handle on the same platform, the same address. One query per
    kind of record, whatever the size of the network."""

    visible = visible_entities(user).values("pk")
    ids = set(network.nodes)
    of_kind: dict[str, list[int]] = defaultdict(list)
    for node in network.nodes.values():
        of_kind[node.kind].append(node.id)
    out: list[Correlation] = []

    vehicles = list(Vehicle.objects.filter(pk__in=of_kind[EntityKind.VEHICLE]))
    if vehicles:
        by_key: dict[str, list[Vehicle]] = defaultdict(list)
        for v in vehicles:
            by_key[normalise.registration_confusable(v.registration_key)].append(v)
        confusable = Replace(
            Replace("registration_key", Value("O"), Value("0")), Value("I"), Value("1")
        )
        others = (
            Vehicle.objects.annotate(confusable=confusable)
            .filter(confusable__in=list(by_key), pk__in=visible)
            .exclude(pk__in=ids)
        )
        for other in others:
            for v in by_key[other.confusable]:
                same = other.registration_key == v.registration_key
                reason = "same registration" if same else "registration differs only by 0/O or 1/I"
                out.append(
                    Correlation(network.nodes[v.pk], other.pk, other.registration, reason, not same)
                )

    phones = {p.number_e164: p.pk for p in Phone.objects.filter(pk__in=of_kind[EntityKind.PHONE])}
    for other_phone in Phone.objects.filter(number_e164__in=list(phones), pk__in=visible).exclude(
        pk__in=ids
    ):
        node = network.nodes[phones[other_phone.number_e164]]
        out.append(Correlation(node, other_phone.pk, other_phone.number_e164, "same number", False))

    accounts = {
        (a.platform, a.handle_key): a.pk
        for a in OnlineAccount.objects.filter(pk__in=of_kind[EntityKind.ONLINE_ACCOUNT])
    }
    for other_account in OnlineAccount.objects.filter(
        handle_key__in=[h for _, h in accounts], pk__in=visible
    ).exclude(pk__in=ids):
        mine = accounts.get((other_account.platform, other_account.handle_key))
        if mine is not None:
            out.append(
                Correlation(
                    network.nodes[mine], other_account.pk, str(other_account), "same handle", False
                )
            )

    places: dict[tuple[str, str], int] = {}
    for place in Location.objects.filter(pk__in=of_kind[EntityKind.LOCATION]):
        line = normalise.name_key(place.address_line_1)
        if place.postcode and line:
            places[(place.postcode, line)] = place.pk
    for other_place in Location.objects.filter(
        postcode__in=[pc for pc, _ in places], pk__in=visible
    ).exclude(pk__in=ids):
        mine = places.get((other_place.postcode, normalise.name_key(other_place.address_line_1)))
        if mine is not None:
            out.append(
                Correlation(
                    network.nodes[mine], other_place.pk, other_place.one_line, "same address", False
                )
            )
    return out
