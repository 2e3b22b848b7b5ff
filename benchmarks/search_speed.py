"""Search speed and recall against a full rapidfuzz WRatio scan of the titles, in the same run.

    python benchmarks/search_speed.py                          # 10k and 100k papers
    python benchmarks/search_speed.py --sizes 10000 100000 1000000 --queries 300
    python benchmarks/search_speed.py --sizes 1000000 --no-scan   # the scan takes ~4 s a query

For each size it builds (once, cached under benchmarks/out/) a library of N generated papers
(`make_library.generate_library`, imported with `Library.import_paths`, then indexed), and:
- cold start: opens the library and answers a first query, which reads the vocabulary from the
  index (no copy saved in the cache folder), then again with the copy saved by the first;
- makes ~300 queries about random visible papers with the query corpus generator
  (tests/data/make_search_queries.py): typos, prefixes, distinctive abstract words, shuffled and
  partial titles, accents. Half are "specific": they contain a word fewer than N/2000 papers
  have, as a person looking for one paper types; half "broad": a word fewer than N/30 have, which
  at 100k can be a phrase thousands of the generated titles share;
- times `search.search_ids(cur, query, 10)` and `process.extract(query, titles,
  scorer=fuzz.WRatio, limit=10)` over every visible title, alternating query by query so that
  machine noise hits both, and our search again with limit=500 (the window's result list);
- prints median/p95/max ms per query, the ratio, and recall@10 (the paper the query was made
  from is among the first ten) of both, per query set and kind.
Goal (issue: fuzzy search at 100k): p95 under 20 ms and at most a tenth of the scan's at 100k,
under 100 ms at 1M; recall@10 >= 0.97 on the corpus and above the scan's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from benchmarks.import_speed import library_files  # noqa: E402
from readinglist import Library  # noqa: E402
from readinglist.core import search, vocabulary  # noqa: E402
from readinglist.core.database import raw_cursor  # noqa: E402
from readinglist.core.paths import cache_dir  # noqa: E402
from tests.data.make_search_queries import KINDS, make_queries  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
SEED = 7


def library(n_papers: int) -> Path:
    """A library file of `n_papers` generated papers, imported and indexed (cached)."""
    path = OUT / f"search-{n_papers}.sqlite"
    if path.exists():
        return path
    files = library_files(n_papers)
    partial = path.with_suffix(".partial")
    for stale in OUT.glob(f"{partial.name}*"):
        stale.unlink()
    started = time.perf_counter()
    with Library.open(partial) as lib:
        lib.import_paths(files)
        lib.update_search_index()
    con = sqlite3.connect(partial)  # one file, no -wal beside it: a clean cached copy
    con.execute("PRAGMA journal_mode = DELETE")
    con.close()
    shutil.move(partial, path)
    print(f"  built {path.name} in {time.perf_counter() - started:.0f} s")
    return path


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def line(name: str, ms: list[float]) -> str:
    median, p95 = statistics.median(ms), percentile(ms, 0.95)
    return f"{name:<17} median {median:7.2f} ms  p95 {p95:7.2f} ms  max {max(ms):7.2f} ms"


def cold_start(path: Path) -> None:
    """The first query of a session: with no vocabulary saved, then with the one saved on disk."""
    figures = []
    for saved in (False, True):
        vocabulary._cache.clear()
        if not saved:
            for copy in (cache_dir() / "search").glob("*.vocabulary"):
                copy.unlink()
        before = rss_mb()
        started = time.perf_counter()
        with Library.open(path) as lib:
            opened = time.perf_counter() - started
            with lib.db.read() as conn:
                search.search_ids(raw_cursor(conn), "quantizaton of langauge models", 10)
            first = time.perf_counter() - started - opened
            with lib.db.read() as conn:
                started = time.perf_counter()
                search.search_ids(raw_cursor(conn), "quantizaton of langauge models", 10)
                again = time.perf_counter() - started
        figures.append((first, rss_mb() - before))
    vocab = next(iter(vocabulary._cache.values()))
    print(
        f"  cold start: open {opened * 1000:.0f} ms; first query {figures[0][0] * 1000:.0f} ms"
        f" reading the vocabulary from the index ({len(vocab.terms):,} terms,"
        f" +{figures[0][1]:.0f} MB), {figures[1][0] * 1000:.0f} ms with the copy saved on disk;"
        f" the same query again {again * 1000:.1f} ms"
    )


def measure(n_papers: int, n_queries: int, scan_too: bool = True) -> None:
    path = library(n_papers)
    print(f"{n_papers:>9,} papers ({path.stat().st_size / 2**20:,.0f} MB library)")
    cold_start(path)
    with Library.open(path) as lib, lib.db.read() as conn:
        cur = raw_cursor(conn)
        visible = cur.execute(
            "SELECT id, title, abstract FROM paper WHERE duplicate_of IS NULL ORDER BY id"
        ).fetchall()
        ids = [r[0] for r in visible]
        titles = [r[1] for r in visible]
        by_title: dict[str, set[int]] = defaultdict(set)
        for pid, title, _ in visible:
            by_title[title].add(pid)
        vocab = vocabulary.vocabulary(cur)

        def rarity(word: str) -> int:
            return vocab.doc_count(vocabulary.fold(word))

        per_kind = max(1, n_queries // len(KINDS) // 2)
        papers = [(t, a) for _, t, a in visible]
        queries = [
            dict(q, set=name)
            for name, rare in (("specific", max(5, n_papers // 2000)), ("broad", None))
            for q in make_queries(papers, per_kind, SEED, rarity, rare)
        ]
        ours: list[float] = []
        scan: list[float] = []
        wide: list[float] = []
        hits: dict[tuple[str, str], list[tuple[bool, bool]]] = defaultdict(list)
        for q in queries:
            wanted = by_title[q["title"]]
            t0 = time.perf_counter()
            found = search.search_ids(cur, q["query"], 10)
            t1 = time.perf_counter()
            scanned = (
                process.extract(q["query"], titles, scorer=fuzz.WRatio, limit=10)
                if scan_too
                else []
            )
            t2 = time.perf_counter()
            search.search_ids(cur, q["query"], 500)
            t3 = time.perf_counter()
            ours.append((t1 - t0) * 1000)
            scan.append((t2 - t1) * 1000)
            wide.append((t3 - t2) * 1000)
            hit = bool(wanted & {pid for pid, _ in found})
            scan_hit = bool(wanted & {ids[i] for *_, i in scanned})
            hits[(q["set"], q["kind"])].append((hit, scan_hit))

    print(f"  {len(queries)} queries")
    print("  " + line("search, limit 10", ours))
    if scan_too:
        print("  " + line("WRatio scan", scan))
    print("  " + line("search, limit 500", wide))
    if scan_too:
        median_ratio = statistics.median(ours) / statistics.median(scan)
        p95_ratio = percentile(ours, 0.95) / percentile(scan, 0.95)
        print(f"  search/WRatio: median {median_ratio:.3f}  p95 {p95_ratio:.3f}")
    for name in ("specific", "broad"):
        subset = {kind: hs for (s, kind), hs in hits.items() if s == name}
        every = [h for hs in subset.values() for h in hs]
        ours_recall = sum(h[0] for h in every) / len(every)
        scan_recall = sum(h[1] for h in every) / len(every)
        versus = f"  WRatio {scan_recall:.3f}" if scan_too else ""
        print(f"  recall@10, {name} queries: search {ours_recall:.3f}{versus}")
        share = {k: [sum(h[i] for h in hs) / len(hs) for i in (0, 1)] for k, hs in subset.items()}
        shown = [f"{k} {a:.2f}" + (f"/{b:.2f}" if scan_too else "") for k, (a, b) in share.items()]
        print("    " + "  ".join(shown))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument(
        "--no-scan", action="store_true", help="skip the WRatio scan (and its recall)"
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        measure(n, args.queries, scan_too=not args.no_scan)


if __name__ == "__main__":
    main()
