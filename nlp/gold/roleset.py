"""Hand-written role sets: posts whose place mentions are marked ``[[raw|role]]``.

``fixtures/gold/roles/*.jsonl`` holds one file per writer, each line
``{"id", "lang", "platform", "ad", "markup"}``; the writers never saw the extractor, its
data files or any other gold set (``fixtures/gold/roles/README.md``). They are training
data for both the relevance model (``nlp.train``) and the role model (``nlp.train_roles``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from nlp.role_model import ROLES
from pipeline.settings import PROJECT_ROOT

ROLE_SETS = PROJECT_ROOT / "fixtures" / "gold" / "roles"
_MARK = re.compile(r"\[\[([^\]|]+)\|([a-z]+)\]\]")


def read_role_set(path: Path) -> list[dict[str, Any]]:
    """Return the posts of one role-set file as gold records.

    A record has ``id``, ``text``, ``lang``, ``platform``, ``is_smuggling_ad``, ``source``
    (the file's stem: its writer) and ``places`` as ``{"start", "end", "raw", "role"}``.
    A malformed line or an unknown role raises ValueError naming ``path:line``.
    """
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
            markup, ad = case["markup"], case["ad"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: not a role-set line ({exc})") from exc
        text, places, pos = "", [], 0
        for m in _MARK.finditer(markup):
            text += markup[pos : m.start()]
            raw, role = m.group(1), m.group(2)
            if role not in ROLES:
                raise ValueError(f"{path}:{n}: role {role!r} is not one of {', '.join(ROLES)}")
            places.append(
                {"start": len(text), "end": len(text) + len(raw), "raw": raw, "role": role}
            )
            text += raw
            pos = m.end()
        text += markup[pos:]
        out.append(
            {
                "id": case["id"],
                "text": text,
                "lang": case.get("lang"),
                "platform": case.get("platform"),
                "is_smuggling_ad": bool(ad),
                "source": path.stem,
                "places": places,
            }
        )
    return out


def role_sets(directory: Path = ROLE_SETS, exclude: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Return the posts of every role-set file in ``directory`` but the ``exclude`` stems."""
    posts: list[dict[str, Any]] = []
    for path in sorted(directory.glob("*.jsonl")):
        if path.stem not in exclude:
            posts += read_role_set(path)
    return posts
