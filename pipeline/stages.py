"""The stage functions, written against small Protocols so the spine imports no stage package."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pipeline.records import (
    EnrichedPost,
    ExtractRequest,
    NlpAnnotations,
    RawPost,
    enrich,
)
from pipeline.runner import Stage


class Annotator(Protocol):
    """What the NLP stage needs of an extractor (``nlp.Extractor`` is one)."""

    version: str

    def annotate(self, requests: Sequence[ExtractRequest]) -> list[NlpAnnotations]: ...


def nlp_stage(annotator: Annotator) -> Stage[RawPost, EnrichedPost]:
    """Return the stage that enriches RawPosts with the annotator's nlp block."""

    def handle(posts: Sequence[RawPost]) -> list[EnrichedPost]:
        requests = [
            ExtractRequest(id=p.doc_id, text=p.text, platform=p.platform, lang=p.lang_hint)
            for p in posts
        ]
        annotations = annotator.annotate(requests)
        return [
            enrich(post, nlp, annotator.version)
            for post, nlp in zip(posts, annotations, strict=True)
        ]

    return Stage("nlp", RawPost, handle)


def passthrough_stage(name: str) -> Stage[EnrichedPost, EnrichedPost]:
    """Return a stage that hands enriched posts to its sink unchanged (indexer, alerter)."""

    def handle(posts: Sequence[EnrichedPost]) -> Sequence[EnrichedPost]:
        return posts

    return Stage(name, EnrichedPost, handle)
