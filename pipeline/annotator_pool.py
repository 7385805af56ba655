"""Run a function of (annotator, batch) over many batches, in worker processes, in order.

One annotator per worker process, built by a picklable factory (loading the NLP pipeline
once per process, not per batch). At most ``depth`` batches are in flight, so a long input
is never read into the pool's queue all at once, and results come back in submission order:
"every batch up to N is done" is a correct checkpoint for the caller.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

from pipeline.settings import get_settings
from pipeline.stages import Annotator

BatchT = TypeVar("BatchT")
ResultT = TypeVar("ResultT")
AnnotatorFactory = Callable[[], Annotator]


def load_annotator(version: str | None = None) -> Annotator:
    """Load the NLP extractor with the process settings, optionally relabelling its version."""
    from nlp import Extractor

    extractor = Extractor.load(get_settings().nlp)
    if version is not None:
        extractor.version = version
    return extractor


_worker: tuple[Annotator, Callable[[Annotator, Any], Any]] | None = None


def _init_worker(factory: AnnotatorFactory, work: Callable[[Annotator, Any], Any]) -> None:
    global _worker  # noqa: PLW0603 - one annotator per worker process
    _worker = (factory(), work)


def _run_in_worker(batch: Any) -> Any:
    assert _worker is not None  # noqa: S101 - set by the pool initializer
    annotator, work = _worker
    return work(annotator, batch)


def annotate_in_order(
    batches: Iterable[BatchT],
    factory: AnnotatorFactory,
    work: Callable[[Annotator, BatchT], ResultT],
    workers: int,
    depth: int = 0,
    *,
    overlap: bool = False,
) -> Generator[tuple[BatchT, ResultT | BaseException], None, None]:
    """Yield each batch with ``work(annotator, batch)`` or the error it raised, in input order.

    ``work`` must be a module-level function (it is sent to the workers). At most ``depth``
    batches (default ``2 × workers``) are submitted and not yet yielded. One worker runs in
    this process unless ``overlap`` asks for a worker process even then, so that the caller's
    own work on the results (bulk indexing) runs beside the NLP instead of between batches.
    """
    if workers <= 1 and not overlap:
        annotator = factory()
        for batch in batches:
            yield batch, _guarded(work, annotator, batch)
        return
    pool = ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(factory, work))
    in_flight: deque[tuple[BatchT, Future[ResultT]]] = deque()

    def settle() -> tuple[BatchT, ResultT | BaseException]:
        batch, future = in_flight.popleft()
        try:
            return batch, future.result()
        except Exception as error:  # noqa: BLE001 - handed to the caller with its batch
            return batch, error

    try:
        for batch in batches:
            in_flight.append((batch, pool.submit(_run_in_worker, batch)))
            if len(in_flight) >= max(depth, 2 * workers):
                yield settle()
        while in_flight:
            yield settle()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _guarded(
    work: Callable[[Annotator, BatchT], ResultT], annotator: Annotator, batch: BatchT
) -> ResultT | BaseException:
    try:
        return work(annotator, batch)
    except Exception as error:  # noqa: BLE001 - handed to the caller with its batch
        return error

