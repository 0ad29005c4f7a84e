"""One link per fact (ADR 0017). Every existing link's source (type, id, note, dates,
agency, police-only, who and when) becomes a LinkSource row; then links that record the
same fact (the same two records and type, either way round for a symmetric type such as
"associates with") are folded into the oldest, which keeps every source once. Finally the
snapshots of merges not yet undone are rewritten in the new shape, so undoing a merge
made before this migration still restores the links it removed.

Reversible: going back, each link takes its first sourced record and its notes again
(links folded here stay folded)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from django.db import migrations
from django.db.models import Count, F
from django.db.models.functions import Greatest, Least

SYMMETRIC = ("associate", "family", "other", "partner", "sibling")
BATCH = 2000


def _source_key(source: Any) -> tuple[Any, ...]:
    if source.source_id:
        return ("record", source.source_type, source.source_id)
    return ("note", source.recorded_by_id, source.note)


def _roll_up(link: Any, sources: list[Any]) -> None:
    starts = [s.started_on for s in sources if s.started_on]
    link.started_on = min(starts) if starts else None
    ends = [s.ended_on for s in sources]
    link.ended_on = None if not ends or None in ends else max(ends)
    link.police_only = all(s.police_only for s in sources)


def _copy_sources(Link: Any, LinkSource: Any) -> None:
    batch: list[Any] = []
    for link in Link.objects.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(
            LinkSource(
                link_id=link.pk,
                source_type=link.source_type,
                source_id=link.source_id,
                note=link.source_note,
                started_on=link.started_on,
                ended_on=link.ended_on,
                owning_agency_id=link.owning_agency_id,
                police_only=link.police_only,
                recorded_by_id=link.created_by_id,
                recorded_at=link.created_at,
            )
        )
        if len(batch) >= BATCH:
            LinkSource.objects.bulk_create(batch)
            batch = []
    LinkSource.objects.bulk_create(batch)


def _duplicate_keys(Link: Any) -> set[tuple[Any, ...]]:
    """The facts recorded more than once: (from, to, type), or (lower id, higher id,
    type) for a symmetric type."""
    keys: set[tuple[Any, ...]] = set()
    same_way = (
        Link.objects.values("from_entity_id", "to_entity_id", "link_type")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    for row in same_way:
        a, b, link_type = row["from_entity_id"], row["to_entity_id"], row["link_type"]
        keys.add((min(a, b), max(a, b), link_type) if link_type in SYMMETRIC else (a, b, link_type))
    either_way = (
        Link.objects.filter(link_type__in=SYMMETRIC)
        .annotate(
            lo=Least("from_entity_id", "to_entity_id"), hi=Greatest("from_entity_id", "to_entity_id")
        )
        .values("lo", "hi", "link_type")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    for row in either_way:
        keys.add((row["lo"], row["hi"], row["link_type"]))
    return keys


def _fold(Link: Any, LinkSource: Any) -> None:
    for a, b, link_type in sorted(_duplicate_keys(Link)):
        if link_type in SYMMETRIC:
            qs = Link.objects.filter(
                link_type=link_type, from_entity_id__in=(a, b), to_entity_id__in=(a, b)
            ).exclude(from_entity_id=F("to_entity_id"))
        else:
            qs = Link.objects.filter(from_entity_id=a, to_entity_id=b, link_type=link_type)
        ids = list(qs.order_by("pk").values_list("pk", flat=True))
        if len(ids) < 2:
            continue
        keep, *rest = ids
        sources = list(LinkSource.objects.filter(link_id__in=ids).order_by("recorded_at", "pk"))
        kept: dict[tuple[Any, ...], Any] = {}
        for source in sources:
            key = _source_key(source)
            if key in kept:
                source.delete()
                continue
            kept[key] = source
            if source.link_id != keep:
                source.link_id = keep
                source.save(update_fields=["link"])
        Link.objects.filter(pk__in=rest).delete()
        link = Link.objects.get(pk=keep)
        _roll_up(link, list(kept.values()))
        link.save(update_fields=["started_on", "ended_on", "police_only"])


def _rewrite_snapshots(PersonMerge: Any, *, forwards: bool) -> None:
    for merge in PersonMerge.objects.filter(unmerged_at__isnull=True).iterator():
        try:
            rows = json.loads(merge.snapshot or "[]")
        except ValueError:
            continue
        out: list[dict[str, Any]] = []
        changed = False
        if forwards:
            for row in rows:
                out.append(row)
                if row.get("model") != "pole.link" or "source_note" not in row.get("fields", {}):
                    continue
                fields = row["fields"]
                out.append(
                    {
                        "model": "pole.linksource",
                        "pk": None,
                        "fields": {
                            "link": row["pk"],
                            "source_type": fields.pop("source_type", ""),
                            "source_id": fields.pop("source_id", ""),
                            "note": fields.pop("source_note", ""),
                            "started_on": fields.get("started_on"),
                            "ended_on": fields.get("ended_on"),
                            "owning_agency": fields.get("owning_agency"),
                            "police_only": fields.get("police_only", False),
                            "recorded_by": fields.get("created_by"),
                            "recorded_at": fields.get("created_at"),
                        },
                    }
                )
                fields.setdefault("updated_at", fields.get("created_at"))
                changed = True
        else:
            links = {row["pk"]: row for row in rows if row.get("model") == "pole.link"}
            for row in rows:
                if row.get("model") != "pole.linksource":
                    out.append(row)
                    continue
                link = links.get(row["fields"].get("link"))
                changed = True
                if link is None or "source_note" in link["fields"]:
                    continue
                link["fields"].update(
                    source_type=row["fields"].get("source_type", ""),
                    source_id=row["fields"].get("source_id", ""),
                    source_note=row["fields"].get("note", ""),
                )
                link["fields"].pop("updated_at", None)
        if changed:
            merge.snapshot = json.dumps(out)
            merge.save(update_fields=["snapshot"])


def forwards(apps: Any, schema_editor: Any) -> None:
    Link = apps.get_model("pole", "Link")
    LinkSource = apps.get_model("pole", "LinkSource")
    _copy_sources(Link, LinkSource)
    _fold(Link, LinkSource)
    _rewrite_snapshots(apps.get_model("network", "PersonMerge"), forwards=True)


def backwards(apps: Any, schema_editor: Any) -> None:
    Link = apps.get_model("pole", "Link")
    LinkSource = apps.get_model("pole", "LinkSource")
    by_link: dict[int, list[Any]] = defaultdict(list)
    for source in LinkSource.objects.order_by("recorded_at", "pk").iterator(chunk_size=BATCH):
        by_link[source.link_id].append(source)
    for link in Link.objects.iterator(chunk_size=BATCH):
        sources = by_link.get(link.pk, [])
        named = next((s for s in sources if s.source_id), None)
        link.source_type = named.source_type if named else ""
        link.source_id = named.source_id if named else ""
        link.source_note = "; ".join(s.note for s in sources if s.note)[:500]
        link.save(update_fields=["source_type", "source_id", "source_note"])
    LinkSource.objects.all().delete()
    _rewrite_snapshots(apps.get_model("network", "PersonMerge"), forwards=False)


class Migration(migrations.Migration):
    dependencies = [
        ("pole", "0006_linksource"),
        ("network", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
