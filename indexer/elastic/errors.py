"""Errors of the Elasticsearch side of the indexer.

    CentinelaIndexerError                 (indexer/errors.py)
    └── ElasticError                      Elasticsearch answered in a way we cannot go on from
        ├── IndexUnavailableError         still 429/503/unreachable after every retry
        └── AliasError                    the alias is missing, ambiguous, or a roll failed
"""

from __future__ import annotations

from indexer.errors import CentinelaIndexerError


class ElasticError(CentinelaIndexerError):
    """Elasticsearch answered in a way the indexer cannot go on from."""


class IndexUnavailableError(ElasticError):
    """Elasticsearch stayed busy or unreachable past every retry; nothing may be committed."""


class AliasError(ElasticError):
    """The ``centinela-posts`` alias is missing or ambiguous, or a roll could not complete."""
