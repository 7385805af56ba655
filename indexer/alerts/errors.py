"""Errors of the alerting package.

    indexer.errors.CentinelaIndexerError
    └── AlertError
        ├── RuleError             a rule file or field is broken: names file, line and field
        ├── RuleNotEvaluable      a rule needs Elasticsearch (``raw_query``) to be evaluated
        └── DeliveryError         a mail server or the outbox refused an email
"""

from __future__ import annotations

from pathlib import Path

from indexer.errors import CentinelaIndexerError


class AlertError(CentinelaIndexerError):
    """Base of the alerting errors."""


class RuleError(AlertError):
    """One problem in one rule file, located by file, line (1-based) and field path."""

    def __init__(self, file: Path, line: int | None, field: str | None, message: str) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else str(self.file)
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


class RuleNotEvaluable(AlertError):
    """The rule has a ``raw_query`` (Elasticsearch DSL), which embedded mode cannot evaluate."""


class DeliveryError(AlertError):
    """An email could not be handed over (SMTP refused it, connection failed, disk full)."""
