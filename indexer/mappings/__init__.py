"""Versioned Elasticsearch index bodies (settings + mappings) as JSON data files.

``posts.v<N>.json`` is the body of every index behind the ``centinela-posts`` alias created
while version N is current. A change to the shape of an indexed post is a new file and a
higher ``MAPPING_VERSION``; ``centinela`` then rolls the alias onto a new index
(see ``indexer.elastic.admin.roll``).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

MAPPING_VERSION = 1
"""The version of ``posts.v<N>.json`` that new indices are created from."""


def load_index_body(version: int = MAPPING_VERSION) -> dict[str, Any]:
    """Return the index body (``settings`` and ``mappings``) of mapping ``version``."""
    name = f"posts.v{version}.json"
    try:
        text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ValueError(f"no index mapping {name} in indexer/mappings") from error
    body: dict[str, Any] = json.loads(text)
    return body
