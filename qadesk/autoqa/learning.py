"""The scikit-learn pieces of the contact-reason classifier (autoqa/classifier.py, which imports this module only to
train or predict): the character n-gram features computed by word, and the SVM calibrated on out-of-fold scores.
Their classes are pickled in the model file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.svm import LinearSVC


def limit(counts: Any, names: Sequence[str], *, min_df: int, max_features: int | None) -> tuple[Any, dict[str, int]]:
    """scikit-learn's vocabulary of a texts × terms count matrix whose column i is the term `names[i]` (any order): the
    terms sorted, those in fewer than `min_df` texts dropped, then the `max_features` most frequent kept (its argsort on
    the same array, so ties fall the same way). Returns the matrix with its columns renumbered in that vocabulary's
    order (by relabelling the column indices in place rather than copying the matrix column by column) and the
    vocabulary {term: column}."""
    order = np.array(sorted(range(len(names)), key=names.__getitem__), dtype=np.int64)  # sorted position → column
    frequency = np.bincount(counts.indices, minlength=len(names))[order]
    mask = frequency >= min_df
    if max_features is not None and mask.sum() > max_features:
        totals = np.bincount(counts.indices, weights=counts.data, minlength=len(names)).astype(np.int64)[order]
        keep = np.zeros_like(mask)
        keep[np.where(mask)[0][(-totals[mask]).argsort()[:max_features]]] = True
        mask = keep
    kept = np.where(mask)[0]
    column = np.full(len(names), -1, dtype=np.int64)
    column[order[kept]] = np.arange(len(kept))
    indices = column[counts.indices]
    dropped = indices < 0
    data = counts.data.copy()
    data[dropped], indices[dropped] = 0, 0
    limited = sparse.csr_matrix((data, indices.astype(np.int32), counts.indptr), shape=(counts.shape[0], len(kept)))
    limited.eliminate_zeros()
    return limited, {names[order[i]]: j for j, i in enumerate(kept)}


class WordGrams(TransformerMixin, BaseEstimator):
    """TF-IDF of word 1–2-grams: the matrix of scikit-learn's `TfidfVectorizer(ngram_range=(1, 2), min_df,
    max_features, sublinear_tf, dtype)` (its tokens: lower-cased runs of 2+ word characters; same vocabulary, same
    values), counted with arrays: each token is looked up once, word pairs are numbered with numpy, and only the
    distinct pairs are written out as "word word" — rather than scikit-learn's Python loop over every 1- and 2-gram.
    New texts are counted by scikit-learn itself, on the learnt vocabulary."""

    def __init__(
        self, *, min_df: int = 1, max_features: int | None = None, sublinear_tf: bool = False, dtype: Any = None
    ) -> None:
        self.min_df = min_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.dtype = dtype

    def fit_transform(self, texts: Sequence[str], y: Any = None) -> Any:
        token = re.compile(r"(?u)\b\w\w+\b")
        words: dict[str, int] = {}
        ids: list[int] = []
        lengths = np.zeros(len(texts), dtype=np.int64)
        for i, text in enumerate(texts):
            found = [words.setdefault(w, len(words)) for w in token.findall(text.lower())]
            ids += found
            lengths[i] = len(found)
        tokens = np.asarray(ids, dtype=np.int64)
        text_of = np.repeat(np.arange(len(texts)), lengths)
        first = np.flatnonzero(text_of[:-1] == text_of[1:])  # pairs (token k, token k + 1) inside one text
        keys = tokens[first] * len(words) + tokens[first + 1]
        pairs, pair_of = np.unique(keys, return_inverse=True)
        vocabulary = list(words)
        names = vocabulary + [f"{vocabulary[k // len(words)]} {vocabulary[k % len(words)]}" for k in pairs.tolist()]
        rows = np.concatenate([text_of, text_of[first]])
        cols = np.concatenate([tokens, len(words) + pair_of.ravel()])
        counts = sparse.csr_matrix((np.ones(len(rows), dtype=np.int64), (rows, cols)), shape=(len(texts), len(names)))
        counts, self.vocabulary_ = limit(counts, names, min_df=self.min_df, max_features=self.max_features)
        self.tfidf_ = TfidfTransformer(sublinear_tf=self.sublinear_tf)
        return self.tfidf_.fit_transform(counts.astype(self.dtype or np.float64))

    def fit(self, texts: Sequence[str], y: Any = None) -> WordGrams:
        self.fit_transform(texts)
        return self

    def transform(self, texts: Sequence[str]) -> Any:
        counter = CountVectorizer(ngram_range=(1, 2), vocabulary=self.vocabulary_, dtype=self.dtype or np.float64)
        return self.tfidf_.transform(counter.transform(texts))


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
        counts, self.vocabulary_ = limit(counts, list(columns), min_df=self.min_df, max_features=self.max_features)
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

    def fit(self, matrix: Any, labels: Sequence[str] | Any, *, scores: Any, scored: Sequence[str] | Any) -> CalibratedSVM:
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
