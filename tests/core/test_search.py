"""Fuzzy search on a real library: query corpus, ranking rules, filters, groups, hostile text."""

from __future__ import annotations

import dataclasses
import json
from array import array
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from readinglist import Library
from readinglist.core import search, searchindex, vocabulary
from readinglist.core.database import raw_cursor
from readinglist.core.papers import PaperFilter
from tests.conftest import SAMPLE_FILES

QUERIES = Path(__file__).resolve().parents[1] / "data" / "search_queries.jsonl"

LOOK = "All You Need is a Second Look: Towards Arbitrary-Shaped Text Detection"
QUANT = "Understanding the Impact of Post-Training Quantization on Large Language Models"
VQGAN = "Scaling the Codebook Size of VQGAN to 100,000 with a Utilization Rate of 99%"


def ids(lib: Library, text: str, limit: int | None = 10, **where: object) -> list[int]:
    return [pid for pid, _ in hits(lib, text, limit, **where)]


def hits(
    lib: Library, text: str, limit: int | None = 10, **where: object
) -> list[tuple[int, float]]:
    lib.update_search_index()  # importing leaves indexing to this (see searchindex)
    with lib.db.read() as conn:
        return search.search_ids(raw_cursor(conn), text, limit, PaperFilter(**where))  # type: ignore[arg-type]


def paper_id(lib: Library, title: str) -> int:
    [found] = [p.id for p in lib.list() if p.title == title]
    return found


def write_dump(
    folder: Path, name: str, entries: list[tuple[str, str]], day: str = "Mar 14"
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    body = "".join(f"{title}\n\n{abstract}\n\n" for title, abstract in entries)
    path = folder / name
    path.write_text(f"new\n\nSubscribe\n\n{day}\n\n{body}", encoding="utf-8")
    return path


FILLER = (
    "We study a method for machine learning systems and report results on several benchmarks, "
    "with ablations, analysis and a discussion of limitations for practitioners."
)


@pytest.fixture
def made(library: Library, tmp_path: Path) -> Iterator[tuple[Library, dict[str, int]]]:
    """A small library of papers written for the ranking rules, by short name."""
    papers = {
        "title": ("Zephyrine Lattices for Sparse Retrieval", FILLER),
        "abstract": ("A Study of Sparse Retrieval", f"{FILLER} We also use zephyrine lattices."),
        "phrase": ("Methods One", f"{FILLER} Our quorvax tensor engine is fast."),
        "scattered": ("Methods Two", f"The tensor is small. {FILLER} A quorvax appears. Engine."),
        "both": ("Paper Alpha", f"{FILLER} The plimsoll and the bryozoan meet."),
        "one": ("Paper Beta", f"{FILLER} The plimsoll plimsoll plimsoll is alone here."),
        "latex": ("Formatting Matters", f"{FILLER} We call it {{\\it xerantic}} and 12\\% better."),
        "accent": ("Café Naïve Résumé Models", FILLER),
    }
    lib = library
    summary = lib.import_paths([write_dump(tmp_path / "feeds", "a.txt", list(papers.values()))])
    assert summary.refusals == []
    by_title = {p.title: p.id for p in lib.list()}
    yield lib, {name: by_title[title] for name, (title, _) in papers.items()}


# -- the query corpus ----------------------------------------------------------------------------


def test_corpus_recall_is_high_and_beats_a_full_wratio_scan(sample_library: Library) -> None:
    queries = [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines()]
    assert len(queries) >= 150
    papers = sample_library.list()
    titles = [p.title for p in papers]
    by_title: dict[str, set[int]] = {}
    for p in sample_library.list(include_hidden=True):
        by_title.setdefault(p.title, set()).add(p.duplicate_of or p.id)
    ours = scan = 0
    missed = []
    for q in queries:
        wanted = by_title[q["title"]]
        found = set(ids(sample_library, q["query"]))
        ours += bool(wanted & found)
        if not wanted & found:
            missed.append(q)
        scanned = process.extract(q["query"], titles, scorer=fuzz.WRatio, limit=10)
        scan += bool(wanted & {papers[i].id for *_, i in scanned})
    recall, scan_recall = ours / len(queries), scan / len(queries)
    assert recall >= 0.97, missed
    assert recall > scan_recall


def test_corpus_covers_every_kind() -> None:
    kinds = {json.loads(line)["kind"] for line in QUERIES.read_text(encoding="utf-8").splitlines()}
    assert {"typo", "typo2", "prefix", "abstract-words", "word-order", "accents"} <= kinds
    assert "hand-written" in kinds


# -- what it finds -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("Quantizaton impact", QUANT),  # a letter dropped
        ("impact of post-trainign quantization", QUANT),  # two letters swapped
        ("impakt post training", QUANT),  # a letter replaced
        ("quanti impa", QUANT),  # prefixes while typing
        ("large language models quantization impact post-training", QUANT),  # any order
        ("QUANTIZATION IMPACT", QUANT),  # case
        ("quäntizätion ímpact", QUANT),  # accents
        ("vqgan codebok", VQGAN),
        ("second look arbitrary shaped", LOOK),
    ],
)
def test_typos_prefixes_order_case_and_accents(
    sample_library: Library, query: str, title: str
) -> None:
    assert paper_id(sample_library, title) in ids(sample_library, query, 3)


