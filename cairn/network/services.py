"""Writes for identity resolution: storing a trained model and the review queue, deciding
candidate pairs, and reversible merges of person records. Every write is audited; a merge
and an unmerge are DPA "combination" events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.contrib.admin.utils import NestedObjects
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from cairn.audit import services as audit
from cairn.core.concurrency import Conflict
from cairn.core.types import Actor
from cairn.pole import services as pole_services
from cairn.pole.access import access_person_by_id
from cairn.pole.models import (
    Entity,
    EntityShare,
    Link,
    LinkSource,
    NameKind,
    Person,
    PersonName,
    fact_key,
)

from .matching.splink_batch import LinkResult
from .matching.weights import reset_cache
from .models import CandidatePair, MatchModel, PairStatus, PersonMerge

# Fields a merging user chooses between (the survivor's value unless told otherwise): the
# person's own fields, as a record is edited, so a field added there is merged too.
MERGE_FIELDS = pole_services.PERSON_FIELDS
DATE_FIELDS = {"date_of_birth", "estimated_age_on"}
# Our own bookkeeping is never moved by a merge.
NOT_MOVED = {"network.personmerge", "network.candidatepair", "network.matchmodel"}


def _require(actor: Actor, permission: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionDenied("You do not have permission to do this.")


# --- Batch linkage results ---------------------------------------------------------


@transaction.atomic
def linkage_store(*, result: LinkResult, splink_version: str) -> tuple[MatchModel | None, int]:
    """Save the trained model as the next version and add new pairs to the review queue
    (pairs already decided are left as decided). Returns the model (None when there was
    no trained model, e.g. pairs scored with the default weights) and pairs added."""
    model = None
    if result.model_json:
        latest = MatchModel.objects.order_by("-version").first()
        model = MatchModel.objects.create(
            version=(latest.version + 1) if latest else 1,
            settings_json=result.model_json,
            record_count=result.record_count,
            splink_version=splink_version,
        )
    version = f"v{model.version}" if model else "default"
    existing = set(CandidatePair.objects.values_list("person_a_id", "person_b_id"))
    fresh = [
        CandidatePair(
            person_a_id=p["person_a"],
            person_b_id=p["person_b"],
            match_weight=p["match_weight"],
            match_probability=p["match_probability"],
            explanation=p["explanation"],
            model_version=version,
        )
        for p in result.pairs
        if (p["person_a"], p["person_b"]) not in existing
    ]
    CandidatePair.objects.bulk_create(fresh, batch_size=1000)
    audit.record_system(
        event="linkage.run",
        justification="Batch identity linkage (never merges automatically)",
        details={
            "model_version": model.version if model else None,
            "records": result.record_count,
            "pairs_found": len(result.pairs),
            "pairs_added": len(fresh),
        },
    )
    reset_cache()
    return model, len(fresh)


@transaction.atomic
def candidate_reject(*, actor: Actor, pair: CandidatePair, reason: str = "") -> CandidatePair:
    _require(actor, "network.merge_person")
    if pair.status != PairStatus.PENDING:
        raise ValidationError({"status": "This pair has already been decided."})
    pair.status = PairStatus.REJECTED
    pair.decided_by = actor
    pair.decided_at = timezone.now()
    pair.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        event="candidate.rejected",
        obj=pair,
        subject=pair.person_a_id,
        justification=reason or "Not the same person",
        details={"person_a": pair.person_a_id, "person_b": pair.person_b_id},
    )
    return pair


# --- Merge and unmerge -------------------------------------------------------------


def reference_fields() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    """Every foreign key in the project that points at a Person or an Entity, found from
    the model graph (so apps added later are covered without changes here)."""
    refs: list[tuple[type[models.Model], models.Field[Any, Any]]] = []
    for model in apps.get_models(include_auto_created=True):
        if model is Person or model._meta.label_lower in NOT_MOVED:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in (Person, Entity):
                refs.append((model, field))
    return refs


def _unique_field_sets(model: type[models.Model]) -> list[tuple[list[str], Q | None]]:
    """The model's uniqueness rules as (field names, condition or None)."""
    sets: list[tuple[list[str], Q | None]] = [
        ([f.name], None) for f in model._meta.concrete_fields if f.unique and not f.primary_key
    ]
    sets += [(list(names), None) for names in model._meta.unique_together]
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            sets.append((list(constraint.fields), constraint.condition))
    return sets


