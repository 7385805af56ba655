import json
from datetime import datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from pipeline.records import SCHEMAS, DeadLetter, make_doc_id
from tests.pipeline.factories import raw_post

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "schemas"


def test_doc_id_is_deterministic_and_distinguishes_sources() -> None:
    assert make_doc_id("telegram", "a", "1") == make_doc_id("telegram", "a", "1")
    assert make_doc_id("telegram", "a", "1") != make_doc_id("telegram", "b", "1")
    assert len(make_doc_id("tiktok", "x", "9")) == 40


def test_naive_datetimes_are_rejected() -> None:
    post = raw_post()
    data = post.model_dump()
    data["published_at"] = datetime(2026, 1, 1, 12, 0)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValidationError, match="timezone-aware"):
        type(post).model_validate(data)


def test_unknown_fields_are_rejected_and_records_are_frozen() -> None:
    data = raw_post().model_dump()
    data["surprise"] = 1
    with pytest.raises(ValidationError, match="surprise"):
        type(raw_post()).model_validate(data)
    with pytest.raises(ValidationError):
        raw_post().text = "changed"  # type: ignore[misc]


def test_dead_letter_keeps_original_bytes() -> None:
    payload = b"\xff\xfe not json"
    letter = DeadLetter.from_error("nlp", ValueError("boom"), payload, offset=7)
    assert letter.payload() == payload
    assert letter.error_type == "ValueError"
    assert DeadLetter.model_validate_json(letter.model_dump_json()).offset == 7


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema_snapshot_is_current(name: str) -> None:
    """A schema change must come with `centinela schemas --write` and a visible diff."""
    snapshot = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    assert snapshot == SCHEMAS[name].model_json_schema()
