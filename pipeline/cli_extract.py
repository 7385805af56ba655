"""``centinela extract`` around ``pipeline.extract.run_extract``: files, stdin, error report."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO, TextIO

from rich.console import Console

from pipeline.annotator_pool import load_annotator
from pipeline.dead_letters import DeadLetterFile
from pipeline.extract import run_extract

err = Console(stderr=True)


def run_extract_command(
    input_path: Path | None,
    output_path: Path | None,
    *,
    workers: int,
    batch_size: int,
    max_line_bytes: int,
    dead_letters: Path | None,
) -> int:
    """Run the extraction; return 0 when every line was extracted, 1 when any failed."""
    if input_path is not None and not input_path.is_file():
        err.print(f"error: no such input file: {input_path}")
        return 2
    with ExitStack() as stack:
        source: BinaryIO = (
            stack.enter_context(input_path.open("rb")) if input_path else sys.stdin.buffer
        )
        sink: TextIO = (
            stack.enter_context(output_path.open("w", encoding="utf-8"))
            if output_path
            else sys.stdout
        )
        letters = DeadLetterFile(dead_letters) if dead_letters else None
        if letters is not None:
            stack.callback(letters.close)

        def on_error(line: int, reason: str) -> None:
            err.print(f"line {line}: {reason}", markup=False, highlight=False)

        outcome = run_extract(
            source, sink, load_annotator, batch_size=batch_size, workers=workers,
            max_bytes=max_line_bytes, dead_letters=letters, on_error=on_error,
        )
    err.print(
        f"extract: {outcome.extracted} extracted, {outcome.failed} failed "
        f"of {outcome.lines} lines",
        highlight=False,
    )
    return 1 if outcome.failed else 0
