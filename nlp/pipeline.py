"""Build the spaCy pipeline from ``data/pipeline.cfg``: a blank multilingual Language with the
Centinela components added by registered name, in the configured order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.util import load_config

import nlp.components  # noqa: F401  (registers the factories)
from nlp.resources import DATA_DIR

CONFIG_PATH = DATA_DIR / "pipeline.cfg"


def build_pipeline(
    config_path: Path = CONFIG_PATH,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    exclude: Iterable[str] = (),
) -> Language:
    """Return the pipeline described by ``config_path``.

    ``overrides`` maps a component name to config values that replace the file's;
    ``exclude`` names components to leave out (training runs without the classifier).
    """
    config = load_config(config_path)
    nlp_cfg = config["nlp"]
    nlp = spacy.blank(nlp_cfg["lang"])
    nlp.max_length = int(nlp_cfg.get("max_length", nlp.max_length))
    skipped = set(exclude)
    for name in nlp_cfg["pipeline"]:
        if name in skipped:
            continue
        component_cfg = dict(config["components"][name])
        factory = component_cfg.pop("factory")
        component_cfg.update((overrides or {}).get(name, {}))
        nlp.add_pipe(factory, name=name, config=component_cfg)
    return nlp
