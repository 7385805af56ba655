"""The dev set is well formed, and no field drops below its recorded level."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nlp import Extractor
from nlp.evaluate import evaluate
from nlp.gold.markup import render
from nlp.relevance import FeatureBuilder, LinearModel
from nlp.resources import data_path
from pipeline.records import ExtractRequest, ExtractResult
from pipeline.settings import PROJECT_ROOT

GOLD = PROJECT_ROOT / "fixtures" / "gold"


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def dev() -> list[dict[str, Any]]:
    return load(GOLD / "dev.jsonl")


def test_dev_set_shape(dev: list[dict[str, Any]]) -> None:
    assert len(dev) >= 400
    assert {g["lang"] for g in dev} >= {"es", "en", "pt", "fr", "ht"}
    assert sum(not g["is_smuggling_ad"] for g in dev) >= 100
    for g in dev:
        fields = {k: v for k, v in g.items() if k not in ("text", "platform", "origin")}
        ExtractResult.model_validate(fields)
        for item in (*g["prices"], *g["places"], *g["contacts"], *g["aliases"]):
            assert g["text"][item["start"] : item["end"]] == item["raw"]


def test_markup_render() -> None:
    xela = "[[Xela|l|Quetzaltenango, Quetzaltenango, GT|origin]]"
    gold = render(f"Salida de {xela}, [[8k|p|8000|USD]]")
    assert gold.text == "Salida de Xela, 8k"
    assert gold.places[0]["start"] == 10 and gold.places[0]["country"] == "GT"
    assert gold.prices[0]["amount"] == 8000


def test_weights_match_features() -> None:
    builder = FeatureBuilder(data_path("relevance_cues.json"))
    model = LinearModel.from_file(data_path("relevance_weights.json"), builder.size)
    assert model.version.startswith("linear")


def test_dev_set_levels(extractor: Extractor, dev: list[dict[str, Any]]) -> None:
    requests = [ExtractRequest(id=g["id"], text=g["text"], platform=g["platform"]) for g in dev]
    pred = [
        ExtractResult(id=r.id, **a.model_dump()).model_dump()
        for r, a in zip(requests, extractor.annotate(requests), strict=True)
    ]
    levels = json.loads((GOLD / "levels.json").read_text(encoding="utf-8"))
    got = evaluate(dev, pred).levels()
    dropped = {k: (got[k], v) for k, v in levels.items() if got[k] < v}
    assert not dropped, f"below recorded level (got, level): {dropped}"
