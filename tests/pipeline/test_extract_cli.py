"""`centinela extract` end to end through the console script, with the real NLP pipeline."""

import json
import subprocess
import sys
from pathlib import Path

from pipeline.records import DeadLetter, ExtractResult

CLI = [sys.executable, "-m", "pipeline.cli", "extract"]


def _run(stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, timeout=300)


def test_good_lines_give_valid_results_in_order() -> None:
    lines = [
        {"id": "a", "text": "Cruce por Reynosa 8 mil dlls, WhatsApp +52 899 555 0142"},
        {"id": "b", "text": ""},
        {"id": "c", "text": "🇺🇸✈️🚐📲✅", "platform": "tiktok"},
    ]
    done = _run("\n".join(json.dumps(x) for x in lines).encode())
    assert done.returncode == 0, done.stderr.decode()
    out = [ExtractResult.model_validate_json(line) for line in done.stdout.splitlines()]
    assert [r.id for r in out] == ["a", "b", "c"]
    assert out[0].prices and out[0].prices[0].amount == 8000
    assert out[1].prices == () and not out[1].is_smuggling_ad


def test_bad_lines_are_reported_with_line_numbers_and_kept(tmp_path: Path) -> None:
    huge = json.dumps({"id": "huge", "text": "x" * 1_100_000}).encode()
    stdin = b"\n".join(
        [
            json.dumps({"id": "ok1", "text": "Viajes seguros a Houston $9,000"}).encode(),
            b"{not json",
            json.dumps({"id": "notext"}).encode(),
            b"\xff\xfe\xfa binary \x00",
            huge,
            json.dumps({"id": "ok2", "text": "Pasaje en bus a Monterrey"}).encode(),
        ]
    )
    letters_path = tmp_path / "dead.jsonl"
    done = _run(stdin, "--dead-letters", str(letters_path))
    assert done.returncode == 1
    stderr = done.stderr.decode()
    for number, reason in [(2, "not JSON"), (3, "text"), (4, "not UTF-8"), (5, "limit")]:
        assert f"line {number}: " in stderr and reason in stderr
    assert "2 extracted, 4 failed of 6 lines" in stderr
    ids = [json.loads(line)["id"] for line in done.stdout.splitlines()]
    assert ids == ["ok1", "ok2"]
    letters = [DeadLetter.model_validate_json(x) for x in letters_path.read_bytes().splitlines()]
    assert [x.line for x in letters] == [2, 3, 4, 5]
    assert letters[2].payload() == b"\xff\xfe\xfa binary \x00"
    assert letters[3].payload() == huge


def test_workers_give_the_same_output_as_one_process(tmp_path: Path) -> None:
    texts = [f"Cruce por Nuevo Laredo {n} mil dólares, pregunta por Don Beto" for n in range(1, 9)]
    data = "\n".join(json.dumps({"id": str(i), "text": t}) for i, t in enumerate(texts)).encode()
    one = _run(data, "--batch-size", "3")
    two = _run(data, "--batch-size", "3", "--workers", "2")
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout
    assert len(one.stdout.splitlines()) == 8
