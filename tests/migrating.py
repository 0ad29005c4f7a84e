"""Migrating the test database backwards and forwards, for the tests of data migrations.

Django's executor, migrating backwards, renders every model at the first migration to undo
and then re-renders the affected models through every later migration of every app, up to
the last one to undo: most of the cost of going back (tests/pole/test_link_migration.py:
about 17 s of CPU of a test's 46, for 17 migrations undone). Here the states before each
migration are computed the same way, left unrendered, and rendered once each only when
that migration is undone (about 8 s). Django undoes each migration itself, as before.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import ProjectState


class _Executor(MigrationExecutor):
    def _migrate_all_backwards(self, plan: Any, full_plan: Any, fake: bool) -> ProjectState:
        """Django 5.2's own, without carrying a rendered state across the whole plan."""
        to_undo = {migration for migration, _ in plan}
        states: dict[Any, ProjectState] = {}
        state = self._create_project_state()  # type: ignore[attr-defined]
        applied = {
            self.loader.graph.nodes[key]
            for key in self.loader.applied_migrations
            if key in self.loader.graph.nodes
        }
        for migration, _ in full_plan:
            if not to_undo:
                break
            if migration in to_undo:
                states[migration] = state
                state = migration.mutate_state(state, preserve=True)
                to_undo.remove(migration)
            elif migration in applied:
                migration.mutate_state(state, preserve=False)
        for migration, _ in plan:
            states[migration].apps  # noqa: B018 rendered once, then updated per operation
            self.unapply_migration(states[migration], migration, fake=fake)
            applied.remove(migration)
        # The state after: before the last migration undone, plus what is still applied.
        last = plan[-1][0]
        state = states[last]
        del state.apps
        index = [migration for migration, _ in full_plan].index(last)
        for migration, _ in full_plan[index:]:
            if migration in applied:
                migration.mutate_state(state, preserve=False)
        return state


def migrate(target: list[tuple[str, str]] | None = None) -> MigrationExecutor:
    """Migrate to `target` (every app's latest when None); the executor, for its loader."""
    executor = _Executor(connection)
    executor.loader.build_graph()
    executor.migrate(target or executor.loader.graph.leaf_nodes())
    return executor
