"""Seeded generator of the fixture sites: invented Telegram, Facebook and TikTok pages.

``python -m crawlers.sitegen --seed 7 --posts 600 --out fixtures/sites`` rewrites the sites
and ``expected_posts.jsonl``, the golden list of posts a full crawl must yield. The same seed
and post count always give the same bytes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from crawlers.sitegen.bad import MANIFEST, bad_pages
from crawlers.sitegen.changes import SiteChanges, apply_changes
from crawlers.sitegen.corpus import SOURCES, GenPost, SourceSpec, all_posts, generate_corpus
from crawlers.sitegen.render import render_all, url_to_file
from pipeline.records import make_doc_id

__all__ = ["EXPECTED", "SOURCES", "SiteChanges", "SourceSpec", "expected_line", "generate_sites",
           "url_to_file"]

EXPECTED = "expected_posts.jsonl"


def expected_line(post: GenPost) -> dict[str, str | bool]:
    """Return the golden record of one post: what a crawl must yield for it."""
    return {
        "doc_id": make_doc_id(post.platform, post.source, post.native_id),
        "platform": post.platform, "source": post.source, "native_id": post.native_id,
        "author": post.author_handle, "published_at": post.published_at.isoformat(),
        "text": post.text, "edited": post.edited,
    }


def generate_sites(seed: int, n_posts: int, out: Path,
                   changes: SiteChanges | None = None) -> int:
    """Write the fixture sites for ``seed`` into ``out`` and return the number of files.

    ``out`` is emptied first, but only if it is empty or was written by this generator
    (it holds the server manifest), so a wrong path cannot wipe unrelated files. With
    ``changes`` the sites show the corpus after those (newer posts, deletions, edits).
    """
    if out.exists() and any(out.iterdir()):
        if not (out / MANIFEST).is_file():
            raise FileExistsError(f"{out} is not empty and holds no {MANIFEST}; not touching it")
        shutil.rmtree(out)
    corpus = generate_corpus(seed, n_posts)
    if changes is not None:
        corpus = apply_changes(seed, corpus, changes)
    pages = render_all(corpus)
    pages.update(bad_pages())
    lines = [json.dumps(expected_line(p), ensure_ascii=False) for p in all_posts(corpus)]
    pages[EXPECTED] = ("\n".join(lines) + "\n").encode()
    for rel, data in sorted(pages.items()):
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return len(pages)
