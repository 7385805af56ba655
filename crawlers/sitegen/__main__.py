"""Command line: ``python -m crawlers.sitegen --seed 7 --posts 600 --out fixtures/sites``."""

from __future__ import annotations

import argparse
from pathlib import Path

from crawlers.sitegen import generate_sites


def main(argv: list[str] | None = None) -> int:
    """Generate the fixture sites and print how many files were written."""
    parser = argparse.ArgumentParser(prog="python -m crawlers.sitegen", description=__doc__)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--posts", type=int, default=600)
    parser.add_argument("--out", type=Path, default=Path("fixtures/sites"))
    args = parser.parse_args(argv)
    n = generate_sites(args.seed, args.posts, args.out)
    print(f"wrote {n} files to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
