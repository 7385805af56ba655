"""The stage runner on the in-memory bus: poison messages, isolation, commit after flush."""

from collections.abc import Sequence

from pipeline.bus import MemoryBus
from pipeline.codec import encode
from pipeline.records import DeadLetter, RawPost
from pipeline.runner import Stage, StageRunner
from tests.pipeline.factories import raw_post


class ListSink:
    def __init__(self) -> None:
        self.items: list[object] = []
        self.flushed = 0

    def add(self, items: Sequence[object]) -> None:
        self.items.extend(items)

    def flush(self) -> None:
        self.flushed += 1


def upper_text(posts: Sequence[RawPost]) -> list[str]:
    for post in posts:
        if "POISON" in post.text:
            raise RuntimeError(f"cannot handle {post.native_id}")
    return [post.text.upper() for post in posts]


def test_poison_messages_become_dead_letters_and_the_stream_goes_on() -> None:
    bus = MemoryBus()
    bus.append("raw", b"k1", encode(raw_post("1", "uno")))
    bus.append("raw", b"k2", b"{truncated json")
    bus.append("raw", b"k3", b"\xff\xfe\x00binary")
    bus.append("raw", b"k4", encode(raw_post("4", "POISON pill")))
    bus.append("raw", b"k5", encode(raw_post("5", "cinco")))
    sink: ListSink = ListSink()
    letters: ListSink = ListSink()
    runner = StageRunner(
        Stage("upper", RawPost, upper_text), bus.consumer("raw", "g"), sink, letters,
        batch_size=10, poll_timeout_s=0,
    )
    assert runner.run_once() == 5
    assert sink.items == ["UNO", "CINCO"]
    dead = [letter for letter in letters.items if isinstance(letter, DeadLetter)]
    assert [d.offset for d in dead] == [1, 2, 3]
    assert dead[0].error_type == "DecodeError" and dead[0].payload() == b"{truncated json"
    assert "not UTF-8" in dead[1].error_message
    assert dead[2].error_type == "RuntimeError" and dead[2].stage == "upper"
    assert runner.stats.consumed == 5 and runner.stats.dead_letters == 3
    assert bus.lag("raw", "g") == 0


def test_uncommitted_batches_are_redelivered_to_the_group() -> None:
    bus = MemoryBus()
    for n in range(3):
        bus.append("raw", None, encode(raw_post(str(n))))

    class FailingSink(ListSink):
        def flush(self) -> None:
            raise OSError("store down")

    runner = StageRunner(
        Stage("upper", RawPost, upper_text), bus.consumer("raw", "g"), FailingSink(),
        ListSink(), batch_size=10, poll_timeout_s=0,
    )
    try:
        runner.run_once()
    except OSError:
        pass
    assert bus.lag("raw", "g") == 3, "nothing may be committed before the sink flushed"
    sink = ListSink()
    again = StageRunner(
        Stage("upper", RawPost, upper_text), bus.consumer("raw", "g"), sink, ListSink(),
        batch_size=10, poll_timeout_s=0,
    )
    assert again.run_once() == 3
    assert len(sink.items) == 3 and bus.lag("raw", "g") == 0
