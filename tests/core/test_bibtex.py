"""BibTeX export: the real bibtex and biber accept it, pybtex and bibtexparser read it back exactly.

bibtex and biber must be installed (tests/run.sh and CI install them); a missing tool fails the
test with a message saying so rather than skipping it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from pathlib import Path

import bibtexparser
import pybtex.database
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readinglist.core.bibtex import (
    bibtex_month,
    decode_bibtex_field,
    encode_field,
    format_entry,
    split_bibtex_keywords,
    write_bibtex,
)
from readinglist.core.citekeys import KEY_PATTERN, make_citation_key
from readinglist.core.feedparse import read_dump
from readinglist.core.records import Paper
from tests import factories
from tests.factories import run_biber_validation, run_bibtex

HOSTILE = (
    "a&b", "50%", "{unbalanced", "}", "\\", "#x", "_", "~", "^", "$", "two\nlines\n\nparagraph",
    "emoji 😀🧪👩‍🔬", "Кириллица", "no\u00a0break", "=cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "+x",
    "\tstarts with a tab", "\\% {\\it it} $O(n^2)$ \\times", "}{", "{{{", "a, b", "  spaced  out ",
    "Café — “quoted” ‘single’ – 10° ±1 α≤β", "-- '' `` ,, ?` !`", "@misc{evil, title={x}}",
    "Ångström ß Æ ø ł ı Ǆ ǘ ffi", "\\textbackslash{} \\{ \\par", "%comment\n@string{a = b}",
    "§ 2 ¶ and ZeroQuant-V2 on A100 GPUs, Part A",
)  # fmt: skip
# Titles too: hostile text around words that plain lower-cases and acronyms it must not.
HOSTILE_TITLES = tuple(f"{h} in LLaMA and VQGAN-LC: Part I of a BERT Study" for h in HOSTILE)
CUSTOM_KEYS = ("user-typed_key:2024", "Z9")  # keys a user may type: - _ : must pass both tools


def make_paper(
    pid: int, title: str, abstract: str, dates: list[dt.date], tags: tuple[str, ...], note: str
) -> Paper:
    return factories.make_paper(
        pid, title, abstract, tags=tags, note=note,
        listed=[(f"dump-{i}.txt", d) for i, d in enumerate(dates)],
    )  # fmt: skip


def library_papers(sample_files: list[Path]) -> list[Paper]:
    """Every sample entry as a paper (listed in 2024), with hostile tags and notes spread over
    them, then one paper per hostile title."""
    papers: list[Paper] = []
    n = len(HOSTILE)
    for path in sample_files:
        for e in read_dump(path).entries:
            i = len(papers)
            first = dt.date(2024, e.month, e.day)
            dates = [first] + ([first + dt.timedelta(days=1 + i % 9)] if i % 4 == 0 else [])
            tags = tuple(dict.fromkeys((HOSTILE[i % n], HOSTILE[(i * 7 + 3) % n], "vision")))
            note = "" if i % 5 == 0 else f"{HOSTILE[(i + 11) % n]}\n{HOSTILE[(i * 3) % n]}"
            papers.append(make_paper(i + 1, e.title, e.abstract, dates, tags, note))
    assert len(papers) == 288
    for j, title in enumerate(HOSTILE_TITLES):
        abstract = " ".join(HOSTILE[j:] + HOSTILE[:j])
        dates = [dt.date(2024, 2, 29)] if j % 3 else []  # some papers never listed
        papers.append(make_paper(1000 + j, title, abstract, dates, HOSTILE[j : j + 3], HOSTILE[j]))
    return papers


def with_keys(papers: list[Paper]) -> list[tuple[Paper, str]]:
    used: set[str] = set()
    out = []
    for paper in papers:
        year = paper.first_date.year if paper.first_date else None
        key = make_citation_key(paper.title, year, lambda k: k.lower() in used)
        used.add(key.lower())
        out.append((paper, key))
    extra = [
        make_paper(2000 + i, f"Custom key {k}", "", [], (), "") for i, k in enumerate(CUSTOM_KEYS)
    ]
    return out + list(zip(extra, CUSTOM_KEYS, strict=True))


@pytest.fixture(scope="module")
def exported(sample_files: list[Path]) -> list[tuple[Paper, str]]:
    return with_keys(library_papers(sample_files))


def export(tmp_path: Path, items: list[tuple[Paper, str]], ascii_only: bool) -> Path:
    path = tmp_path / "refs.bib"
    with path.open("w", encoding="utf-8", newline="") as out:
        assert write_bibtex(items, out, ascii_only=ascii_only) == len(items)
    return path


def stands_for(text: str, ascii_only: bool = False) -> str:
    """The text a field encoded from `text` decodes to: line ends made \\n and, in ASCII
    output, the composed form (NFC: "e" + U+0301 is written as "é" is)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text) if ascii_only else text


