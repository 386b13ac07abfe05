"""Exceptions raised by the triage package.

::

    ValueError
     └── TriageError              root: catch this at a boundary
          ├── InvalidText         the text is not a ``str``
          ├── UnknownChannel      the channel is not one of ``CHANNELS``
          ├── ArtifactError       the committed model artifact is missing or malformed
          ├── CorpusError         a corpus/eval line is malformed (training and eval tools)
          └── InvalidAnswer       an answer to a key question is unknown or of the wrong kind

Only input that cannot be triaged raises; odd but valid text (empty, emoji, pinyin,
garbage) yields a low-confidence result instead.
"""

from __future__ import annotations


class TriageError(ValueError):
    """Root of the triage exception tree."""


class InvalidText(TriageError):
    """The text to triage is not a ``str``."""


class UnknownChannel(TriageError):
    """The channel is not one of the fixed channel codes."""


class ArtifactError(TriageError):
    """The model artifact cannot be read or does not match the expected layout."""


class CorpusError(TriageError):
    """A corpus or evaluation line is malformed."""


class InvalidAnswer(TriageError):
    """An answer names an unknown key question or has the wrong kind of value."""
