"""Duplicate detection: quality on the labelled corpus, and speed against baselines of the same run.

    python benchmarks/dedup_quality.py              # from the checkout's top folder
    python benchmarks/dedup_quality.py --runs 9

Quality: precision and recall of `dedup.compare` on tests/data/duplicate_pairs.jsonl (made by
tests/data/make_duplicate_pairs.py from the sample dumps), every false merge listed, and the
fraction of same-paper pairs that share a blocking key (a pair sharing none is never compared).

End to end: a generated library (`make_library.py`, N papers, default 20,000) imported into a new
library, its grouping scored against the generator's truth (groups holding two true papers are
false merges; pairwise recall over the entries of each paper), then again after a recheck.

Speed, in µs per record or pair, the median of several runs:
- `blocking_keys` over every record of the corpus, against hashing the raw title with blake2b
  (the least a key costs), and against the import baseline of benchmarks/import_speed.py for
  100,000 papers: read dump files, split them into entries, sqlite3 executemany, commit (the
  import of 100,000 papers must stay within 3x of that baseline, keys and all);
- `compare` over the corpus pairs, cold (normalization caches cleared first) and warm (texts
  normalized already, as for the candidates of a file being imported or a recheck).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from readinglist.core import dedup  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "duplicate_pairs.jsonl"


def load() -> list[dict[str, Any]]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]


def median_us(run: Callable[[], object], count: int, runs: int) -> float:
    """Median over `runs` of the time per item of `run()`, which handles `count` items."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) / count * 1e6)
    return statistics.median(times)


def quality(pairs: list[dict[str, Any]]) -> None:
    false_merges, missed = [], []
    true_merges = shared = 0
    for p in pairs:
        a, b = p["a"], p["b"]
        m = dedup.compare(a["title"], a["abstract"], b["title"], b["abstract"])
        if m.same and p["same"]:
            true_merges += 1
        elif m.same:
            false_merges.append((p, m))
        elif p["same"]:
            missed.append((p, m))
        if p["same"] and set(dedup.blocking_keys(a["title"], a["abstract"])) & set(
            dedup.blocking_keys(b["title"], b["abstract"])
        ):
            shared += 1
    n_same = sum(p["same"] for p in pairs)
    merged = true_merges + len(false_merges)
    precision = true_merges / merged if merged else 1.0
    print(f"corpus: {len(pairs)} pairs, {n_same} same paper, {len(pairs) - n_same} different")
    print(f"precision {precision:.4f}   recall {true_merges / n_same:.4f}")
    print(f"false merges {len(false_merges)}   missed merges {len(missed)}")
    for label, found in (("FALSE MERGE", false_merges), ("missed", missed)):
        for p, m in found:
            print(f"  {label}: [{p['kind']}] {m.reason}")
            print(f"    a: {p['a']['title'][:90]!r}\n    b: {p['b']['title'][:90]!r}")
    print(f"same pairs sharing a blocking key: {shared}/{n_same} = {shared / n_same:.4f}")


def write_dumps(folder: Path, records: Sequence[tuple[str, str]]) -> list[Path]:
    """The records as dump files of 1,000 entries (abstracts never empty: one entry, two lines)."""
    files = []
    for i in range(0, len(records), 1000):
        body = "".join(f"{t}\n\n{a or 'No abstract.'}\n\n" for t, a in records[i : i + 1000])
        path = folder / f"dump-{i // 1000:04d}.txt"
        path.write_text(f"new\n\nSubscribe\n\nMar 14\n\n{body}", encoding="utf-8")
        files.append(path)
    return files


