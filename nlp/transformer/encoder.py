"""Sentence embeddings on CPU with ONNX Runtime: Hugging Face tokenizer, exported BERT graph.

``SentenceEncoder.load(model_dir)`` finds the model (``nlp.transformer_model_dir`` or the
packaged all-MiniLM-L6-v2), exports it to ONNX on first use (a local conversion, a few
seconds; ``python -m nlp.transformer`` does it ahead of time) and opens one
single-threaded session: a worker process uses one core, scale out with more workers.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nlp.errors import ModelError
from nlp.transformer.model_files import packaged_model_dir
from nlp.transformer.onnx_export import export
from pipeline.settings import PROJECT_ROOT

DEFAULT_EXPORT_DIR = PROJECT_ROOT / ".cache" / "models"


def default_export_dir() -> Path:
    """``$CENTINELA_MODELS_CACHE`` or ``.cache/models`` in the checkout."""
    return Path(os.environ.get("CENTINELA_MODELS_CACHE", DEFAULT_EXPORT_DIR))


def resolve_model_dir(configured: Path | None) -> Path:
    """Return the configured model directory, or the packaged one; check its files exist."""
    model_dir = configured or packaged_model_dir()
    missing = [n for n in ("config.json", "model.safetensors", "tokenizer.json")
               if not (model_dir / n).is_file()]
    if missing:
        raise ModelError(f"{model_dir}: missing {', '.join(missing)} (a local Hugging Face "
                         "BERT checkpoint is needed; nothing is downloaded)")
    return model_dir


@dataclass
class SentenceEncoder:
    """Texts → L2-normalised embeddings (batch × dimensions)."""

    session: Any
    tokenizer: Any
    dimensions: int
    max_tokens: int
    name: str

    @classmethod
    def load(
        cls, model_dir: Path | None = None, *, max_tokens: int = 128,
        export_dir: Path | None = None, threads: int = 1,
    ) -> SentenceEncoder:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        source = resolve_model_dir(model_dir)
        onnx_path = export(source, export_dir or default_export_dir())
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            session = ort.InferenceSession(
                str(onnx_path), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # noqa: BLE001 - ORT raises its own exception types
            raise ModelError(f"cannot open {onnx_path}: {exc}; delete it to re-export") from exc
        tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
        tokenizer.no_padding()  # the file pads to a fixed 128; batches pad to their longest
        tokenizer.enable_truncation(max_length=max_tokens)
        dims = int(session.get_outputs()[0].shape[1])
        return cls(session, tokenizer, dims, max_tokens, f"{source.parent.name}:{onnx_path.stem}")

    def encode(self, texts: Sequence[str], batch_size: int = 4) -> np.ndarray[Any, Any]:
        """Return one embedding row per text (an empty text embeds [CLS] [SEP] only)."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        # sort by length so each batch pads little; write rows back in input order
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            encodings = self.tokenizer.encode_batch([texts[i][:4000] for i in rows])
            width = max(len(e.ids) for e in encodings)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, encoding in enumerate(encodings):
                ids[r, : len(encoding.ids)] = encoding.ids
                mask[r, : len(encoding.ids)] = 1
            (embeddings,) = self.session.run(
                ["embedding"], {"input_ids": ids, "attention_mask": mask}
            )
            out[rows] = embeddings
        return out