def plain_text(paper: Paper, field: str, ascii_only: bool = False) -> str:
    return stands_for(str(getattr(paper, field)), ascii_only)


MODES = pytest.mark.parametrize("ascii_only", [False, True], ids=["utf8", "ascii"])


# The real tools ---------------------------------------------------------------------------------


@MODES
def test_bibtex_plain_style_reads_the_export_without_errors_or_warnings(
    tmp_path: Path, exported: list[tuple[Paper, str]], ascii_only: bool
) -> None:
    code, output, bbl, problems = run_bibtex(export(tmp_path, exported, ascii_only))
    assert code == 0, output
    assert problems == [], "\n".join(problems)
    bbl = " ".join(bbl.split())  # unwrap lines
    assert bbl.count("\\bibitem") == len(exported)
    # plain lower-cases titles; the braced acronyms and capitals survive it.
    assert "Scaling the codebook size of {VQGAN} to 100,000 with a utilization rate of 99\\%" in bbl
    assert "in {LLaMA} and {VQGAN}-{LC}: Part {I} of a {BERT} study" in bbl
    # Capitals with digits, a lone label "A", and § and ¶ as commands keep their case.
    symbols = r"{\S} 2 {\P}" if ascii_only else "§ 2 ¶"
    assert f"{symbols} and {{ZeroQuant}}-{{V2}} on {{A100}} {{GPUs}}, part {{A}} in" in bbl
    assert "Listed 2024-03-14" in bbl and "March 2024" in bbl


@MODES
def test_biber_validates_the_export_against_its_default_data_model(
    tmp_path: Path, exported: list[tuple[Paper, str]], ascii_only: bool
) -> None:
    code, output, problems, checked = run_biber_validation(export(tmp_path, exported, ascii_only))
    assert code == 0, output
    assert problems == [], "\n".join(problems)
    assert "Datamodel validation complete" in output
    assert len(pybtex.database.parse_file(checked, bib_format="bibtex").entries) == len(exported)


def test_biber_reports_problems_in_the_way_the_test_looks_for(tmp_path: Path) -> None:
    """The biber test above would see an invalid field and a broken entry."""
    bib = tmp_path / "bad.bib"
    bib.write_text("@misc{a, title = {T}, listed = {x}}\n@misc{b c, title = {T}}\n", "utf-8")
    _, output, _, _ = run_biber_validation(bib)
    assert re.search(r"^WARN .*Field 'listed' invalid", output, re.MULTILINE), output
    assert re.search(r"^ERROR ", output, re.MULTILINE), output


# Parsers read back the stored text ----------------------------------------------------------------


def check_fields(paper: Paper, fields: dict[str, str]) -> None:
    assert decode_bibtex_field(fields["title"]) == paper.title
    assert decode_bibtex_field(fields.get("abstract", "")) == paper.abstract
    assert decode_bibtex_field(fields.get("annote", "")) == plain_text(paper, "note")
    assert split_bibtex_keywords(fields.get("keywords", "")) == list(paper.tags)
    assert fields["year"] == str((paper.first_date or paper.created_at.date()).year)
    for d in {s.date for s in paper.sightings}:
        assert d.isoformat() in fields["note"]
    assert ("note" in fields) == bool(paper.sightings)


