"""The search index's vocabulary: every term with its record count, for prefixes and typos.

FTS5 can list its terms (fts5vocab), but only by reading every doclist: a second at 100k papers,
25 s at 1M. So the vocabulary is read once, kept in memory, patched as the index grows, and kept
on disk (in the user cache folder) between runs: a command-line search or a window opening a
large library reads it in a fraction of a second. The disk copy is only a cache: a missing,
stale, foreign or damaged one is rebuilt, never trusted.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import heapq
import itertools
import json
import os
import re
import sqlite3
import sys
import tempfile
import threading
import unicodedata
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

from readinglist.core import searchindex
from readinglist.core.paths import cache_dir

__all__ = ["Vocabulary", "fold", "vocabulary", "warm_up", "words"]

_WORD = re.compile(r"[^\W_]+")  # what unicode61 keeps: letters and digits; the rest separates
_PREFIX_TERMS = 12  # a long prefix becomes at most this many known words, the most used
_TYPO_TERMS = 6
_EXTRA_WORDS = 5000  # words patched in before the vocabulary is read afresh
_LIBRARIES = 2  # vocabularies kept in memory (some 20 MB each at 100k papers)
_FORMAT = b"readinglist-vocabulary 2\n"


def fold(text: str) -> str:
    """Case and accents removed, as unicode61 with remove_diacritics 2 does."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """The index terms of `text`: FTS5 syntax characters are separators, never operators."""
    return _WORD.findall(fold(text))


def between(keys: list[str], prefix: str) -> tuple[int, int]:
    """The slice of sorted `keys` that start with `prefix`."""
    lo = bisect.bisect_left(keys, prefix)
    return lo, bisect.bisect_left(keys, prefix + "\U0010ffff", lo)


@dataclass(frozen=True)
class Vocabulary:
    """Every indexed term with its record count, for prefix expansion and typo correction.

    Read from fts5vocab (a second at 100k papers, hence `warm_up`), then patched when the index
    changes: new records add their words to `from_records`; a change of tags or notes counts the
    words of all tags and notes afresh into `from_annotations` (replaced, never added up, or
    counts would grow with every edit). `extra` is the two together. A word gone stays: a stale
    candidate only matches nothing. Frozen: a patch makes a new one, other threads keep theirs.
    """

    signature: bytes  # the index state it matches
    max_rowid: int
    terms: list[str]  # sorted
    docs: array[int]  # record count of terms[i]
    cumulative: array[int]  # sum(docs[:i]): the records of a prefix's terms in two lookups
    backwards: list[str]  # words spelt backwards, sorted: the terms ending with a suffix
    from_records: dict[str, int] = field(default_factory=dict)
    from_annotations: dict[str, int] = field(default_factory=dict)
    extra: dict[str, int] = field(default_factory=dict)  # both of the above, summed
    extra_terms: list[str] = field(default_factory=list)  # sorted
    # The text hash of the record at max_rowid: if another one stands there now (a library put
    # back from a backup, then imported into), records it counted changed: read afresh.
    last_record: str = ""

    def patched(self, signature: bytes, max_rowid: int, from_records: dict[str, int],
                from_annotations: dict[str, int], last_record: str) -> Vocabulary:  # fmt: skip
        extra = dict(from_records)
        for word, count in from_annotations.items():
            extra[word] = extra.get(word, 0) + count
        return replace(self, signature=signature, max_rowid=max_rowid, from_records=from_records,
                       from_annotations=from_annotations, extra=extra,
                       extra_terms=sorted(extra), last_record=last_record)  # fmt: skip

    @property
    def n_docs(self) -> int:
        return max(self.max_rowid, 1)

    def doc_count(self, term: str) -> int:
        i = bisect.bisect_left(self.terms, term)
        found = self.docs[i] if i < len(self.terms) and self.terms[i] == term else 0
        return found + self.extra.get(term, 0)

    def _extra_with(self, prefix: str) -> list[tuple[int, str]]:
        lo, hi = between(self.extra_terms, prefix)
        return [(self.extra[t], t) for t in self.extra_terms[lo:hi]]

    def prefix_docs(self, prefix: str) -> int:
        """Records of all terms starting with `prefix`, summed: an upper bound of its matches."""
        lo, hi = between(self.terms, prefix)
        extra = sum(d for d, _ in self._extra_with(prefix))
        return self.cumulative[hi] - self.cumulative[lo] + extra

    def with_prefix(self, prefix: str, least: int) -> list[str]:
        """The most used longer terms that start with `prefix`, each in `least` records or more."""
        lo, hi = between(self.terms, prefix)
        found = heapq.nlargest(
            _PREFIX_TERMS + 1, zip(self.docs[lo:hi], self.terms[lo:hi], strict=True)
        )
        found = heapq.nlargest(_PREFIX_TERMS + 1, found + self._extra_with(prefix))
        return [t for d, t in found if t != prefix and d >= max(least, 1)][:_PREFIX_TERMS]

    def near(self, word: str, max_edits: int) -> list[str]:
        """Known words within `max_edits` typos (OSA: swapping neighbours is one edit).

        A word one edit away starts with the first half of `word` or ends with what follows its
        middle letter, so only those two sorted ranges are compared (by rapidfuzz, in C; OSA is
        the same for words spelt backwards). For two edits the halves are only a strong hint.
        """
        half = len(word) // 2
        hits: list[tuple[str, float]] = []
        for keys, key, part in (
            (self.terms, word, word[:half]),
            (self.backwards, word[::-1], word[half + 1 :][::-1]),
            (self.extra_terms, word, ""),
        ):
            lo, hi = between(keys, part)
            found = process.extract(
                key, keys[lo:hi], scorer=OSA.distance, score_cutoff=max_edits, limit=None
            )
            hits += [(t[::-1] if keys is self.backwards else t, d) for t, d, _ in found]
        hits = [(t, d) for t, d in hits if t != word]
        best = min((d for _, d in hits), default=0)  # one-typo corrections beat two-typo ones
        close = {t for t, d in hits if d == best}
        return sorted(close, key=lambda t: (-self.doc_count(t), t))[:_TYPO_TERMS]


_cache: dict[str, Vocabulary] = {}
_lock = threading.Lock()


def _state(cur: sqlite3.Cursor) -> tuple[bytes, int]:
    """What changes whenever the index does: the random stamp of its last write, FTS5's
    structure record (it counts writes), and the highest rowid."""
    row = cur.execute("SELECT block FROM paper_fts_data WHERE id = 10").fetchone()
    signature = searchindex.stamp(cur).encode() + b":" + (bytes(row[0]) if row else b"")
    max_rowid = cur.execute("SELECT max(rowid) FROM paper_fts").fetchone()[0] or 0
    return signature, int(max_rowid)


def _build(cur: sqlite3.Cursor, signature: bytes, max_rowid: int) -> Vocabulary:
    # A temp table belongs to this connection and leaves the library file untouched.
    cur.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.paper_vocab"
        " USING fts5vocab(main, paper_fts, 'row')"
    )
    terms: list[str] = []
    docs = array("q")  # 8 bytes a count, not a 28-byte int object: 1M terms at 1M papers
    for term, doc in cur.execute("SELECT term, doc FROM temp.paper_vocab"):  # sorted by term
        terms.append(term)
        docs.append(doc)
    # Typos are corrected towards words only: not numbers, not one- or two-letter terms.
    backwards = sorted(t[::-1] for t in terms if len(t) >= 3 and t.isalpha())
    cumulative = array("q", [0])
    cumulative.extend(itertools.accumulate(docs))
    return Vocabulary(
        signature, max_rowid, terms, docs, cumulative, backwards,
        last_record=_record_at(cur, max_rowid),
    )  # fmt: skip


def _record_at(cur: sqlite3.Cursor, rowid: int) -> str:
    row = cur.execute("SELECT text_hash FROM paper WHERE id = ?", (rowid,)).fetchone()
    return str(row[0]) if row else ""


def _word_counts(rows: Iterable[tuple[str | None, ...]], counts: dict[str, int]) -> dict[str, int]:
    """`counts` plus, for each word, the rows that have it."""
    counts = dict(counts)
    for row in rows:
        for word in set(words(" ".join(filter(None, row)))):
            counts[word] = counts.get(word, 0) + 1
    return counts


def _patch(cur: sqlite3.Cursor, vocab: Vocabulary, signature: bytes, max_rowid: int
           ) -> Vocabulary:  # fmt: skip
    """The vocabulary with the words that arrived since: new records' words, and those of all
    tags and notes counted afresh (they may have changed too: a scan of some 50 ms at 100k)."""
    from_records = vocab.from_records
    if max_rowid > vocab.max_rowid:
        new_records = cur.execute(
            "SELECT title, abstract, tags, note FROM paper_fts WHERE rowid > ?",
            (vocab.max_rowid,),
        )
        from_records = _word_counts(new_records, vocab.from_records)
    annotations = cur.execute(
        "SELECT name FROM tag UNION ALL SELECT note FROM paper WHERE note > ''"
    )
    from_annotations = _word_counts(annotations, {})
    return vocab.patched(
        signature, max_rowid, from_records, from_annotations, _record_at(cur, max_rowid)
    )


def _library_key(cur: sqlite3.Cursor) -> str:
    path = next((p for _, name, p in cur.execute("PRAGMA database_list") if name == "main"), "")
    return path or f"memory:{id(cur.connection)}"


def _fingerprint(cur: sqlite3.Cursor) -> str:
    """What tells this library from another one later found at the same path: its first record."""
    row = cur.execute("SELECT text_hash, created_at FROM paper ORDER BY id LIMIT 1").fetchone()
    return "/".join(row) if row else ""


def _stale(cur: sqlite3.Cursor, vocab: Vocabulary, max_rowid: int) -> bool:
    """Whether to read the vocabulary afresh rather than patch it."""
    return (
        max_rowid < vocab.max_rowid  # records gone: another library, or a rebuilt index
        or _record_at(cur, vocab.max_rowid) != vocab.last_record  # records it counted changed
        or max_rowid - vocab.max_rowid > vocab.n_docs // 5
        or len(vocab.from_records) > _EXTRA_WORDS
    )


def vocabulary(cur: sqlite3.Cursor) -> Vocabulary:
    """The library's vocabulary: kept in memory, else from disk, else read from the index;
    patched if the index changed since."""
    key = _library_key(cur)
    on_disk = None if key.startswith("memory:") else _disk_path(key)
    signature, max_rowid = _state(cur)
    with _lock:
        vocab = _cache.pop(key, None)
        if vocab is None or vocab.signature != signature:
            vocab, renewed = _renew(cur, vocab, on_disk, signature, max_rowid)
        else:
            renewed = False
        _cache[key] = vocab  # the most recently used last
        while len(_cache) > _LIBRARIES:
            del _cache[next(iter(_cache))]
    if renewed and on_disk is not None:
        _save(on_disk, vocab, _fingerprint(cur))
    return vocab


def _renew(cur: sqlite3.Cursor, vocab: Vocabulary | None, on_disk: Path | None,
           signature: bytes, max_rowid: int) -> tuple[Vocabulary, bool]:  # fmt: skip
    """The vocabulary that matches the index now, from the one in memory or on disk if any,
    and whether it differs from the copy on disk."""
    if vocab is None and on_disk is not None:
        vocab = _load(on_disk, _fingerprint(cur))
        if vocab is not None and vocab.signature == signature:
            return vocab, False
    if vocab is not None and not _stale(cur, vocab, max_rowid):
        return _patch(cur, vocab, signature, max_rowid), True
    return _build(cur, signature, max_rowid), True


def warm_up(cur: sqlite3.Cursor) -> None:
    """Read the vocabulary now (in a worker, after opening a library), not at the first search."""
    vocabulary(cur)


# -- the copy on disk ----------------------------------------------------------------------------
# A header line of JSON, then the sorted terms and the words spelt backwards, each a block of
# newline-separated UTF-8 (a term never holds whitespace), then the counts as raw 64-bit integers.
# Reading it back is three splits and one array copy: some 0.1 s for the 750,000 terms of 1M papers.


def _disk_path(library: str) -> Path:
    name = hashlib.blake2b(os.path.abspath(library).encode(), digest_size=12).hexdigest()
    return cache_dir() / "search" / f"{name}.vocabulary"


def _save(path: Path, vocab: Vocabulary, fingerprint: str) -> None:
    terms = "\n".join(vocab.terms).encode()
    backwards = "\n".join(vocab.backwards).encode()
    docs = vocab.docs.tobytes()
    header = {
        "fingerprint": fingerprint,
        "signature": vocab.signature.hex(),
        "max_rowid": vocab.max_rowid,
        "byteorder": sys.byteorder,
        "sizes": [len(terms), len(backwards), len(docs)],
        "from_records": vocab.from_records,
        "from_annotations": vocab.from_annotations,
        "last_record": vocab.last_record,
    }
    blob = _FORMAT + json.dumps(header).encode() + b"\n" + terms + backwards + docs
    with contextlib.suppress(OSError):  # a cache that cannot be written (read-only, full disk)
        path.parent.mkdir(parents=True, exist_ok=True)  # only makes the next start slower
        fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".partial")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(blob)
            os.replace(temporary, path)  # readers see the old copy or the new one, never half
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)


def _load(path: Path, fingerprint: str) -> Vocabulary | None:
    """The vocabulary saved for this library, or None if there is none that can be trusted."""
    try:
        with path.open("rb") as file:
            if file.readline() != _FORMAT:
                return None
            header = json.loads(file.readline())
            if header["fingerprint"] != fingerprint or header["byteorder"] != sys.byteorder:
                return None
            signature, max_rowid = bytes.fromhex(header["signature"]), int(header["max_rowid"])
            n_terms, n_backwards, n_docs = (int(n) for n in header["sizes"])
            terms = file.read(n_terms).decode().split("\n") if n_terms else []
            backwards = file.read(n_backwards).decode().split("\n") if n_backwards else []
            docs = array("q")
            docs.frombytes(file.read(n_docs))
            from_records, from_annotations = (
                {str(k): int(v) for k, v in header[name].items()}
                for name in ("from_records", "from_annotations")
            )
            last_record = str(header["last_record"])
            if len(docs) != len(terms) or file.read(1):
                return None
    # Missing or damaged (whatever the damage: it is only a cache): read afresh.
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    cumulative = array("q", [0])
    cumulative.extend(itertools.accumulate(docs))
    vocab = Vocabulary(signature, max_rowid, terms, docs, cumulative, backwards)
    return vocab.patched(signature, max_rowid, from_records, from_annotations, last_record)
