"""The scikit-learn pieces of the contact-reason classifier (autoqa/classifier.py, which imports this module only to
train or predict): the character n-gram features computed by word, and the SVM calibrated on out-of-fold scores.
Their classes are pickled in the model file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.svm import LinearSVC


class CharWordGrams(TransformerMixin, BaseEstimator):
    """TF-IDF of character n-grams inside word boundaries: the matrix of scikit-learn's
    `TfidfVectorizer(analyzer="char_wb", ngram_range, min_df, max_features, sublinear_tf, dtype)` (same vocabulary, same
    values), computed by word rather than by n-gram. A text's char_wb n-grams are those of its lower-cased words, each
    padded with a space, so the n-gram counts are (texts × words counts) @ (words × n-grams counts): each distinct word
    is cut into n-grams once, and the counting is a sparse product instead of a Python loop over every n-gram.
    Words unseen at training still bring their known n-grams."""

    def __init__(
        self,
        ngram_range: tuple[int, int] = (3, 5),
        *,
        min_df: int = 1,
        max_features: int | None = None,
        sublinear_tf: bool = False,
        dtype: Any = None,
    ) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.dtype = dtype

    def word_grams(self, word: str) -> list[str]:
        """The n-grams of one word, as scikit-learn's `_char_wb_ngrams` cuts them (a short word counts once)."""
        low, high = self.ngram_range
        padded = f" {word} "
        size = len(padded)
        grams = []
        for n in range(low, high + 1):
            if size <= n:
                grams.append(padded)
                break
            grams.extend(padded[i : i + n] for i in range(size - n + 1))
        return grams

    def _words(self, texts: Sequence[str]) -> tuple[Any, list[str]]:
        """Texts × distinct words counts, and the words in column order (lower-cased, split on white space)."""
        counter = CountVectorizer(lowercase=True, tokenizer=str.split, token_pattern=None, dtype=np.int64)
        counts = counter.fit_transform(texts)
        return counts, list(counter.get_feature_names_out())

    def _grams(self, words: Sequence[str], vocabulary: dict[str, int] | None) -> tuple[Any, dict[str, int]]:
        """Words × n-grams counts; the n-gram columns are `vocabulary`'s (n-grams outside it dropped) or, without one,
        every n-gram met, numbered as met."""
        growing = vocabulary is None
        columns: dict[str, int] = {} if vocabulary is None else vocabulary
        rows, cols = [], []
        for row, word in enumerate(words):
            for gram in self.word_grams(word):
                col = columns.get(gram)
                if col is None:
                    if not growing:
                        continue
                    col = columns[gram] = len(columns)
                rows.append(row)
                cols.append(col)
        ones = np.ones(len(rows), dtype=np.int64)
        matrix = sparse.csr_matrix((ones, (rows, cols)), shape=(len(words), len(columns)), dtype=np.int64)
        matrix.sum_duplicates()
        return matrix, columns

    def _counts(self, texts: Sequence[str], vocabulary: dict[str, int] | None) -> tuple[Any, dict[str, int]]:
        words, names = self._words(texts)
        grams, columns = self._grams(names, vocabulary)
        counts = (words @ grams).tocsr()
        counts.sort_indices()
        return counts, columns

    def fit_transform(self, texts: Sequence[str], y: Any = None) -> Any:

        counts, columns = self._counts(texts, None)
        # scikit-learn's order: the vocabulary sorted, then the n-grams in fewer than min_df texts dropped, then the
        # max_features most frequent kept (its argsort on the same array, so ties fall the same way).
        names = sorted(columns)
        order = np.fromiter((columns[name] for name in names), dtype=np.int64, count=len(names))
        counts = counts[:, order]
        frequency = np.bincount(counts.indices, minlength=counts.shape[1])
        mask = frequency >= self.min_df
        if self.max_features is not None and mask.sum() > self.max_features:
            totals = np.asarray(counts.sum(axis=0)).ravel()
            keep = np.zeros_like(mask)
            keep[np.where(mask)[0][(-totals[mask]).argsort()[: self.max_features]]] = True
            mask = keep
        kept = np.where(mask)[0]
        counts = counts[:, kept]
        self.vocabulary_ = {names[i]: j for j, i in enumerate(kept)}
        self.tfidf_ = TfidfTransformer(sublinear_tf=self.sublinear_tf)
        return self.tfidf_.fit_transform(counts.astype(self.dtype or np.float64))

    def fit(self, texts: Sequence[str], y: Any = None) -> CharWordGrams:
        self.fit_transform(texts)
        return self

    def transform(self, texts: Sequence[str]) -> Any:

        counts, _columns = self._counts(texts, self.vocabulary_)
        return self.tfidf_.transform(counts.astype(self.dtype or np.float64))


