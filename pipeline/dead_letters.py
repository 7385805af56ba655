"""Dead-letter sinks: a JSON Lines file (embedded mode, CLI) or a topic (streaming)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from pipeline.codec import encode
from pipeline.records import DeadLetter


class DeadLetterFile:
    """Appends dead letters to a JSON Lines file; thread-safe; nothing kept only in memory."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.count = 0
        self.by_stage: dict[str, int] = {}
        self._lock = threading.Lock()
        self._file: IO[bytes] = path.open("ab")

    def add(self, items: Sequence[DeadLetter]) -> None:
        with self._lock:
            for letter in items:
                self._file.write(encode(letter) + b"\n")
                self.count += 1
                self.by_stage[letter.stage] = self.by_stage.get(letter.stage, 0) + 1

    def flush(self) -> None:
        with self._lock:
            self._file.flush()

    def close(self) -> None:
        self._file.close()


def read_dead_letters(path: Path) -> Iterator[DeadLetter]:
    """Yield the dead letters stored in a JSON Lines file."""
    if not path.exists():
        return
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                yield DeadLetter.model_validate_json(line)
