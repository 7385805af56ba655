"""The sentence transformer: ONNX export against an independent NumPy forward pass, batching,
errors, and the relevance component's cascade."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from nlp.errors import ModelError
from nlp.pipeline import build_pipeline
from nlp.relevance import sigmoid
from nlp.transformer.encoder import SentenceEncoder, resolve_model_dir
from nlp.transformer.head import StackedModel
from nlp.transformer.model_files import BertShape, read_safetensors
from nlp.transformer.onnx_export import export
from tests.nlp.bert_reference import embed

TEXTS = [
    "Cruce seguro a Houston, 8 mil dólares, WhatsApp +1 555 0142",
    "",
    "🙏🙏🔥",
    "Поездка в Мадрид, 800 евро",
    "Pase garantizado por Piedras Negras. " * 3000,  # ~100 KB, truncated to 128 tokens
]


@pytest.fixture(scope="module")
def encoder(tmp_path_factory: pytest.TempPathFactory) -> SentenceEncoder:
    return SentenceEncoder.load(export_dir=tmp_path_factory.mktemp("onnx"))


def test_onnx_graph_matches_an_independent_numpy_forward_pass(encoder: SentenceEncoder) -> None:
    model_dir = resolve_model_dir(None)
    weights = read_safetensors(model_dir / "model.safetensors")
    shape = BertShape.from_dir(model_dir)
    got = encoder.encode(TEXTS)
    for row, text in enumerate(TEXTS):
        ids = encoder.tokenizer.encode(text[:4000]).ids
        assert len(ids) <= 128
        want = embed(weights, shape, ids)
        assert np.abs(got[row] - want).max() < 1e-4, text[:40]
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_embeddings_carry_meaning(encoder: SentenceEncoder) -> None:
    food, bread, horse = encoder.encode(
        ["A man is eating food.", "A man is eating a piece of bread.", "A man is riding a horse."]
    )
    assert float(food @ bread) > float(food @ horse) + 0.3


def test_batching_and_order_do_not_change_embeddings(encoder: SentenceEncoder) -> None:
    together = encoder.encode(TEXTS, batch_size=2)
    for row, text in enumerate(TEXTS):
        assert np.allclose(together[row], encoder.encode([text])[0], atol=1e-5)
    assert encoder.encode([]).shape == (0, encoder.dimensions)


def test_export_is_reused_and_atomic(tmp_path: Path) -> None:
    model_dir = resolve_model_dir(None)
    first = export(model_dir, tmp_path)
    mtime = first.stat().st_mtime_ns
    assert export(model_dir, tmp_path) == first
    assert first.stat().st_mtime_ns == mtime
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == []  # no staging left over


def test_a_directory_without_a_checkpoint_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="missing config.json, model.safetensors"):
        resolve_model_dir(tmp_path)


def test_truncated_weights_are_a_model_error(tmp_path: Path) -> None:
    model_dir = resolve_model_dir(None)
    broken = tmp_path / "model"
    shutil.copytree(model_dir, broken)
    data = (broken / "model.safetensors").read_bytes()
    (broken / "model.safetensors").write_bytes(data[:5])
    with pytest.raises(ModelError, match="cannot read weights"):
        read_safetensors(broken / "model.safetensors")


def test_non_bert_config_is_refused(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({
        "model_type": "roberta", "num_hidden_layers": 1, "hidden_size": 8,
        "num_attention_heads": 2, "intermediate_size": 16, "max_position_embeddings": 8,
    }))
    with pytest.raises(ModelError, match="only BERT"):
        BertShape.from_dir(tmp_path)


def test_head_file_of_the_wrong_size_asks_for_retraining(tmp_path: Path) -> None:
    path = tmp_path / "head.json"
    path.write_text(json.dumps({"head": {"weights": [0.1, 0.2], "bias": 0.0},
                                "text_weight": 0.3, "band": [0.2, 0.8], "max_tokens": 64}))
    with pytest.raises(ModelError, match="retrain"):
        StackedModel.from_file(path, dimensions=384)


def test_cascade_asks_the_encoder_only_where_it_can_change_the_decision() -> None:
    model = StackedModel.from_file(Path("nlp/data/relevance_transformer.json"), 384)
    low, high = model.band
    assert 0.0 < low < 0.5 < high < 1.0
    margin = np.log(high / (1 - high))
    # outside the band, a head logit at the band's quantile of those seen in training cannot
    # flip it
    for z_rules in (margin + 0.01, -(margin + 0.01)):
        extreme = margin / model.text_weight
        flipped = [model.stacked_score(z_rules, s * extreme) >= 0.5 for s in (-1, 1)]
        assert flipped == [sigmoid(z_rules) >= 0.5] * 2


def test_pipe_and_call_give_the_same_scores() -> None:
    nlp = build_pipeline()
    texts = [json.loads(line)["text"] for line in
             Path("fixtures/gold/dev.jsonl").read_text(encoding="utf-8").splitlines()[:80]]
    piped = [doc._.score for doc in nlp.pipe(texts, batch_size=16)]
    single = [nlp(text)._.score for text in texts]
    assert np.allclose(piped, single, atol=1e-6)


def test_rules_alone_when_the_transformer_is_switched_off() -> None:
    nlp = build_pipeline(overrides={"centinela_relevance": {"transformer": False}})
    relevance = nlp.get_pipe("centinela_relevance")
    assert relevance.encoder is None
    doc = nlp("Cruce a Houston desde Tapachula, $9,000 dlls, WhatsApp 899 214 0387")
    assert doc._.is_smuggling_ad