def _clashing_rows(
    model: type[models.Model], field: models.Field[Any, Any], absorbed_id: int, survivor_id: int
) -> list[models.Model]:
    """Rows pointing at the absorbed record that, once moved, would duplicate a row that
    already points at the survivor under one of the model's uniqueness rules (both were
    subjects of the same tactic, named in the same submission...). The merge folds them
    into the survivor's row; they are kept in the snapshot for an unmerge."""
    manager = model._default_manager
    clashing: dict[Any, models.Model] = {}
    for names, condition in _unique_field_sets(model):
        if field.name not in names:
            continue
        others = [model._meta.get_field(n).attname for n in names if n != field.name]  # type: ignore[union-attr]
        theirs = manager.filter(**{field.attname: survivor_id})
        ours = manager.filter(**{field.attname: absorbed_id})
        if condition is not None:
            theirs, ours = theirs.filter(condition), ours.filter(condition)
        taken = {tuple(row) for row in theirs.values_list(*others)} if others else set()
        if not others and not theirs.exists():
            continue
        for row in ours:
            if not others or tuple(getattr(row, n) for n in others) in taken:
                clashing[row.pk] = row
    return list(clashing.values())


def _links_to_fold(absorbed_id: int, survivor_id: int) -> list[tuple[Link, Link]]:
    """The absorbed record's links that, once moved to the survivor, would record a fact
    the survivor already has (both were seen using the same phone...): each with the
    survivor's link it folds into. One fact is one link (ADR 0017)."""

    def moved(entity_id: int) -> int:
        return survivor_id if entity_id == absorbed_id else entity_id

    theirs = {
        link.key: link
        for link in Link.objects.filter(
            Q(from_entity_id=survivor_id) | Q(to_entity_id=survivor_id)
        ).exclude(Q(from_entity_id=absorbed_id) | Q(to_entity_id=absorbed_id))
    }
    pairs = []
    ours = (
        Link.objects.filter(Q(from_entity_id=absorbed_id) | Q(to_entity_id=absorbed_id))
        .exclude(Q(from_entity_id=survivor_id) | Q(to_entity_id=survivor_id))
        .prefetch_related("sources")
        .order_by("pk")
    )
    for link in ours:
        target = theirs.get(
            fact_key(moved(link.from_entity_id), moved(link.to_entity_id), link.link_type)
        )
        if target is not None:
            pairs.append((link, target))
    return pairs


def _source_key(source: LinkSource) -> tuple[Any, ...]:
    """What makes two sources the same (the link's one-source-each constraints)."""
    if source.source_id:
        return ("record", source.source_type, source.source_id)
    return ("note", source.recorded_by_id, source.note)


def _fold_links(pairs: list[tuple[Link, Link]]) -> None:
    """Move each folded link's sources onto the survivor's link (a source it already has
    is dropped), then remove the folded link. The snapshot holds both as they were, so an
    unmerge puts every source back on its own link."""
    for link, target in pairs:
        Link.objects.select_for_update().filter(pk=target.pk).first()
        have = {_source_key(s) for s in target.sources.all()}
        for source in list(link.sources.all()):
            if _source_key(source) in have:
                source.delete()
                continue
            LinkSource.objects.filter(pk=source.pk).update(link=target)
        link.delete()
        pole_services.link_roll_up(target)


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _from_json(name: str, value: Any) -> Any:
    if name in DATE_FIELDS and value:
        return dt.date.fromisoformat(value)
    return value


def _set_primary_name(person: Person) -> None:
    primary = person.names.filter(kind=NameKind.PRIMARY).first()
    fresh = pole_services.build_name(
        person, NameKind.PRIMARY, person.given_name, person.family_name
    )
    if primary is not None:
        fresh.pk = primary.pk
    fresh.save()
    Entity.objects.filter(pk=person.pk).update(label=person.full_name[:300])


