"""Enriched posts into Elasticsearch: bounded bulk requests, jittered retries, rejections to DLQ.

``flush`` returns only when every post added since the last flush is either acknowledged by
Elasticsearch or handed to the dead-letter sink (and that sink flushed). Busy or unreachable
clusters (429, 5xx, connection errors, timeouts) are retried with capped exponential
backoff and full jitter; a document Elasticsearch refuses (mapping error, malformed value) is
a DeadLetter with the exact bytes that were sent. If the cluster stays unavailable past
``max_retries``, ``flush`` raises IndexUnavailableError and the runner does not commit.
"""

from __future__ import annotations

import base64
import functools
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from elasticsearch import ConnectionError as EsConnectionError
from elasticsearch import Elasticsearch, TransportError
from elasticsearch.helpers import streaming_bulk

from indexer.elastic.document import document_bytes, to_document
from indexer.elastic.errors import ElasticError, IndexUnavailableError
from indexer.privacy import ContactPrivacy, deployment_privacy
from pipeline.records import DeadLetter, EnrichedPost, utc_now
from pipeline.runner import Sink
from pipeline.settings import ElasticsearchSettings

log = logging.getLogger(__name__)

STAGE = "index"


def is_retryable(status: object) -> bool:
    """Tell whether an HTTP status means "try again later": 429 or any server-side 5xx.

    A 4xx is the document's fault (dead letter); a 5xx is the cluster's (a failing disk, a
    restarting node), and dead-lettering good posts because of it would lose them quietly.
    """
    return isinstance(status, int) and (status == 429 or status >= 500)

_FATAL_ITEM_ERRORS = frozenset({"index_not_found_exception", "security_exception"})


def full_jitter_delay(attempt: int, initial_s: float, max_s: float, rng: random.Random) -> float:
    """Return the wait before retry ``attempt`` (0-based): uniform in [0, min(max, initial·2^n)]."""
    return rng.uniform(0.0, min(max_s, initial_s * 2.0**attempt))


@dataclass
class SinkStats:
    """What the sink did since it was built (the CLI reports these)."""

    indexed: int = 0
    dead_lettered: int = 0
    retries: int = 0
    bulk_rounds: int = 0


@dataclass(frozen=True)
class _Pending:
    doc_id: str
    body: bytes


