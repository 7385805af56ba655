"""``centinela extract``: JSON Lines of ``{"id", "text", ...}`` in, one ExtractResult line out.

Each bad input line (not UTF-8, not JSON, missing ``text``, over the size limit) is reported
with its line number and kept as a DeadLetter; the batch goes on. Output keeps input order.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from pydantic import ValidationError

from pipeline.annotator_pool import AnnotatorFactory, annotate_in_order
from pipeline.dead_letters import DeadLetterFile
from pipeline.errors import DecodeError
from pipeline.records import DeadLetter, ExtractRequest
from pipeline.stages import Annotator

DEFAULT_MAX_LINE_BYTES = 512 * 1024


@dataclass
class ExtractOutcome:
    lines: int = 0
    extracted: int = 0
    failed: int = 0


def parse_line(raw: bytes, max_bytes: int = DEFAULT_MAX_LINE_BYTES) -> ExtractRequest:
    """Decode one input line into an ExtractRequest or raise DecodeError saying why."""
    if len(raw) > max_bytes:
        raise DecodeError(f"line is {len(raw):,} bytes, over the {max_bytes:,}-byte limit")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DecodeError(f"not UTF-8 (bad byte at offset {error.start})") from error
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise DecodeError(f"not JSON: {error.msg} at column {error.colno}") from error
    if not isinstance(value, dict):
        raise DecodeError(f"expected a JSON object, got {type(value).__name__}")
    try:
        return ExtractRequest.model_validate(value)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "<root>"
        raise DecodeError(f"field '{field}': {first['msg']}") from error


def _batches(
    lines: Iterable[bytes],
    size: int,
    max_bytes: int,
    report: Callable[[int, bytes, Exception], None],
) -> Iterator[list[ExtractRequest]]:
    batch: list[ExtractRequest] = []
    for number, raw in enumerate(lines, start=1):
        stripped = raw.rstrip(b"\r\n")
        if not stripped.strip():
            continue
        try:
            batch.append(parse_line(stripped, max_bytes))
        except DecodeError as error:
            report(number, stripped, error)
            continue
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _render(annotator: Annotator, batch: Sequence[ExtractRequest]) -> list[str]:
    annotations = annotator.annotate(batch)
    # The id first, then the nlp block: the ExtractResult fields in the order DESIGN.md shows.
    return [
        json.dumps({"id": request.id, **nlp.model_dump(mode="json")}, ensure_ascii=False)
        for request, nlp in zip(batch, annotations, strict=True)
    ]


def run_extract(
    source: BinaryIO,
    sink: TextIO,
    factory: AnnotatorFactory,
    *,
    batch_size: int = 64,
    workers: int = 1,
    max_bytes: int = DEFAULT_MAX_LINE_BYTES,
    dead_letters: DeadLetterFile | None = None,
    on_error: Callable[[int, str], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> ExtractOutcome:
    """Extract every line of ``source`` into ``sink``; report and keep the lines that fail."""
    outcome = ExtractOutcome()

    def report(number: int, raw: bytes, error: Exception) -> None:
        outcome.failed += 1
        if on_error is not None:
            on_error(number, str(error))
        if dead_letters is not None:
            dead_letters.add([DeadLetter.from_error("extract", error, raw, line=number)])

    def counted(lines: Iterable[bytes]) -> Iterator[bytes]:
        for line in lines:
            outcome.lines += 1
            yield line

    batches = _batches(counted(source), batch_size, max_bytes, report)
    _write(annotate_in_order(batches, factory, _render, workers), sink, outcome, on_batch)
    if dead_letters is not None:
        dead_letters.flush()
    return outcome


def _write(
    rendered: Iterable[tuple[list[ExtractRequest], list[str] | BaseException]],
    sink: TextIO,
    outcome: ExtractOutcome,
    on_batch: Callable[[int], None] | None,
) -> None:
    for _batch, lines in rendered:
        if isinstance(lines, BaseException):
            raise lines  # the annotator is total: a failure here is a bug, not bad input
        for line in lines:
            sink.write(line + "\n")
        outcome.extracted += len(lines)
        if on_batch is not None:
            on_batch(len(lines))
    sink.flush()