def test_a_misspelt_word_finds_the_word(sample_library: Library) -> None:
    found = sample_library.load(ids(sample_library, "Quantizaton"))
    assert len(found) == 10
    assert all("quantization" in p.title.lower() for p in found)


def test_words_only_in_the_abstract_are_found(sample_library: Library) -> None:
    # "grapple" and "derivatives" appear in the VQGAN paper's abstract, not its title.
    assert ids(sample_library, "grapple derivatives vqgan", 1) == [paper_id(sample_library, VQGAN)]


def test_latex_in_abstracts_reads_as_text(made: tuple[Library, dict[str, int]]) -> None:
    lib, paper = made
    assert ids(lib, "xerantic") == [paper["latex"]]
    assert ids(lib, "xerantik") == [paper["latex"]]  # and with a typo


def test_accented_titles_are_found_without_accents(made: tuple[Library, dict[str, int]]) -> None:
    lib, paper = made
    assert ids(lib, "cafe naive resume")[0] == paper["accent"]
    assert ids(lib, "CAFÉ")[0] == paper["accent"]


def test_blank_queries_find_nothing(sample_library: Library) -> None:
    for text in ("", "   ", "\n\t", "!!! --- ***", "()"):
        assert hits(sample_library, text) == []
    assert hits(sample_library, "quantization", limit=0) == []


def test_limit_none_gives_every_paper_with_all_the_words(sample_library: Library) -> None:
    every = ids(sample_library, "codebook", None)
    expected = [
        p.id for p in sample_library.list() if "codebook" in f"{p.title} {p.abstract}".lower()
    ]
    assert sorted(every) == sorted(expected)
    assert len(every) > 5


# -- ranking -------------------------------------------------------------------------------------


def test_title_match_ranks_above_abstract_only_match(made: tuple[Library, dict[str, int]]) -> None:
    lib, paper = made
    assert ids(lib, "zephyrine lattices")[:2] == [paper["title"], paper["abstract"]]
    assert ids(lib, "zephyrin")[:2] == [paper["title"], paper["abstract"]]


def test_phrase_ranks_above_scattered_words(made: tuple[Library, dict[str, int]]) -> None:
    lib, paper = made
    assert ids(lib, "quorvax tensor engine")[:2] == [paper["phrase"], paper["scattered"]]


def test_all_words_rank_above_some_words(made: tuple[Library, dict[str, int]]) -> None:
    lib, paper = made
    found = ids(lib, "plimsoll bryozoan")
    assert found[:2] == [paper["both"], paper["one"]]


def test_scores_are_best_first(sample_library: Library) -> None:
    scores = [score for _, score in hits(sample_library, "language model quantization", 50)]
    assert scores == sorted(scores, reverse=True)
    assert len(scores) == 50


def test_an_exact_title_comes_first(sample_library: Library) -> None:
    for title in (LOOK, QUANT, VQGAN, "Densing Law of LLMs"):
        assert ids(sample_library, title, 1) == [paper_id(sample_library, title)]


