"""Command line: ``python -m crawlers.sitegen --seed 7 --posts 600 --out fixtures/sites``."""

from __future__ import annotations

import argparse
from pathlib import Path

from crawlers.sitegen import generate_sites
from crawlers.sitegen.changes import parse_change_args


def main(argv: list[str] | None = None) -> int:
    """Generate the fixture sites and print how many files were written."""
    parser = argparse.ArgumentParser(prog="python -m crawlers.sitegen", description=__doc__)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--posts", type=int, default=600)
    parser.add_argument("--out", type=Path, default=Path("fixtures/sites"))
    parser.add_argument("--add", action="append", default=[], metavar="SOURCE=N",
                        help="add N posts newer than the rest to SOURCE")
    parser.add_argument("--delete", action="append", default=[], metavar="SOURCE:NATIVE_ID")
    parser.add_argument("--edit", action="append", default=[], metavar="SOURCE:NATIVE_ID")
    args = parser.parse_args(argv)
    try:
        changes = parse_change_args(args.add, args.delete, args.edit)
    except ValueError as exc:
        parser.error(str(exc))
    n = generate_sites(args.seed, args.posts, args.out, changes)
    print(f"wrote {n} files to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
