"""The contact-reason classifier (docs/autoqa.md): which label a transcript reads like, learnt from the organisation's
own labelled interactions. Pure: no database, no files of its own — the services store and load what it trains.

Features: TF-IDF of word 1–2-grams and of character 3–5-grams inside word boundaries (`char_wb`, which copes with
inflections, typos and the three languages at once), one model across languages; scikit-learn's matrices, counted
faster (autoqa/learning.py). Model: a linear SVM with its scores turned into probabilities by Platt scaling, one
sigmoid per label fitted on the cross-validation's out-of-fold scores. Its figures come from stratified k-fold
cross-validation: every example is predicted by an SVM that never saw its label. Training fits the SVM folds + 1
times; that, not the features, is most of its time, so past TRAIN_SAMPLE examples it learns from a stratified sample
and past CV_SAMPLE it cross-validates one (issue 11: 100,000 labelled interactions in under a minute of CPU).
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

from qadesk.autoqa.engine import FAIL, NA, PASS, Finding, Span
from qadesk.scorecards.intervals import wilson_interval

if TYPE_CHECKING:
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.svm import LinearSVC

# scikit-learn (and numpy, joblib) are imported where they are used: pages that only read the figures stay light.
SKLEARN_VERSION: str = version("scikit-learn")
MAX_CHARACTERS = 4000  # of each transcript: the contact reason shows early; long threads would only slow training
MIN_WORDS = 5  # shorter transcripts are too thin to say anything about their reason
FAIL_PROBABILITY = 0.6  # the model must prefer another label at least this much to call the label wrong
FOLDS = 5
C = 0.5  # the SVM's regularisation
TRAIN_SAMPLE = 30_000  # examples learnt from at most (a stratified sample past it): the SVM's time grows with them
CV_SAMPLE = 10_000  # examples cross-validated at most (a stratified sample of those learnt from past it)
TOLERANCE = 1e-2  # of the SVM's optimisation: 1e-4 by default, 1e-2 predicts the same on held-out data in less time


def transcript_text(messages: Sequence[tuple[str, str]]) -> str:
    """What the classifier reads of a conversation: the customer's and agent's public messages, in order, one a
    line, cut at MAX_CHARACTERS. `messages` are (role, text)."""
    return "\n".join(text for role, text in messages if role in {"customer", "agent"})[:MAX_CHARACTERS]


def features() -> FeatureUnion:
    import numpy as np
    from sklearn.pipeline import FeatureUnion

    from qadesk.autoqa.learning import CharWordGrams, WordGrams

    return FeatureUnion(
        [
            ("words", WordGrams(min_df=2, max_features=200_000, sublinear_tf=True, dtype=np.float32)),
            ("chars", CharWordGrams((3, 5), min_df=2, max_features=300_000, sublinear_tf=True, dtype=np.float32)),
        ]
    )


def svm() -> LinearSVC:
    from sklearn.svm import LinearSVC

    return LinearSVC(C=C, tol=TOLERANCE)


def eligible(labels: Sequence[str], *, minimum: int) -> tuple[set[str], dict[str, int]]:
    """The labels with at least `minimum` examples, and the others with their counts (left out of training)."""
    counts = Counter(labels)
    kept = {label for label, n in counts.items() if n >= minimum}
    return kept, {label: n for label, n in sorted(counts.items()) if label not in kept}


@dataclass(frozen=True)
class CrossValidation:
    """Stratified k-fold figures: n examples, how many predicted right, the accuracy with its Wilson 95 % interval,
    and the confusion matrix (rows: the label people gave; columns: the label predicted), labels in `labels` order."""

    folds: int
    n: int
    correct: int
    labels: list[str]
    matrix: list[list[int]]

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.correct, self.n)

    def recall(self) -> list[float | None]:
        """Per label: the share of its examples predicted as it."""
        return [row[i] / sum(row) if sum(row) else None for i, row in enumerate(self.matrix)]


def confusion_matrix(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> list[list[int]]:
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g]][index[p]] += 1
    return matrix


def stratified_sample(labels: Sequence[str], size: int, *, minimum: int, seed: int = 0) -> list[int]:
    """The positions of about `size` examples, each label in its share of `labels` (at least `minimum` of it, or all
    it has), drawn with `seed`; every position when there are no more than `size`."""
    import random

    if len(labels) <= size:
        return list(range(len(labels)))
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    rng = random.Random(seed)
    chosen: list[int] = []
    for label in sorted(by_label):
        positions = by_label[label]
        share = max(min(len(positions), minimum), round(len(positions) * size / len(labels)))
        chosen += rng.sample(positions, share)
    return sorted(chosen)


def out_of_fold(matrix: Any, labels: Sequence[str] | Any, *, folds: int = FOLDS, seed: int = 0) -> tuple[Any, list[str]]:
    """Every example's SVM scores (one column per label, labels sorted) from an SVM trained on the other folds
    (stratified, shuffled with `seed`); with two labels the columns are −score and score."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(labels)
    classes = sorted(set(labels))
    scores = np.zeros((len(y), len(classes)))
    for train, test in StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(np.zeros(len(y)), y):
        values = svm().fit(matrix[train], y[train]).decision_function(matrix[test])
        scores[test] = np.column_stack([-values, values]) if len(classes) == 2 else values
    return scores, classes


