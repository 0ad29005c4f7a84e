"""Reads for the network app, always scoped to what the user may see, and audited where
they show personal data (consultation) or send it out (disclosure)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404

from cairn.audit import services as audit
from cairn.core.types import Actor
from cairn.pole.access import access_person_by_id, entity_visibility_q
from cairn.pole.models import Person

from . import exports, graph
from .matching.online import CandidateFields, Match, match_person
from .models import CandidatePair, PairStatus, PersonMerge


def _require(user: Actor, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied("You do not have permission to do this.")


def possible_matches(
    user: Actor, fields: CandidateFields | dict[str, Any], *, limit: int = 10
) -> list[Match]:
    """'Possible same person' for a form being filled in; nothing the user cannot see.
    Every hand-off where a person is typed (Add a person, a concern's new child, a person
    named in a concern or an intelligence entry) asks here, with the same keys (names,
    nickname, date of birth or estimated age, sex when asked) and the same thresholds."""
    if not user.has_perm("network.match_person"):
        return []
    found = match_person(user, fields, limit=limit)
    audit.record(
        actor=user,
        event="person.matched",
        justification="Possible matches for a person being entered",
        details={"results": len(found), "ids": [m.person.pk for m in found]},
    )
    return found


def pending_pairs(user: Actor) -> QuerySet[CandidatePair]:
    """The review queue: pending pairs whose two records both still exist and are both
    visible to the user."""
    _require(user, "network.merge_person")
    return (
        CandidatePair.objects.filter(status=PairStatus.PENDING)
        .filter(entity_visibility_q(user, prefix="person_a__entity__"))
        .filter(entity_visibility_q(user, prefix="person_b__entity__"))
        .select_related("person_a", "person_b")
        .order_by("-match_weight", "pk")
    )


def consult_pairs(user: Actor, shown: Page[CandidatePair]) -> None:
    """A page of the review queue shown (web or API, each with its own page size): one
    consultation row naming both records of each pair."""
    audit.record_list(
        actor=user,
        event="candidates.viewed",
        subjects=[i for p in shown for i in (p.person_a_id, p.person_b_id)],
        justification="Duplicate review queue",
        details={"page": shown.number, "shown": len(shown.object_list)},
    )


def access_pair(user: Actor, pair_id: int) -> CandidatePair:
    pair = pending_pairs(user).filter(pk=pair_id).first()
    if pair is None:
        raise Http404("No candidate pair found.")
    audit.record(
        actor=user,
        event="candidates.viewed",
        obj=pair,
        subject=pair.person_a_id,
        details={"person_a": pair.person_a_id, "person_b": pair.person_b_id},
    )
    return pair


def merges(user: Actor) -> QuerySet[PersonMerge]:
    _require(user, "network.merge_person")
    return (
        PersonMerge.objects.filter(entity_visibility_q(user, prefix="survivor__entity__"))
        .select_related("survivor", "merged_by", "unmerged_by")
        .order_by("-merged_at")
    )


def access_merge(user: Actor, merge_id: int) -> PersonMerge:
    merge = merges(user).filter(pk=merge_id).first()
    if merge is None:
        raise Http404("No merge found.")
    return merge


def consult_merges(user: Actor, page: str | int | None) -> Page[PersonMerge]:
    """One page of the merges list (names of the kept records), recorded as one
    consultation naming both records of each merge shown."""
    current = Paginator(merges(user), 25).get_page(page)
    audit.record_list(
        actor=user,
        event="merges.viewed",
        subjects=[i for m in current for i in (m.survivor_id, m.absorbed_id)],
        justification="Merges of person records",
    )
    return current


def view_merge(user: Actor, merge_id: int) -> PersonMerge:
    """One merge opened to read: recorded as a consultation of the kept record."""
    merge = access_merge(user, merge_id)
    audit.record(
        actor=user,
        event="merges.viewed",
        obj=merge,
        subject=merge.survivor_id,
        justification="Opened a merge of person records",
        details={"subjects": [merge.survivor_id, merge.absorbed_id]},
    )
    return merge


def resolve_person_id(person_id: int) -> int:
    """The record a person id now lives in, following merges (audit rows keep the id they
    were written with; this is how they are read against the surviving record)."""
    seen = set()
    while person_id not in seen:
        seen.add(person_id)
        merge = PersonMerge.objects.filter(absorbed_id=person_id, unmerged_at__isnull=True).first()
        if merge is None:
            return person_id
        person_id = merge.survivor_id
    return person_id


def network_for_person(
    user: Actor,
    person_id: int,
    *,
    hops: int = 2,
    since: dt.date | None = None,
    until: dt.date | None = None,
    justification: str = "",
) -> tuple[Person, graph.Network]:
    _require(user, "network.view_network")
    person = access_person_by_id(user, person_id)
    network = graph.neighbourhood(user, person.pk, hops=hops, since=since, until=until)
    audit.record(
        actor=user,
        event="network.viewed",
        obj=person,
        subject=person,
        justification=justification or "Network viewed",
        details={
            "hops": network.hops,
            "nodes": len(network.nodes),
            "links": len(network.edges),
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
        },
    )
    return person, network


def export_network(
    user: Actor,
    person_id: int,
    fmt: str,
    *,
    hops: int = 2,
    since: dt.date | None = None,
    until: dt.date | None = None,
    purpose: str = "",
) -> tuple[Person, bytes]:
    """An export file of the network; each export is a logged disclosure."""
    _require(user, "network.export_network")
    if fmt not in exports.EXPORTERS:
        raise Http404("Unknown export format.")
    _require(user, "network.view_network")
    person = access_person_by_id(user, person_id)
    network = graph.neighbourhood(user, person.pk, hops=hops, since=since, until=until)
    content = exports.EXPORTERS[fmt](network)
    audit.record(
        actor=user,
        event="network.exported",
        obj=person,
        subject=person,
        recipient=f"{user.get_username()} (analyst export)",
        justification=purpose or "Network exported for analysis",
        details={
            "format": fmt,
            "hops": network.hops,
            "entities": sorted(network.nodes),
            "links": [e.id for e in network.edges],
        },
    )
    return person, content
