"""The dump parser on the real samples and on every variation FEEDS.md describes."""

from __future__ import annotations

import codecs
import datetime as dt
import json
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist.core.errors import BadDumpError
from readinglist.core.feedparse import infer_year, looks_like_title, read_dump

CHROME = (
    "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n"
    "byAK and the research community\n\n"
)
ABSTRACT_A = (
    "We study how models scale. Our results show that the loss follows a power law in the number "
    "of parameters, with \\% of compute spent on {\\it attention} and $O(n^2)$ cost & 50% of _all_ "
    "FLOPs. We release code."
)
ABSTRACT_B = (
    "Large language models are trained on text. We show that curricula matter for the final "
    "quality, and we analyse why in detail across five benchmarks and three model sizes today."
)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_sample_dumps_give_288_entries(sample_files: list[Path]) -> None:
    counts = [len(read_dump(f).entries) for f in sample_files]
    assert counts == [43, 65, 99, 81]
    first = read_dump(sample_files[0]).entries[0]
    assert first.title.startswith("Scaling the Codebook Size of VQGAN")
    assert first.abstract.startswith("In the realm of image quantization")
    assert (first.month, first.day, first.line, first.position) == (3, 14, 11, 1)


def test_every_sample_entry_has_a_title_and_an_abstract(sample_files: list[Path]) -> None:
    for f in sample_files:
        for e in read_dump(f).entries:
            assert 5 < len(e.title) < 300
            assert len(e.abstract) > 500


def dump(*pages: tuple[str, list[tuple[str, str]]], chrome: str = CHROME) -> str:
    out = []
    for date, entries in pages:
        out.append(chrome + date + "\n\n")
        for title, abstract in entries:
            out.append(title + "\n\n" + (abstract + "\n\n" if abstract else ""))
    return "".join(out)


def test_several_pages_glued_together(tmp_path: Path) -> None:
    text = dump(
        ("Mar 14", [("Scaling Laws Revisited", ABSTRACT_A)]),
        ("Mar 15", [("Curricula for Language Models", ABSTRACT_B), ("A Title Alone", "")]),
        ("March 16", [("Third Page Paper", ABSTRACT_A)]),
    )
    entries = read_dump(write(tmp_path, "glued.txt", text)).entries
    assert [(e.title, e.month, e.day) for e in entries] == [
        ("Scaling Laws Revisited", 3, 14),
        ("Curricula for Language Models", 3, 15),
        ("A Title Alone", 3, 15),
        ("Third Page Paper", 3, 16),
    ]
    assert entries[2].abstract == ""


def test_chrome_varies_between_saves(tmp_path: Path) -> None:
    chrome = "Daily Papers\n\nnew\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n"
    text = dump(
        ("May 9", [("One Paper", ABSTRACT_A)]), ("May 10", [("Two", ABSTRACT_B)]), chrome=chrome
    )
    entries = read_dump(write(tmp_path, "chrome.txt", text)).entries
    assert [e.title for e in entries] == ["One Paper", "Two"]


def test_chrome_after_the_last_paper_is_not_a_paper(tmp_path: Path) -> None:
    footer = "\n\n".join(["Subscribe", "System theme", "Company", "TOS", "Privacy", "© 2026"])
    pages = dump(("May 9", [("One Paper", ABSTRACT_A), ("Two", ABSTRACT_B)]))
    entries = read_dump(write(tmp_path, "footer.txt", pages + footer + "\n")).entries
    assert [e.title for e in entries] == ["One Paper", "Two"]
    # A last paper listed without its abstract is kept, even with a short title, and the
    # footer after it still goes.
    pages = dump(("May 9", [("One Paper", ABSTRACT_A), ("Mamba", "")]))
    entries = read_dump(write(tmp_path, "short.txt", pages + footer)).entries
    assert [(e.title, e.abstract) for e in entries] == [("One Paper", ABSTRACT_A), ("Mamba", "")]


def test_entry_without_abstract(tmp_path: Path) -> None:
    text = dump(("Mar 14", [("First Title", ""), ("Second Title", ABSTRACT_A), ("Last", "")]))
    entries = read_dump(write(tmp_path, "missing.txt", text)).entries
    assert [(e.title, bool(e.abstract)) for e in entries] == [
        ("First Title", False),
        ("Second Title", True),
        ("Last", False),
    ]


def test_an_abstract_that_is_only_a_link_stays_the_abstract(tmp_path: Path) -> None:
    text = dump(("Mar 14", [("FooNet: Fast Segmentation", "Project page: https://foonet.github.io/"),
                            ("Second Title", ABSTRACT_A)]))  # fmt: skip
    entries = read_dump(write(tmp_path, "link.txt", text)).entries
    assert [(e.title, e.abstract) for e in entries] == [
        ("FooNet: Fast Segmentation", "Project page: https://foonet.github.io/"),
        ("Second Title", ABSTRACT_A),
    ]


def test_titles_without_abstracts_in_a_row_stay_papers(tmp_path: Path) -> None:
    """A sentence-case title ending with a period is still a title, even after a title that
    lacks its abstract and with no abstract of its own: reading it as the first one's abstract
    would lose a paper."""
    sentence = "Towards tighter arbitrary shape text detection with large vision language models."
    text = dump(("Mar 14", [("Title One Here", ""), (sentence, ""), ("Title Three", ABSTRACT_A)]))
    entries = read_dump(write(tmp_path, "row.txt", text)).entries
    assert [(e.title, bool(e.abstract)) for e in entries] == [
        ("Title One Here", False),
        (sentence, False),
        ("Title Three", True),
    ]


