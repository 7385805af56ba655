"""Fixtures for the deploy tests: the repository's deploy files, and the real services plugin."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from indexer.mappings import load_index_body
from pipeline.settings import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"


@pytest.fixture(scope="session")
def deploy_dir() -> Path:
    """The repository's ``deploy/`` folder."""
    return DEPLOY


@pytest.fixture(scope="session")
def kibana_builder() -> ModuleType:
    """``deploy/kibana/build.py`` loaded as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("centinela_kibana_build",
                                                  DEPLOY / "kibana" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def index_body() -> dict[str, Any]:
    """The real index body (settings and mappings) the indexer creates indices from."""
    return load_index_body()
