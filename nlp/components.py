"""The spaCy components of the Centinela pipeline, registered by name with ``Language.factory``.

Each component reads and writes ``Doc._`` extensions (declared in ``assigns``); spans are kept
in normalised-text coordinates until ``nlp.extractor`` maps them back to the raw text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp.aliases import AliasExtractor
from nlp.contacts import ContactExtractor
from nlp.langid import LanguageScorer
from nlp.places import PlaceExtractor
from nlp.prices import PriceExtractor
from nlp.relevance import Evidence, FeatureBuilder, LinearModel, dominant_quote, sigmoid
from nlp.resources import data_path
from nlp.role_model import PostContext, RoleModel
from nlp.roles import PlaceSpan
from nlp.tags import NO_TAGS, TagExtractor, offer_tags
from nlp.textmap import Occupied, normalise
from nlp.transformer.encoder import SentenceEncoder
from nlp.transformer.head import StackedModel

TAG_SCAN_CHARS = 20_000  # tags are post-level flags; the head of a huge post decides them
_EXTENSIONS: dict[str, Any] = {
    "platform": None,
    "lang_hint": None,
    "norm": None,
    "lang": "und",
    "places": [],
    "contacts": [],
    "prices": [],
    "aliases": [],
    "tags": None,
    "score": 0.0,
    "is_smuggling_ad": False,
}
for _name, _default in _EXTENSIONS.items():
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


def _spans(items: list[Any]) -> list[tuple[int, int]]:
    return [(item.start, item.end) for item in items]


@Language.factory("centinela_normalizer", assigns=["doc._.norm"])
def make_normalizer(nlp: Language, name: str) -> Any:
    """Undo digit obfuscation into ``doc._.norm`` (a NormText with offsets to the raw text)."""

    def normalizer(doc: Doc) -> Doc:
        doc._.norm = normalise(doc.text)
        return doc

    return normalizer


@Language.factory(
    "centinela_langid", assigns=["doc._.lang"], default_config={"data_file": "langid.json"}
)
def make_langid(nlp: Language, name: str, data_file: str) -> Any:
    """Identify the post's language into ``doc._.lang`` (a supported ``lang_hint`` wins)."""
    scorer = LanguageScorer.from_file(data_path(data_file))

    def langid(doc: Doc) -> Doc:
        doc._.lang = scorer.identify(doc.text, doc._.lang_hint)
        return doc

    return langid


@Language.factory(
    "centinela_places",
    assigns=["doc._.places"],
    default_config={"gazetteer_file": "gazetteer.tsv", "cues_file": "route_cues.json"},
)
def make_places(nlp: Language, name: str, gazetteer_file: str, cues_file: str) -> Any:
    """Find gazetteer places with route roles into ``doc._.places``."""
    extractor = PlaceExtractor(data_path(gazetteer_file), data_path(cues_file))

    def places(doc: Doc) -> Doc:
        doc._.places = extractor.extract(doc._.norm.text, [])
        return doc

    return places


@Language.factory(
    "centinela_contacts",
    assigns=["doc._.contacts", "doc._.places"],
    default_config={"data_file": "contacts.json"},
)
def make_contacts(nlp: Language, name: str, data_file: str) -> Any:
    """Find phones, handles, emails and links into ``doc._.contacts``; drop places inside them."""
    extractor = ContactExtractor(data_path(data_file))

    def contacts(doc: Doc) -> Doc:
        countries = [p.entry.country for p in doc._.places]
        found = extractor.extract(doc._.norm.text, countries, doc._.lang, doc._.platform)
        doc._.contacts = found
        taken = Occupied(len(doc._.norm.text), _spans(found))
        doc._.places = [p for p in doc._.places if not taken.overlaps(p.start, p.end)]
        return doc

    return contacts


