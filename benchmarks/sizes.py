"""The command line of the benchmarks that measure libraries of given sizes."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence


def run_over_sizes(
    doc: str | None, measure: Callable[[int, int], None], sizes: Sequence[int]
) -> None:
    """Parse --sizes (default `sizes`) and --repeat, then measure each size in turn."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(sizes))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for n in args.sizes:
        measure(n, args.repeat)
