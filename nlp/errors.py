"""Errors of the nlp package.

    NlpError
    ├── ResourceError   a data file under nlp/data is missing or malformed
    └── ModelError      the relevance weights are missing, stale or of the wrong shape

``Extractor.annotate`` never raises for any input text; these errors only come from loading.
"""

from __future__ import annotations


class NlpError(Exception):
    """Base of every error raised by the nlp package."""


class ResourceError(NlpError):
    """A data file under ``nlp/data`` is missing or malformed."""


class ModelError(NlpError):
    """The relevance model's weights are missing or do not match its features."""
