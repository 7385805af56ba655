"""Errors of the spine.

CentinelaError
 ├── DecodeError        a payload is not a valid record (bad bytes, bad JSON, bad fields)
 └── ConfigurationError settings or files that make a command impossible to run
"""


class CentinelaError(Exception):
    """Base of the project's own errors."""


class DecodeError(CentinelaError):
    """A payload could not be decoded into the expected record."""


class ConfigurationError(CentinelaError):
    """The configuration makes the requested command impossible."""
