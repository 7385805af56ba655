"""The invented corpus: sources over three platforms and their posts, drawn from one seed.

The corpus is independent of markup: renderers in :mod:`crawlers.sitegen.render` turn it into
pages, and ``expected_posts.jsonl`` is written from it, so a crawl can be checked exactly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from crawlers.sitegen.texts import Kind, Style, make_comment, make_text, near_duplicate

EPOCH = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
SPAN_S = 86 * 24 * 3600


@dataclass(frozen=True)
class SourceSpec:
    """One invented account: a Telegram channel, a Facebook page/group or a TikTok profile."""

    platform: str
    source_id: str
    title: str
    langs: tuple[tuple[str, int], ...]
    ad_share: float
    weight: int
    kind: str = "channel"


@dataclass
class GenPost:
    """One invented post (or Facebook comment) with everything a page shows of it."""

    platform: str
    source: str
    native_id: str
    text: str
    published_at: datetime
    author_handle: str
    author_name: str
    lang: str
    kind: Kind
    views: int = 0
    likes: int = 0
    shares: int = 0
    n_comments: int = 0
    forwarded_from: str | None = None
    parent_id: str | None = None
    edited: bool = False
    comments: list[GenPost] = field(default_factory=list)


SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec("telegram", "viajes_seguros_norte", "Viajes Seguros Norte 🇺🇸",
               (("es", 9), ("en", 1)), 0.85, 14),
    SourceSpec("telegram", "cruce_garantizado_mx", "CRUCE GARANTIZADO MX",
               (("es", 1),), 0.9, 10),
    SourceSpec("telegram", "passage_uk_calais", "Passage UK", (("en", 2), ("fr", 2)), 0.75, 8),
    SourceSpec("telegram", "alertas_migrantes", "Alertas Migrantes (ficticio)",
               (("es", 4), ("en", 1)), 0.05, 6),
    SourceSpec("telegram", "chemen_ayiti_usa", "Chemen Ayiti → USA", (("ht", 3), ("fr", 1)),
               0.7, 5),
    SourceSpec("facebook", "1010101010", "Viajes Seguros a USA (grupo ficticio)",
               (("es", 1),), 0.8, 12, kind="group"),
    SourceSpec("facebook", "2020202020", "Migrantes en Ruta - ayuda (ficticio)",
               (("es", 6), ("ht", 1), ("pt", 1)), 0.3, 9, kind="group"),
    SourceSpec("facebook", "ViajesElPrimoOficial", "Viajes El Primo", (("es", 1),), 0.9, 7,
               kind="page"),
    SourceSpec("facebook", "AutobusesEstrellaGolfo", "Autobuses Estrella del Golfo",
               (("es", 1),), 0.1, 5, kind="page"),
    SourceSpec("tiktok", "viajes.chuy", "Coyote Chuy Viajes", (("es", 1),), 0.9, 8),
    SourceSpec("tiktok", "elguero.rutas", "El Güero Rutas", (("es", 5), ("en", 1)), 0.85, 6),
    SourceSpec("tiktok", "noticias.frontera", "Noticias Frontera (ficticio)",
               (("es", 3), ("en", 1)), 0.05, 5),
    SourceSpec("tiktok", "rumo.eua.br", "Rumo EUA", (("pt", 3), ("es", 1)), 0.8, 5),
)

STYLE: dict[str, Style] = {"telegram": "list", "facebook": "long", "tiktok": "caption"}


def _weighted(rng: random.Random, items: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]


def _style(rng: random.Random, spec: SourceSpec) -> Style:
    if spec.platform == "telegram" and rng.random() < 0.4:
        return "long"
    return STYLE[spec.platform]


def _native_ids(rng: random.Random, spec: SourceSpec, n: int) -> list[str]:
    if spec.platform == "telegram":
        ids, cur = [], rng.randrange(40, 400)
        for _ in range(n):
            cur += rng.choice((1, 1, 1, 2, 3))  # gaps: deleted and service messages
            ids.append(str(cur))
        return ids
    if spec.platform == "facebook":
        base = 10**15 + rng.randrange(10**14)
        return [str(base + i * 7919 + rng.randrange(7000)) for i in range(n)]
    base = 7_300_000_000_000_000_000 + rng.randrange(10**17)
    return [str(base + i * 104_729_000 + rng.randrange(10**8)) for i in range(n)]


def generate_corpus(seed: int, n_posts: int) -> dict[str, list[GenPost]]:
    """Return the posts of every source (oldest first), drawn deterministically from ``seed``."""
    rng = random.Random(seed)  # noqa: S311 - reproducible fixtures, not secrets
    assigned = rng.choices(SOURCES, weights=[s.weight for s in SOURCES], k=n_posts)
    corpus: dict[str, list[GenPost]] = {}
    pool: list[str] = []  # earlier texts that may be reposted elsewhere
    for spec in SOURCES:
        n = sum(1 for s in assigned if s is spec)
        times = sorted(EPOCH + timedelta(seconds=rng.randrange(SPAN_S)) for _ in range(n))
        posts = []
        for native_id, when in zip(_native_ids(rng, spec, n), times, strict=True):
            lang = _weighted(rng, spec.langs)
            kind: Kind = "ad" if rng.random() < spec.ad_share else "negative"
            forwarded = None
            if pool and kind == "ad" and rng.random() < 0.1:
                text = near_duplicate(rng, rng.choice(pool))
                if spec.platform == "telegram":
                    forwarded = rng.choice([s.source_id for s in SOURCES[:5]])
            else:
                text = make_text(rng, lang, kind, _style(rng, spec))
            if kind == "ad":
                pool.append(text)
            post = GenPost(
                platform=spec.platform, source=spec.source_id, native_id=native_id, text=text,
                published_at=when, author_handle=spec.source_id, author_name=spec.title,
                lang=lang, kind=kind, views=rng.randrange(50, 250_000),
                likes=rng.randrange(0, 9000), shares=rng.randrange(0, 900),
                forwarded_from=forwarded,
                edited=spec.platform == "telegram" and rng.random() < 0.06,
            )
            if spec.platform == "facebook":
                _add_comments(rng, post)
                if spec.kind == "group":
                    post.author_handle = f"100{rng.randrange(10**9, 10**10)}"
                    post.author_name = rng.choice(MEMBER_NAMES)
            post.n_comments = len(post.comments) or rng.randrange(0, 400)
            posts.append(post)
        corpus[spec.source_id] = posts
    return corpus


MEMBER_NAMES = ("Rigo Viajes", "Marisol T.", "Beto Rutas", "Yeni Hdz", "Chuy Transportes",
                "Kenia M.", "Don Lalo Viajes", "Wilmer A.", "Ana Guía")


def _add_comments(rng: random.Random, post: GenPost) -> None:
    for i in range(rng.choice((0, 0, 1, 2, 3))):
        when = post.published_at + timedelta(minutes=rng.randrange(5, 3000))
        post.comments.append(GenPost(
            platform="facebook", source=post.source, native_id=f"{post.native_id}_{i + 1}",
            text=make_comment(rng), published_at=when,
            author_handle=f"100{rng.randrange(10**9, 10**10)}",
            author_name=rng.choice(MEMBER_NAMES), lang="es", kind="negative",
            parent_id=post.native_id,
        ))


def all_posts(corpus: dict[str, list[GenPost]]) -> list[GenPost]:
    """Return every post and comment of the corpus in a stable order."""
    out: list[GenPost] = []
    for posts in corpus.values():
        for post in posts:
            out.append(post)
            out.extend(post.comments)
    return out
