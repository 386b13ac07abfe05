"""Triage: classify a Chinese report into category, priority and risk flags, with cues.

Public interface::

    from triage import classify, Triage, Cue, TriageError
    result = classify("有人拿刀砍人", channel="call")
    result.category, result.priority, result.flags, result.cues, result.extracted

The core is pure: the model artifact is read lazily on the first call and cached.
"""

from __future__ import annotations

from triage import questions
from triage.classify import classify
from triage.codes import CATEGORIES, CHANNELS, FLAGS, PRIORITIES
from triage.errors import (
                           ArtifactError,
                           CorpusError,
                           InvalidAnswer,
                           InvalidText,
                           TriageError,
                           UnknownChannel,
)
from triage.result import Cue, Triage

__all__ = [
    "CATEGORIES",
    "CHANNELS",
    "FLAGS",
    "PRIORITIES",
    "ArtifactError",
    "CorpusError",
    "Cue",
    "InvalidAnswer",
    "InvalidText",
    "Triage",
    "TriageError",
    "UnknownChannel",
    "classify",
    "questions",
]
