"""Agenda providers and dashboard panels drawn from the referrals and disruption apps,
registered only when those apps are installed (the registries in agenda.py and
dashboard.py are the hook; those apps may register their own instead). Aggregate
queries only."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db.models import Count, Q
from django.utils import timezone

from cairn.referrals.models import OPEN_STATUSES, MashDecision, MashOutcome, Referral, ReferralKind

from . import agenda, dashboard
from .models import AgendaKind

if apps.is_installed("cairn.referrals"):

    @agenda.register("overdue_mash", order=60)
    def overdue_mash(ctx: agenda.AgendaContext) -> list[agenda.Candidate]:
        """Children with a MASH referral whose 1-working-day decision clock has run out."""

        rows = (
            Referral.objects.filter(
                kind=ReferralKind.MASH,
                status__in=OPEN_STATUSES,
                clock_stopped_at__isnull=True,
                due_at__lt=ctx.as_of,
            )
            .values("pk", "child_id", "child__given_name", "child__family_name", "due_at")
            .order_by("due_at")
        )
        out: dict[int, agenda.Candidate] = {}
        for row in rows:
            if row["child_id"] in out:
                continue
            due = timezone.localtime(row["due_at"])
            out[row["child_id"]] = agenda.Candidate(
                kind=AgendaKind.OVERDUE_MASH,
                key=f"mash-{row['child_id']}",
                title=f"{row['child__given_name']} {row['child__family_name']}".strip(),
                reason=f"MASH decision on MASH-{row['pk']:06d} was due {due:%d %b %Y %H:%M}",
                subject_id=row["child_id"],
            )
        return list(out.values())

    @dashboard.register("referral_outcomes", order=35)
    def referral_outcomes(ctx: dashboard.DashboardContext) -> dashboard.Panel:
        """MASH decisions in the last 90 days by outcome, and how many were in time."""

        since = ctx.now - dt.timedelta(days=90)
        decided = MashDecision.objects.filter(decided_at__gte=since)
        counts = dict(decided.values_list("outcome").annotate(n=Count("pk")).order_by())
        totals = decided.aggregate(
            total=Count("pk"), in_time=Count("pk", filter=Q(within_timescale=True))
        )
        rate = (
            f"{round(100 * totals['in_time'] / totals['total'])}%" if totals["total"] else "No data"
        )
        return dashboard.Panel(
            key="referral_outcomes",
            title="MASH decisions in the last 90 days by outcome",
            rows=[dashboard.Bar(label, counts.get(code, 0)) for code, label in MashOutcome.choices],
            value_header="Decisions",
            figures=[("Decided within 1 working day", rate), ("Decisions", str(totals["total"]))],
        )


if apps.is_installed("cairn.disruption"):

    @dashboard.register("disruption", order=55)
    def disruption_by_tactic(ctx: dashboard.DashboardContext) -> dashboard.Panel:
        """Disruption tactics recorded in the last 12 months, by type: those the viewer may
        see, by the disruption access layer's rule (the tracker's), shares included."""
        from cairn.disruption.access import visible_tactics  # noqa: PLC0415 (only when installed)
        from cairn.disruption.models import TacticType  # noqa: PLC0415 (only when installed)

        rows = visible_tactics(ctx.user).filter(created_at__gte=ctx.now - dt.timedelta(days=365))
        counts = dict(rows.values_list("tactic_type").annotate(n=Count("pk")).order_by())
        return dashboard.Panel(
            key="disruption",
            title="Disruption activity in the last 12 months, by tactic",
            rows=[
                dashboard.Bar(label, counts.get(code, 0))
                for code, label in TacticType.choices
                if counts.get(code, 0)
            ],
            value_header="Tactics",
        )
