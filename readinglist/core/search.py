"""Fuzzy search over titles, abstracts, tags and notes, fast enough to run on every keystroke.

The FTS5 index (`searchindex.py`) finds records; this module decides what to ask it and ranks
what comes back. Each query word becomes a group of index terms: the word itself, longer words it
starts, and, if it is rare and starts nothing, known words a typo or two away (from a cached copy
of the index's vocabulary). Then, cheapest first: every word anywhere (AND of the groups); every
word in the title; each word left out in turn (a wrong or extra word); any word. A re-ranking pass
over the candidates' titles puts papers with every word in the title first, then the exact
phrase, then every word anywhere, then how many words; bm25 breaks ties.

Cost depends on how many records match, not on the library's size. bm25 costs microseconds per
matching row plus, at its first row, a read of every term's whole doclist (1.7 ms for "the" at
100k papers): large or common match sets are not scored but read newest first, and FTS5 stops
after `want` rows. Only the title search must read every match; with common words it covers the
newest part of the library that its budget allows.
"""

from __future__ import annotations

import functools
import itertools
import json
import operator
import sqlite3
from dataclasses import dataclass, field

from readinglist.core.papers import PaperFilter
from readinglist.core.texts import tag_key
from readinglist.core.vocabulary import Vocabulary, vocabulary, words

__all__ = ["search_ids", "search_page"]

_MAX_WORDS = 8  # more words make the query slower, not better
_SCORED_ROWS = 3000  # more expected matches than this: take the newest instead of scoring
_HEAVY = 20_000  # a term in more records than this is never scored nor left out in turn
_COMMON = 0.3  # a word in more of the records than this ranks, but does not filter
_TITLE_BUDGET = 100_000  # (matches of the rarest word) x (words) the title search may read
_LEAVE_OUT = 3  # words left out in turn, at most
_RARE = 3  # fewer records than this (per 10k) and starting no word: maybe a typo
_PREFIX_MERGE = 20_000  # records under a prefix FTS5 may merge (some 1 ms at 100k papers)
_WEIGHTS = "10.0, 1.0, 3.0, 3.0"  # bm25 column weights: title, abstract, tags, note
_RERANK = 60  # candidates whose titles the ranking reads
_PHRASES = 12  # candidates whose abstracts it reads, looking for the query as a phrase
_DRIVEN = 300  # a filter passing at most this many papers is searched paper by paper


# -- planning ------------------------------------------------------------------------------------


@dataclass
class _Group:
    """One query word as FTS5 sees it: a parenthesised OR of quoted terms and prefixes."""

    word: str
    terms: set[str]  # index terms that count as this word
    prefix: str | None  # any term starting with this counts too
    expression: str
    docs: int  # an upper bound of the records matching
    bit: int = 0  # this word's bit in masks of query words (see `_Marks`)
    joined: tuple[str, str] | None = None  # two words side by side that count as this one