@MODES
def test_pybtex_reads_every_entry_back_to_the_stored_text(
    tmp_path: Path, exported: list[tuple[Paper, str]], ascii_only: bool
) -> None:
    bib = export(tmp_path, exported, ascii_only)
    if ascii_only:
        bib.read_bytes().decode("ascii")  # pure ASCII, or this raises
    data = pybtex.database.parse_file(bib, bib_format="bibtex")
    assert list(data.entries) == [key for _, key in exported]
    for paper, key in exported:
        entry = data.entries[key]
        assert entry.type == "misc"
        check_fields(paper, dict(entry.fields))
        first = paper.first_date or paper.created_at.date()
        assert entry.fields["month"] == first.strftime("%B")


@MODES
def test_bibtexparser_reads_every_entry_back_to_the_stored_text(
    tmp_path: Path, exported: list[tuple[Paper, str]], ascii_only: bool
) -> None:
    bib = export(tmp_path, exported, ascii_only)
    library = bibtexparser.parse_string(bib.read_text(encoding="utf-8"))
    assert library.failed_blocks == []
    assert [e.key for e in library.entries] == [key for _, key in exported]
    for (paper, _), entry in zip(exported, library.entries, strict=True):
        check_fields(paper, {f.key: str(f.value) for f in entry.fields})
        first = paper.first_date or paper.created_at.date()
        assert entry.fields_dict["month"].value == bibtex_month(first.month)


def test_sample_abstracts_keep_their_latex_fragments_as_text(
    exported: list[tuple[Paper, str]],
) -> None:
    with_fragments = [p for p, _ in exported if "\\" in p.abstract and p.id < 1000]
    assert with_fragments, "the sample holds abstracts with LaTeX fragments"
    for paper in with_fragments:
        field = encode_field(paper.abstract)
        assert decode_bibtex_field(field) == paper.abstract
        assert "\\textbackslash{}" in field


# Examples of the escaping rule ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "utf8", "ascii"),
    [
        ("50% & $5 #1 a_b", r"50\% \& \$5 \#1 a\_b", None),
        (
            r"\% {\it x} $O(n^2)$",
            r"\textbackslash{}\% \textbraceleft{}\textbackslash{}it "
            r"x\textbraceright{} \$O(n\textasciicircum{}2)\$",
            None,
        ),
        ("{unbalanced", r"\textbraceleft{}unbalanced", None),
        ("~^<>|", r"\textasciitilde{}\textasciicircum{}\textless{}\textgreater{}\textbar{}", None),
        ("a\nb\r\nc\rd", r"a\par{}b\par{}c\par{}d", None),
        ("a\tb  c ", r"a\quad{}b{\ }{\ }c{\ }", None),
        ("no\u00a0break", "no~break", None),
        (
            "Café — “q” ‘s’",
            "Café — “q” ‘s’",
            r"Caf{\'{e}} --- ``q'' \textquoteleft{}s\textquoteright{}",
        ),
        ("a -- b ''x'' ---", r"a -{}- b '{}'x'{}' -{}-{}-", None),
        ("α×β ≤ 1", "α×β ≤ 1", r"{$\alpha$}{$\times$}{$\beta$} {$\leq$} 1"),
        ("Ǆ😀\x01", "Ǆ😀\\symbol{1}", r"\symbol{452}\symbol{128512}\symbol{1}"),
    ],
)
def test_escaping_examples(text: str, utf8: str, ascii: str | None) -> None:
    assert encode_field(text) == utf8
    assert encode_field(text, ascii_only=True) == (utf8 if ascii is None else ascii)
    for field in (utf8, ascii or utf8):
        assert decode_bibtex_field(field) == stands_for(text)


def test_ascii_output_writes_a_decomposed_accent_as_the_composed_letter() -> None:
    """pdfLaTeX cannot typeset \\symbol{769}; "e" + U+0301 is the letter é."""
    field = encode_field("Cafe\u0301 Re\u0301sume\u0301", ascii_only=True, title=True)
    assert field == r"Caf{\'{e}} R{\'{e}}sum{\'{e}}"
    assert decode_bibtex_field(field) == "Café Résumé"


