"""The Hub dashboard: a registry of panels, each computed with aggregate queries only (no
per-child loops), drawn as a server-rendered SVG bar chart with a table alternative.
Other apps (referrals, disruption) add panels with `@dashboard.register(...)`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncWeek
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from cairn.concerns.models import (
    Concern,
    ConcernStatus,
    ExploitationType,
    RiskDecision,
    RiskLevel,
)
from cairn.core.types import Actor
from cairn.missing.models import MissingEpisode
from cairn.pole.access import visible_links
from cairn.pole.models import Entity, EntityKind, Person

from .models import Action, ActionStatus

# Labels are cut to 28 characters (the table has them whole); 230 px holds them.
BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, CHART_WIDTH = 22, 8, 230, 600


@dataclass
class Bar:
    label: str
    value: int
    y: int = 0
    width: float = 0.0


@dataclass
class Panel:
    key: str
    title: str
    rows: list[Bar]
    value_header: str = "Number"
    note: str = ""
    figures: list[tuple[str, str | int]] = field(default_factory=list)
    link_url_name: str = ""  # a page with the records behind the figures
    link_text: str = ""

    @property
    def total(self) -> int:
        return sum(b.value for b in self.rows)

    @property
    def height(self) -> int:
        return max(len(self.rows), 1) * (BAR_HEIGHT + BAR_GAP)

    @property
    def label_width(self) -> int:
        return LABEL_WIDTH

    @property
    def chart_width(self) -> int:
        return CHART_WIDTH

    def layout(self) -> Panel:
        top = max((b.value for b in self.rows), default=0) or 1
        span = CHART_WIDTH - LABEL_WIDTH - 50
        for i, bar in enumerate(self.rows):
            bar.y = i * (BAR_HEIGHT + BAR_GAP)
            bar.width = round(span * bar.value / top, 1)
        return self


@dataclass
class DashboardContext:
    user: Actor
    today: dt.date
    now: dt.datetime


PanelProvider = Callable[[DashboardContext], Panel | None]


@dataclass(frozen=True)
class RegisteredPanel:
    key: str
    order: int
    provider: PanelProvider


PANELS: dict[str, RegisteredPanel] = {}


def register(key: str, *, order: int = 100) -> Callable[[PanelProvider], PanelProvider]:
    def wrap(provider: PanelProvider) -> PanelProvider:
        PANELS[key] = RegisteredPanel(key, order, provider)
        return provider

    return wrap


def panels(user: Actor, *, today: dt.date | None = None) -> list[Panel]:
    ctx = DashboardContext(user=user, today=today or timezone.localdate(), now=timezone.now())
    out = []
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Aggregates over the whole caseload: JIT compilation costs more than it saves
            # at these sizes, and sorts/hashes should stay in memory (bench/hub_dashboard.py).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL work_mem = '32MB'")
        for registered in sorted(PANELS.values(), key=lambda r: (r.order, r.key)):
            panel = registered.provider(ctx)
            if panel is not None:
                out.append(panel.layout())
    return out


# How long the page keeps one user's figures (Counted.at says when they were counted).
CACHE_SECONDS = 60


@dataclass(frozen=True)
class Counted:
    panels: list[Panel]
    at: dt.datetime
    key: str = ""  # the cache key it was kept under


def panels_for_page(user: Actor, *, recount: bool = False) -> Counted:
    """The dashboard page's panels as counted for `user` at most CACHE_SECONDS ago. Each
    count is an aggregate over the whole caseload (about 0.3 s at 10,000 children, 0.8 s at
    100,000) and a busy Hub opens the page far more often than that; the page says when the
    figures were counted and offers a recount. The key holds what decides visibility (the
    user, their role and agency), so nobody is ever shown figures counted for someone else."""
    key = f"hub-dashboard:{user.pk}:{user.role}:{user.agency_id}:{timezone.localdate()}"
    if not recount:
        hit = cache.get(key)
        if isinstance(hit, Counted):
            return hit
    counted = Counted(panels(user), timezone.now(), key)
    cache.set(key, counted, CACHE_SECONDS)
    return counted


def panels_html(counted: Counted) -> SafeString:
    """The panels as HTML, rendered once per count and kept as long as the count: the
    charts and their tables are most of the page (about 900 template variables at the
    demo's size), and they depend on the figures alone, which the count's key already
    ties to the user, their role and agency."""
    key = f"{counted.key}:html:{counted.at.isoformat()}"
    html = cache.get(key) if counted.key else None
    if not isinstance(html, str):
        html = render_to_string("hub/_panels.html", {"panels": counted.panels})
        if counted.key:
            cache.set(key, html, CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308  (rendered by the template engine, escaped there)


def _sql_rows(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


def children_by_level() -> dict[str, int]:
    """Children by their current (latest decided) risk level, in one aggregate query: a
    window function picks each child's latest decision (PostgreSQL and SQLite alike)."""
    decisions = RiskDecision._meta.db_table
    people = Person._meta.db_table
    rows = _sql_rows(
        f"""
        SELECT latest.level, COUNT(*) FROM (
            SELECT d.level AS level, ROW_NUMBER() OVER (
                PARTITION BY d.child_id ORDER BY d.decided_at DESC, d.id DESC
            ) AS rn
            FROM {decisions} d JOIN {people} p ON p.entity_id = d.child_id
            WHERE p.category = %s
        ) latest
        WHERE latest.rn = 1
        GROUP BY latest.level
        """,  # noqa: S608  (table names from model metadata, values as parameters)
        ["child"],
    )
    found = dict(rows)
    return {level: int(found.get(level, 0)) for level in RiskLevel.values}


@register("risk_levels", order=10)
def risk_levels(ctx: DashboardContext) -> Panel:
    counts = children_by_level()
    return Panel(
        key="risk_levels",
        title="Children by current risk level",
        rows=[Bar(RiskLevel(level).label, counts[level]) for level in reversed(RiskLevel.values)],
        value_header="Children",
        note="Each child's latest risk decision (by a practitioner or the Hub).",
    )


def children_by_type() -> dict[str, int]:
    """Children with a submitted concern of each exploitation type (a child counts once per
    type). PostgreSQL: one pass grouping concerns by child (jsonb containment per type);
    SQLite: unnest each concern's list of types with json_each."""
    concerns = Concern._meta.db_table
    codes = list(ExploitationType.values)
    if connection.vendor == "postgresql":
        flags = ", ".join(
            f"bool_or(c.exploitation_types @> %s::jsonb) AS t{i}" for i in range(len(codes))
        )
        totals = ", ".join(f"COUNT(*) FILTER (WHERE per_child.t{i})" for i in range(len(codes)))
        [row] = _sql_rows(
            f"""
            SELECT {totals} FROM (
                SELECT {flags} FROM {concerns} c
                WHERE c.status <> %s AND c.child_id IS NOT NULL
                GROUP BY c.child_id
            ) per_child
            """,  # noqa: S608  (table names from model metadata, values as parameters)
            [json.dumps([code]) for code in codes] + [ConcernStatus.DRAFT],
        )
        return {code: int(n) for code, n in zip(codes, row, strict=True)}
    rows = _sql_rows(
        f"""
        SELECT t.value, COUNT(DISTINCT c.child_id)
        FROM {concerns} c, json_each(c.exploitation_types) t
        WHERE c.status <> %s AND c.child_id IS NOT NULL
        GROUP BY t.value
        """,  # noqa: S608  (table names from model metadata, values as parameters)
        [ConcernStatus.DRAFT],
    )
    found = dict(rows)
    return {code: int(found.get(code, 0)) for code in codes}


@register("exploitation_types", order=20)
def exploitation_types(ctx: DashboardContext) -> Panel:
    counts = children_by_type()
    return Panel(
        key="exploitation_types",
        title="Children by exploitation type",
        rows=[Bar(label, counts[code]) for code, label in ExploitationType.choices],
        value_header="Children",
        note="A child with concerns of several types is counted under each.",
    )


def concerns_per_week(today: dt.date, weeks: int = 12) -> list[tuple[dt.date, int]]:
    monday = today - dt.timedelta(days=today.weekday())
    first = monday - dt.timedelta(weeks=weeks - 1)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    rows = (
        Concern.objects.exclude(status=ConcernStatus.DRAFT)
        .filter(submitted_at__gte=start)
        .annotate(week=TruncWeek("submitted_at"))
        .values("week")
        .annotate(n=Count("pk"))
    )
    found: dict[dt.date, int] = {}
    for r in rows:
        week = r["week"]
        day = week.date() if isinstance(week, dt.datetime) else week
        found[day] = found.get(day, 0) + r["n"]
    return [
        (first + dt.timedelta(weeks=i), found.get(first + dt.timedelta(weeks=i), 0))
        for i in range(weeks)
    ]


@register("concerns_trend", order=30)
def concerns_trend(ctx: DashboardContext) -> Panel:
    weeks = concerns_per_week(ctx.today)
    return Panel(
        key="concerns_trend",
        title="New concerns per week",
        rows=[Bar(f"Week of {day:%d %b}", n) for day, n in weeks],
        value_header="Concerns",
        note="Concerns submitted in the last 12 weeks, by the week they were submitted.",
    )


@dataclass
class RhiFigures:
    due: int
    in_time: int
    late: int
    overdue: int
    outstanding: int
    declined: int

    @property
    def rate(self) -> int | None:
        """Percentage of interviews that fell due (or were done) completed within 72 h."""
        return round(100 * self.in_time / self.due) if self.due else None


def rhi_figures(now: dt.datetime, days: int = 90) -> RhiFigures:
    since = now - dt.timedelta(days=days)
    row = MissingEpisode.objects.filter(found_at__gte=since).aggregate(
        due=Count("pk", filter=Q(rhi_due_at__lte=now) | Q(rhi_completed_at__isnull=False)),
        in_time=Count("pk", filter=Q(rhi_completed_at__lte=F("rhi_due_at"))),
        late=Count("pk", filter=Q(rhi_completed_at__gt=F("rhi_due_at"))),
        overdue=Count(
            "pk",
            filter=Q(rhi_due_at__lt=now, rhi_completed_at__isnull=True) & ~Q(rhi_accepted=False),
        ),
        outstanding=Count(
            "pk",
            filter=Q(rhi_due_at__gte=now, rhi_completed_at__isnull=True) & ~Q(rhi_accepted=False),
        ),
        declined=Count("pk", filter=Q(rhi_accepted=False)),
    )
    return RhiFigures(**row)


@register("rhi", order=40)
def rhi_compliance(ctx: DashboardContext) -> Panel:
    f = rhi_figures(ctx.now)
    return Panel(
        key="rhi",
        title="Return home interviews (children returned in the last 90 days)",
        rows=[
            Bar("Completed within 72 hours", f.in_time),
            Bar("Completed late", f.late),
            Bar("Overdue, not done", f.overdue),
            Bar("Declined by the child", f.declined),
            Bar("Not yet due", f.outstanding),
        ],
        value_header="Episodes",
        figures=[
            ("Compliance (within 72 hours)", f"{f.rate}%" if f.rate is not None else "No data"),
            ("Interviews due", str(f.due)),
        ],
        note="Compliance is interviews completed within 72 hours of the return, out of "
        "all that have fallen due.",
    )


@register("actions_overdue", order=50)
def actions_overdue(ctx: DashboardContext) -> Panel:
    rows = (
        Action.objects.filter(status=ActionStatus.OPEN, due_on__lt=ctx.today)
        .values("owner_agency__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner_agency__name")
    )
    open_count = Action.objects.filter(status=ActionStatus.OPEN).count()
    return Panel(
        key="actions_overdue",
        title="Overdue Hub actions by agency",
        rows=[Bar(r["owner_agency__name"], r["n"]) for r in rows],
        value_header="Overdue actions",
        figures=[("Open actions", str(open_count))],
    )


@register("top_locations", order=60)
def top_locations(ctx: DashboardContext) -> Panel:
    """Locations linked to the most children: only links, children and locations the user
    may see are counted, so a count never reveals a record the user may not see."""
    rows = list(
        visible_links(ctx.user)
        .filter(
            to_entity__kind=EntityKind.LOCATION,
            from_entity__person__category="child",
            ended_on__isnull=True,
        )
        .values("to_entity_id")
        .annotate(n=Count("from_entity_id", distinct=True))
        .order_by("-n", "to_entity_id")[:10]
    )
    labels = dict(
        Entity.objects.filter(pk__in=[r["to_entity_id"] for r in rows]).values_list("pk", "label")
    )
    return Panel(
        key="top_locations",
        title="Locations linked to the most children",
        rows=[Bar(labels.get(r["to_entity_id"], ""), r["n"]) for r in rows],
        value_header="Children linked",
    )
