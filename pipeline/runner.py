"""One runner for every stage: poll → decode → handle → sink → flush → commit.

A stage is a pure function of a batch of records. The runner owns the I/O around it, so the
same stage runs on the in-memory bus (embedded mode, tests) and on Kafka (streaming). Bad
input never stops a stage: it becomes a DeadLetter carrying the original bytes, the stage
name and the topic/partition/offset, and the offsets are committed only after the sink and
the dead-letter sink have flushed.
"""

from __future__ import annotations

import logging
import random
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import Generic, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel

from pipeline.bus import Consumer, Message, Producer
from pipeline.codec import decode, encode
from pipeline.errors import DecodeError
from pipeline.records import DeadLetter

log = logging.getLogger(__name__)

InT = TypeVar("InT", bound=BaseModel)
OutT = TypeVar("OutT", contravariant=True)
OutCo = TypeVar("OutCo")


@runtime_checkable
class Sink(Protocol[OutT]):
    """Where a stage's output goes: ``add`` may buffer, ``flush`` must persist.

    Re-adding a record with the same ``doc_id`` overwrites it, never duplicates; the runner
    commits its offsets only after ``flush`` returned.
    """

    def add(self, items: Sequence[OutT]) -> None: ...

    def flush(self) -> None: ...


class TopicSink:
    """Publishes records to a topic, keyed by their ``doc_id``."""

    def __init__(self, producer: Producer, topic: str) -> None:
        self._producer = producer
        self._topic = topic

    def add(self, items: Sequence[BaseModel]) -> None:
        for item in items:
            doc_id = getattr(item, "doc_id", None)
            key = doc_id.encode("ascii") if isinstance(doc_id, str) else None
            self._producer.send(self._topic, key, encode(item))

    def flush(self) -> None:
        self._producer.flush()


@dataclass(frozen=True)
class Stage(Generic[InT, OutCo]):
    """A named, pure batch function from input records to output records."""

    name: str
    input_type: type[InT]
    handle: Callable[[Sequence[InT]], Sequence[OutCo]]


@dataclass
class StageStats:
    consumed: int = 0
    produced: int = 0
    dead_letters: int = 0
    batches: int = 0
    errors_by_type: dict[str, int] = field(default_factory=dict)

    def count_error(self, letter: DeadLetter) -> None:
        self.dead_letters += 1
        self.errors_by_type[letter.error_type] = self.errors_by_type.get(letter.error_type, 0) + 1


class StageRunner(Generic[InT, OutCo]):
    """Drives one stage over a consumer, a sink and a dead-letter sink."""

    def __init__(
        self,
        stage: Stage[InT, OutCo],
        consumer: Consumer,
        sink: Sink[OutCo],
        dead_letters: Sink[DeadLetter],
        *,
        batch_size: int = 64,
        poll_timeout_s: float = 0.5,
        flush_retries: int | None = 0,
        stop: threading.Event | None = None,
    ) -> None:
        self.stage = stage
        self.stats = StageStats()
        self._consumer = consumer
        self._sink = sink
        self._dead_letters = dead_letters
        self._batch_size = batch_size
        self._poll_timeout_s = poll_timeout_s
        self._flush_retries = flush_retries
        self._stop = stop or threading.Event()

    def run_once(self) -> int:
        """Handle one polled batch; return how many messages it held."""
        messages = self._consumer.poll(self._batch_size, self._poll_timeout_s)
        if not messages:
            return 0
        records: list[InT] = []
        sources: list[Message] = []
        letters: list[DeadLetter] = []
        for message in messages:
            try:
                records.append(decode(message.value, self.stage.input_type))
                sources.append(message)
            except DecodeError as error:
                letters.append(self._letter(error, message))
        outputs = self._handle(records, sources, letters)
        self._sink.add(outputs)
        self._flush_sink()
        if letters:
            for letter in letters:
                self.stats.count_error(letter)
                log.warning(
                    "stage=%s dead letter topic=%s offset=%s doc_id=%s: %s: %s",
                    self.stage.name, letter.topic, letter.offset, letter.doc_id,
                    letter.error_type, letter.error_message,
                )
            self._dead_letters.add(letters)
            self._dead_letters.flush()
        self._consumer.commit()
        self.stats.consumed += len(messages)
        self.stats.produced += len(outputs)
        self.stats.batches += 1
        return len(messages)

    def _flush_sink(self) -> None:
        """Flush the sink; while it is unavailable, retry with capped backoff and jitter.

        Nothing is committed until the flush succeeds, so giving up (retries exhausted or a
        stop requested) loses nothing: the group's next consumer gets the batch again.
        """
        attempt = 0
        while True:
            try:
                self._sink.flush()
                return
            except Exception as error:
                attempt += 1
                out_of_retries = self._flush_retries is not None and attempt > self._flush_retries
                if out_of_retries or self._stop.is_set():
                    raise
                delay = min(30.0, 0.5 * 2 ** min(attempt, 6)) * random.uniform(0.5, 1.0)  # noqa: S311
                log.warning(
                    "stage=%s sink flush failed (attempt %d): %s; retrying in %.1f s",
                    self.stage.name, attempt, error, delay,
                )
                self._stop.wait(delay)

    def run(self, stop: threading.Event, *, until_idle: Callable[[], bool] | None = None) -> None:
        """Loop until ``stop`` is set, or until idle when ``until_idle()`` says input ended."""
        while not stop.is_set():
            handled = self.run_once()
            if handled == 0 and until_idle is not None and until_idle():
                return

    def _handle(
        self, records: list[InT], sources: list[Message], letters: list[DeadLetter]
    ) -> list[OutCo]:
        if not records:
            return []
        try:
            return list(self.stage.handle(records))
        except Exception:  # noqa: BLE001 - isolate the poison record(s) one by one
            log.exception("stage=%s batch failed; retrying record by record", self.stage.name)
        outputs: list[OutCo] = []
        for record, message in zip(records, sources, strict=True):
            try:
                outputs.extend(self.stage.handle([record]))
            except Exception as error:  # noqa: BLE001 - becomes a dead letter
                letters.append(self._letter(error, message))
        return outputs

    def _letter(self, error: BaseException, message: Message) -> DeadLetter:
        return DeadLetter.from_error(
            self.stage.name,
            error,
            message.value,
            doc_id=message.key.decode("utf-8", "replace") if message.key else None,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
        )


def install_shutdown(stop: threading.Event) -> None:
    """Set ``stop`` on SIGTERM/SIGINT so runners finish the batch, flush and commit."""

    def _handler(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s received: finishing the current batch", signum)
        stop.set()

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
