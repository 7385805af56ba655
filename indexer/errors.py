"""Errors of the indexer package.

    CentinelaIndexerError
    ├── StoreError            the embedded store cannot be opened or used
    ├── PrivacyError          the privacy settings forbid the request (indexer/privacy.py)
    └── alerts.errors.AlertError   (see indexer/alerts/errors.py)
        ├── RuleError         one broken rule file or field (file, line, field)
        └── DeliveryError     an email could not be handed to the mail server
"""

from __future__ import annotations


class CentinelaIndexerError(Exception):
    """Base of every error raised by the indexer package."""


class StoreError(CentinelaIndexerError):
    """The embedded store cannot be opened or used (wrong schema version, closed file)."""


class PrivacyError(CentinelaIndexerError):
    """A request the deployment's privacy settings cannot answer (contacts are redacted)."""