def _lock_people(actor: Actor, *person_ids: int) -> None:
    """Row-lock the people's entities in id order (one order everywhere: no deadlock).
    A record merged away meanwhile is a conflict the user is told about."""
    for person_id in sorted(set(person_ids)):
        if list(Entity.objects.select_for_update().filter(pk=person_id).values_list("pk")):
            continue
        merge = (
            PersonMerge.objects.filter(absorbed_id=person_id, unmerged_at__isnull=True)
            .select_related("survivor")
            .first()
        )
        if merge is None:
            continue  # never existed (or deleted): access_person_by_id says "not found"
        survivor = access_person_by_id(actor, merge.survivor_id)
        raise Conflict(
            f"Record {person_id} ({merge.absorbed_label}) has already been merged into "
            f"{survivor.full_name} (record {survivor.pk}) by "
            f"{merge.merged_by.get_full_name() or merge.merged_by.get_username()}. "
            "Nothing has been changed."
        )


@transaction.atomic
def person_merge(
    *,
    actor: Actor,
    survivor_id: int,
    absorbed_id: int,
    reason: str,
    take_from_absorbed: list[str] | None = None,
    pair: CandidatePair | None = None,
) -> PersonMerge:
    """Merge `absorbed` into `survivor`: every reference to the absorbed record moves to
    the survivor, the survivor takes the chosen values, the absorbed record is removed
    (snapshotted in the merge record so `person_unmerge` restores it exactly)."""
    _require(actor, "network.merge_person")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why these records are the same person"})
    if survivor_id == absorbed_id:
        raise ValidationError({"absorbed_id": "Choose two different records"})
    # Both records are locked, always lowest id first, before anything is read: two merges
    # of the same pair (or crossed, A into B and B into A) run one after the other, and
    # the second finds the record already merged away instead of half-moving references.
    _lock_people(actor, survivor_id, absorbed_id)
    survivor = access_person_by_id(actor, survivor_id)
    absorbed = access_person_by_id(actor, absorbed_id)
    if survivor.entity.police_only != absorbed.entity.police_only:
        raise ValidationError(
            "A police-only record cannot be merged with one that is not police-only."
        )
    if PersonMerge.objects.filter(survivor_id=absorbed.pk, unmerged_at__isnull=True).exists():
        raise ValidationError(
            "The record to be merged away has absorbed another record: keep it instead, "
            "or undo that merge first."
        )
    chosen = set(take_from_absorbed or [])
    unknown = chosen - set(MERGE_FIELDS)
    if unknown:
        raise ValidationError({"take_from_absorbed": f"Unknown fields: {sorted(unknown)}"})

    # Rows removed with the absorbed record, kept whole for an unmerge.
    between = Link.objects.filter(
        Q(from_entity_id=absorbed.pk, to_entity_id=survivor.pk)
        | Q(from_entity_id=survivor.pk, to_entity_id=absorbed.pk)
    )
    # A share the survivor already has (same agency, team, basis and source) would break
    # the one-share constraints when moved. A record has a handful of shares at most.
    key_fields = ("agency_id", "team_id", "basis", "source_id")
    survivor_keys = set(EntityShare.objects.filter(entity_id=survivor.pk).values_list(*key_fields))
    clashing_shares = EntityShare.objects.filter(
        pk__in=[
            pk
            for pk, *key in EntityShare.objects.filter(entity_id=absorbed.pk).values_list(
                "pk", *key_fields
            )
            if tuple(key) in survivor_keys
        ]
    )
    folded = [
        row
        for model, field in reference_fields()
        if model not in (EntityShare, Link)
        for row in _clashing_rows(model, field, absorbed.pk, survivor.pk)
    ]
    # Whatever deleting a folded row cascades to is snapshotted with it.
    collector = NestedObjects(using=Person.objects.db)
    collector.collect(folded)
    cascaded = [obj for objs in collector.data.values() for obj in objs]
    # Links between the two records go with the absorbed one (a fact about one person is
    # not a link to themselves); their sources cascade with them.
    between_sources = list(LinkSource.objects.filter(link__in=between))
    folding = _links_to_fold(absorbed.pk, survivor.pk)
    removed = [
        absorbed.entity,
        absorbed,
        *between,
        *between_sources,
        *clashing_shares,
        *cascaded,
        *[obj for link, _ in folding for obj in (link, *link.sources.all())],
    ]
    snapshot = serializers.serialize("json", removed)
    between.delete()
    clashing_shares.delete()
    for row in folded:
        row.delete()
    _fold_links(folding)

    # Absorbed names become aliases of the survivor (kinds restored on unmerge).
    renamed = list(
        PersonName.objects.filter(person_id=absorbed.pk, kind=NameKind.PRIMARY).values_list(
            "pk", flat=True
        )
    )
    PersonName.objects.filter(pk__in=renamed).update(kind=NameKind.ALIAS)

    moved: list[dict[str, Any]] = []
    for model, field in reference_fields():
        manager = model._default_manager
        ids = list(manager.filter(**{field.attname: absorbed.pk}).values_list("pk", flat=True))
        if ids:
            manager.filter(pk__in=ids).update(**{field.attname: survivor.pk})
            moved.append({"model": model._meta.label_lower, "field": field.attname, "ids": ids})

    before = {name: _json_value(getattr(survivor, name)) for name in MERGE_FIELDS}
    for name in chosen:
        setattr(survivor, name, getattr(absorbed, name))
    survivor.save()
    if {"given_name", "family_name"} & chosen:
        _set_primary_name(survivor)

    label = absorbed.full_name
    Person.objects.filter(pk=absorbed.pk).delete()
    Entity.objects.filter(pk=absorbed.pk).delete()
    merge = PersonMerge.objects.create(
        survivor=survivor,
        absorbed_id=absorbed.pk,
        absorbed_label=label,
        survivor_before=before,
        snapshot=snapshot,
        moved=moved,
        renamed_primary_ids=renamed,
        reason=reason.strip()[:500],
        merged_by=actor,
    )
    a, b = sorted((survivor.pk, absorbed.pk))
    CandidatePair.objects.filter(person_a_id=a, person_b_id=b).update(
        status=PairStatus.MERGED, decided_by=actor, decided_at=timezone.now()
    )
    audit.record(
        actor=actor,
        event="person.merged",
        obj=merge,
        subject=survivor,
        justification=reason,
        details={
            "survivor": survivor.pk,
            "absorbed": absorbed.pk,
            "took_from_absorbed": sorted(chosen),
            "moved": {f"{m['model']}.{m['field']}": len(m["ids"]) for m in moved},
            "folded": len(folded),
            "links_folded": len(folding),
            "pair": pair.pk if pair else None,
        },
    )
    return merge


