"""The linear character n-gram model: features, the artifact format and prediction.

Features are character 1-3-grams of the folded, idiom-masked text (digits collapsed to
``0`` so that numbers generalise) plus a channel token, weighted ``(1 + log tf) * idf``
and L2-normalised. A multinomial logistic regression over them is stored as JSON
(``data/model.json``): ``{"classes", "intercept", "features": {ngram: [idf, w...]}}``.
Training lives in ``train.py``; this module only reads.
"""

from __future__ import annotations

import json
import math
import operator
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt

from triage.codes import CATEGORIES
from triage.errors import ArtifactError

ARTIFACT = "model.json"
_NOISE = re.compile(r"[^0-9a-z?\u3400-\u9fff]+")
_DIGIT = re.compile(r"[0-9]")


def gram_list(text: str, channel: str) -> list[str]:
    """List the n-gram features of a folded, masked text, with repeats, in text order.

    Args:
        text: folded text with idioms and reported cues masked (``Scan.model_text``); the
            mask characters split the text so masked words leave no trace.
        channel: the report channel; added as one ``<channel>`` feature.

    Returns:
        Every character 1-, 2- and 3-gram of every run of letters/digits/CJK (by length,
        then position), then the channel token.
    """
    clean = _DIGIT.sub("0", _NOISE.sub(" ", text))
    grams: list[str] = []
    for piece in clean.split():
        grams.extend(piece)
        grams.extend(map(operator.add, piece, piece[1:]))
        grams.extend(map("".join, zip(piece, piece[1:], piece[2:], strict=False)))
    grams.append(f"<{channel}>")
    return grams


def ngrams(text: str, channel: str) -> Counter[str]:
    """Count the n-gram features of a text (see :func:`gram_list`)."""
    return Counter(gram_list(text, channel))


@dataclass(frozen=True)
class LinearModel:
    """A loaded artifact, ready to predict."""

    classes: tuple[str, ...]
    vocab: dict[str, int]  # n-gram -> row
    idf_weights: npt.NDArray[np.float32]  # (features, classes): idf * weight
    idf_squared: npt.NDArray[np.float32]  # (features,): idf squared, for the L2 norm
    intercept: npt.NDArray[np.float64]

    def predict(self, text: str, channel: str) -> dict[str, float]:
        """Return category -> probability for a folded, idiom-masked text.

        Args:
            text: ``Scan.model_text``.
            channel: the report channel.

        Returns:
            A probability for every category code (they sum to 1).
        """
        get = self.vocab.get
        counts = Counter([r for r in map(get, gram_list(text, channel)) if r is not None])
        logits = self.intercept.copy()
        if counts:
            rows = np.fromiter(counts.keys(), np.intp, len(counts))
            tf = np.log(np.fromiter(counts.values(), np.float32, len(counts))) + np.float32(1.0)
            norm = math.sqrt(float((tf * tf) @ self.idf_squared[rows]))
            logits += (tf @ self.idf_weights[rows]) / norm
        logits -= logits.max()
        probs = np.exp(logits)
        probs /= probs.sum()
        return dict(zip(self.classes, probs.tolist(), strict=True))


def model_from_json(raw: str) -> LinearModel:
    """Build a :class:`LinearModel` from the artifact's JSON text.

    Raises:
        ArtifactError: the JSON does not have the expected layout.
    """
    try:
        data = json.loads(raw)
        classes = tuple(data["classes"])
        features: dict[str, list[float]] = data["features"]
        intercept = np.asarray(data["intercept"], dtype=np.float64)
    except (ValueError, KeyError, TypeError) as exc:
        raise ArtifactError(f"malformed model artifact: {exc}") from exc
    if set(classes) != set(CATEGORIES) or intercept.shape != (len(classes),):
        raise ArtifactError("model artifact classes do not match the taxonomy")
    table = np.asarray(list(features.values()), dtype=np.float64).reshape(-1, len(classes) + 1)
    idf = table[:, 0]
    # float32 halves the memory the scorer touches per report (cache-friendly); the
    # probabilities move by less than 1e-6.
    return LinearModel(
        classes=classes,
        vocab={gram: i for i, gram in enumerate(features)},
        idf_weights=np.ascontiguousarray(table[:, 1:] * idf[:, None], dtype=np.float32),
        idf_squared=np.ascontiguousarray(idf * idf, dtype=np.float32),
        intercept=intercept,
    )


@lru_cache(maxsize=1)
def load_model() -> LinearModel:
    """Load the committed artifact once (lazily, on first use; never at import).

    Raises:
        ArtifactError: the artifact is missing or malformed.
    """
    try:
        raw = resources.files("triage.data").joinpath(ARTIFACT).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise ArtifactError("model artifact missing: run `python -m triage train`") from exc
    return model_from_json(raw)
