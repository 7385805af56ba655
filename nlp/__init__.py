"""Centinela NLP stage: a spaCy pipeline of registered components that extracts prices,
places with route roles, contacts, aliases and tags from posts and scores their relevance.

    from nlp import Extractor
    extractor = Extractor.load()
    annotations = extractor.annotate([ExtractRequest(id="1", text="...")])
"""

from nlp.extractor import NLP_VERSION, Extractor

__all__ = ["NLP_VERSION", "Extractor"]