@transaction.atomic
def person_unmerge(*, actor: Actor, merge: PersonMerge, reason: str) -> Person:
    """Undo a merge: restore the absorbed record with its id, move back every reference
    that was moved (references added since stay with the survivor), and restore the
    survivor's own values."""
    _require(actor, "network.merge_person")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why this merge is being undone"})
    # The survivor first (the order person_merge locks in), then the merge record.
    _lock_people(actor, merge.survivor_id)
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if not merge.is_active:
        raise Conflict(
            f"This merge has already been undone by "
            f"{merge.unmerged_by.get_full_name() or merge.unmerged_by.get_username()}. "
            "Nothing has been changed."
            if merge.unmerged_by
            else "This merge has already been undone."
        )
    survivor = access_person_by_id(actor, merge.survivor_id)
    restored = list(serializers.deserialize("json", merge.snapshot))
    for obj in restored:
        obj.save()
    for entry in merge.moved:
        model = apps.get_model(entry["model"])
        model._default_manager.filter(pk__in=entry["ids"], **{entry["field"]: survivor.pk}).update(
            **{entry["field"]: merge.absorbed_id}
        )
    PersonName.objects.filter(pk__in=merge.renamed_primary_ids).update(kind=NameKind.PRIMARY)
    # Sources folded into the survivor's links went back to their own links above: each
    # link's dates and police-only flag follow its sources again.
    for link in Link.objects.filter(
        Q(from_entity_id__in=(survivor.pk, merge.absorbed_id))
        | Q(to_entity_id__in=(survivor.pk, merge.absorbed_id))
    ):
        pole_services.link_roll_up(link)
    for name, value in merge.survivor_before.items():
        setattr(survivor, name, _from_json(name, value))
    survivor.save()
    _set_primary_name(survivor)
    merge.unmerged_by = actor
    merge.unmerged_at = timezone.now()
    merge.save(update_fields=["unmerged_by", "unmerged_at"])
    a, b = sorted((survivor.pk, merge.absorbed_id))
    CandidatePair.objects.filter(person_a_id=a, person_b_id=b).update(
        status=PairStatus.PENDING, decided_by=None, decided_at=None
    )
    audit.record(
        actor=actor,
        event="person.unmerged",
        obj=merge,
        subject=survivor,
        justification=reason,
        details={"survivor": survivor.pk, "restored": merge.absorbed_id},
    )
    return Person.objects.get(pk=merge.absorbed_id)
