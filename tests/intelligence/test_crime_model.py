"""The semantic model's machinery (ADR 0019): the committed artefact is what the training
command makes from the committed corpus (one retraining, the only one in the suite); the
hand-written TF-IDF arithmetic agrees with scikit-learn's; WordLlama loads from the
installed package with downloads disabled; the corpus files are well formed."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from cairn.intelligence import crime_corpus, crime_model, crime_rules, train_crime_model


@pytest.mark.slow
def test_retraining_reproduces_the_committed_artefact() -> None:
    """Deterministic training: same corpus, same file, byte for byte (about 20 s)."""
    expected = train_crime_model.dumps(train_crime_model.build_model(crime_corpus.load_training()))
    assert crime_model.MODEL_FILE.read_text(encoding="utf-8") == expected, (
        "rerun `uv run python -m cairn.intelligence.train_crime_model` and commit the file"
    )


def test_artefact_is_small_and_describes_its_training() -> None:
    size = crime_model.MODEL_FILE.stat().st_size
    assert size < 2_000_000, size
    data = json.loads(crime_model.MODEL_FILE.read_text(encoding="utf-8"))
    training = data["training"]
    assert training["examples"] == len(crime_corpus.load_training())
    assert "project" in training["writers"] and len(training["writers"]) == 15
    assert 0 < data["crime"]["threshold"] < 1
    assert data["danger"]["threshold"] < data["danger"]["alone"]
    m = crime_model.model()
    assert m is crime_model.model()  # read once per process
    assert len(m.crime.embedding) == crime_model.EMBED_DIM
    assert len(m.crime.word) == len(m.word.index) and len(m.crime.char) == len(m.char.index)


def test_tfidf_rows_match_scikit_learn() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [e.text for e in crime_corpus.load_corpus()[:300]]
    for kind, params in (
        ("word", crime_model.WORD_PARAMS),
        ("char", crime_model.CHAR_PARAMS),
    ):
        vec = TfidfVectorizer(**params, sublinear_tf=True, min_df=2)
        matrix = vec.fit_transform([crime_model.normalise_text(t) for t in texts])
        terms = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
        block = crime_model.TfidfBlock.from_json(kind, {"vocabulary": terms, "idf": list(vec.idf_)})
        for i in (0, 7, 150, 299):
            cols, values = block.row(texts[i])
            expected = matrix[i].toarray().ravel()
            ours = np.zeros_like(expected)
            ours[cols] = values
            np.testing.assert_allclose(ours, expected, atol=1e-9)


def test_ordered_sum_adds_one_by_one_in_order() -> None:
    values = np.array([1e16, 1.0, -1e16, 1.0, 0.1, 0.2, 0.3, 1e-9, 3.0, 7.0])
    expected = 0.0
    for v in values.tolist():
        expected += v
    assert crime_model.ordered_sum(values) == expected
    assert crime_model.ordered_sum(np.array([])) == 0.0


def test_sublinear_tf_is_one_plus_log_within_and_beyond_its_table() -> None:
    counts = np.array([1, 2, 7, 1023, 1024, 5000])
    expected = [1.0 + math.log(c) for c in counts.tolist()]
    assert crime_model.sublinear_tf(counts).tolist() == expected
    assert crime_model.sublinear_tf(counts[:3]).tolist() == expected[:3]


AWKWARD_TEXTS = [
    "",
    "   ",
    "a",
    "He HIT her.  Twice!\tThen\n\nleft\u00a0at 14:25\u2028now",
    "\u0130 was hit; \u017ftole her phone, \u212aicked him",
    "\u00c9LODIE (14) said he\u2019d \u2018kill\u2019 her \u2014 right now...",
    "ab abc abcd abcde abcdef x y'z 'quoted' dogs' don't",
    "\u03a3\u039f\u03a3 \u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3 emoji \U0001f600 end",
]


def test_tfidf_terms_are_the_analysers_terms_in_the_vocabulary() -> None:
    """The rows count exactly the terms scikit-learn's analysers make that the vocabulary
    holds (the rows skip making the rest, and remember each word's character n-grams)."""
    m = crime_model.model()
    entries = [*crime_corpus.load_corpus(), *crime_corpus.load_project_examples()]
    texts = [e.text for e in entries] + AWKWARD_TEXTS
    texts += [s for t in texts for s in crime_rules.sentences(t)]
    for block in (m.word, m.char):
        analyse = crime_model.analyzer(block.kind)
        for _ in range(2):  # the second time, the character block reads its remembered words
            for text in texts:
                expected = Counter(
                    block.index[t]
                    for t in analyse(crime_model.normalise_text(text))
                    if t in block.index
                )
                assert Counter(block._terms(text)) == expected, (block.kind, text)


def test_embed_is_wordllamas_embedding_bit_for_bit() -> None:
    """`embed` pools the tokens itself; the rows are exactly those of WordLlama's `embed`
    (then made unit length), for one text and for an entry's sentences together."""
    wordllama = crime_model.embedder()

    def reference(texts: list[str]) -> np.ndarray:
        raw = np.asarray(
            wordllama.embed([crime_model.normalise_text(t) or "." for t in texts]),
            dtype=np.float64,
        )
        norms = np.linalg.norm(raw, axis=1, keepdims=True)
        return np.divide(raw, norms, out=np.zeros_like(raw), where=norms > 0)

    entries = [*crime_corpus.load_corpus()[::3], *crime_corpus.load_project_examples()[::3]]
    for text in [e.text for e in entries] + AWKWARD_TEXTS:
        for group in ([text], crime_rules.sentences(text) or [text]):
            assert np.array_equal(crime_model.embed(group), reference(group)), group


def test_wordllama_loads_from_the_package_without_downloading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import wordllama

    folder = Path(wordllama.__file__).parent
    assert (folder / "weights" / "l2_supercat_256.safetensors").exists()
    assert (folder / "tokenizers" / "l2_supercat_tokenizer_config.json").exists()

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("WordLlama tried to download")

    monkeypatch.setattr("requests.get", no_network)
    crime_model.embedder.cache_clear()
    try:
        vectors = crime_model.embed(["A man is hitting her right now.", ""])
    finally:
        crime_model.embedder.cache_clear()
    assert vectors.shape == (2, crime_model.EMBED_DIM)
    assert abs(float(np.linalg.norm(vectors[0])) - 1.0) < 1e-6
    assert not vectors[1].any() or abs(float(np.linalg.norm(vectors[1])) - 1.0) < 1e-6


def test_corpus_files_are_well_formed() -> None:
    files = crime_corpus.writer_files()
    assert len(files) == 14
    corpus = crime_corpus.load_corpus()
    assert len(corpus) >= 2500
    writers = {e.writer for e in corpus}
    assert writers == {f.stem for f in files}
    for example in corpus:
        assert example.family == "none" or example.crime, example
        assert example.danger_now is not None
        assert not example.danger_now or example.crime, example
    families = {e.family for e in corpus if e.crime}
    assert len(families) >= 19 and "" not in families
    project = crime_corpus.load_project_examples()
    assert len(project) == 270 and {e.writer for e in project} == {crime_corpus.PROJECT_WRITER}


def test_a_sealed_file_reads_with_the_same_loader(tmp_path: Path) -> None:
    path = tmp_path / "sealed.jsonl"
    path.write_text(
        json.dumps(
            {
                "text": "He hit me.",
                "label": "crime",
                "family": "violence",
                "danger_now": False,
                "register": "plain",
                "hard_negative": False,
                "writer": "sealed",
            }
        )
        + "\n\n"
    )
    (row,) = crime_corpus.load_jsonl(path)
    assert row.crime and row.family == "violence" and row.writer == "sealed"
    path.write_text(json.dumps({"text": "x", "label": "maybe"}) + "\n")
    with pytest.raises(ValueError, match="label must be crime or intelligence"):
        crime_corpus.load_jsonl(path)


def test_sealed_command_scores_a_file_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cairn.intelligence import evaluate_crime_check

    rows = [
        ("I can hear a child screaming for help next door right now.", "crime", "violence", True),
        (
            "A man is sending sexual messages to a 12 year old and meeting her tonight.",
            "crime",
            "grooming_sexual_communication",
            True,
        ),
        (
            "Grey Corsa NM12 XYZ parked outside the school at 15:15 on Monday.",
            "intelligence",
            "none",
            False,
        ),
    ]
    path = tmp_path / "sealed.jsonl"
    path.write_text(
        "".join(
            json.dumps(
                {
                    "text": t,
                    "label": lab,
                    "family": fam,
                    "danger_now": d,
                    "register": "plain",
                    "hard_negative": False,
                    "writer": "sealed",
                }
            )
            + "\n"
            for t, lab, fam, d in rows
        )
    )
    out_json = tmp_path / "figures.json"
    assert evaluate_crime_check.main(["--sealed", str(path), "--json", str(out_json)]) == 0
    printed = capsys.readouterr().out
    assert "Sealed set sealed.jsonl" in printed and "recall 1.0 (2/2)" in printed
    assert "danger now: recall 1.0 (2/2)" in printed
    figures = json.loads(out_json.read_text())
    assert figures["fp"] == 0 and set(figures["families"]) == {
        "violence",
        "grooming_sexual_communication",
    }