def test_the_exact_title_beats_a_longer_title_holding_it(library: Library, tmp_path: Path) -> None:
    longer = "Sparse Attention Kernels for Long Context Language Models"
    exact = "Sparse Attention Kernels"
    dump = write_dump(tmp_path / "feeds", "k.txt", [(longer, FILLER), (exact, FILLER + " More.")])
    library.import_paths([dump])
    for query in (exact, exact.lower(), "sparse attention kernel"):
        assert ids(library, query, 2) == [paper_id(library, exact), paper_id(library, longer)]


@pytest.mark.parametrize(
    ("query", "title"),
    [
        (
            "lowbit",
            "VPTQ: Extreme Low-bit Vector Post-Training Quantization for Large Language Models",
        ),
        ("longcontext", "LongGenBench: Long-context Generation Benchmark"),
    ],
)
def test_a_hyphenated_name_typed_as_one_word_is_found(
    sample_library: Library, query: str, title: str
) -> None:
    assert paper_id(sample_library, title) in ids(sample_library, query, 10)


def test_a_word_typed_as_one_needs_its_two_parts_side_by_side(
    library: Library, tmp_path: Path
) -> None:
    papers = [
        ("Low-Bit Adapters", FILLER),
        ("Low Adapters", f"{FILLER} We compare with low-bit ones."),
        ("A Bit of Care for Random Walks", FILLER),
    ]
    library.import_paths([write_dump(tmp_path / "feeds", "b.txt", papers)])
    found = ids(library, "lowbit adapters", 3)
    assert found[0] == paper_id(library, "Low-Bit Adapters")  # the title has it, as a phrase
    care = paper_id(library, "A Bit of Care for Random Walks")
    library.star(library.ids())  # a small filter: searched paper by paper, in Python
    assert care not in ids(library, "lowbit", None, starred=True)  # "bit" alone is not lowbit
    assert care not in ids(library, "lowbit", None)


def test_a_page_of_results_says_whether_there_are_more(sample_library: Library) -> None:
    found, more = sample_library.search_page("language", 5)
    assert len(found) == 5 and more
    assert len(sample_library.search("language", limit=None)) > 5
    found, more = sample_library.search_page("undertrained", 10)  # a word few papers have
    assert 0 < len(found) < 10 and not more
    everything, more = sample_library.search_page("language", None)
    assert not more and len(everything) > 5


# -- annotations, filters and duplicate groups ------------------------------------------------


def test_tags_and_notes_are_searchable_at_once(sample_library: Library) -> None:
    lib = sample_library
    quant, look = paper_id(lib, QUANT), paper_id(lib, LOOK)
    assert ids(lib, "glorptag") == []  # also reads the vocabulary before the change
    lib.tag([quant], ["glorptag"])
    assert ids(lib, "glorptag") == [quant]
    assert ids(lib, "glorpta") == [quant]  # as a prefix
    assert ids(lib, "glorptga") == [quant]  # and with a typo: the vocabulary caught up
    lib.set_note(look, "Read together with the frobnicator survey.")
    assert ids(lib, "frobnicator survey")[0] == look
    assert ids(lib, "frobnicatro") == [look]
    lib.set_note(look, "")
    assert ids(lib, "frobnicator") == []


def fts_state(lib: Library) -> bytes:
    """FTS5's structure record: it changes with every write to the index."""
    with lib.db.read() as conn:
        row = raw_cursor(conn).execute("SELECT block FROM paper_fts_data WHERE id = 10").fetchone()
    return bytes(row[0])


def stale(lib: Library) -> int:
    with lib.db.read() as conn:
        return int(raw_cursor(conn).execute("SELECT count(*) FROM search_stale").fetchone()[0])