def cross_validation(scores: Any, classes: Sequence[str], labels: Sequence[str] | Any, *, folds: int) -> CrossValidation:
    """The figures of out-of-fold scores: each example predicted as its highest-scoring label (the SVM's own choice;
    the calibrated model's sigmoids keep it in nearly every case, they only turn scores into probabilities)."""
    import numpy as np

    guessed = [classes[i] for i in np.argmax(scores, axis=1)]
    gold = [str(label) for label in labels]
    correct = sum(g == p for g, p in zip(gold, guessed, strict=True))
    order = sorted(set(gold))
    return CrossValidation(folds, len(gold), correct, order, confusion_matrix(gold, guessed, order))


def cross_validate(matrix: Any, labels: Sequence[str], *, folds: int = FOLDS, seed: int = 0) -> CrossValidation:
    """Predict every example with an SVM trained on the other folds; `matrix` holds the examples' features. The
    features' vocabulary and IDF weights were learnt from every text (no label reads them), so only the SVM is
    refitted per fold."""
    scores, classes = out_of_fold(matrix, labels, folds=folds, seed=seed)
    return cross_validation(scores, classes, labels, folds=folds)


@dataclass(frozen=True)
class Trained:
    pipeline: Pipeline
    cv: CrossValidation
    examples: int  # learnt from: every example, or the stratified sample of TRAIN_SAMPLE past that many


def train(texts: Sequence[str], labels: Sequence[str], *, folds: int = FOLDS, seed: int = 0) -> Trained:
    """Learn features and model from (text, label) examples of at least two labels, each with ≥ `folds` examples
    (past TRAIN_SAMPLE examples, from a stratified sample of that size); cross-validate (past CV_SAMPLE, on a
    stratified sample of those: n is the sample's); calibrate the probabilities on the cross-validation's out-of-fold
    scores; return the pipeline fitted on every example learnt from. That is folds + 1 SVM fits."""
    import numpy as np
    from sklearn.pipeline import Pipeline
    from threadpoolctl import threadpool_limits

    from qadesk.autoqa.learning import CalibratedSVM

    chosen = stratified_sample(labels, TRAIN_SAMPLE, minimum=folds, seed=seed)
    texts, y = [texts[i] for i in chosen], np.asarray([labels[i] for i in chosen])
    # One BLAS thread: small optimisations spin idle threads otherwise (10x slower on 2 cores).
    with threadpool_limits(limits=1):
        vectoriser = features()
        matrix = vectoriser.fit_transform(texts)
        sample = stratified_sample(list(y), CV_SAMPLE, minimum=folds, seed=seed)
        scores, classes = out_of_fold(matrix[sample], y[sample], folds=folds, seed=seed)
        cv = cross_validation(scores, classes, y[sample], folds=folds)
        final = CalibratedSVM(C=C, tol=TOLERANCE).fit(matrix, y, scores=scores, scored=y[sample])
    return Trained(Pipeline([("features", vectoriser), ("model", final)]), cv, len(y))


@dataclass(frozen=True)
class Prediction:
    label: str
    probability: float  # of the predicted label
    given: float | None  # the probability of the label the interaction carries, None when the model does not know it


def predict(pipeline: Pipeline, texts: Sequence[str], given: Sequence[str]) -> list[Prediction]:
    """The most probable label of each text, its probability and that of the label given."""
    import numpy as np

    if not texts:
        return []
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        probabilities = pipeline.predict_proba(list(texts))
    classes = [str(c) for c in pipeline.classes_]
    index = {c: i for i, c in enumerate(classes)}
    found = []
    for row, label in zip(probabilities, given, strict=True):
        best = int(np.argmax(row))
        found.append(Prediction(classes[best], float(row[best]), float(row[index[label]]) if label in index else None))
    return found


def finding(prediction: Prediction | None, *, label: str, words: int) -> Finding:
    """The verdict on an interaction's label: pass when the model predicts it; fail when it prefers another label with
    probability ≥ FAIL_PROBABILITY (evidence: the predicted label, `predicted_label:<code>`); not applicable without a
    label, for a label the model was not trained on, a transcript under MIN_WORDS words, or an unsure model."""
    if prediction is None or not label or prediction.given is None or words < MIN_WORDS:
        return Finding(NA, 1.0)
    if prediction.label == label:
        return Finding(PASS, round(prediction.probability, 4))
    if prediction.probability >= FAIL_PROBABILITY:
        return Finding(FAIL, round(prediction.probability, 4), (Span(0, 0, 0, f"predicted_label:{prediction.label}"),))
    return Finding(NA, round(1 - prediction.probability, 4))


def dump(pipeline: Pipeline) -> tuple[bytes, str]:
    """The pipeline as bytes (joblib) and their SHA-256."""
    import joblib

    buffer = io.BytesIO()
    joblib.dump(pipeline, buffer, compress=3)
    data = buffer.getvalue()
    return data, hashlib.sha256(data).hexdigest()


class UntrustedModel(ValueError):
    """A stored model that must not be loaded: its bytes changed, or another scikit-learn version wrote it."""


def load(data: bytes, *, sha256: str, sklearn_version: str) -> Pipeline:
    """Unpickle a stored pipeline only when its digest is the one recorded at training and this scikit-learn version
    wrote it (unpickling runs code, and another version's objects may behave differently)."""
    if sklearn_version != SKLEARN_VERSION:
        raise UntrustedModel(f"trained with scikit-learn {sklearn_version}, this is {SKLEARN_VERSION}")
    if hashlib.sha256(data).hexdigest() != sha256:
        raise UntrustedModel("the model file does not match its recorded digest")
    import joblib
    from sklearn.pipeline import Pipeline

    pipeline = joblib.load(io.BytesIO(data))
    if not isinstance(pipeline, Pipeline):
        raise UntrustedModel("the model file does not hold a pipeline")
    return pipeline
