"""The crime check on entries whose text is in two of the FIB form's fields ("What was seen
or heard?" and "Anything else"), scored as the form reads them.

    uv run python -m bench.crime_check_fields FILE.jsonl [FILE.jsonl ...]

Each line: {"what", "further_information", "label": "crime"|"intel", "danger_now",
"disclosure_in": "what"|"further"|"both"|"none", "further_kind", "family", "writer"}.
The check reads the fields as the form does (`checks.form_text`: joined, a line each).
Four ways of reading them were scored once, blind, on the two sealed files of 2026-12-07
(commit c4719a1 holds them; bench/results/crime_check_fields_blind_2026-12-07.txt): the
fields joined, filler left out, each field also read alone, the account also read alone.
Joined was kept: nothing else caught more crimes without more false flags.
The rules and the vetoes ("already reported", a crime reference) read the joined text."""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cairn.intelligence.checks import TextCheck, form_text, text_check


def _fields(e: dict[str, Any]) -> tuple[str, ...]:
    return tuple(a for a in (e["what"], e.get("further_information") or "") if a.strip())


WAYS: dict[str, Callable[[dict[str, Any]], TextCheck]] = {
    "joined": lambda e: text_check(form_text(*_fields(e))),
}


def score(entries: list[dict[str, Any]]) -> None:
    for name, way in WAYS.items():
        tp = fp = fn = dn_hit = dn_all = 0
        by: dict[str, Counter[str]] = defaultdict(Counter)
        misses: list[str] = []
        for e in entries:
            found = way(e)
            crime = e["label"] == "crime"
            tp += crime and found.crime
            fp += (not crime) and found.crime
            fn += crime and not found.crime
            if e.get("danger_now"):
                dn_all += 1
                dn_hit += found.danger_now
            key = f"{e['label']}/{e.get('further_kind')}"
            by[key]["n"] += 1
            by[key]["right"] += found.crime == crime
            if found.crime != crime:
                misses.append(f"  {'FN' if crime else 'FP'} {key}: {e['what'][:70]!r}")
        recall = tp / (tp + fn) if tp + fn else 0.0
        precision = tp / (tp + fp) if tp + fp else 0.0
        print(
            f"{name:14} recall {recall:.3f} ({tp}/{tp + fn})  precision {precision:.3f} "
            f"({tp}/{tp + fp})  danger now {dn_hit}/{dn_all}"
        )
        for key in sorted(by):
            print(f"    {key:28} {by[key]['right']}/{by[key]['n']} right")
        print("\n".join(misses))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    entries = [
        json.loads(line)
        for path in args.files
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    print(f"{len(entries)} entries from {len(args.files)} file(s)")
    score(entries)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
