"""How often the crime check names the right offence family, before and after the family
cues (crime_families.py), leave one writer out: each fold's model is trained once and every
held-out entry is checked twice, with the families ordered the old way (the model's one or
two families first, then the rules') and the new way (crime_families.name_families). The
flags are the same both ways (only the naming differs), which the script checks. Recorded
in bench/README.md ("Naming the offence family"); run it once per change, not to tune.

    uv run python -m bench.crime_family_names [--json FILE]      # ~10 min of CPU
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from cairn.intelligence import checks
from cairn.intelligence.crime_corpus import load_corpus, load_project_examples
from cairn.intelligence.crime_families import name_families
from cairn.intelligence.crime_model import CrimeModel
from cairn.intelligence.evaluate_crime_check import embeddings_for
from cairn.intelligence.train_crime_model import build_model


def old_families(
    offence_sentences: Sequence[str],
    text: str,
    rule_families: Sequence[str],
    model_ranked: Sequence[tuple[str, float]],
) -> list[str]:
    """The order before the cues (checks.py at 45a31ff)."""
    top = [f for i, (f, q) in enumerate(model_ranked) if i == 0 or q >= 0.25][:2]
    return [*top, *[f for f in rule_families if f not in top]][:3]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    corpus = load_corpus()
    extra = load_project_examples()
    vectors = embeddings_for([*corpus, *extra])
    rows: list[tuple[str, list[str], list[str]]] = []
    differ = 0
    for writer in sorted({e.writer for e in corpus}):
        train = [e for e in corpus if e.writer != writer] + extra
        m = CrimeModel(build_model(train, np.vstack([vectors[e.text] for e in train])))
        for e in (e for e in corpus if e.writer == writer):
            checks.name_families = name_families  # type: ignore[attr-defined]
            new = checks.text_check(e.text, m)
            checks.name_families = old_families  # type: ignore[attr-defined]
            old = checks.text_check(e.text, m)
            checks.name_families = name_families  # type: ignore[attr-defined]
            differ += (new.crime, new.danger_now) != (old.crime, old.danger_now)
            if e.crime and e.family and new.crime:
                rows.append((e.family, old.families, new.families))
        print(f"  {writer} done", file=sys.stderr)
    figures: dict[str, Any] = {"flags_differ": differ, "flagged_crimes": len(rows)}
    for name, pick in (("before", 1), ("after", 2)):
        named = sum(r[0] in r[pick] for r in rows)
        first = sum(bool(r[pick]) and r[pick][0] == r[0] for r in rows)
        per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for r in rows:
            per[r[0]][0] += 1
            per[r[0]][1] += r[0] in r[pick]
            per[r[0]][2] += bool(r[pick]) and r[pick][0] == r[0]
        figures[name] = {
            "named": round(named / len(rows), 4),
            "first": round(first / len(rows), 4),
            "families": {f: [n, round(a / n, 2), round(b / n, 2)] for f, (n, a, b) in per.items()},
        }
    print(f"flags differing between the two orders: {differ}")
    print(f"flagged crimes with a family: {len(rows)}")
    print("| family | flagged | named before | named after | first before | first after |")
    print("|---|---:|---:|---:|---:|---:|")
    for family in sorted(figures["before"]["families"]):
        n, nb, fb = figures["before"]["families"][family]
        _, na, fa = figures["after"]["families"][family]
        print(f"| {family} | {n} | {nb} | {na} | {fb} | {fa} |")
    b, a = figures["before"], figures["after"]
    print(f"| all | {len(rows)} | {b['named']} | {a['named']} | {b['first']} | {a['first']} |")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
