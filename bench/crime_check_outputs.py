"""Output identity of the crime check across a change to its code: every entry the latency
bench times (the corpus and the project examples), checked once, every field written down.

    uv run python -m bench.crime_check_outputs --write /tmp/crime_old.json   # before
    uv run python -m bench.crime_check_outputs --compare /tmp/crime_old.json # after

`--compare` prints how many entries differ in anything the check shows (flag, reasons,
quality issues, danger now, families, quoted sentences, nearest examples), and separately
the largest change in the model's probabilities (floating point only)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cairn.intelligence import checks
from cairn.intelligence.crime_corpus import load_corpus, load_project_examples
from cairn.intelligence.crime_model import model


def outputs() -> list[dict[str, Any]]:
    m = model()
    out = []
    for entry in [*load_corpus(), *load_project_examples()]:
        text = entry.text
        result = checks.check(text, how_known="told")
        found = checks.text_check(text)
        whole = m.features([text])[0] if text.strip() else None
        out.append(
            {
                "text": text,
                "result": result.as_dict(),
                "danger_sentence": result.danger_sentence,
                "sentence": found.sentence,
                "rules_flagged": found.rules_flagged,
                "model_flagged": found.model_flagged,
                "p_crime": m.crime_probability(whole) if whole else None,
                "p_danger": m.danger_probability(whole) if whole else None,
            }
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path)
    group.add_argument("--compare", type=Path)
    args = parser.parse_args(argv)
    now = outputs()
    if args.write:
        args.write.write_text(json.dumps(now, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"wrote {len(now)} entries to {args.write}")
        return 0
    before = json.loads(args.compare.read_text(encoding="utf-8"))
    if len(before) != len(now):
        print(f"entry count differs: {len(before)} before, {len(now)} now")
        return 1
    shown = ("text", "result", "danger_sentence", "sentence", "rules_flagged", "model_flagged")
    differ = [
        i
        for i, (a, b) in enumerate(zip(before, now, strict=True))
        if any(a[k] != b[k] for k in shown)
    ]
    drift = max(
        (
            abs((a[k] or 0.0) - (b[k] or 0.0))
            for a, b in zip(before, now, strict=True)
            for k in ("p_crime", "p_danger")
        ),
        default=0.0,
    )
    for i in differ[:5]:
        print("differs:", json.dumps({"before": before[i], "now": now[i]}, ensure_ascii=False))
    print(
        f"{len(now)} entries; {len(differ)} differ in what the check shows; "
        f"largest probability change {drift:.3g}"
    )
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
