"""The evaluator scores fields by DESIGN.md's matching rules."""

from __future__ import annotations

from typing import Any

from nlp.evaluate import evaluate, format_report


def post(pid: str, ad: bool, **fields: Any) -> dict[str, Any]:
    return {"id": pid, "is_smuggling_ad": ad, **fields}


def test_perfect_prediction() -> None:
    gold = [
        post(
            "1",
            True,
            prices=[{"amount": 8000, "currency": "USD"}],
            places=[{"canonical": "Reynosa, Tamaulipas, MX", "role": "crossing", "raw": "R"}],
        )
    ]
    report = evaluate(gold, gold)
    assert report.scores["prices"].f1 == 1.0 and report.role_accuracy == 1.0
    assert report.scores["classification"].f1 == 1.0


def test_mismatches_count() -> None:
    gold = [
        post(
            "1",
            True,
            prices=[{"amount": 8000, "currency": "USD"}],
            contacts=[{"type": "phone", "value": "+525512345678"}],
            aliases=[{"value": "El Güero"}],
            places=[{"canonical": "Reynosa, Tamaulipas, MX", "role": "crossing", "raw": "R"}],
        ),
        post("2", False),
    ]
    pred = [
        post(
            "1",
            True,
            prices=[{"amount": 8000, "currency": "MXN"}],
            contacts=[{"type": "whatsapp", "value": "+525512345678"}],
            aliases=[{"value": "el guero"}],
            places=[{"canonical": "reynosa, tamaulipas, mx", "role": "origin"}],
        ),
        post("2", True),
    ]
    report = evaluate(gold, pred)
    assert report.scores["prices"].tp == 0 and report.scores["prices"].fp == 1
    assert report.scores["contacts"].f1 == 0.0
    assert report.scores["aliases"].f1 == 1.0
    assert report.scores["places"].f1 == 1.0 and report.role_accuracy == 0.0
    assert report.negative_rejection == 0.0
    assert report.scores["classification"].precision == 0.5
    assert "classification" in format_report(report)


def test_missing_prediction_scores_empty() -> None:
    report = evaluate([post("1", True, prices=[{"amount": 1, "currency": "USD"}])], [])
    assert report.scores["prices"].recall == 0.0 and report.scores["classification"].recall == 0.0


def test_accepts_models() -> None:
    from pipeline.records import ExtractResult

    model = ExtractResult(id="1", lang="es", is_smuggling_ad=True, score=0.9)
    assert evaluate([model], [model]).scores["classification"].f1 == 1.0


def test_tags_scored_as_sets_only_when_the_gold_annotates_them() -> None:
    gold = [{"id": "a", "is_smuggling_ad": True, "services": ["crossing", "transport"],
             "payment_terms": ["staged"]},
            {"id": "b", "is_smuggling_ad": False}]
    pred = [{"id": "a", "is_smuggling_ad": True, "services": ["transport", "guide"],
             "payment_terms": []},
            {"id": "b", "is_smuggling_ad": False, "transport_modes": ["bus"]}]
    report = evaluate(gold, pred)
    services, payments = report.scores["services"], report.scores["payment_terms"]
    assert (services.tp, services.fp, services.fn) == (1, 1, 1)
    assert (payments.tp, payments.fp, payments.fn) == (0, 0, 1)
    assert "transport_modes" not in report.scores  # no gold post annotates modes
    untagged = evaluate([{"id": "c", "is_smuggling_ad": True}],
                        [{"id": "c", "is_smuggling_ad": True, "services": ["guide"]}])
    assert "services" not in untagged.scores