def _group(cur: sqlite3.Cursor, word: str, vocab: Vocabulary) -> _Group:
    own = vocab.doc_count(word)
    if not own:  # should the vocabulary have missed a word (it never should), ask the index
        probe = cur.execute("SELECT 1 FROM paper_fts(?) LIMIT 1", (f'"{word}"',)).fetchone()
        own = 1 if probe else 0
    terms, prefix, docs = {word}, None, max(own, vocab.prefix_docs(word) if len(word) > 1 else 0)
    if 2 <= len(word) <= 4 or (len(word) > 4 and docs <= _PREFIX_MERGE):
        # FTS5's own prefix index (prefix='2 3 4') answers "word*" in one doclist. A longer
        # prefix it answers by merging the doclists of every term under it (40 ms for "model*"
        # at 100k, 0.05 µs a record): fine if its terms are not too common.
        prefix = word
    elif len(word) > 4:
        # Otherwise name the most used terms. A known word is more likely finished: only its
        # common longer forms join it ("models"), not rare names that start with it.
        terms.update(vocab.with_prefix(word, least=own // 20))
    # Rare and the start of nothing: maybe a typo (the index has some too). Add the known words
    # a typo or two away that are much more common.
    if len(word) >= 4 and word.isalpha() and own < _RARE * max(1, vocab.n_docs // 10_000) \
            and docs - own < _RARE:  # fmt: skip
        near = vocab.near(word, 1 if len(word) < 8 else 2)
        near = [t for t in near if vocab.doc_count(t) >= 4 * own]
        terms.update(near)
        docs += sum(vocab.doc_count(t) for t in near)
    parts = [f'"{prefix}"*'] if prefix else []
    parts += [f'"{t}"' for t in sorted(terms - {prefix})]
    if not own and len(word) >= 4:
        # Unknown as one word: maybe two run together, as people type a hyphenated name
        # ("lowbit" for Low-Bit, "gpt4" for GPT-4): the two words side by side count too.
        joined = _split_in_two(word, vocab)
        if joined is not None:
            parts.append(f'"{joined[0]} {joined[1]}"')
            docs += min(vocab.doc_count(joined[0]), vocab.doc_count(joined[1]))
            expression = "(" + " OR ".join(parts) + ")"
            return _Group(word, terms, prefix, expression, min(docs, vocab.n_docs), 0, joined)
    return _Group(word, terms, prefix, "(" + " OR ".join(parts) + ")", min(docs, vocab.n_docs))


def _split_in_two(word: str, vocab: Vocabulary) -> tuple[str, str] | None:
    """The most likely two known words `word` is made of (each of two letters or more, or a
    number), if any."""
    best: tuple[int, str, str] | None = None
    for at in range(1, len(word)):
        head, tail = word[:at], word[at:]
        if (len(head) < 2 and not head.isdigit()) or (len(tail) < 2 and not tail.isdigit()):
            continue
        support = min(vocab.doc_count(head), vocab.doc_count(tail))
        if support and (best is None or support > best[0]):
            best = (support, head, tail)
    return None if best is None else (best[1], best[2])


# -- running -------------------------------------------------------------------------------------


@dataclass
class _Search:
    """One search: the cursor, the filter, and the candidates found so far."""

    cur: sqlite3.Cursor
    where: PaperFilter
    n_docs: int  # the highest record id
    want: int  # candidates worth collecting: the limit and some slack for re-ranking
    # rowid -> (stage, bm25, the query words it surely has: those its query required)
    found: dict[int, tuple[int, float, int]] = field(default_factory=dict)
    driver: list[int] | None = None  # the only records that can pass the filter, if few
    assumed: int = 0  # query words taken to be in every record found (see `search_ids`)

    @property
    def owner(self) -> str:
        """SQL for the record a hit counts for: itself if hidden ones are rows of their own."""
        hidden_too = self.where.include_hidden or self.where.only_hidden
        return "r.id" if hidden_too else "coalesce(r.duplicate_of, r.id)"

    def __post_init__(self) -> None:
        """A starred, tag, file or id filter lets few records pass. Matching the words and then
        checking the filter costs 2 µs per match (100 ms for "language model" at 100k); reading
        the few records that can pass (`_scan`) costs some 40 µs each. Indexes find those."""
        w, to_group = self.where, "SELECT coalesce(p.duplicate_of, p.id) FROM"
        selective = [
            (w.starred, f"{to_group} paper p WHERE starred", ()),
            (w.tag is not None, f"{to_group} tag t JOIN paper_tag pt ON pt.tag_id = t.id"
             " JOIN paper p ON p.id = pt.paper_id WHERE tag_key(t.name) = ?",
             (tag_key(w.tag) if w.tag is not None else "",)),
            (w.dump_id is not None, f"{to_group} sighting s JOIN paper p ON p.id = s.paper_id"
             " WHERE s.dump_id = ?", (w.dump_id,)),
            (w.ids is not None, f"{to_group} json_each(?) j JOIN paper p ON p.id = j.value",
             (json.dumps(w.ids),)),
        ]  # fmt: skip
        found = [{r[0] for r in self.cur.execute(q, a)} for on, q, a in selective if on]
        groups = set.intersection(*found) if found else None
        if groups is not None and len(groups) <= _DRIVEN:
            members = self.cur.execute(
                "SELECT p.id FROM json_each(?) j JOIN paper p ON p.duplicate_of = j.value",
                (json.dumps(sorted(groups)),),
            )
            self.driver = sorted(groups | {r[0] for r in members})

    def run(self, groups: list[_Group], stage: int, join: str = " AND ", title: bool = False,
            limit: int | None = None, newest: int | None = None) -> None:  # fmt: skip
        """Add up to `limit` (or `want`) records matching the groups, as stage `stage`.

        A small match set without heavy terms is ranked by bm25; any other is read newest first
        (FTS5 reads backwards and stops early). `newest` only searches that many last records.
        """
        docs = sum(g.docs for g in groups) if join == " OR " else min(g.docs for g in groups)
        expression = join.join(g.expression for g in groups)
        if title:
            expression = f"title : ({expression})"
        scored = docs <= _SCORED_ROWS and all(g.docs <= _HEAVY for g in groups)
        score = f"bm25(paper_fts, {_WEIGHTS})" if scored else "0.0"
        order = "s" if scored else "paper_fts.rowid DESC"
        window = "" if newest is None else f" AND paper_fts.rowid > {int(self.n_docs - newest)}"
        clause, params = self.where.where()
        if clause == "p.duplicate_of IS NULL":  # the default: hits map to their groups later
            sql = (f"SELECT rowid, {score} AS s FROM paper_fts WHERE paper_fts MATCH ?{window}"
                   f" ORDER BY {order} LIMIT ?")  # fmt: skip
            params = [expression]
        else:  # the filter in the same statement, so that bm25 only scores rows that pass
            params = [expression, *params]
            sql = (f"SELECT paper_fts.rowid, {score} AS s FROM paper_fts"
                   f" JOIN paper r ON r.id = paper_fts.rowid JOIN paper p ON p.id = {self.owner}"
                   f" WHERE paper_fts MATCH ?{window} AND {clause}"
                   f" ORDER BY {order} LIMIT ?")  # fmt: skip
        has = 0 if join == " OR " else sum(g.bit for g in groups) | self.assumed
        for rowid, bm25 in self.cur.execute(sql, (*params, limit or self.want)):
            old = self.found.get(rowid)
            if old is None or old[0] < stage:
                self.found[rowid] = (stage, -bm25, has | (old[2] if old else 0))


def search_ids(
    cur: sqlite3.Cursor, text: str, limit: int | None = 10, where: PaperFilter = PaperFilter()
) -> list[tuple[int, float]]:
    """Papers matching `text`, best first, as (paper id, score: higher is better).

    A hit on a hidden duplicate counts for its visible paper (unless the filter includes hidden
    records). `limit=None` gives every paper with all the words (if none has them all, the best
    partial matches). Any text is safe: only its words reach FTS5, each one quoted.
    """
    return search_page(cur, text, limit, where)[0]


def search_page(
    cur: sqlite3.Cursor, text: str, limit: int | None = 10, where: PaperFilter = PaperFilter()
) -> tuple[list[tuple[int, float]], bool]:
    """`search_ids`, and whether there are more matches than those returned: the search
    stopped collecting at its budget, or cut the list at `limit`."""
    query = list(dict.fromkeys(words(text)))[:_MAX_WORDS]
    if not query or (limit is not None and limit <= 0):
        return [], False
    vocab = vocabulary(cur)
    groups = [_group(cur, w, vocab) for w in query]
    for i, group in enumerate(groups):
        group.bit = 1 << i
    enough = limit or 1
    state = _Search(cur, where, vocab.n_docs, limit + 20 if limit else vocab.n_docs)
    known = sorted((g for g in groups if g.docs > 0), key=lambda g: g.docs)
    if not known:  # no word is in the index
        return [], False
    if state.driver is not None:
        scores = _scan(state, groups)
        if limit is None and any(s >= _ALL_WORDS for s in scores.values()):
            scores = {r: s for r, s in scores.items() if s >= _ALL_WORDS}
        ranked = _by_paper(state, scores)
        return ranked[:limit], limit is not None and len(ranked) > limit
    # Words most papers have ("for", "data", "model") filter little and cost much: every match
    # of the rarer words is looked up in their long doclists, page by page. They only rank: the
    # title check reads them, and papers are taken to have them somewhere.
    # Every paper with all the words (`limit=None`, an export) must really have them all.
    core = known if limit is None else [g for g in known if g.docs <= _COMMON * state.n_docs]
    core = core or known[:1]
    state.assumed = sum(g.bit for g in known if g not in core)
    # 1. Every word, anywhere: all of them, unless there are `want` or more.
    state.run(core, 2)
    if len(state.found) >= state.want:
        # 2. Then not all with every word in the title, which outrank the rest: FTS5 must read
        # every match of the AND to find them; if that is too many, only the newest part.
        # Common words count here: in titles they are not common.
        cost = known[0].docs * len(known)
        newest = state.n_docs * _TITLE_BUDGET // cost if cost > _TITLE_BUDGET else None
        state.run(known, 3, title=True, newest=newest)
    # 3. A word is wrong or not in the paper meant: leave out each of the rarest in turn (each
    # query costs a few ms of doclist reads), then any word will do.
    light = [g for g in core if g.docs <= _HEAVY]
    if len(state.found) < enough and len(light) > 1:
        for left_out in light[:_LEAVE_OUT]:
            rest = [g for g in core if g is not left_out]
            state.run(rest, 1, limit=max(5, state.want // len(light)))
        if len(state.found) < enough:
            state.run(light, 0, join=" OR ")
    if len(state.found) < enough:
        # Still short of what was asked: papers with any of the words fill the list (after all
        # the better matches; common words are read newest first, which stops early).
        state.run(known, 0, join=" OR ")
    ranked = _by_paper(state, _rerank(state, groups))
    # More than returned: the candidates filled the budget (more matches were left unread),
    # or the papers ranked run past the limit.
    more = limit is not None and (len(state.found) >= state.want or len(ranked) > limit)
    return ranked[:limit], more


# -- ranking -------------------------------------------------------------------------------------


class _Marks:
    """Which query words each word of a text stands for, as bit masks (cached per word)."""

    def __init__(self, groups: list[_Group]) -> None:
        self.exact: dict[str, int] = {}
        for group in groups:
            for term in group.terms:
                self.exact[term] = self.exact.get(term, 0) | group.bit
        self.prefixes = [(g.prefix, g.bit) for g in groups if g.prefix]
        self.joined = [(*g.joined, g.bit) for g in groups if g.joined]  # "low" "bit": lowbit
        self.memo: dict[str, int] = {}
        self.size, self.full = len(groups), (1 << len(groups)) - 1

    def of(self, text: str) -> list[int]:
        found, memo = words(text), self.memo
        for word in set(found).difference(memo):
            mask = self.exact.get(word, 0)
            for prefix, bit in self.prefixes:
                if word.startswith(prefix):
                    mask |= bit
            memo[word] = mask
        masks = [memo[w] for w in found]
        for first, second, bit in self.joined:  # only side by side: "bit" alone is not "lowbit"
            for i in range(len(found) - 1):
                if found[i] == first and found[i + 1] == second:
                    masks[i] |= bit
                    masks[i + 1] |= bit
        return masks

    def phrase(self, masks: list[int]) -> bool:
        """The query words side by side, in order (each may be a prefix or typo form)."""
        n, last = self.size, len(masks) - self.size
        return n > 1 and any(
            mask & 1 and i <= last and all(masks[i + k] >> k & 1 for k in range(1, n))
            for i, mask in enumerate(masks)
        )


def _score(marks: _Marks, in_title: list[int], has: int, bm25: float) -> float:
    """Every word in the title first, then as a phrase there (the whole title first of all),
    then every word anywhere, more words; bm25 or, if unscored, how much of the title the
    words fill, break ties."""
    title = functools.reduce(operator.or_, in_title, 0)
    titled, anywhere, n = title == marks.full, title | has, marks.size
    density = title.bit_count() / (len(in_title) or 1) if bm25 == 0.0 else 0.0
    phrase = titled and (marks.phrase(in_title) or n == 1)
    return (
        1000.0 * titled
        + 300.0 * (titled and marks.phrase(in_title))
        + 100.0 * (phrase and len(in_title) == n)  # the query is the title
        + 200.0 * (anywhere == marks.full)
        + 100.0 * anywhere.bit_count() / n
        + 50.0 * title.bit_count() / n
        + min(bm25, 49.0)
        + 10.0 * density
    )


def _rerank(state: _Search, groups: list[_Group]) -> dict[int, float]:
    """Scores of the candidates (see `_score`), plus 100 for the phrase outside the title.

    Titles of the best `_RERANK` candidates (by stage, then bm25) are read; abstracts (40 µs
    each to split into words) only of a few that have every word, but not in the title, to
    look for the phrase. The rest keep their stage's floor: enough for long result lists."""
    cur, marks = state.cur, _Marks(groups)
    order = sorted(state.found, key=lambda r: state.found[r][:2], reverse=True)
    scores: dict[int, float] = {}
    phrase_wanted: list[int] = []
    top = ",".join(map(str, order[:_RERANK]))
    for rowid, title in cur.execute(f"SELECT rowid, title FROM paper_fts WHERE rowid IN ({top})"):
        _, bm25, has = state.found[rowid]
        scores[rowid] = _score(marks, marks.of(title), has, bm25)
        if _ALL_WORDS <= scores[rowid] < 1000.0 and len(phrase_wanted) < _PHRASES:
            phrase_wanted.append(rowid)
    if phrase_wanted:
        for rowid, *fields in cur.execute(
            "SELECT rowid, abstract, tags, note FROM paper_fts"
            f" WHERE rowid IN ({','.join(map(str, phrase_wanted))})"
        ):
            scores[rowid] += 100.0 * any(marks.phrase(marks.of(f)) for f in fields)
    for rowid in order[_RERANK:]:
        stage, bm25, _ = state.found[rowid]
        scores[rowid] = _STAGE_FLOOR[stage] + min(bm25, 49.0)
    return scores


def _scan(state: _Search, groups: list[_Group]) -> dict[int, float]:
    """Scores of the records that pass a selective filter and have any query word, read and
    matched here in Python, as FTS5 would match them (the same terms and prefixes)."""
    clause, params = state.where.where()
    marks, scores = _Marks(groups), {}
    for rowid, title, *fields in state.cur.execute(
        "SELECT f.rowid, f.title, f.abstract, f.tags, f.note FROM json_each(?) AS j"
        " CROSS JOIN paper_fts AS f ON f.rowid = j.value JOIN paper r ON r.id = f.rowid"
        f" JOIN paper p ON p.id = {state.owner} WHERE {clause}",
        (json.dumps(state.driver), *params),
    ):
        body = [marks.of(f) for f in fields]
        has = functools.reduce(operator.or_, itertools.chain(*body), 0)
        in_title = marks.of(title)
        if has or any(in_title):
            score = _score(marks, in_title, has, 0.0)
            phrase = _ALL_WORDS <= score < 1000.0 and any(marks.phrase(m) for m in body)
            scores[rowid] = score + 100.0 * phrase
    return scores


def _by_paper(state: _Search, scores: dict[int, float]) -> list[tuple[int, float]]:
    """(paper, score) best first: a hidden record's hit counts for its visible paper."""
    owner = {r: r for r in scores}
    if scores and state.owner != "r.id":
        # Many ids: scanning the small index of hidden records beats looking up each one.
        plus, ids = "+" if len(scores) > 100 else "", ",".join(map(str, scores))
        owner.update(state.cur.execute(
            f"SELECT id, duplicate_of FROM paper WHERE duplicate_of > 0 AND {plus}id IN ({ids})"
        ).fetchall())  # fmt: skip
    best: dict[int, float] = {}
    for rowid, score in scores.items():
        group = owner[rowid]
        best[group] = max(score, best.get(group, score))
    return sorted(best.items(), key=lambda kv: (-kv[1], -kv[0]))


# The least a candidate of each stage scores in `_rerank` (stage 3: every word in the title).
_STAGE_FLOOR = {3: 1000.0 + 200.0 + 100.0 + 50.0, 2: 200.0 + 100.0, 1: 0.0, 0: 0.0}
_ALL_WORDS = 300.0  # the least a record with every query word scores