def import_baseline(files: list[Path], db: Path) -> tuple[float, float]:
    """(seconds for read + split + executemany + commit, of which executemany + commit)."""
    start = time.perf_counter()
    sql = 0.0
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE paper (title TEXT, abstract TEXT, file TEXT, listing TEXT)")
    for path in files:
        paragraphs = [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n")]
        body = paragraphs[paragraphs.index("Mar 14") + 1 :]
        rows = [(body[i], body[i + 1], path.name, "Mar 14") for i in range(0, len(body) - 1, 2)]
        before = time.perf_counter()
        con.executemany("INSERT INTO paper VALUES (?, ?, ?, ?)", rows)
        sql += time.perf_counter() - before
    before = time.perf_counter()
    con.commit()
    con.close()
    end = time.perf_counter()
    return end - start, sql + end - before


def speed(pairs: list[dict[str, Any]], runs: int, papers: int) -> None:
    records = [(r["title"], r["abstract"]) for p in pairs for r in (p["a"], p["b"])]
    with_abstract = [r for r in records if r[1]]
    chars = statistics.mean(len(a) for _, a in with_abstract)
    print(f"\nspeed, median of {runs} runs ({len(records)} records, abstracts {chars:.0f} chars)")
    # Other processes inflate every figure (the ratios less): say how busy the machine was.
    load, cpus = os.getloadavg()[0], os.cpu_count() or 1
    print(f"(load average {load:.1f} on {cpus} CPUs)")

    def keys() -> None:
        for title, abstract in records:
            dedup.blocking_keys(title, abstract)

    def raw_hash() -> None:
        for title, _ in records:
            hashlib.blake2b(title.encode(), digest_size=8).digest()

    # Interleaved so that machine noise hits both alike.
    key_times, base_times = [], []
    for _ in range(runs):
        key_times.append(median_us(keys, len(records), 1))
        base_times.append(median_us(raw_hash, len(records), 1))
    key_us, base_us = statistics.median(key_times), statistics.median(base_times)
    print(f"blocking_keys                  {key_us:7.2f} µs/record")
    print(f"  baseline blake2b(raw title)  {base_us:7.2f} µs/record  ({key_us / base_us:.0f}x)")

    many = (records * (papers // len(records) + 1))[:papers]
    with tempfile.TemporaryDirectory() as folder:
        files = write_dumps(Path(folder), many)
        totals, sqls = [], []
        for i in range(3):
            total, sql = import_baseline(files, Path(folder) / f"b{i}.sqlite")
            totals.append(total / papers * 1e6)
            sqls.append(sql / papers * 1e6)
    total_us, sql_us = statistics.median(totals), statistics.median(sqls)
    print(
        f"  import baseline, {papers:,} papers: {total_us:.2f} µs/paper ({sql_us:.2f} of them"
        f" executemany + commit); keys add {key_us / total_us:.2f}x the baseline"
        f" ({key_us * papers / 1e6:.2f} s vs {total_us * papers / 1e6:.2f} s)"
    )

    def compare_all(selected: list[dict[str, Any]], cold: bool) -> Callable[[], None]:
        def run() -> None:
            if cold:
                dedup._title.cache_clear()
                dedup._abstract.cache_clear()
            for p in selected:
                a, b = p["a"], p["b"]
                dedup.compare(a["title"], a["abstract"], b["title"], b["abstract"])

        return run

    groups = {
        "all corpus pairs": pairs,
        "same paper": [p for p in pairs if p["same"]],
        "same title, other abstract": [p for p in pairs if p["kind"].startswith("same title,")],
    }
    for name, selected in groups.items():
        cold = median_us(compare_all(selected, True), len(selected), runs)
        compare_all(selected, False)()  # warm the caches
        warm = median_us(compare_all(selected, False), len(selected), runs)
        print(f"compare, {name:28} cold {cold:6.1f} µs/pair   warm {warm:6.1f} µs/pair")


def generated_quality(n_papers: int) -> None:
    from benchmarks.make_library import generate_library
    from readinglist import Library

    with tempfile.TemporaryDirectory() as tmp:
        generated = generate_library(Path(tmp) / "feeds", n_papers, seed=3)
        db = Path(tmp) / "library.sqlite"
        print(f"\ngenerated library: {generated.n_entries:,} entries of {n_papers:,} papers")
        with Library.open(db) as lib:
            lib.import_paths(generated.files)
            for when in ("after import", "after recheck"):
                if when == "after recheck":
                    lib.recheck_duplicates()
                with lib.db.read() as conn:
                    rows = conn.exec_driver_sql(
                        "SELECT d.file_name, s.position, coalesce(p.duplicate_of, p.id)"
                        " FROM sighting s JOIN dump d ON d.id = s.dump_id"
                        " JOIN paper p ON p.id = s.paper_id"
                    ).all()
                q = generated.grouping_quality((r[0], r[1], r[2]) for r in rows)
                print(
                    f"  {when:13}  {q.groups:,} papers shown, {q.mixed_groups} holding two true"
                    f" papers (false merges); pairwise recall {q.recall:.4f}"
                    f" ({q.found_pairs:,}/{q.same_pairs:,})"
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs (median is shown)")
    parser.add_argument("--papers", type=int, default=100_000, help="import baseline size")
    parser.add_argument("--generated", type=int, default=20_000, help="generated library size")
    args = parser.parse_args(argv)
    pairs = load()
    quality(pairs)
    generated_quality(args.generated)
    speed(pairs, args.runs, args.papers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
