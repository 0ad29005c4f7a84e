"""The semantic crime-disclosure model (ADR 0019): inference from the committed artefact.

Features of a text, in four blocks (each scaled by a weight stored in the artefact):
- **embedding**: WordLlama's 256-d sentence embedding (MIT; its weights ship inside the
  PyPI wheel, so nothing is downloaded: `embedder()` loads it from the installed package
  folder with downloads disabled), normalised to unit length;
- **word**: TF-IDF of words and word pairs (sublinear tf, l2-normalised);
- **char**: TF-IDF of character 3-5-grams within words ("yp", "u/k", misspellings);
- **hand**: the rules' building blocks (crime_rules.building_blocks), 0 or 1.

Three linear heads read them: **crime** (a calibrated logistic regression: Platt sigmoid
fitted on out-of-fold scores; flag at or above its threshold), **danger now** (the same
shape, trained on the danger-now labels) and **family** (multinomial logistic regression
over the embedding and the building blocks, naming the offence family). The artefact
(`data/crime_model.json`) holds vocabularies, idf, coefficients and thresholds; it is
written by `train_crime_model.py` (deterministic) and read once per process. The nearest
labelled examples (for explanations) are the corpus's crime entries, embedded at load.

The TF-IDF arithmetic here mirrors scikit-learn's TfidfVectorizer (sublinear tf, smooth
idf, l2 norm) over the same analyzers; a test pins that they agree."""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import chain, pairwise
from pathlib import Path
from typing import Any

import numpy as np

from . import crime_rules
from .crime_corpus import Example, load_corpus

MODEL_FILE = Path(__file__).parent / "data" / "crime_model.json"
EMBED_DIM = 256
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.intp]]

WORD_PARAMS: dict[str, Any] = {
    "analyzer": "word",
    "ngram_range": (1, 2),
    "token_pattern": r"(?u)\b\w[\w']*\b",
    "lowercase": True,
}
CHAR_PARAMS: dict[str, Any] = {"analyzer": "char_wb", "ngram_range": (3, 5), "lowercase": True}


def normalise_text(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'").strip()


@cache
def embedder() -> Any:
    """WordLlama (256-d), from the weights and tokenizer inside the installed package. The
    package looks for its tokenizer in a misspelt folder ("tokenizer/" beside the module,
    where the wheel ships "tokenizers/"), so the package folder itself is passed as the
    cache folder, where "tokenizers/" is found; downloads are disabled, so a missing file
    raises rather than fetching."""
    import wordllama
    from wordllama import WordLlama

    # The check tokenizes one entry's few sentences at a time: the tokenizer's thread pool
    # costs more CPU than it saves there, and must not be started before gunicorn forks
    # (deploy/gunicorn.conf.py sets the same). An explicit setting is kept.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    folder = Path(wordllama.__file__).parent
    return WordLlama.load(cache_dir=folder, dim=EMBED_DIM, disable_download=True)


def embed(texts: Sequence[str]) -> FloatArray:
    """Unit-length embeddings, one row per text (an empty text embeds as zeros).

    WordLlama's own `embed`, done more cheaply with the same arithmetic (a test pins that
    the rows are bit for bit the same): the texts tokenized in one call, then each text's
    tokens' vectors (without the padding the call adds to all but the longest) summed in
    float32 in token order and divided by their count. The package multiplies a padded
    array by the mask instead, which costs more than the sum on an entry's sentences."""
    if not texts:
        return np.zeros((0, EMBED_DIM))
    wordllama = embedder()
    table = wordllama.embedding
    pooled = np.empty((len(texts), table.shape[1]), dtype=np.float32)
    encodings = wordllama.tokenizer.encode_batch(
        [normalise_text(t) or "." for t in texts], is_pretokenized=False, add_special_tokens=False
    )
    for i, encoding in enumerate(encodings):
        count = sum(encoding.attention_mask)  # padding comes after the tokens, masked out
        ids = np.asarray(encoding.ids[:count], dtype=np.int32)
        # WordLlama clips the ids to its table; they are never negative, so the upper bound
        # alone does it (np.minimum costs less than np.clip's checks).
        np.minimum(ids, table.shape[0] - 1, out=ids)
        pooled[i] = table[ids].sum(axis=0, dtype=np.float32) / np.float32(max(count, 1))
    out = pooled.astype(np.float64)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)


