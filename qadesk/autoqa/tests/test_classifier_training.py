"""The pieces that make the contact-reason classifier train fast (issue 11): the char_wb n-grams counted by word and
the word 1–2-grams counted with arrays give scikit-learn's matrices exactly; the Platt sigmoids fitted on out-of-fold
scores give probabilities that sum to 1 and grow with the label's score; past TRAIN_SAMPLE and CV_SAMPLE examples it
learns from and cross-validates stratified samples; and on the demo's transcripts the held-out accuracy is within half
a point of the model before."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from sklearn.calibration import CalibratedClassifierCV, _sigmoid_calibration
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits

from qadesk.autoqa import classifier
from qadesk.autoqa.learning import CharWordGrams, WordGrams, platt
from qadesk.autoqa.tests.synthetic import examples
from qadesk.demo.generator import demo_records, demo_roster


def _demo(count: int) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    end = datetime(2026, 11, 30, 12, tzinfo=UTC)
    for record, _plan in demo_records(roster=demo_roster(seed=7), count=count, days=90, end=end, seed=7):
        if record.get("label"):
            pairs = [(m["author"], m.get("body") or "") for m in record.get("messages", []) if m.get("public", True)]
            texts.append(classifier.transcript_text(pairs))
            labels.append(record["label"])
    return texts, labels


ODD = ["Ça  va\tbien?\n\n  TRÈS-bien", "a", "", "ab abc abcd abcde abcdef", "l'ordine  n. 12345\u00a0è arrivato"]


@pytest.mark.parametrize("max_features", [None, 2000])
def test_the_char_ngrams_counted_by_word_are_scikit_learns_char_wb_matrix(max_features: int | None) -> None:
    texts, _labels = _demo(1500)
    texts += ODD
    settings: dict[str, Any] = {"min_df": 2, "max_features": max_features, "sublinear_tf": True, "dtype": np.float32}
    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), **settings)
    ours = CharWordGrams((3, 5), **settings)
    expected, found = reference.fit_transform(texts), ours.fit_transform(texts)
    assert ours.vocabulary_ == reference.vocabulary_
    assert found.shape == expected.shape and found.dtype == expected.dtype and abs(found - expected).max() == 0
    # New texts, with words never seen at training: their known n-grams still count.
    fresh = [*texts[:50][::-1], "rimborsissimo ordinazione", "zzqy"]
    assert abs(ours.transform(fresh) - reference.transform(fresh)).max() == 0
    assert ours.transform(["rimborsissimo"]).nnz > 0


@pytest.mark.parametrize("max_features", [None, 800])
def test_the_word_grams_counted_with_arrays_are_scikit_learns_matrix(max_features: int | None) -> None:
    texts, _labels = _demo(1500)
    texts += ODD
    settings: dict[str, Any] = {"min_df": 2, "max_features": max_features, "sublinear_tf": True, "dtype": np.float32}
    reference = TfidfVectorizer(ngram_range=(1, 2), **settings)
    ours = WordGrams(**settings)
    expected, found = reference.fit_transform(texts), ours.fit_transform(texts)
    assert ours.vocabulary_ == reference.vocabulary_ and any(" " in term for term in ours.vocabulary_)
    assert found.shape == expected.shape and found.dtype == expected.dtype and abs(found - expected).max() == 0
    fresh = [*texts[:50][::-1], "rimborso ordine mai visto"]
    assert abs(ours.transform(fresh) - reference.transform(fresh)).max() == 0


def test_platts_sigmoid_is_scikit_learns() -> None:
    rng = np.random.default_rng(3)
    positive = rng.random(500) < 0.3
    scores = np.where(positive, 1.0, -1.0) + rng.normal(0, 1.2, 500)
    a, b = platt(scores, positive)
    assert a < 0
    assert (a, b) == pytest.approx(_sigmoid_calibration(scores, positive.astype(int)), rel=1e-3)
    assert platt(scores * 100, positive)[0] == pytest.approx(a / 100, rel=1e-3)  # large scores: rescaled, same fit


def test_the_calibrated_probabilities_sum_to_one_and_grow_with_the_labels_score() -> None:
    found = examples(20, seed=4)
    texts = [classifier.transcript_text(t) for _l, _g, t in found]
    labels = [label for label, _g, _t in found]
    model = classifier.train(texts, labels).pipeline.named_steps["model"]
    assert len(model.sigmoids_) == 3 and all(a < 0 for a, _b in model.sigmoids_)
    rng = np.random.default_rng(5)
    values = rng.normal(0, 1, (200, 3))
    probabilities = model.probabilities(values)
    assert probabilities.shape == (200, 3) and np.allclose(probabilities.sum(axis=1), 1)
    assert ((probabilities > 0) & (probabilities < 1)).all()
    for k in range(3):
        raised = values.copy()
        raised[:, k] += 0.5
        assert (model.probabilities(raised)[:, k] > probabilities[:, k]).all()
        others = [j for j in range(3) if j != k]
        assert (model.probabilities(raised)[:, others] < probabilities[:, others]).all()


def test_two_labels_get_one_sigmoid_and_complementary_probabilities() -> None:
    found = [item for item in examples(20, seed=4) if item[0] != "password_reset"]
    texts = [classifier.transcript_text(t) for _l, _g, t in found]
    labels = [label for label, _g, _t in found]
    trained = classifier.train(texts, labels)
    model = trained.pipeline.named_steps["model"]
    assert len(model.sigmoids_) == 1 and trained.cv.n == 40
    probabilities = trained.pipeline.predict_proba(texts)
    assert np.allclose(probabilities.sum(axis=1), 1)
    assert (trained.pipeline.predict(texts) == np.asarray(labels)).mean() >= 0.95


def test_the_stratified_sample_keeps_each_labels_share_and_a_minimum() -> None:
    labels = ["a"] * 7000 + ["b"] * 2994 + ["c"] * 6
    random.Random(1).shuffle(labels)
    chosen = classifier.stratified_sample(labels, 1000, minimum=5, seed=0)
    picked = [labels[i] for i in chosen]
    assert chosen == sorted(set(chosen)) and len(chosen) == 1004
    assert (picked.count("a"), picked.count("b"), picked.count("c")) == (700, 299, 5)  # c: its share would be 1; at least 5
    assert classifier.stratified_sample(labels, 1000, minimum=5, seed=0) == chosen  # the same with the same seed
    assert classifier.stratified_sample(labels[:900], 1000, minimum=5) == list(range(900))  # small: everything


def test_past_its_caps_it_learns_from_a_stratified_sample_and_cross_validates_a_smaller_one(monkeypatch) -> None:
    found = examples(40, seed=6)
    texts = [classifier.transcript_text(t) for _l, _g, t in found]
    labels = [label for label, _g, _t in found]
    monkeypatch.setattr(classifier, "TRAIN_SAMPLE", 90)
    monkeypatch.setattr(classifier, "CV_SAMPLE", 60)
    trained = classifier.train(texts, labels)
    assert trained.examples == 90 and trained.cv.n == 60 and [sum(r) for r in trained.cv.matrix] == [20] * 3
    assert trained.cv.correct >= 57
    words = trained.pipeline.named_steps["features"].transformer_list[0][1]
    assert words.tfidf_.idf_.shape[0] == len(words.vocabulary_)  # the features too were learnt from the 90
    predictions = classifier.predict(trained.pipeline, texts, labels)
    assert sum(p.label == label for p, label in zip(predictions, labels, strict=True)) >= 117


def _before(texts: list[str], labels: list[str]) -> Pipeline:
    """The classifier as it was before issue 11's speed-up: scikit-learn's char_wb analyzer, CalibratedClassifierCV
    with 3 internal folds, LinearSVC's default tolerance."""
    union = FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=200_000, sublinear_tf=True, dtype=np.float32)),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(3, 5), min_df=2, max_features=300_000, sublinear_tf=True, dtype=np.float32
                ),
            ),
        ]
    )
    model = CalibratedClassifierCV(LinearSVC(C=0.5), method="sigmoid", cv=3, ensemble=False)
    with threadpool_limits(limits=1):  # as classifier.train: idle BLAS threads slow the calibration 10x
        return Pipeline([("features", union), ("model", model)]).fit(texts, np.asarray(labels))