def test_every_character_of_the_first_planes_and_every_tricky_pair_round_trips() -> None:
    """Covers every entry of the encoder's tables, and their neighbours (spaces, ligatures)."""
    everything = "".join(chr(c) for c in range(1, 0x3100)) + "\U0001f600\U0010ffff"
    tricky = "-`'?!,~ \n\t\u00a0\u2009—–“”‘’{}\\$%^_"
    pairs = "".join(a + b + "x" + a + a + b for a in tricky for b in tricky)
    for text in (everything, pairs, everything[::-1]):
        for ascii_only in (False, True):
            for title in (False, True):
                field = encode_field(text, ascii_only=ascii_only, title=title)
                assert decode_bibtex_field(field) == stands_for(text, ascii_only)
                assert braces_balanced(field) and "\n" not in field
                assert field.isascii() or not ascii_only


def test_titles_protect_acronyms_and_capitals_but_not_title_case_words() -> None:
    title = "Scaling LLaMA and GPT-4 to 3D: Part I of A Study, Part A"
    assert encode_field(title, title=True) == (
        "Scaling {LLaMA} and {GPT}-4 to {3D}: Part {I} of A Study, Part {A}"
    )
    title = "A Look at ZeroQuant-V2, T5 and A100s: Plan A and Plan B; A Study"
    assert encode_field(title, title=True) == (
        "A Look at {ZeroQuant}-{V2}, {T5} and {A100s}: Plan {A} and Plan {B}; A Study"
    )
    # The two symbols named by a capital are braced whole: styles would lower-case \S to \s.
    assert encode_field("§ 3 and ¶", title=True, ascii_only=True) == r"{\S} 3 and {\P}"
    assert encode_field("École ÉTS", title=True, ascii_only=True) == r"{\'{E}}cole {{\'{E}}TS}"


def test_keywords_are_split_only_at_our_separators() -> None:
    tags = ["a, b", "x\u2009y", " ", "{", "\\,"]
    value = ", ".join(encode_field(t, keyword=True) for t in tags)
    assert split_bibtex_keywords(value) == tags
    assert split_bibtex_keywords("") == []


def test_unsafe_citation_keys_are_refused() -> None:
    paper = make_paper(1, "T", "", [], (), "")
    for key in ("a b", "a,b", "a{b", "", "é2024", "a%b", "-x"):
        with pytest.raises(ValueError, match="citation key"):
            write_bibtex([(paper, key)], io.StringIO())


def test_month_macros() -> None:
    assert [bibtex_month(m) for m in (1, 3, 12)] == ["jan", "mar", "dec"]
    with pytest.raises(ValueError):
        bibtex_month(13)


# Properties over arbitrary text -----------------------------------------------------------------

# The library's text never holds NUL or lone surrogates (it is stored as UTF-8); anything else goes,
# "\r\n" and "\r" included: they are written as line breaks and come back as "\n".
TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"))


def braces_balanced(value: str) -> bool:
    """As BibTeX counts them: every brace, escaped or not."""
    depth = 0
    for ch in value:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


@settings(max_examples=400)
@given(text=TEXT, ascii_only=st.booleans(), title=st.booleans(), keyword=st.booleans())
def test_any_text_encodes_to_a_safe_field_that_decodes_back(
    text: str, ascii_only: bool, title: bool, keyword: bool
) -> None:
    field = encode_field(text, ascii_only=ascii_only, title=title, keyword=keyword)
    assert braces_balanced(field)
    assert "\n" not in field and "\r" not in field
    assert not re.search(r"\s\s|^\s|\s$", field)  # no white space a parser could fold or strip
    assert decode_bibtex_field(field) == stands_for(text, ascii_only)
    if ascii_only:
        assert field.isascii()
    if keyword and text:  # (no tags at all is an absent field, not one empty tag)
        assert split_bibtex_keywords(field) == [decode_bibtex_field(field)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=TEXT.filter(lambda t: t.strip() != ""),
    abstract=TEXT,
    note=TEXT,
    tags=st.lists(TEXT.filter(bool), max_size=4, unique=True),
    ascii_only=st.booleans(),
)
def test_any_paper_round_trips_through_pybtex_and_bibtexparser(
    title: str, abstract: str, note: str, tags: list[str], ascii_only: bool
) -> None:
    paper = make_paper(1, title, abstract, [dt.date(2024, 3, 14)], tuple(tags), note)
    key = make_citation_key(title, 2024, lambda k: False)
    text = format_entry(paper, key, ascii_only=ascii_only)
    expected = {
        "title": plain_text(paper, "title", ascii_only),
        "abstract": plain_text(paper, "abstract", ascii_only),
        "annote": plain_text(paper, "note", ascii_only),
    }
    parsed = pybtex.database.parse_string(text, bib_format="bibtex").entries[key].fields
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    (entry,) = library.entries
    for fields in (dict(parsed), {f.key: str(f.value) for f in entry.fields}):
        for name, want in expected.items():
            assert decode_bibtex_field(fields.get(name, "")) == want
        assert split_bibtex_keywords(fields.get("keywords", "")) == [
            stands_for(t, ascii_only) for t in tags
        ]
    assert KEY_PATTERN.fullmatch(key)


