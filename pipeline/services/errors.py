"""Errors of the local services package.

ServicesError                  anything that stops install/up/down from doing its job
├── ToolMissingError           java, javac or mvn is not on PATH
├── InstallError               Maven or javac failed while installing a service
└── ServiceStartError          a service did not become healthy in time (log tail inside)
"""

from __future__ import annotations


class ServicesError(RuntimeError):
    """Base class for local-services failures."""


class ToolMissingError(ServicesError):
    """A JDK or Maven executable the install needs is not on PATH."""


class InstallError(ServicesError):
    """Resolving jars with Maven or compiling the launcher failed."""


class ServiceStartError(ServicesError):
    """A started service did not answer its health check before the timeout."""
