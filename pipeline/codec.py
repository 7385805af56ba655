"""Bytes to records and back: the only place a record is serialised for transport."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from pipeline.errors import DecodeError

RecordT = TypeVar("RecordT", bound=BaseModel)


def encode(record: BaseModel) -> bytes:
    """Serialise a record as compact UTF-8 JSON."""
    return record.model_dump_json().encode("utf-8")


def decode(payload: bytes, record_type: type[RecordT]) -> RecordT:
    """Parse and validate ``payload``; raise DecodeError with a readable reason."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DecodeError(f"not UTF-8 at byte {error.start}") from error
    try:
        return record_type.model_validate_json(text)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "<root>"
        raise DecodeError(
            f"invalid {record_type.__name__}: {where}: {first['msg']}"
            f" ({error.error_count()} error(s))"
        ) from error