@Language.factory(
    "centinela_prices",
    assigns=["doc._.prices", "doc._.places"],
    default_config={"data_file": "currencies.json"},
)
def make_prices(nlp: Language, name: str, data_file: str) -> Any:
    """Find money mentions into ``doc._.prices``, outside contacts; drop places inside them."""
    extractor = PriceExtractor(data_path(data_file))

    def prices(doc: Doc) -> Doc:
        found = extractor.extract(doc._.norm.text, _spans(doc._.contacts))
        doc._.prices = found
        taken = Occupied(len(doc._.norm.text), _spans(found))
        doc._.places = [p for p in doc._.places if not taken.overlaps(p.start, p.end)]
        return doc

    prices.extractor = extractor  # type: ignore[attr-defined]
    return prices


@Language.factory(
    "centinela_aliases",
    assigns=["doc._.aliases"],
    default_config={
        "data_file": "aliases.json",
        "gazetteer_file": "gazetteer.tsv",
        "cues_file": "route_cues.json",
    },
)
def make_aliases(
    nlp: Language, name: str, data_file: str, gazetteer_file: str, cues_file: str
) -> Any:
    """Find the names smugglers go by into ``doc._.aliases``, never over places or contacts."""
    names = set(PlaceExtractor(data_path(gazetteer_file), data_path(cues_file)).folded)
    extractor = AliasExtractor(data_path(data_file), names)

    def aliases(doc: Doc) -> Doc:
        blocked = _spans(doc._.places) + _spans(doc._.contacts) + _spans(doc._.prices)
        doc._.aliases = extractor.extract(doc._.norm.text, blocked)
        return doc

    return aliases


@Language.factory(
    "centinela_tags", assigns=["doc._.tags"], default_config={"data_file": "tags.json"}
)
def make_tags(nlp: Language, name: str, data_file: str) -> Any:
    """Tag services, transport modes and payment terms into ``doc._.tags``."""
    extractor = TagExtractor(data_path(data_file))

    def tags(doc: Doc) -> Doc:
        doc._.tags = extractor.extract(doc._.norm.text[:TAG_SCAN_CHARS])
        return doc

    return tags


def evidence_of(doc: Doc) -> Evidence:
    """Summarise what the earlier components found in ``doc`` for the relevance model."""
    tags = doc._.tags
    return Evidence(
        prices=len(doc._.prices),
        contacts=len(doc._.contacts),
        aliases=len(doc._.aliases),
        places=len(doc._.places),
        us_places=sum(p.entry.country == "US" for p in doc._.places),
        role_places=sum(p.role in ("origin", "crossing", "destination") for p in doc._.places),
        services=len(tags.services),
        modes=len(tags.transport_modes),
        payments=len(tags.payment_terms),
    )


@Language.factory(
    "centinela_relevance",
    assigns=["doc._.score", "doc._.is_smuggling_ad"],
    default_config={
        "cues_file": "relevance_cues.json",
        "weights_file": "relevance_weights.json",
        "threshold": 0.5,
        "transformer_file": "relevance_transformer.json",
        "transformer": True,
        "transformer_model_dir": "",
    },
)
def make_relevance(  # noqa: PLR0913 - spaCy passes the component config as keywords
    nlp: Language,
    name: str,
    cues_file: str,
    weights_file: str,
    threshold: float,
    transformer_file: str,
    transformer: bool,
    transformer_model_dir: str,
) -> Relevance:
    """Score how likely the post is a smuggling offer into ``doc._.score``.

    The rules' linear model scores every post; where it is unsure, the sentence transformer's
    head is stacked with it (``nlp.transformer.head``). ``transformer=False`` keeps the
    rules alone, for machines without the model package.
    """
    builder = FeatureBuilder(data_path(cues_file))
    model = LinearModel.from_file(data_path(weights_file), builder.size)
    stacked = StackedModel.from_file(data_path(transformer_file))
    encoder = None
    if transformer:
        encoder = SentenceEncoder.load(
            Path(transformer_model_dir) if transformer_model_dir else None,
            max_tokens=stacked.max_tokens,
        )
        stacked.check_dimensions(encoder.dimensions, data_path(transformer_file))
    return Relevance(builder, model, stacked, encoder, threshold)


