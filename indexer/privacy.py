"""Contacts are personal data: store them clear, as keyed tokens, or redacted, per deployment.

``privacy.contacts`` (``pipeline/settings.py``) chooses one of three modes, applied wherever
a post is *stored or shown*: the embedded SQLite store, the Elasticsearch document, the alert
emails. Matching alert rules still sees the post as extracted (a watchlist of numbers keeps
working); only what is written down changes.

``clear``
    Contacts as extracted (the default; nothing changes).
``hash``
    Every contact value becomes ``h:`` + 32 hex digits: HMAC-SHA256 keyed with
    ``privacy.hash_key`` over the contact's normalised key (``indexer.normalise.contact_key``),
    truncated to 128 bits. The same contact always gives the same token, whatever its
    formatting (``+52 899 555 0142`` = ``+528995550142``), so posts still link by contact and
    ``centinela search --contact "+52 899 555 0142"`` hashes the query the same way. Without
    the key a token cannot be turned back into a number (no dictionary of 10-digit numbers can
    be hashed without it). A phone written without its country code no longer matches as a
    suffix: give the number in full.
``redact``
    Every contact value becomes ``[redacted]``; its type (phone, whatsapp, email...) is kept.
    Nothing links posts by contact and a contact search is refused.

The post text: with ``hash`` and ``redact`` every contact in ``text`` (its NLP span, and every
other occurrence as written, as normalised, or the same phone digits with other separators)
is replaced by the token or the marker, and so is anything the NLP missed that is shaped like
a contact (an ``@handle``, an email, a ``t.me/`` handle, 8 to 15 digits written like a phone,
dates excepted) unless it overlaps a price, place or alias mention; in hash mode such a
stretch gets the token of what is written (``@passage_uk24`` = the telegram contact
``passage_uk24``). Contacts in ``media`` URLs are masked the same way (known contacts only).
Everything else in the text is kept byte for byte and the spans of prices, places and aliases
are moved so they still name their words. The post's own identity (``url``, ``source``,
``author``, ``crawl``) is the evidence trail and is kept as is.

Protecting is idempotent: a token or the marker is never hashed again, so re-indexing a
protected post changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from indexer._masking import Remap, Target, find_edits, mask
from indexer.errors import PrivacyError
from indexer.normalise import contact_key
from indexer.query import SearchQuery
from pipeline.records import EnrichedPost, Span
from pipeline.settings import MIN_HASH_KEY_CHARS, PrivacySettings, get_settings

ContactMode = Literal["clear", "hash", "redact"]

HASH_PREFIX = "h:"
REDACTED = "[redacted]"
TOKEN_BYTES = 16
_TOKEN = re.compile(rf"^{HASH_PREFIX}[0-9a-f]{{{2 * TOKEN_BYTES}}}$")
_DOMAIN = b"centinela/contact/v1\x00"
_KEY_ID = b"centinela/key-id/v1"


def is_token(value: str) -> bool:
    """Tell whether ``value`` is a contact token (``h:`` + 32 lowercase hex digits)."""
    return _TOKEN.match(value) is not None


def hash_token(key: bytes, value: str) -> str:
    """Return the token of a contact: keyed HMAC-SHA256 of its normalised key, 128 bits, hex."""
    digest = hmac.new(key, _DOMAIN + contact_key(value).encode("utf-8"), hashlib.sha256)
    return HASH_PREFIX + digest.digest()[:TOKEN_BYTES].hex()


@dataclass(frozen=True)
class ContactPrivacy:
    """One deployment's way of storing contacts; ``CLEAR`` changes nothing."""

    mode: ContactMode = "clear"
    key: bytes = field(default=b"", repr=False)

    def __post_init__(self) -> None:
        if self.mode == "hash" and len(self.key) < MIN_HASH_KEY_CHARS:
            raise ValueError(f"hash mode needs a key of at least {MIN_HASH_KEY_CHARS} bytes")

    @classmethod
    def from_settings(cls, settings: PrivacySettings) -> ContactPrivacy:
        """Return the policy of ``privacy`` settings."""
        key = settings.hash_key.get_secret_value().encode("utf-8") if settings.hash_key else b""
        return cls(settings.contacts, key if settings.contacts == "hash" else b"")

    @property
    def fingerprint(self) -> str:
        """``clear``, ``redact`` or ``hash:<key id>``: what a store records to refuse mixing.

        The key id is an HMAC of a constant: it tells keys apart without revealing them.
        """
        if self.mode != "hash":
            return self.mode
        return "hash:" + hmac.new(self.key, _KEY_ID, hashlib.sha256).hexdigest()[:12]

    def token(self, value: str) -> str:
        """Return what is stored for the contact ``value``."""
        if self.mode == "clear":
            return value
        if self.mode == "redact":
            return REDACTED
        if value == REDACTED or is_token(value):
            return value
        return hash_token(self.key, value)

    def index_key(self, stored_value: str) -> str | None:
        """Return the search key of a stored contact value, or None when it has none (redacted)."""
        return None if stored_value == REDACTED else contact_key(stored_value)

    def query_contact(self, contact: str) -> str:
        """Return the contact to look for in a store written with this policy.

        Raises PrivacyError in ``redact`` mode: no stored value can match.
        """
        if self.mode == "clear":
            return contact
        if self.mode == "redact":
            raise PrivacyError(
                "contacts are redacted in this deployment (privacy.contacts = 'redact'): "
                "a search by contact cannot match anything"
            )
        candidate = contact.strip().lower()
        return candidate if is_token(candidate) else hash_token(self.key, contact)

    def protect_query(self, query: SearchQuery) -> SearchQuery:
        """Return ``query`` with its contact filter in the stored form (token in hash mode)."""
        if self.mode == "clear" or query.contact is None:
            return query
        return query.model_copy(update={"contact": self.query_contact(query.contact)})

    def protect(self, post: EnrichedPost) -> EnrichedPost:
        """Return ``post`` as it may be stored: contacts, text and media URLs protected."""
        contacts = post.nlp.contacts
        if self.mode == "clear":
            return post
        targets = [
            Target(c.start, c.end, c.raw, c.value, self.token(c.value)) for c in contacts
        ]
        text, nlp = post.text, post.nlp
        keep = [(m.start, m.end) for m in (*nlp.prices, *nlp.places, *nlp.aliases)
                if text[m.start:m.end] == m.raw]
        remap = Remap(text, find_edits(text, targets, guess=self.token, keep=keep))
        if not remap.edits and not contacts:
            return post
        nlp = nlp.model_copy(update={
            "prices": tuple(_moved(p, text, remap) for p in nlp.prices),
            "places": tuple(_moved(p, text, remap, ("name",)) for p in nlp.places),
            "aliases": tuple(_moved(a, text, remap, ("value",)) for a in nlp.aliases),
            "contacts": tuple(
                c.model_copy(update={
                    "value": t.replacement, "raw": t.replacement,
                    "start": remap.position(c.start, end=False),
                    "end": remap.position(c.end, end=True),
                })
                for c, t in zip(contacts, targets, strict=True)
            ),
        })
        media = tuple(item.model_copy(update={"url": mask(item.url, targets)})
                      for item in post.media)
        return post.model_copy(update={"text": remap.text, "nlp": nlp, "media": media})

    def protect_lines(
        self, lines: Sequence[str], post: EnrichedPost, entries: Sequence[str] = ()
    ) -> tuple[str, ...]:
        """Return ``lines`` (alert reasons) with the contacts of ``post`` and ``entries`` masked.

        ``post`` is the post as extracted; ``entries`` are contacts from elsewhere (a rule's
        watchlist) that the lines may quote.
        """
        if self.mode == "clear":
            return tuple(lines)
        targets = [Target(0, 0, c.raw, c.value, self.token(c.value)) for c in post.nlp.contacts]
        targets += [Target(0, 0, entry, entry, self.token(entry)) for entry in entries]
        return tuple(mask(line, targets) for line in lines)


_S = TypeVar("_S", bound=Span)


def _moved(span: _S, text: str, remap: Remap, also: tuple[str, ...] = ()) -> _S:
    """Return ``span`` with offsets in the new text; its words re-read if a contact was in them."""
    start = remap.position(span.start, end=False)
    end = remap.position(span.end, end=True)
    update: dict[str, object] = {"start": start, "end": end}
    if text[span.start:span.end] == span.raw and remap.touches(span.start, span.end):
        words = remap.text[start:end]
        update["raw"] = words
        update.update(dict.fromkeys(also, words))
    return span.model_copy(update=update)


CLEAR = ContactPrivacy()


def deployment_privacy() -> ContactPrivacy:
    """Return the policy of this deployment's settings (``privacy.*``)."""
    return ContactPrivacy.from_settings(get_settings().privacy)
