"""Measure the crime check honestly (ADR 0019, bench/README.md).

    # Leave-one-writer-out: for each independent writer, train on every other writer (and
    # the project's examples), score that writer's entries. The headline figure.
    uv run python -m cairn.intelligence.evaluate_crime_check --lowo

    # A sealed set, scored once with the shipped model (never trained on, never tuned on):
    uv run python -m cairn.intelligence.evaluate_crime_check --sealed /path/to/sealed.jsonl

Both print recall and precision of crime disclosures overall, per offence family (recall,
and how often the family was named), per register, the hard negatives wrongly flagged, and
danger-now recall. `--json FILE` also writes the figures."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .crime_corpus import PROJECT_WRITER, Example, load_corpus, load_jsonl, load_project_examples


@dataclass(frozen=True)
class Prediction:
    crime: bool
    danger_now: bool = False
    families: tuple[str, ...] = ()


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def score(examples: Sequence[Example], predictions: Sequence[Prediction]) -> dict[str, Any]:
    """Recall and precision overall, per family, per register and per writer; danger now."""
    pairs = list(zip(examples, predictions, strict=True))
    tp = sum(e.crime and p.crime for e, p in pairs)
    fp = sum(p.crime and not e.crime for e, p in pairs)
    fn = sum(e.crime and not p.crime for e, p in pairs)
    out: dict[str, Any] = {
        "entries": len(pairs),
        "crime": tp + fn,
        "intelligence": len(pairs) - tp - fn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "recall": _ratio(tp, tp + fn),
        "precision": _ratio(tp, tp + fp),
    }
    danger = [(e, p) for e, p in pairs if e.danger_now]
    labelled = [(e, p) for e, p in pairs if e.danger_now is not None]
    danger_flags = [(e, p) for e, p in labelled if p.danger_now]
    out["danger_now"] = {
        "entries": len(danger),
        "recalled": sum(p.danger_now for _, p in danger),
        "recall": _ratio(sum(p.danger_now for _, p in danger), len(danger)),
        "flagged": len(danger_flags),
        "precision": _ratio(sum(bool(e.danger_now) for e, _ in danger_flags), len(danger_flags)),
        "crime_recall": _ratio(sum(p.crime for _, p in danger), len(danger)),
        "missed": [e.text for e, p in danger if not p.danger_now],
    }
    families: dict[str, list[tuple[Example, Prediction]]] = defaultdict(list)
    for e, p in pairs:
        if e.crime:
            families[e.family or "unlabelled"].append((e, p))
    out["families"] = {
        family: {
            "entries": len(rows),
            "recalled": sum(p.crime for _, p in rows),
            "recall": _ratio(sum(p.crime for _, p in rows), len(rows)),
            "named": _ratio(
                sum(e.family in p.families for e, p in rows if p.crime),
                sum(p.crime for _, p in rows),
            ),
        }
        for family, rows in sorted(families.items())
    }
    flagged = [(e, p) for e, p in pairs if e.crime and p.crime and e.family]
    out["family_named"] = _ratio(sum(e.family in p.families for e, p in flagged), len(flagged))
    out["family_first"] = _ratio(
        sum(bool(p.families) and p.families[0] == e.family for e, p in flagged), len(flagged)
    )
    registers: dict[str, list[tuple[Example, Prediction]]] = defaultdict(list)
    for e, p in pairs:
        registers[e.register or "-"].append((e, p))
    out["registers"] = {
        r: {
            "crime": sum(e.crime for e, _ in rows),
            "recall": _ratio(
                sum(e.crime and p.crime for e, p in rows), sum(e.crime for e, _ in rows)
            ),
            "false_flags": sum(p.crime and not e.crime for e, p in rows),
        }
        for r, rows in sorted(registers.items())
    }
    hard = [(e, p) for e, p in pairs if e.hard_negative and not e.crime]
    out["hard_negatives"] = {
        "entries": len(hard),
        "wrongly_flagged": sum(p.crime for _, p in hard),
    }
    writers: dict[str, list[tuple[Example, Prediction]]] = defaultdict(list)
    for e, p in pairs:
        writers[e.writer].append((e, p))
    out["writers"] = {
        w: {
            "entries": len(rows),
            "recall": _ratio(
                sum(e.crime and p.crime for e, p in rows), sum(e.crime for e, _ in rows)
            ),
            "precision": _ratio(
                sum(e.crime and p.crime for e, p in rows), sum(p.crime for _, p in rows)
            ),
        }
        for w, rows in sorted(writers.items())
    }
    out["missed"] = [
        f"[{e.writer}/{e.family}] {e.text}" for e, p in pairs if e.crime and not p.crime
    ]
    out["false_flags"] = [f"[{e.writer}] {e.text}" for e, p in pairs if p.crime and not e.crime]
    return out


def v2_predictor(artefact: dict[str, Any] | None = None) -> Callable[[str], Prediction]:
    """The shipped check (or one built from `artefact`) as a predictor."""
    from .checks import text_check
    from .crime_model import CrimeModel, model

    m = CrimeModel(artefact) if artefact is not None else model()

    def predict(text: str) -> Prediction:
        found = text_check(text, m)
        return Prediction(found.crime, found.danger_now, tuple(found.families))

    return predict


def leave_one_writer_out(
    corpus: Sequence[Example],
    extra: Sequence[Example],
    fit: Callable[[list[Example]], Callable[[str], Prediction]],
    progress: bool = True,
) -> tuple[list[Example], list[Prediction]]:
    """For each writer in `corpus`: fit on every other writer plus `extra`, predict it."""
    writers = sorted({e.writer for e in corpus})
    examples: list[Example] = []
    predictions: list[Prediction] = []
    for writer in writers:
        started = time.monotonic()
        train = [e for e in corpus if e.writer != writer] + list(extra)
        predict = fit(train)
        held = [e for e in corpus if e.writer == writer]
        examples.extend(held)
        predictions.extend(predict(e.text) for e in held)
        if progress:
            print(
                f"  {writer}: {len(held)} scored in {time.monotonic() - started:.1f} s",
                file=sys.stderr,
            )
    return examples, predictions


def v2_fit(embeddings: dict[str, Any]) -> Callable[[list[Example]], Callable[[str], Prediction]]:
    import numpy as np

    from .train_crime_model import build_model

    def fit(train: list[Example]) -> Callable[[str], Prediction]:
        vectors = np.vstack([embeddings[e.text] for e in train])
        return v2_predictor(build_model(train, vectors))

    return fit


def embeddings_for(examples: Sequence[Example]) -> dict[str, Any]:
    from .crime_model import embed

    texts = sorted({e.text for e in examples})
    return dict(zip(texts, embed(texts), strict=True))


def report(title: str, figures: dict[str, Any], *, show_misses: bool = True) -> str:
    lines = [f"## {title}", ""]
    lines.append(
        f"entries {figures['entries']} (crime {figures['crime']}, intelligence "
        f"{figures['intelligence']}): recall {figures['recall']} ({figures['tp']}/"
        f"{figures['crime']}), precision {figures['precision']} ({figures['tp']}/"
        f"{figures['tp'] + figures['fp']})"
    )
    d = figures["danger_now"]
    lines.append(
        f"danger now: recall {d['recall']} ({d['recalled']}/{d['entries']}), flagged "
        f"{d['flagged']}, precision {d['precision']}; danger-now entries flagged as crime "
        f"{d['crime_recall']}"
    )
    lines.append(
        f"family named among flagged crimes: {figures['family_named']} (first: "
        f"{figures['family_first']})"
    )
    h = figures["hard_negatives"]
    lines.append(f"hard negatives wrongly flagged: {h['wrongly_flagged']}/{h['entries']}")
    lines.append("")
    lines.append("| family | crimes | recalled | recall | family named |")
    lines.append("|---|---:|---:|---:|---:|")
    for family, f in figures["families"].items():
        lines.append(
            f"| {family} | {f['entries']} | {f['recalled']} | {f['recall']} | {f['named']} |"
        )
    lines.append("")
    lines.append("| register | crimes | recall | false flags |")
    lines.append("|---|---:|---:|---:|")
    for register, r in figures["registers"].items():
        lines.append(f"| {register} | {r['crime']} | {r['recall']} | {r['false_flags']} |")
    lines.append("")
    lines.append("| writer | entries | recall | precision |")
    lines.append("|---|---:|---:|---:|")
    for writer, w in figures["writers"].items():
        lines.append(f"| {writer} | {w['entries']} | {w['recall']} | {w['precision']} |")
    if show_misses:
        lines.append("")
        lines.append(f"missed ({len(figures['missed'])}):")
        lines.extend(f"- {m}" for m in figures["missed"])
        lines.append(f"false flags ({len(figures['false_flags'])}):")
        lines.extend(f"- {m}" for m in figures["false_flags"])
        lines.append(f"danger now missed ({len(d['missed'])}):")
        lines.extend(f"- {m}" for m in d["missed"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--lowo", action="store_true", help="leave-one-writer-out over the corpus")
    mode.add_argument("--sealed", type=Path, help="score this JSONL file with the shipped model")
    parser.add_argument("--corpus", type=Path, help="corpus folder (default: the committed one)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--quiet", action="store_true", help="do not list misses and false flags")
    args = parser.parse_args(argv)
    if args.sealed:
        examples = load_jsonl(args.sealed)
        predict = v2_predictor()
        predictions = [predict(e.text) for e in examples]
        title = f"Sealed set {args.sealed.name}, shipped model"
    else:
        corpus = load_corpus(args.corpus) if args.corpus else load_corpus()
        extra = load_project_examples()
        assert all(e.writer != PROJECT_WRITER for e in corpus)
        examples, predictions = leave_one_writer_out(
            corpus, extra, v2_fit(embeddings_for([*corpus, *extra]))
        )
        title = f"Leave-one-writer-out, {len({e.writer for e in corpus})} writers"
    figures = score(examples, predictions)
    print(report(title, figures, show_misses=not args.quiet))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
