"""Changes to a generated corpus, to test re-crawls: newer posts, deletions and edits.

``python -m crawlers.sitegen --seed 7 --posts 60 --out DIR --add viajes.chuy=3
--delete chemen_ayiti_usa:123 --edit chemen_ayiti_usa:125`` writes the sites as they look
after those changes (and ``expected_posts.jsonl`` to match). New posts are newer than every
post of their source and have larger native ids; an edit rewrites the text and marks the
post edited; a deleted post (with its comments) disappears from every page.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta

from crawlers.sitegen.corpus import SOURCES, GenPost, SourceSpec
from crawlers.sitegen.texts import make_text

__all__ = ["SiteChanges", "apply_changes", "parse_change_args"]

_ID_STEP = {"telegram": 1, "facebook": 7919, "tiktok": 104_729_000}


@dataclass(frozen=True)
class SiteChanges:
    """What changed since a crawl: ``add`` source → n newer posts; (source, native id) sets."""

    add: Mapping[str, int] = field(default_factory=dict)
    delete: frozenset[tuple[str, str]] = frozenset()
    edit: frozenset[tuple[str, str]] = frozenset()


def _spec(source_id: str) -> SourceSpec:
    for spec in SOURCES:
        if spec.source_id == source_id:
            return spec
    raise ValueError(f"unknown fixture source {source_id!r}")


def _newer_posts(seed: int, spec: SourceSpec, posts: list[GenPost], n: int) -> list[GenPost]:
    rng = random.Random(f"{seed}:{spec.source_id}:{len(posts)}")  # noqa: S311 - fixtures
    if not posts:
        raise ValueError(f"source {spec.source_id} has no posts to add newer ones to")
    last = posts[-1]
    out = []
    for i in range(1, n + 1):
        lang = spec.langs[0][0]
        out.append(GenPost(
            platform=spec.platform, source=spec.source_id,
            native_id=str(int(last.native_id) + i * _ID_STEP[spec.platform]),
            text=make_text(rng, lang, "ad", "caption" if spec.platform == "tiktok" else "list"),
            published_at=last.published_at + timedelta(hours=i), author_handle=spec.source_id,
            author_name=spec.title, lang=lang, kind="ad", views=rng.randrange(50, 5000),
            likes=rng.randrange(0, 300), shares=rng.randrange(0, 30), n_comments=0))
    return out


def apply_changes(seed: int, corpus: dict[str, list[GenPost]],
                  changes: SiteChanges) -> dict[str, list[GenPost]]:
    """Return a copy of ``corpus`` with ``changes`` applied; raise ValueError on unknown ids."""
    out = {source: list(posts) for source, posts in corpus.items()}
    wanted = set(changes.delete) | set(changes.edit)
    found: set[tuple[str, str]] = set()
    for source, posts in out.items():
        kept = []
        for post in posts:
            key = (source, post.native_id)
            if key in wanted:
                found.add(key)
            if key in changes.delete:
                continue
            if key in changes.edit:
                post = replace(post, text=post.text + "\n(editado: nuevo precio)", edited=True)
            kept.append(post)
        out[source] = kept
    missing = wanted - found
    if missing:
        raise ValueError(f"no such posts to delete or edit: {sorted(missing)}")
    for source, n in changes.add.items():
        spec = _spec(source)
        out[source] = out[source] + _newer_posts(seed, spec, out[source], n)
    return out


def parse_change_args(add: list[str], delete: list[str], edit: list[str]) -> SiteChanges:
    """Build :class:`SiteChanges` from ``SOURCE=N`` and ``SOURCE:NATIVE_ID`` arguments."""
    counts: dict[str, int] = {}
    for item in add:
        source, sep, n = item.rpartition("=")
        if not sep or not n.isdigit():
            raise ValueError(f"--add wants SOURCE=N, got {item!r}")
        _spec(source)
        counts[source] = int(n)

    def pairs(items: list[str], flag: str) -> frozenset[tuple[str, str]]:
        out = set()
        for item in items:
            source, sep, native_id = item.rpartition(":")
            if not sep or not source or not native_id:
                raise ValueError(f"{flag} wants SOURCE:NATIVE_ID, got {item!r}")
            out.add((source, native_id))
        return frozenset(out)

    return SiteChanges(counts, pairs(delete, "--delete"), pairs(edit, "--edit"))
