"""The v1 crime check (rules + the pure-Python word classifier, ADR 0013) on the corpus,
for the old-versus-new comparison in bench/README.md and ADR 0019.

    uv run python -m bench.crime_check_v1                 # v1 as shipped, on every writer
    uv run python -m bench.crime_check_v1 --retrained     # also: v1's classifier retrained
                                                          # leave-one-writer-out (slow)

v1 is read from git at V1_COMMIT (checks.py, train_crime_model.py and its model file), so
the comparison stays reproducible after v2 replaced it. "As shipped" is v1 never trained
on the corpus, so every writer is unseen by it: that is its leave-one-writer-out figure.
"Retrained" gives the old algorithm the same data v2 gets (the other writers plus the
project's examples) in each fold."""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import types
from collections.abc import Callable
from pathlib import Path

from cairn.intelligence.crime_corpus import Example, load_corpus, load_project_examples
from cairn.intelligence.evaluate_crime_check import (
    Prediction,
    leave_one_writer_out,
    report,
    score,
)

V1_COMMIT = "51c76e5"
ROOT = Path(__file__).resolve().parent.parent


def _git_show(path: str) -> str:
    return subprocess.run(
        ["git", "show", f"{V1_COMMIT}:{path}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def load_v1() -> tuple[types.ModuleType, types.ModuleType]:
    """v1's checks and train_crime_model modules, from git, in a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="crime_v1_"))
    (folder / "data").mkdir()
    (folder / "data" / "crime_model.json").write_text(
        _git_show("cairn/intelligence/data/crime_model.json")
    )
    (folder / "checks.py").write_text(_git_show("cairn/intelligence/checks.py"))
    train = _git_show("cairn/intelligence/train_crime_model.py").replace(
        "from cairn.intelligence.checks import", "from crime_v1_checks import"
    )
    (folder / "train.py").write_text(train)
    modules = []
    for name, file in (("crime_v1_checks", "checks.py"), ("crime_v1_train", "train.py")):
        spec = importlib.util.spec_from_file_location(name, folder / file)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        modules.append(module)
    return modules[0], modules[1]


def shipped_predictor(v1: types.ModuleType) -> Callable[[str], Prediction]:
    def predict(text: str) -> Prediction:
        result = v1.check(text)
        danger = any("may be happening now" in r for r in result.reasons)
        return Prediction(bool(result.crime_disclosure), danger)

    return predict


def retrained_fit(
    v1: types.ModuleType, train_module: types.ModuleType
) -> Callable[[list[Example]], Callable[[str], Prediction]]:
    def fit(train: list[Example]) -> Callable[[str], Prediction]:
        rows = [{"text": e.text, "label": "crime" if e.crime else "intel"} for e in train]
        built = train_module.build_model(rows, exclude=frozenset())

        def predict(text: str) -> Prediction:
            p = v1.probability(built["bias"], built["weights"], v1.featurise(text))
            return Prediction(bool(v1.crime_reasons(text)) or p >= built["threshold"])

        return predict

    return fit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--retrained", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    v1, train_module = load_v1()
    corpus = load_corpus()
    shipped = shipped_predictor(v1)
    figures = {"shipped": score(corpus, [shipped(e.text) for e in corpus])}
    print(
        report(
            "v1 as shipped (never trained on the corpus)",
            figures["shipped"],
            show_misses=not args.quiet,
        )
    )
    if args.retrained:
        examples, predictions = leave_one_writer_out(
            corpus, load_project_examples(), retrained_fit(v1, train_module)
        )
        figures["retrained"] = score(examples, predictions)
        print()
        print(
            report(
                "v1 retrained leave-one-writer-out",
                figures["retrained"],
                show_misses=not args.quiet,
            )
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
