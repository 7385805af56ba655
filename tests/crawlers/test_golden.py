"""Golden page-parser cases: one directory per case under ``golden/``, auto-discovered.

Each case holds ``page.html`` (the bytes as served) and ``expected.json``: the parser name,
the page URL, extra parser arguments, and the exact posts (without ``collected_at``),
next-page URLs and errors. A case with an ``"xfail"`` reason is a known failure (strict).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawlers.pages import ParsedPage, parse_facebook, parse_telegram, parse_tiktok

GOLDEN = Path(__file__).parent / "golden"
PARSERS = {"telegram": parse_telegram, "facebook": parse_facebook, "tiktok": parse_tiktok}
COLLECTED_AT = datetime(2026, 2, 3, 14, 5, 9, tzinfo=UTC)


def _cases() -> list[Any]:
    params = []
    for case in sorted(p for p in GOLDEN.iterdir() if (p / "expected.json").is_file()):
        expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
        marks = [pytest.mark.xfail(strict=True, reason=expected["xfail"])] \
            if "xfail" in expected else []
        params.append(pytest.param(case, expected, id=case.name, marks=marks))
    return params


def _parse(case: Path, expected: dict[str, Any]) -> ParsedPage:
    parser = PARSERS[expected["parser"]]
    body = (case / "page.html").read_bytes()
    return parser(expected["url"], body, collected_at=COLLECTED_AT, **expected["kwargs"])


def test_there_are_golden_cases_for_every_platform() -> None:
    names = [p.name for p in GOLDEN.iterdir()]
    assert {n.split("_")[0] for n in names} == set(PARSERS)
    assert len(names) >= 12


@pytest.mark.parametrize(("case", "expected"), _cases())
def test_golden_case(case: Path, expected: dict[str, Any]) -> None:
    page = _parse(case, expected)
    got = [p.model_dump(mode="json", exclude={"collected_at"}) for p in page.posts]
    assert got == expected["posts"]
    assert page.next_urls == expected["next_urls"]
    assert page.errors == expected["errors"]
    assert page.ok is (not expected["errors"])
    assert all(p.collected_at == COLLECTED_AT for p in page.posts)
