"""The public face of the NLP stage: ``Extractor.load()`` then ``annotate(requests)``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp.pipeline import build_pipeline
from nlp.prices import PriceExtractor
from nlp.resources import data_path
from nlp.textmap import NormText
from pipeline.records import (
    AliasMention,
    ContactMention,
    ExtractRequest,
    NlpAnnotations,
    PlaceMention,
    PriceMention,
)
from pipeline.settings import NlpSettings

NLP_VERSION = "0.6.2+minilm2+roles5"
log = logging.getLogger(__name__)


@dataclass
class Extractor:
    """Annotate posts with language, relevance, prices, places, contacts, aliases and tags."""

    nlp: Language
    settings: NlpSettings
    version: str = NLP_VERSION
    failures: int = field(default=0)

    @classmethod
    def load(cls, settings: NlpSettings | None = None) -> Extractor:
        """Build the pipeline from ``nlp/data/pipeline.cfg`` with the given settings."""
        settings = settings or NlpSettings()
        relevance: dict[str, Any] = {
            "threshold": settings.ad_threshold,
            "transformer": settings.transformer,
            "transformer_model_dir": str(settings.transformer_model_dir or ""),
        }
        if settings.model_dir is not None:
            relevance["weights_file"] = str(settings.model_dir / "relevance_weights.json")
            relevance["transformer_file"] = str(
                settings.model_dir / "relevance_transformer.json"
            )
        nlp = build_pipeline(overrides={"centinela_relevance": relevance})
        return cls(nlp=nlp, settings=settings)

    def annotate(self, requests: Sequence[ExtractRequest]) -> list[NlpAnnotations]:
        """Return one NlpAnnotations per request, in order; never raises for any text."""
        docs = [self._doc(r) for r in requests]
        done: list[Doc | None]
        try:
            done = list(self.nlp.pipe(docs, batch_size=self.settings.batch_size))
        except Exception:  # one bad doc must not sink the batch: redo them one by one
            log.exception("nlp batch failed; retrying %d posts one at a time", len(docs))
            done = [self._one(doc, r) for doc, r in zip(docs, requests, strict=True)]
        return [self._annotations(doc) if doc is not None else _empty() for doc in done]

    def _doc(self, request: ExtractRequest) -> Doc:
        text = request.text
        if len(text) > self.nlp.max_length:
            log.warning(
                "post id=%s has %d characters; annotating the first %d",
                request.id,
                len(text),
                self.nlp.max_length,
            )
            text = text[: self.nlp.max_length]
        doc = self.nlp.make_doc(text)
        doc._.platform = request.platform
        doc._.lang_hint = request.lang
        return doc

    def _one(self, doc: Doc, request: ExtractRequest) -> Doc | None:
        try:
            return self.nlp(doc)
        except Exception:
            self.failures += 1
            log.exception("nlp failed on post id=%s; emitting empty annotations", request.id)
            return None

    def _annotations(self, doc: Doc) -> NlpAnnotations:
        norm: NormText = doc._.norm
        prices_pipe = self.nlp.get_pipe("centinela_prices")
        rates: PriceExtractor = getattr(prices_pipe, "extractor", None) or PriceExtractor(
            data_path("currencies.json")
        )

        def where(start: int, end: int) -> dict[str, Any]:
            raw_start, raw_end = norm.to_raw(start, end)
            return {"raw": norm.raw[raw_start:raw_end], "start": raw_start, "end": raw_end}

        tags = doc._.tags
        return NlpAnnotations(
            lang=doc._.lang,
            is_smuggling_ad=bool(doc._.is_smuggling_ad),
            score=round(float(doc._.score), 4),
            prices=tuple(
                PriceMention(
                    amount=p.amount,
                    currency=p.currency,
                    amount_usd=rates.amount_usd(p.amount, p.currency),
                    **where(p.start, p.end),
                )
                for p in doc._.prices
            ),
            places=tuple(
                PlaceMention(
                    name=norm.raw[slice(*norm.to_raw(p.start, p.end))],
                    canonical=p.entry.canonical,
                    country=p.entry.country,
                    lat=p.entry.lat,
                    lon=p.entry.lon,
                    role=p.role,
                    **where(p.start, p.end),
                )
                for p in doc._.places
            ),
            contacts=tuple(
                ContactMention(type=c.type, value=c.value, **where(c.start, c.end))
                for c in doc._.contacts
            ),
            aliases=tuple(
                AliasMention(
                    value=norm.raw[slice(*norm.to_raw(a.start, a.end))], **where(a.start, a.end)
                )
                for a in doc._.aliases
            ),
            services=tags.services,
            transport_modes=tags.transport_modes,
            payment_terms=tags.payment_terms,
        )


def _empty() -> NlpAnnotations:
    return NlpAnnotations(lang="und", is_smuggling_ad=False, score=0.0)
