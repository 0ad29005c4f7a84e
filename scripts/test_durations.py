"""Write tests/durations.json (seconds per test file) from a pytest JUnit XML report.

    uv run pytest -n 2 --dist loadfile --junitxml=var/junit.xml
    uv run python scripts/test_durations.py var/junit.xml

`make test` hands the longest files out first by these figures (tests/scheduling.py); they
only order the work, so refresh them when a file's cost changes a lot.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from xml.etree import ElementTree as ET

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "durations.json"


def test_file(classname: str) -> str | None:
    """tests.audit.test_views.TestX -> tests/audit/test_views.py (if it exists)."""
    parts = classname.split(".")
    for end in range(len(parts), 0, -1):
        candidate = Path(*parts[:end]).with_suffix(".py")
        if (ROOT / candidate).is_file():
            return candidate.as_posix()
    return None


def main(report: str) -> None:
    seconds: dict[str, float] = defaultdict(float)
    tests = 0
    for case in ET.parse(report).getroot().iter("testcase"):  # noqa: S314 - our own report
        name = test_file(case.get("classname", ""))
        if name:
            seconds[name] += float(case.get("time", "0"))
            tests += 1
    files = {k: round(v, 1) for k, v in sorted(seconds.items(), key=lambda kv: -kv[1])}
    # On a busy machine every figure is inflated alike: the mean per test, on the same
    # scale, costs a file that has no figure yet.
    mean = round(sum(seconds.values()) / max(tests, 1), 3)
    OUT.write_text(json.dumps({"seconds_per_test": mean, "files": files}, indent=1) + "\n")
    print(f"{OUT.relative_to(ROOT)}: {len(files)} files, {sum(files.values()):.0f} s in all")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "var/junit.xml")
