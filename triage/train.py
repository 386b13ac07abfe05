"""Deterministic training: corpus -> ``data/model.json``.

The corpus is ``data/corpus/<category>.txt``: one report per line, ``P2 text`` or
``P2 @forum text`` (priority, optional channel, text; ``\\n`` stands for a line break in a
dialogue transcript). Blank lines and ``#`` comments are skipped. The same corpus always yields the same bytes: features are sorted, the solver
is deterministic (lbfgs) and weights are rounded.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import numpy as np

from triage.codes import CATEGORIES, CHANNELS, PRIORITIES
from triage.cues import scan
from triage.errors import CorpusError
from triage.model import ARTIFACT, ngrams
from triage.normalize import as_read, fold

MIN_DF = 2
C = 8.0
DIGITS = 4
PRUNE_BELOW = 0.02


@dataclass(frozen=True, slots=True)
class Example:
    """One training report."""

    text: str
    channel: str
    category: str
    priority: str


def artifact_path() -> Path:
    """Where ``python -m triage train`` writes the artifact (inside the package)."""
    return Path(__file__).resolve().parent / "data" / ARTIFACT


def corpus_dir() -> Traversable:
    """The packaged corpus folder."""
    return resources.files("triage.data").joinpath("corpus")


def parse_line(line: str, category: str, where: str) -> Example | None:
    """Parse one corpus line (``None`` for blank lines and comments).

    Raises:
        CorpusError: the line does not start with a priority code.
    """
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    head, _, rest = line.partition(" ")
    if head not in PRIORITIES:
        raise CorpusError(f"{where}: expected a priority code, got {head!r}")
    channel = "call"
    if rest.startswith("@"):
        tag, _, rest = rest.partition(" ")
        channel = tag[1:]
        if channel not in CHANNELS:
            raise CorpusError(f"{where}: unknown channel {channel!r}")
    if not rest.strip():
        raise CorpusError(f"{where}: empty text")
    text = rest.strip().replace("\\n", "\n")  # a transcript's line breaks, written as \n
    return Example(text=text, channel=channel, category=category, priority=head)


def load_corpus(folder: Traversable | Path | None = None) -> list[Example]:
    """Read every ``<category>.txt`` in the corpus folder, in category order.

    Raises:
        CorpusError: a line is malformed.
        OSError: a category file is missing.
    """
    folder = folder or corpus_dir()
    examples: list[Example] = []
    for category in CATEGORIES:
        path = folder.joinpath(f"{category}.txt")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            example = parse_line(line, category, f"{category}.txt:{n}")
            if example is not None:
                examples.append(example)
    return examples


def features_of(example: Example) -> dict[str, int]:
    """The n-gram counts the model sees for a training report."""
    return dict(ngrams(scan(fold(as_read(example.text))).model_text, example.channel))


def fit(examples: Sequence[Example]) -> dict[str, object]:
    """Fit the model and return the artifact as a JSON-ready dict."""
    # Imported here: scikit-learn is a training-time dependency, not a triage-time one.
    from scipy import sparse  # type: ignore[import-untyped,unused-ignore]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped,unused-ignore]

    docs = [features_of(e) for e in examples]
    df: dict[str, int] = {}
    for doc in docs:
        for gram in doc:
            df[gram] = df.get(gram, 0) + 1
    vocab = sorted(g for g, n in df.items() if n >= MIN_DF)
    index = {g: i for i, g in enumerate(vocab)}
    total = len(docs)
    idf = np.array([math.log((1 + total) / (1 + df[g])) + 1.0 for g in vocab])
    rows, cols, vals = [], [], []
    for r, doc in enumerate(docs):
        entries = [(index[g], 1.0 + math.log(c)) for g, c in sorted(doc.items()) if g in index]
        norm = math.sqrt(sum((tf * idf[i]) ** 2 for i, tf in entries)) or 1.0
        for i, tf in entries:
            rows.append(r)
            cols.append(i)
            vals.append(tf * idf[i] / norm)
    matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(total, len(vocab)))
    labels = np.array([CATEGORIES.index(e.category) for e in examples])
    clf = LogisticRegression(C=C, solver="newton-cg", max_iter=500, tol=1e-6)
    clf.fit(matrix, labels)
    order = [list(clf.classes_).index(i) for i in range(len(CATEGORIES))]
    coef = clf.coef_[order].T
    features: dict[str, list[float]] = {}
    for i, gram in enumerate(vocab):
        weights = coef[i]
        if float(np.abs(weights).max()) < PRUNE_BELOW:
            continue
        features[gram] = [round(float(idf[i]), DIGITS)] + [round(float(w), DIGITS) for w in weights]
    return {
        "format": 1,
        "classes": list(CATEGORIES),
        "intercept": [round(float(b), DIGITS) for b in clf.intercept_[order]],
        "features": features,
    }


def render(artifact: dict[str, object]) -> str:
    """Serialise the artifact deterministically."""
    return json.dumps(artifact, ensure_ascii=False, separators=(",", ":")) + "\n"


def artifacts_match(first: str, second: str, tolerance: float = 1.5 * 10**-DIGITS) -> bool:
    """True when two artifact texts are equal byte for byte, or weight for weight.

    BLAS libraries may round the last stored digit differently on another machine, so
    weights may differ by one rounding unit, and a feature at the pruning threshold may
    be kept by one build and pruned by the other.
    """
    if first == second:
        return True
    a, b = json.loads(first), json.loads(second)
    if a["classes"] != b["classes"] or a.get("format") != b.get("format"):
        return False
    if not np.allclose(a["intercept"], b["intercept"], rtol=0.0, atol=tolerance):
        return False
    fa, fb = a["features"], b["features"]
    for gram in fa.keys() | fb.keys():
        if gram not in fa or gram not in fb:
            only = fa.get(gram) or fb[gram]
            if max(abs(w) for w in only[1:]) > PRUNE_BELOW + tolerance:
                return False
        elif not np.allclose(fa[gram], fb[gram], rtol=0.0, atol=tolerance):
            return False
    return True


def build(examples: Iterable[Example] | None = None) -> str:
    """Train on the committed corpus (or ``examples``) and return the artifact text."""
    return render(fit(list(examples) if examples is not None else load_corpus()))