def test_bulk_tags_and_notes_are_searchable_after_a_catch_up(sample_library: Library) -> None:
    """Tagging many papers only lists them (re-indexing each costs ~0.4 ms); the next search, or
    the window in the background, re-reads them first."""
    lib = sample_library
    every = lib.ids()
    assert len(every) > searchindex.REINDEX_AT_ONCE
    assert ids(lib, "bulkmark") == []
    before = fts_state(lib)
    lib.tag(every, ["bulkmark"])
    assert fts_state(lib) == before and stale(lib) >= len(every)  # nothing re-indexed yet
    assert len(ids(lib, "bulkmark", limit=None)) == len(every)  # the search caught up first
    assert stale(lib) == 0
    lib.untag(every[:-1], ["bulkmark"])
    assert ids(lib, "bulkmark", limit=None) == [every[-1]]


def test_an_undo_that_changes_no_tag_or_note_leaves_the_index_alone(
    sample_library: Library,
) -> None:
    lib = sample_library
    every = lib.ids()
    lib.update_search_index()
    before = fts_state(lib)
    snap = lib.snapshot(every)
    lib.star(every)
    lib.restore(snap)
    assert fts_state(lib) == before and stale(lib) == 0
    assert lib.count(PaperFilter(starred=True)) == 0


def test_few_tags_are_searchable_at_once_without_a_catch_up(sample_library: Library) -> None:
    lib = sample_library
    lib.update_search_index()
    few = lib.ids()[: searchindex.REINDEX_AT_ONCE]
    lib.tag(few, ["fewmark"])
    assert stale(lib) == 0
    with lib.db.read() as conn:  # straight from the index: no catch-up on the way
        found = search.search_ids(raw_cursor(conn), "fewmark", None)
    assert sorted(pid for pid, _ in found) == sorted(few)


def test_new_papers_are_searchable_with_typos(sample_library: Library, tmp_path: Path) -> None:
    lib = sample_library
    assert ids(lib, "vqgan") != []  # the vocabulary is read now; the next import patches it
    lib.import_paths([write_dump(tmp_path / "more", "b.txt", [("Wobbulator Networks", FILLER)])])
    [new] = [p.id for p in lib.list() if p.title == "Wobbulator Networks"]
    assert ids(lib, "wobulator networks")[0] == new


@pytest.mark.parametrize("few", [True, False], ids=["few-pass-scanned", "many-pass-joined"])
def test_filters_combine_with_search(
    sample_library: Library, monkeypatch: pytest.MonkeyPatch, few: bool
) -> None:
    # A filter few papers pass is searched paper by paper; others inside the FTS5 query.
    monkeypatch.setattr(search, "_DRIVEN", 300 if few else 0)
    lib = sample_library
    quant, look = paper_id(lib, QUANT), paper_id(lib, LOOK)
    everything = ids(lib, "quantization", None)
    assert quant in everything and look not in everything
    assert ids(lib, "quantization", starred=True) == []
    lib.star([quant, look])
    assert ids(lib, "quantization", starred=True) == [quant]
    assert ids(lib, "quantizaton", starred=True) == [quant]
    lib.mark_read([quant])
    assert quant not in ids(lib, "quantization", None, unread=True)
    assert set(ids(lib, "quantization", None, unread=True)) == set(everything) - {quant}
    lib.tag([quant, look], ["toread"])
    assert ids(lib, "quantization", tag="toread") == [quant]
    assert ids(lib, "second look", tag="toread", starred=True) == [look]
    assert ids(lib, "second look", tag="nosuchtag") == []


@pytest.mark.parametrize("few", [True, False], ids=["few-pass-scanned", "many-pass-joined"])
def test_hidden_duplicates_count_for_their_visible_paper(
    made: tuple[Library, dict[str, int]], monkeypatch: pytest.MonkeyPatch, few: bool
) -> None:
    monkeypatch.setattr(search, "_DRIVEN", 300 if few else 0)
    lib, paper = made
    lib.merge([paper["both"], paper["latex"]])  # "latex" is now hidden under "both"
    assert ids(lib, "xerantic") == [paper["both"]]
    assert ids(lib, "xerantic", include_hidden=True) == [paper["latex"]]
    assert set(ids(lib, "plimsoll xerantic", include_hidden=True)) >= {
        paper["latex"],
        paper["both"],
    }
    assert ids(lib, "xerantic", only_hidden=True) == [paper["latex"]]
    lib.star([paper["latex"]])  # stars the group's visible paper
    assert ids(lib, "xerantic", starred=True) == [paper["both"]]
    assert ids(lib, "xerantic", starred=True, include_hidden=True) == []  # a record's own star
    assert ids(lib, "plimsoll", starred=True, include_hidden=True) == [paper["both"]]
    assert ids(lib, "xerantic", ids=(paper["both"],)) == [paper["both"]]
    assert ids(lib, "xerantic", ids=(paper["title"],)) == []


