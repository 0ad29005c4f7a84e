"""`--dist loadfile`, longest files first.

xdist's loadfile hands out whole files in order of how many tests they hold, so a file with
few but slow tests (the access matrix: 22 tests, a minute or more) can start last and leave
one worker running alone at the end. Here files are handed out by their measured seconds,
longest first (the classic longest-processing-time rule), so the slow ones start at once
and the short ones fill in around them. The figures (tests/durations.json) only order the
queue: a stale or missing figure costs speed, never a test; a file without one is costed at
an average per test. Refresh them with scripts/test_durations.py after a run with
`--junitxml` (see the README's "Other commands").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from xdist.scheduler import LoadFileScheduling

DURATIONS = Path(__file__).resolve().parent / "durations.json"
# The seconds a test costs when its file has no measured figure and the figures give no
# mean of their own.
SECONDS_PER_TEST = 0.35


def measured_seconds() -> tuple[dict[str, float], float]:
    """Each file's measured seconds, and the mean per test on the same scale."""
    try:
        data = json.loads(DURATIONS.read_text())
    except (OSError, ValueError):
        return {}, SECONDS_PER_TEST
    files = {str(k): float(v) for k, v in data.get("files", {}).items()}
    return files, float(data.get("seconds_per_test", SECONDS_PER_TEST))


class LongestFileFirst(LoadFileScheduling):
    """Loadfile with the work queue ordered by each file's measured seconds."""

    def __init__(self, config: Any, log: Any = None) -> None:
        super().__init__(config, log)
        self.seconds, self.per_test = measured_seconds()

    def add_node_collection(self, node: Any, collection: Any) -> None:
        # Every worker collects the same tests (xdist checks); ordering each collection
        # the same way, with xdist's own reordering by test count off, sets the queue.
        counts: dict[str, int] = {}
        for nodeid in collection:
            scope = self._split_scope(nodeid)
            counts[scope] = counts.get(scope, 0) + 1

        def cost(scope: str) -> float:
            return self.seconds.get(scope, counts[scope] * self.per_test)

        position = {nodeid: i for i, nodeid in enumerate(collection)}
        ordered = sorted(
            collection,
            key=lambda nodeid: (-cost(self._split_scope(nodeid)), position[nodeid]),
        )
        self.config.option.loadscopereorder = False
        super().add_node_collection(node, ordered)
