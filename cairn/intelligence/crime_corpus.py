"""The labelled text the crime check learns from and is measured on (docs/crime-check-corpus.md).

- `data/corpus/<writer>.jsonl`: entries written by independent writers, each with their own
  persona and no sight of the rules, the model or each other's text. Fields: text, label
  (crime | intelligence), family (an offence family, "none" for intelligence), danger_now,
  register, hard_negative, writer.
- `data/crime_check_examples.jsonl`: the project's own 236 examples (ADRs 0010, 0013). They
  may be trained on, but they are not an independent writer: leave-one-writer-out figures
  never score them, and they carry no family or danger label.

A sealed set (written last, scored once) has the corpus format and is read by the same
`load_jsonl`; nothing here knows where it lives."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
CORPUS_DIR = DATA_DIR / "corpus"
PROJECT_EXAMPLES = DATA_DIR / "crime_check_examples.jsonl"
PROJECT_WRITER = "project"


@dataclass(frozen=True)
class Example:
    text: str
    crime: bool
    writer: str
    family: str = ""  # "" when not labelled (the project's examples); "none" for intelligence
    danger_now: bool | None = None  # None when not labelled
    register: str = ""
    hard_negative: bool = False
    line: int = 0


def _example(row: dict[str, object], writer: str, line: int) -> Example:
    label = str(row.get("label") or "").strip().lower()
    if label not in ("crime", "intelligence", "intel"):
        raise ValueError(f"{writer} line {line}: label must be crime or intelligence")
    text = str(row.get("text") or "").strip()
    if not text:
        raise ValueError(f"{writer} line {line}: empty text")
    danger = row.get("danger_now")
    return Example(
        text=text,
        crime=label == "crime",
        writer=str(row.get("writer") or writer),
        family=str(row.get("family") or ("none" if label != "crime" else "")).strip(),
        danger_now=None if danger is None else bool(danger),
        register=str(row.get("register") or ""),
        hard_negative=bool(row.get("hard_negative")),
        line=line,
    )


def load_jsonl(path: Path, writer: str | None = None) -> list[Example]:
    """Every entry of one JSONL file (a writer's file or a sealed set), in file order."""
    out = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if raw.strip():
            out.append(_example(json.loads(raw), writer or path.stem, number))
    return out


def writer_files(directory: Path = CORPUS_DIR) -> list[Path]:
    return sorted(directory.glob("*.jsonl"))


def load_corpus(directory: Path = CORPUS_DIR) -> list[Example]:
    """The independent writers' entries, writer by writer in name order."""
    out: list[Example] = []
    for path in writer_files(directory):
        out.extend(load_jsonl(path, path.stem))
    return out


def load_project_examples(path: Path = PROJECT_EXAMPLES) -> list[Example]:
    out = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if raw.strip():
            row = json.loads(raw)
            out.append(
                Example(
                    text=str(row["text"]),
                    crime=row["label"] == "crime",
                    writer=PROJECT_WRITER,
                    family="" if row["label"] == "crime" else "none",
                    line=number,
                )
            )
    return out


def load_training(directory: Path = CORPUS_DIR) -> list[Example]:
    """Everything the shipped model is trained on: the writers' corpus and the project's
    examples (never a sealed set)."""
    return [*load_corpus(directory), *load_project_examples()]