def test_on_the_demo_transcripts_held_out_accuracy_stays_within_half_a_point_of_before() -> None:
    texts, labels = _demo(5200)
    train_texts, train_labels, held_texts, held_labels = texts[:2000], labels[:2000], texts[2500:5000], labels[2500:5000]
    kept, _excluded = classifier.eligible(train_labels, minimum=20)
    chosen = [i for i, label in enumerate(train_labels) if label in kept]
    train_texts, train_labels = [train_texts[i] for i in chosen], [train_labels[i] for i in chosen]
    now = classifier.train(train_texts, train_labels).pipeline
    before = _before(train_texts, train_labels)
    accuracy_now = (now.predict(held_texts) == np.asarray(held_labels)).mean()
    accuracy_before = (before.predict(held_texts) == np.asarray(held_labels)).mean()
    assert accuracy_before > 0.9 and abs(accuracy_now - accuracy_before) <= 0.005
    # The probabilities agree too: same most probable label nearly always, confidences close.
    p_now, p_before = now.predict_proba(held_texts), before.predict_proba(held_texts)
    assert (p_now.argmax(axis=1) == p_before.argmax(axis=1)).mean() >= 0.99
    assert np.median(np.abs(p_now.max(axis=1) - p_before.max(axis=1))) < 0.05