class ElasticsearchSink:
    """A Sink of EnrichedPosts writing to the alias, ``_id = doc_id`` (re-delivery overwrites)."""

    def __init__(
        self,
        client: Elasticsearch,
        dead_letters: Sink[DeadLetter],
        settings: ElasticsearchSettings | None = None,
        *,
        index: str | None = None,
        document: Callable[[EnrichedPost], dict[str, Any]] | None = None,
        privacy: ContactPrivacy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        require_alias: bool = True,
    ) -> None:
        """Write through ``client`` to ``index`` (default: the settings' prefixed alias).

        With ``require_alias`` (the default) a missing alias is an ElasticError instead of
        Elasticsearch silently creating an index with a guessed mapping under that name.
        ``document`` defaults to ``to_document`` with ``privacy``, itself defaulting to the
        deployment's ``privacy.contacts``: contacts are stored the way the settings say.
        """
        self._client = client
        self._dead_letters = dead_letters
        self._settings = settings or ElasticsearchSettings()
        self._index = index or f"{self._settings.index_prefix}{self._settings.alias}"
        if document is None:
            policy = privacy or deployment_privacy()
            document = functools.partial(to_document, privacy=policy)
        self._document = document
        self._sleep = sleep
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self._require_alias = require_alias
        self._pending: dict[str, _Pending] = {}
        self.stats = SinkStats()

    @property
    def index(self) -> str:
        """The alias (or index) every document is written to."""
        return self._index

    def add(self, posts: Sequence[EnrichedPost]) -> None:
        """Buffer ``posts``; a later post with the same ``doc_id`` replaces an earlier one."""
        for post in posts:
            body = document_bytes(self._document(post))
            self._pending[post.doc_id] = _Pending(post.doc_id, body)

    def flush(self) -> None:
        """Send everything buffered; return when each post is indexed or dead-lettered."""
        pending, self._pending = self._pending, {}
        letters: list[DeadLetter] = []
        try:
            self._deliver(pending, letters)
        except BaseException:
            self._pending = {**pending, **self._pending}  # kept for the next flush
            raise
        finally:
            if letters:
                self._dead_letters.add(letters)
                self._dead_letters.flush()
                self.stats.dead_lettered += len(letters)

    def _deliver(self, pending: dict[str, _Pending], letters: list[DeadLetter]) -> None:
        attempt = 0
        while pending:
            reason = self._round(pending, letters, attempt)
            if not pending:
                return
            if attempt >= self._settings.max_retries:
                raise IndexUnavailableError(
                    f"{len(pending)} post(s) not indexed in {self._index} after "
                    f"{attempt + 1} attempts (doc_ids {', '.join(list(pending)[:3])}...); "
                    f"last error: {reason}"
                )
            delay = full_jitter_delay(
                attempt, self._settings.backoff_initial_s, self._settings.backoff_max_s, self._rng
            )
            log.warning(
                "stage=%s index=%s retry=%d pending=%d wait=%.2fs reason=%s",
                STAGE, self._index, attempt + 1, len(pending), delay, reason,
            )
            self.stats.retries += 1
            self._sleep(delay)
            attempt += 1

    def _round(
        self, pending: dict[str, _Pending], letters: list[DeadLetter], attempt: int
    ) -> str | None:
        """Send one bulk pass over ``pending``; remove what is settled; return why any is left."""
        self.stats.bulk_rounds += 1
        actions = [
            {"_op_type": "index", "_index": self._index, "_id": item.doc_id,
             "_source": item.body.decode("utf-8")}
            for item in pending.values()
        ]
        reason: str | None = None
        try:
            for ok, result in streaming_bulk(
                self._client,
                actions,
                chunk_size=self._settings.bulk_max_docs,
                max_chunk_bytes=self._settings.bulk_max_bytes,
                raise_on_error=False,
                raise_on_exception=True,
                max_retries=0,
                yield_ok=True,
                require_alias=self._require_alias,
            ):
                item = next(iter(result.values()))
                doc_id = str(item.get("_id"))
                if ok:
                    pending.pop(doc_id, None)
                    self.stats.indexed += 1
                    continue
                status = item.get("status")
                error = item.get("error") or {}
                if is_retryable(status):
                    reason = f"{status} {_error_type(error)}"
                elif _error_type(error) in _FATAL_ITEM_ERRORS or status in (401, 403):
                    raise ElasticError(f"{self._index}: {status} {_describe(error)}")
                else:
                    letters.append(_dead_letter(pending.pop(doc_id), status, error, attempt))
        except EsConnectionError as error:
            reason = f"{type(error).__name__}: {error}"
        except TransportError as error:
            if not is_retryable(error.status_code):
                raise ElasticError(f"bulk to {self._index} failed: {error}") from error
            reason = f"{error.status_code} {error.error}"
        return reason


def _error_type(error: Any) -> str:
    return str(error.get("type", "unknown")) if isinstance(error, dict) else str(error)


def _describe(error: Any) -> str:
    """Return ``type: reason (caused by: type: reason)`` of an Elasticsearch item error."""
    if not isinstance(error, dict):
        return str(error)
    text = f"{error.get('type', 'unknown')}: {error.get('reason', '')}"
    cause = error.get("caused_by")
    if isinstance(cause, dict):
        text += f" (caused by {cause.get('type', 'unknown')}: {cause.get('reason', '')})"
    return text


def _dead_letter(item: _Pending, status: Any, error: Any, attempt: int) -> DeadLetter:
    log.error("stage=%s doc_id=%s rejected status=%s %s", STAGE, item.doc_id, status, error)
    return DeadLetter(
        stage=STAGE,
        error_type=_error_type(error),
        error_message=f"HTTP {status}: {_describe(error)}"[:2000],
        payload_b64=base64.b64encode(item.body).decode("ascii"),
        doc_id=item.doc_id,
        first_seen_at=utc_now(),
        attempts=attempt + 1,
    )