def reference_encode(text: str, ascii_only: bool, title: bool, keyword: bool) -> str:
    """The encoder written character by character, as first built: the specification the fast
    regular-expression encoder must match exactly."""
    from readinglist.core.bibtex import _LIGATURES, _WORD, _encode_char, _needs_case_protection

    text = stands_for(text, ascii_only)
    opens, closes = set(), set()
    if title:
        for match in _WORD.finditer(text):
            if _needs_case_protection(match.group(), text, match.start(), match.end()):
                opens.add(match.start())
                closes.add(match.end() - 1)
    last = len(text) - 1
    pieces: list[str] = []
    for i, ch in enumerate(text):
        if i in opens:
            pieces.append("{")
        if ch == " ":
            alone = 0 < i < last and not text[i - 1].isspace() and not text[i + 1].isspace()
            pieces.append(" " if alone else r"{\ }")
        elif ch == "," and keyword:
            pieces.append("{,}")
        else:
            pieces.append(_encode_char(ch, ascii_only))
        if i in closes:
            pieces.append("}")
    out: list[str] = []
    for piece in pieces:
        if out and out[-1][-1] + piece[0] in _LIGATURES:
            out.append("{}")
        out.append(piece)
    return "".join(out)


TRICKY = st.text(
    alphabet=st.sampled_from(
        list(" -`'?!,\\{}%&$#_~^<>|\n\t\r\u00a0\u2009\u2014\u201cé Aa1\x1f\x85é\u3000")
    )
    | st.characters(exclude_characters="\x00", exclude_categories=["Cs"]),
    max_size=60,
)


@settings(max_examples=1500, deadline=None)
@given(TRICKY, st.booleans(), st.booleans(), st.booleans())
def test_fast_encoder_matches_the_character_by_character_one(
    text: str, ascii_only: bool, title: bool, keyword: bool
) -> None:
    fast = encode_field(text, ascii_only=ascii_only, title=title, keyword=keyword)
    assert fast == reference_encode(text, ascii_only, title, keyword)


def test_fast_encoder_matches_on_the_sample_abstracts(sample_files: list[Path]) -> None:
    for path in sample_files:
        for e in read_dump(path).entries:
            for ascii_only in (False, True):
                assert encode_field(e.abstract, ascii_only=ascii_only) == reference_encode(
                    e.abstract, ascii_only, False, False
                )
                assert encode_field(e.title, ascii_only=ascii_only, title=True) == reference_encode(
                    e.title, ascii_only, True, False
                )


@settings(max_examples=3000, deadline=None)
@given(
    st.text(
        alphabet=st.characters(categories=["Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl", "No"]),
        min_size=2,
        max_size=8,
    )
)
def test_a_word_is_protected_for_a_capital_after_its_first_letter_or_with_a_digit(
    word: str,
) -> None:
    """The rule, written character by character (the encoder takes shortcuts through it)."""
    from readinglist.core.bibtex import _needs_case_protection

    rule = any(ch.isupper() for ch in word[1:]) or (
        word[0].isupper() and any(ch.isdigit() for ch in word)
    )
    assert _needs_case_protection(word, word, 0, len(word)) == rule
    assert _needs_case_protection("xℛ", "xℛ", 0, 2)  # a capital with no lowercase form