@cache
def analyzer(kind: str) -> Callable[[str], list[str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    params = WORD_PARAMS if kind == "word" else CHAR_PARAMS
    built: Callable[[str], list[str]] = TfidfVectorizer(**params).build_analyzer()
    return built


# scikit-learn's analysers, as the model's TF-IDF rows compute them (`_terms`): the word
# analyser's token pattern, and the white space the character analyser squeezes before it
# splits a text into words.
TOKEN = re.compile(WORD_PARAMS["token_pattern"])
WHITE_SPACES = re.compile(r"\s\s+")
# How many words' character n-gram columns a process keeps (a few MB at most): the words
# people write repeat from entry to entry, so most words of an entry are found here.
MAX_CACHED_WORDS = 20_000


# Sublinear term frequency, 1 + log(count), looked up by count (math.log's values, as before;
# a count beyond the table, in a text far longer than an entry, is worked out on its own).
SUBLINEAR_TF: FloatArray = np.array([0.0] + [1.0 + math.log(c) for c in range(1, 1024)])


def sublinear_tf(counts: IntArray) -> FloatArray:
    """1 + log(count) for each count (all at least 1)."""
    if counts.size and counts.max() >= len(SUBLINEAR_TF):
        return np.array([1.0 + math.log(c) for c in counts.tolist()])
    return SUBLINEAR_TF[counts]


def ordered_sum(values: FloatArray) -> float:
    """The sum of `values` added one by one in order, as Python 3.11's `sum` of floats adds
    them (numpy's `sum` adds in pairs, Python 3.12's compensates; either can differ in the
    last bits): the scores stay bit for bit those of the one-value-at-a-time arithmetic this
    replaced, and of the artefact's pinned examples."""
    return float(np.add.accumulate(values)[-1]) if values.size else 0.0


def char_wb_ngrams(word: str) -> list[str]:
    """The character n-grams (3 to 5) of one word, padded with a space each side, as
    scikit-learn's "char_wb" analyser makes them (a word shorter than n counts once)."""
    padded = " " + word + " "
    size = len(padded)
    out: list[str] = []
    for n in range(CHAR_PARAMS["ngram_range"][0], CHAR_PARAMS["ngram_range"][1] + 1):
        if size <= n:
            out.append(padded)
            break
        out.extend([padded[i : i + n] for i in range(size - n + 1)])
    return out


@dataclass(frozen=True)
class TfidfBlock:
    """A fitted TF-IDF vocabulary: term -> (column, idf)."""

    kind: str
    index: dict[str, int]
    idf: FloatArray
    # Character block: a word -> the columns of its n-grams that are in the vocabulary.
    word_columns: dict[str, tuple[int, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def from_json(cls, kind: str, data: dict[str, Any]) -> TfidfBlock:
        terms = data["vocabulary"]
        return cls(kind, {t: i for i, t in enumerate(terms)}, np.asarray(data["idf"], dtype=float))

    def _terms(self, text: str) -> list[int]:
        """The columns of the text's terms that are in the vocabulary, one per occurrence:
        the analyser's terms (`analyzer(kind)`: lower case, then words and word pairs, or
        each word's character n-grams), counted the same, without making the terms the
        vocabulary lacks (most of the character n-grams) or any word's n-grams twice."""
        lower = normalise_text(text).lower()
        get = self.index.get
        if self.kind == "word":
            tokens = TOKEN.findall(lower)
            terms = chain(tokens, map(" ".join, pairwise(tokens)))
            return [c for c in map(get, terms) if c is not None]
        cache = self.word_columns
        out: list[int] = []
        for word in WHITE_SPACES.sub(" ", lower).split():
            columns = cache.get(word)
            if columns is None:
                columns = tuple(c for c in map(get, char_wb_ngrams(word)) if c is not None)
                if len(cache) < MAX_CACHED_WORDS:
                    cache[word] = columns
            out.extend(columns)
        return out

    def row(self, text: str) -> tuple[IntArray, FloatArray]:
        """Columns (ascending) and l2-normalised sublinear tf-idf values of one text: whole
        arrays at a time, with the same floating-point steps as one value at a time."""
        cols, counts = np.unique(np.array(self._terms(text), dtype=np.intp), return_counts=True)
        values = sublinear_tf(counts) * self.idf[cols]
        norm = math.sqrt(ordered_sum(values * values))
        return cols, values / norm if norm else values


@dataclass(frozen=True)
class LinearHead:
    """One logistic regression over the four feature blocks, with its Platt calibration
    (p = 1 / (1 + exp(a * z + b)) for the raw score z) and decision threshold."""

    embedding: FloatArray
    word: FloatArray
    char: FloatArray
    hand: FloatArray
    intercept: float
    a: float
    b: float
    threshold: float

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearHead:
        coef = data["coef"]
        return cls(
            embedding=np.asarray(coef["embedding"], dtype=float),
            word=np.asarray(coef["word"], dtype=float),
            char=np.asarray(coef["char"], dtype=float),
            hand=np.asarray(coef["hand"], dtype=float),
            intercept=float(data["intercept"]),
            a=float(data["calibration"]["a"]),
            b=float(data["calibration"]["b"]),
            threshold=float(data["threshold"]),
        )

    def probability(self, z: float) -> float:
        t = self.a * z + self.b
        if t >= 0:
            return math.exp(-t) / (1.0 + math.exp(-t))
        return 1.0 / (1.0 + math.exp(t))


@dataclass(frozen=True)
class Features:
    embedding: FloatArray  # unit length, unscaled
    word: tuple[IntArray, FloatArray]
    char: tuple[IntArray, FloatArray]
    hand: FloatArray


@dataclass(frozen=True)
class Neighbour:
    text: str
    family: str
    similarity: float


class CrimeModel:
    """The committed artefact, ready to score texts."""

    def __init__(self, data: dict[str, Any]) -> None:
        features = data["features"]
        self.data = data
        self.scales: dict[str, float] = {k: float(v) for k, v in features["scales"].items()}
        self.word = TfidfBlock.from_json("word", features["word"])
        self.char = TfidfBlock.from_json("char", features["char"])
        self.hand_names: list[str] = list(features["hand"])
        self.crime = LinearHead.from_json(data["crime"])
        self.danger = LinearHead.from_json(data["danger"])
        self.danger_alone = float(data["danger"]["alone"])
        families = data["families"]
        self.family_classes: list[str] = list(families["classes"])
        self.family_coef = np.asarray(families["coef"], dtype=float)
        self.family_intercept = np.asarray(families["intercept"], dtype=float)

    def features(
        self, texts: Sequence[str], embeddings: FloatArray | None = None, *, hand: bool = True
    ) -> list[Features]:
        """Each text's features. `hand=False` leaves out the rules' building blocks (all
        zero): cheaper, for ranking a text's own sentences against each other."""
        vectors = embed(texts) if embeddings is None else embeddings
        out = []
        for text, vector in zip(texts, vectors, strict=True):
            row = self.hand_row(text) if hand else np.zeros(len(self.hand_names))
            out.append(Features(vector, self.word.row(text), self.char.row(text), row))
        return out

    def hand_row(self, text: str, within: str | None = None) -> FloatArray:
        """The rules' building blocks of `text`, in the artefact's order, 0 or 1 (`within`:
        the text `text` is a sentence of, if it is one)."""
        blocks = crime_rules.building_blocks(text, within)
        return np.asarray([1.0 if blocks.get(n) else 0.0 for n in self.hand_names])

    def raw_score(self, head: LinearHead, f: Features) -> float:
        s = self.scales
        z = head.intercept
        z += s["embedding"] * float(f.embedding @ head.embedding)
        # The products summed in column order, as before (the same floating-point result).
        z += s["word"] * ordered_sum(head.word[f.word[0]] * f.word[1])
        z += s["char"] * ordered_sum(head.char[f.char[0]] * f.char[1])
        z += s["hand"] * float(f.hand @ head.hand)
        return z

    def crime_probability(self, f: Features) -> float:
        return self.crime.probability(self.raw_score(self.crime, f))

    def danger_probability(self, f: Features) -> float:
        return self.danger.probability(self.raw_score(self.danger, f))

    def family_probabilities(self, f: Features) -> list[tuple[str, float]]:
        x = np.concatenate([f.embedding, f.hand])
        z = self.family_coef @ x + self.family_intercept
        z = np.exp(z - z.max())
        p = z / z.sum()
        order = sorted(range(len(p)), key=lambda i: (-p[i], self.family_classes[i]))
        return [(self.family_classes[i], float(p[i])) for i in order]

    def nearest(
        self, embedding: FloatArray, k: int = 2, families: Sequence[str] = ()
    ) -> list[Neighbour]:
        """The `k` labelled crime entries whose embeddings are closest to `embedding`. Given
        `families`, the first is the closest of the first family and the others the closest
        of any of them (each family that has examples; otherwise any family)."""
        bank = example_bank()
        if not bank[0]:
            return []
        sims = bank[1] @ embedding
        if families:
            return self._nearest_of(sims, k, families)
        # The first k of a stable sort by similarity, without sorting the whole bank: every
        # example at least as similar as the k-th most similar, in bank order, then sorted.
        if 0 < k < len(sims):
            kth = np.partition(sims, len(sims) - k)[len(sims) - k]
            candidates = np.flatnonzero(sims >= kth)
            order = candidates[np.argsort(-sims[candidates], kind="stable")][:k]
        else:
            order = np.argsort(-sims, kind="stable")[:k]
        return [Neighbour(bank[0][i].text, bank[0][i].family, float(sims[i])) for i in order]

    def _nearest_of(self, sims: FloatArray, k: int, families: Sequence[str]) -> list[Neighbour]:
        examples, _ = example_bank()
        labels = bank_families()
        # Ties go to the earlier example, as in the stable sort above.
        first = np.where(labels == families[0], sims, -np.inf)
        rest = np.where(np.isin(labels, list(families)), sims, -np.inf)
        picks: list[int] = []
        for scores in (first, rest, sims.copy()):
            scores[picks] = -np.inf
            while len(picks) < k and np.isfinite(scores.max()):
                i = int(scores.argmax())
                picks.append(i)
                scores[i] = -np.inf
                if scores is first:
                    break
        return [Neighbour(examples[i].text, examples[i].family, float(sims[i])) for i in picks]


@cache
def model() -> CrimeModel:
    """The committed model, read once per process."""
    return CrimeModel(json.loads(MODEL_FILE.read_text(encoding="utf-8")))


@cache
def example_bank() -> tuple[list[Example], FloatArray]:
    """The corpus's crime entries (independent writers only) and their embeddings: the
    "reads like" examples. Embedded once per process."""
    examples = [e for e in load_corpus() if e.crime and e.family not in ("", "none")]
    return examples, embed([e.text for e in examples])


@cache
def bank_families() -> np.ndarray[Any, np.dtype[np.str_]]:
    """The example bank's families, one per example, for picking examples of a family."""
    return np.asarray([e.family for e in example_bank()[0]])


def warm() -> None:
    """Load everything the check reads once per process (the artefact, WordLlama, the
    n-gram analysers and the example bank; scikit-learn is imported on the way). gunicorn
    calls it in the master before forking (deploy/gunicorn.conf.py), so every worker
    shares it: loaded by each worker instead, about 4 s of CPU apiece, a full set of
    workers starting together on two cores outran the worker timeout."""
    model()
    embedder()
    analyzer("word")
    analyzer("char")
    example_bank()
    bank_families()


FAMILY_LABELS = {
    "sexual_offence": "sexual offence",
    "grooming_sexual_communication": "grooming or sexual communication with a child",
    "online_abuse": "online abuse",
    "image_based_abuse": "image-based abuse or sextortion",
    "trafficking_cce": "trafficking, slavery or criminal exploitation",
    "held_against_will": "held against their will",
    "violence": "violence",
    "threats": "threats",
    "kidnap_abduction": "kidnap or abduction",
    "drug_supply": "drug supply",
    "robbery": "robbery",
    "weapons": "weapons",
    "arson": "arson",
    "criminal_damage": "criminal damage",
    "theft_burglary": "theft or burglary",
    "financial_abuse": "financial abuse",
    "domestic_abuse": "domestic abuse",
    "cruelty_neglect": "cruelty or neglect",
    "fgm": "female genital mutilation",
    "forced_marriage": "forced marriage",
    "stalking_harassment": "stalking or harassment",
}


def family_label(code: str) -> str:
    return FAMILY_LABELS.get(code, code.replace("_", " "))
