"""Tuning aid for the crime check (ADR 0019): train each leave-one-writer-out fold once and
keep what the decision needs (the rules' flags, the model's probabilities for the whole
text and each sentence, the fold's thresholds), so decision rules and thresholds can be
compared without retraining. Everything it prints is leave-one-writer-out.

    uv run python -m bench.crime_check_tune --build /tmp/crime_folds.pkl   # slow: trains
    uv run python -m bench.crime_check_tune --use /tmp/crime_folds.pkl     # fast: compares
"""

from __future__ import annotations

import argparse
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cairn.intelligence import crime_rules
from cairn.intelligence.crime_corpus import Example, load_corpus, load_project_examples
from cairn.intelligence.crime_model import CrimeModel
from cairn.intelligence.evaluate_crime_check import embeddings_for
from cairn.intelligence.train_crime_model import build_model


@dataclass
class Row:
    example: Example
    rules: bool
    p: float
    pd: float
    threshold: float
    d_threshold: float
    sentences: list[str] = field(default_factory=list)
    sp: list[float] = field(default_factory=list)
    spd: list[float] = field(default_factory=list)
    s_rules: list[bool] = field(default_factory=list)


def build(path: Path) -> None:
    corpus = load_corpus()
    extra = load_project_examples()
    sentences = sorted({s for e in corpus for s in crime_rules.sentences(e.text)})
    vectors = embeddings_for([*corpus, *extra])
    from cairn.intelligence.crime_model import embed

    s_vectors = dict(zip(sentences, embed(sentences), strict=True))
    rows: list[Row] = []
    for writer in sorted({e.writer for e in corpus}):
        train = [e for e in corpus if e.writer != writer] + extra
        artefact = build_model(train, np.vstack([vectors[e.text] for e in train]))
        m = CrimeModel(artefact)
        for e in (e for e in corpus if e.writer == writer):
            f = m.features([e.text], np.asarray([vectors[e.text]]))[0]
            parts = crime_rules.sentences(e.text) or [e.text]
            sf = m.features(parts, np.asarray([s_vectors.get(s, vectors[e.text]) for s in parts]))
            rows.append(
                Row(
                    e,
                    bool(crime_rules.crime_reasons(e.text)),
                    m.crime_probability(f),
                    m.danger_probability(f),
                    m.crime.threshold,
                    m.danger.threshold,
                    parts,
                    [m.crime_probability(x) for x in sf],
                    [m.danger_probability(x) for x in sf],
                    [bool(crime_rules.crime_reasons(s)) for s in parts],
                )
            )
        print(f"  {writer} done", file=sys.stderr)
    path.write_bytes(pickle.dumps(rows))


def _pr(flags: list[bool], truth: list[bool]) -> str:
    tp = sum(f and t for f, t in zip(flags, truth, strict=True))
    fp = sum(f and not t for f, t in zip(flags, truth, strict=True))
    fn = sum(t and not f for f, t in zip(flags, truth, strict=True))
    recall, precision = tp / (tp + fn), tp / max(1, tp + fp)
    return f"recall {recall:.4f} ({tp}/{tp + fn}) precision {precision:.4f} (fp {fp})"


def use(path: Path) -> None:
    rows: list[Row] = pickle.loads(path.read_bytes())
    truth = [r.example.crime for r in rows]
    danger_truth = [bool(r.example.danger_now) for r in rows]
    print("crime, rules only:", _pr([r.rules for r in rows], truth))
    print("crime, model only:", _pr([r.p >= r.threshold for r in rows], truth))
    print(
        "crime, shipped (rules OR model):",
        _pr([r.rules or r.p >= r.threshold for r in rows], truth),
    )
    for t in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6):
        print(f"  crime, rules OR p >= {t}:", _pr([r.rules or r.p >= t for r in rows], truth))
    print("danger, model head only:", _pr([r.pd >= r.d_threshold for r in rows], danger_truth))
    for t in (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5):
        print(f"  danger, p_d >= {t}:", _pr([r.pd >= t for r in rows], danger_truth))
    rule = []
    for r in rows:
        crime = r.rules or r.p >= r.threshold
        best = int(np.argmax(r.sp)) if r.sp else 0
        offence = [s for s, f in zip(r.sentences, r.s_rules, strict=True) if f] or r.sentences[
            best : best + 1
        ]
        rule.append(crime and any(crime_rules.DANGER_NOW.search(s) for s in offence))
    print("danger, phrase in the offence sentence:", _pr(rule, danger_truth))
    for t in (0.05, 0.1, 0.2, 0.3, 0.4):
        flags = [a or r.pd >= t for a, r in zip(rule, rows, strict=True)]
        print(f"  danger, phrase OR p_d >= {t}:", _pr(flags, danger_truth))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", type=Path)
    parser.add_argument("--use", type=Path)
    args = parser.parse_args(argv)
    if args.build:
        build(args.build)
    if args.use or args.build:
        use(args.use or args.build)
    return 0


if __name__ == "__main__":
    sys.exit(main())