def platt(scores: Any, positive: Any) -> tuple[float, float]:
    """Platt's sigmoid P(positive | score) = 1 / (1 + exp(a·score + b)), fitted by maximum likelihood on
    (score, is positive) pairs with Platt's smoothed targets, as scikit-learn's `_sigmoid_calibration` (which
    CalibratedClassifierCV(method="sigmoid") uses). `a` is negative when a higher score means more positives."""

    f = np.asarray(scores, dtype=np.float64)
    y = np.asarray(positive, dtype=bool)
    largest = float(np.max(np.abs(f))) if f.size else 0.0
    scale = largest if largest >= 30 else 1.0  # as scikit-learn: large scores scaled down for the optimiser
    f = f / scale
    ones = float(y.sum())
    zeros = len(y) - ones
    target = np.where(y, (ones + 1) / (ones + 2), 1 / (zeros + 2))

    def loss(ab: Any) -> tuple[float, Any]:
        logit = -(ab[0] * f + ab[1])
        gradient = expit(logit) - target  # of the log loss by the logit
        return float(np.sum(np.logaddexp(0, logit) - target * logit)), np.array([-(gradient @ f), -gradient.sum()])

    start = np.array([0.0, np.log((zeros + 1) / (ones + 1))])
    found = minimize(loss, start, method="L-BFGS-B", jac=True, options={"gtol": 1e-6, "ftol": 64 * np.finfo(float).eps})
    return float(found.x[0] / scale), float(found.x[1])


class CalibratedSVM(ClassifierMixin, BaseEstimator):
    """One linear SVM fitted on every example, its scores turned into probabilities by a Platt sigmoid per label (one
    against the others) fitted on the cross-validation's out-of-fold scores, then divided by their sum — what
    CalibratedClassifierCV(method="sigmoid", ensemble=False) computes, without its 3 extra SVM fits."""

    def __init__(self, C: float = 1.0, tol: float = 1e-4) -> None:
        self.C = C
        self.tol = tol

    def fit(self, matrix: Any, labels: Sequence[str], *, scores: Any, scored: Sequence[str]) -> CalibratedSVM:
        """`scores` are out-of-fold SVM scores (classifier.out_of_fold) of examples whose labels are `scored`."""
        self.svm_ = LinearSVC(C=self.C, tol=self.tol).fit(matrix, np.asarray(labels))
        self.classes_ = self.svm_.classes_
        truth = np.asarray(scored)
        if len(self.classes_) == 2:
            self.sigmoids_ = [platt(scores[:, 1], truth == self.classes_[1])]
        else:
            self.sigmoids_ = [platt(scores[:, k], truth == c) for k, c in enumerate(self.classes_)]
        return self

    def decision_function(self, matrix: Any) -> Any:
        return self.svm_.decision_function(matrix)

    def predict_proba(self, matrix: Any) -> Any:
        return self.probabilities(self.decision_function(matrix))

    def probabilities(self, values: Any) -> Any:
        """The labels' probabilities (one column per label, rows summing to 1) of SVM scores (decision_function)."""
        if len(self.classes_) == 2:
            a, b = self.sigmoids_[0]
            positive = expit(-(a * values + b))
            return np.column_stack([1 - positive, positive])
        found = np.column_stack([expit(-(a * values[:, k] + b)) for k, (a, b) in enumerate(self.sigmoids_)])
        total = found.sum(axis=1, keepdims=True)
        uniform = np.full_like(found, 1 / len(self.classes_))
        return np.divide(found, total, out=uniform, where=total != 0)

    def predict(self, matrix: Any) -> Any:
        return self.classes_[np.argmax(self.predict_proba(matrix), axis=1)]