def test_the_vocabulary_is_read_once_and_kept_current(sample_library: Library) -> None:
    vocabulary._cache.clear()
    sample_library.update_search_index()
    with sample_library.db.read() as conn:
        vocabulary.warm_up(raw_cursor(conn))
    [vocab] = vocabulary._cache.values()
    assert len(vocab.terms) > 5000 and vocab.doc_count("quantization") > 20
    ids(sample_library, "quantization")
    assert next(iter(vocabulary._cache.values())) is vocab  # nothing changed: the same one
    sample_library.tag([paper_id(sample_library, LOOK)], ["xylograph"])
    ids(sample_library, "xylograph")
    [patched] = vocabulary._cache.values()
    assert patched is not vocab and patched.doc_count("xylograph") == 1


def test_a_word_the_vocabulary_lacks_is_still_found(sample_library: Library) -> None:
    ids(sample_library, "vqgan")  # reads the vocabulary, then forget every word in it
    key = str(sample_library.path)
    vocab = vocabulary._cache[key]
    empty = {"terms": [], "docs": array("q"), "cumulative": array("q", [0]), "backwards": []}
    vocabulary._cache[key] = dataclasses.replace(vocab, **empty)
    assert paper_id(sample_library, VQGAN) in ids(sample_library, "vqgan codebook")


def test_library_search_returns_loaded_papers(sample_library: Library) -> None:
    found = sample_library.search("vqgan codebok", limit=3)
    assert found[0].title == VQGAN
    assert found[0].score is not None and found[0].score >= (found[1].score or 0)


# -- hostile text --------------------------------------------------------------------------------

HOSTILE = [
    '"', '""', '"unbalanced', "*", "a*", "**", ":", "title:", "title : x", "{title}: x", "(", ")",
    "((", "-", "-x", "^", "^x", "NEAR", "NEAR(a b)", "NEAR/2", "AND", "OR", "NOT", "a AND",
    "OR OR OR", "NOT x", "x NOT y", "+", "'", "\\", "\x00", "\u200b", "😀", "a" * 5000,
    "quantization " * 200, "é" * 300, "rowid", "paper_fts", "'; DROP TABLE paper; --",
    "%_%", "[x]", "\ud800 lone surrogate", "x\u0301", "ﬁne-tuning", "İstanbul ß",
]  # fmt: skip


@pytest.fixture(scope="module")
def shared_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """The sample library, imported once for the many examples below."""
    folder = tmp_path_factory.mktemp("search")
    with Library.open(folder / "library.sqlite") as lib:
        lib.import_paths(SAMPLE_FILES)
        lib.update_search_index()
        yield lib


@pytest.mark.parametrize("text", HOSTILE)
def test_fts_syntax_in_queries_is_harmless(shared_library: Library, text: str) -> None:
    for limit in (10, None):
        found = hits(shared_library, text, limit)
        assert all(isinstance(pid, int) and isinstance(score, float) for pid, score in found)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=80))
def test_any_text_is_a_safe_query(shared_library: Library, text: str) -> None:
    found = hits(shared_library, text, 20, starred=False)
    assert len(found) <= 20
    assert len({pid for pid, _ in found}) == len(found)  # every paper once


def test_every_paper_with_all_the_words_means_all_the_words(sample_library: Library) -> None:
    """An export by query (limit=None) takes the papers with every word, a common one too."""
    found = sample_library.search("language codebook", limit=None)
    assert found
    for paper in found:
        text = vocabulary.words(" ".join([paper.title, paper.abstract, *paper.tags, paper.note]))
        for word in ("language", "codebook"):  # the word, or a longer one it starts
            assert any(w.startswith(word) for w in text), (word, paper.title)