class Relevance:
    """The relevance component: per doc (``__call__``) or per batch (``pipe``, one encoder
    call for the batch's unsure posts)."""

    def __init__(
        self,
        builder: FeatureBuilder,
        model: LinearModel,
        stacked: StackedModel,
        encoder: SentenceEncoder | None,
        threshold: float,
    ) -> None:
        self.builder, self.model, self.stacked = builder, model, stacked
        self.encoder, self.threshold = encoder, threshold
        text_part = f"+{stacked.version}" if encoder is not None else ""
        self.model_version = f"{model.version}{text_part}"
        self.scored = 0  # posts scored, and how many of them the encoder read
        self.encoded = 0

    def __call__(self, doc: Doc) -> Doc:
        return self._score_batch([doc])[0]

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._score_batch(batch)
                batch = []
        if batch:
            yield from self._score_batch(batch)

    def _score_batch(self, docs: list[Doc]) -> list[Doc]:
        evidence = [evidence_of(doc) for doc in docs]
        # what is scored: every post, and a post's dominant quotation on its own (the post is
        # an ad when either is; the quotation keeps the post's evidence)
        items = [(i, doc.text) for i, doc in enumerate(docs)]
        items += [(i, q) for i, doc in enumerate(docs) if (q := dominant_quote(doc.text))]
        logits = [self.model.logit(self.builder.features(text, evidence[i])) for i, text in items]
        scores = [sigmoid(z) for z in logits]
        unsure = [k for k, p in enumerate(scores) if self.stacked.needs_text_model(p)]
        self.scored += len(docs)
        if self.encoder is not None and unsure:
            self.encoded += len({items[k][0] for k in unsure})  # posts, not quotations
            text_logits = self.stacked.text_logits(
                self.encoder.encode([items[k][1] for k in unsure])
            )
            for k, z_text in zip(unsure, text_logits, strict=True):
                scores[k] = self.stacked.stacked_score(logits[k], float(z_text))
        best = [0.0] * len(docs)
        for (i, _), score in zip(items, scores, strict=True):
            best[i] = max(best[i], score)
        for doc, ev, score in zip(docs, evidence, best, strict=True):
            bounded = min(max(score, self.builder.floor(doc.text, ev)), self.builder.ceiling(ev))
            self._assign(doc, bounded)
        return docs

    def _assign(self, doc: Doc, score: float) -> None:
        doc._.score = score
        doc._.is_smuggling_ad = score >= self.threshold


@Language.factory(
    "centinela_roles",
    assigns=["doc._.places", "doc._.tags"],
    default_config={"model_file": "role_weights.json"},
)
def make_roles(nlp: Language, name: str, model_file: str) -> Any:
    """Settle each place's route role once the post is known to be an offer or not, and the
    tags an offer implies.

    The rules' roles are adjusted to the decision (outside an offer a place named without a
    cue is a location; in an offer a Mexican border city "reached" is where the crossing
    starts); then the learned model of ``nlp.role_model`` reads them with each place's
    context and gives every place its role (``role_model.settle``: a role a cue gave stands
    unless the model is sure of another). ``model_file=""`` keeps the rules' roles (what
    ``python -m nlp.train_roles`` trains on).
    """
    model = RoleModel.from_file(data_path(model_file)) if model_file else None

    def roles(doc: Doc) -> Doc:
        places: list[PlaceSpan] = doc._.places
        if not doc._.is_smuggling_ad:
            places = [p if p.cued else replace(p, role="unknown") for p in places]
        else:
            places = [replace(p, role="crossing") if p.way_in else p for p in places]
        if model is not None and places:
            post = PostContext(doc._.norm.text, places, bool(doc._.is_smuggling_ad), doc._.lang)
            places = [
                replace(p, role=r) for p, r in zip(places, model.roles(post), strict=True)
            ]
        doc._.places = places
        if not doc._.is_smuggling_ad:
            doc._.tags = NO_TAGS  # nothing is on offer: a bus line's "bus" is not a service
        else:
            doc._.tags = offer_tags(doc._.tags, {p.role for p in places})
        return doc

    return roles