def test_titles_with_a_question_are_titles() -> None:
    assert looks_like_title("Does your data spark joy? Performance gains from upsampling")
    assert looks_like_title(
        "What Algorithms can Transformers Learn? A Study in Length Generalization."
    )
    assert looks_like_title("Deep Learning Scaling is Predictable, Empirically")
    assert not looks_like_title(ABSTRACT_B)
    assert not looks_like_title("We propose a method. It is fast.")


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("cp1252", b""),
        ("latin-1", b""),
    ],
)
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_encodings_and_line_ends(
    tmp_path: Path, encoding: str, prefix: bytes, newline: str
) -> None:
    title = "Caf\u00e9\u00a0Models: \u201cquoted\u201d \u2013 dashes"
    if encoding == "latin-1":
        title = "Caf\u00e9\u00a0Models: quoted"
    text = dump(("Mar 14", [(title, ABSTRACT_A)])).replace("\n", newline)
    path = tmp_path / "enc.txt"
    path.write_bytes(prefix + text.encode(encoding))
    [entry] = read_dump(path).entries
    assert entry.title == " ".join(title.split())  # the no-break space is folded in titles
    assert entry.abstract == ABSTRACT_A  # abstracts are kept exactly
    assert "\r" not in entry.abstract


def test_latex_fragments_kept_exactly(tmp_path: Path) -> None:
    [entry] = read_dump(write(tmp_path, "tex.txt", dump(("Mar 14", [("T", ABSTRACT_A)])))).entries
    assert entry.abstract == ABSTRACT_A


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"\n\n   \n", "blank file"),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
        ("data.json", json.dumps({"papers": [{"title": "x"}]}).encode(), "no listing date"),
        ("prose.txt", b"Dear diary,\n\nToday I read a paper.\n\nIt was good.\n", "no listing date"),
        ("dateonly.txt", b"new\n\nMar 14\n", "no papers"),
        ("feb30.txt", b"Feb 30\n\nTitle\n\n", "'Feb 30' is not a date"),
    ],
)
def test_not_a_dump_is_refused(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BadDumpError) as info:
        read_dump(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert reason in message
    assert "\n" not in message


def test_abstract_without_title_names_the_line(tmp_path: Path) -> None:
    text = "new\n\nMar 14\n\n" + ABSTRACT_A + "\n"
    path = write(tmp_path, "orphan.txt", text)
    with pytest.raises(BadDumpError) as info:
        read_dump(path)
    assert info.value.line == 5
    assert str(info.value).startswith(f"{path}:5: ")


@pytest.mark.parametrize(("megabytes", "reason"), [(24, "far too large"), (12, "no listing date")])
def test_huge_single_line_is_refused_fast_and_small(
    tmp_path: Path, megabytes: int, reason: str
) -> None:
    """Too large to be a dump by its size alone, or refused from its first bytes."""
    path = tmp_path / "huge.txt"
    path.write_bytes(b"x" * (megabytes * 1024 * 1024))
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(BadDumpError, match=reason):
        read_dump(path)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # Only the first 64 KiB are read: generous bounds that a full read (24 MB) would break.
    assert peak < 2 * 1024 * 1024
    assert elapsed < 1.0


def test_huge_paragraph_after_a_date_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "long.txt", "Mar 14\n\nTitle\n\n" + "word " * 50_000)
    with pytest.raises(BadDumpError, match="a paragraph of") as info:
        read_dump(path)
    assert info.value.line == 5


def test_infer_year_takes_latest_date_not_after_reference() -> None:
    assert infer_year(3, 14, dt.date(2024, 3, 14)) == 2024
    assert infer_year(3, 15, dt.date(2024, 3, 14)) == 2023
    assert infer_year(12, 31, dt.date(2025, 1, 2)) == 2024
    assert infer_year(2, 29, dt.date(2023, 6, 1)) == 2020


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet=st.characters(categories=["L", "N"]), min_size=3, max_size=12),
            st.booleans(),
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(["\n", "\r\n"]),
)
def test_parser_recovers_generated_dumps(entries: list[tuple[str, bool]], newline: str) -> None:
    """Any list of titles (some with abstracts) written as a dump parses back to itself."""
    import tempfile

    items = [(f"Paper {w} about models", ABSTRACT_B if has else "") for w, has in entries]
    text = dump(("Jun 3", items)).replace("\n", newline)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gen.txt"
        path.write_bytes(codecs.BOM_UTF8 + text.encode())
        parsed = read_dump(path).entries
    assert [(e.title, e.abstract) for e in parsed] == items
    assert [e.position for e in parsed] == list(range(1, len(items) + 1))


def test_infer_year_gives_up_before_the_calendar_starts() -> None:
    """No 29 February on or before 5 January of the year 1: an error, not an endless search."""
    with pytest.raises(ValueError):
        infer_year(2, 29, dt.date(1, 1, 5))
    assert infer_year(2, 29, dt.date(2026, 11, 29)) == 2024


def test_utf8_with_a_stray_byte_stays_utf8(tmp_path: Path) -> None:
    """One undecodable byte must not turn every quote and dash of the file into mojibake."""
    titles = [f"Paper {n}: \u201cquoted\u201d \u2013 results" for n in range(1, 6)]
    text = dump(("Mar 14", [(t, ABSTRACT_A) for t in titles]))
    data = text.encode("utf-8").replace(b"Paper 3", b"Paper\xff3")
    path = tmp_path / "stray.txt"
    path.write_bytes(data)
    parsed = read_dump(path)
    assert parsed.encoding == "utf-8"
    assert [e.title for e in parsed.entries] == [
        t.replace("Paper 3", "Paper\ufffd3") for t in titles
    ]
