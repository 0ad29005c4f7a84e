"""The crime check on entries whose text is in two of the FIB form's fields ("What was seen
or heard?" and "Anything else"), each way of reading the fields scored side by side.

    uv run python -m bench.crime_check_fields FILE.jsonl [FILE.jsonl ...]

Each line: {"what", "further_information", "label": "crime"|"intel", "danger_now",
"disclosure_in": "what"|"further"|"both"|"none", "further_kind", "family", "writer"}.
The ways (defined before any such file was read, issue 12 N1):
  joined         the fields joined by a new line (the check before N1)
  filler_out     the same, an answer with no content ("Nothing else.") left out
  each_field     filler_out, and the model also reads each field alone (max)
  account_alone  filler_out, and the model also reads "What was seen or heard?" alone
The rules and the vetoes ("already reported", a crime reference) read the joined text in
every way; only the model's probabilities differ."""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cairn.intelligence.checks import TextCheck, form_text, is_filler, text_check


def _fields(e: dict[str, Any]) -> tuple[str, ...]:
    return tuple(a for a in (e["what"], e.get("further_information") or "") if a.strip())


def _kept(e: dict[str, Any]) -> tuple[str, ...]:
    return tuple(a for a in _fields(e) if not is_filler(a))


WAYS: dict[str, Callable[[dict[str, Any]], TextCheck]] = {
    "joined": lambda e: text_check("\n".join(_fields(e))),
    "filler_out": lambda e: text_check(form_text(*_kept(e))),
    "each_field": lambda e: text_check(
        form_text(*_kept(e)), accounts=_kept(e) if len(_kept(e)) > 1 else ()
    ),
    "account_alone": lambda e: text_check(
        form_text(*_kept(e)), accounts=(e["what"],) if len(_kept(e)) > 1 else ()
    ),
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
