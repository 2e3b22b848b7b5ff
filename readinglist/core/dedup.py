"""Is this the same paper? Pure duplicate detection: no database, no Qt.

The same paper is listed on many days, and its text drifts between listings: the title changes
case, spacing or punctuation, gains a trailing period or loses a typo; the abstract is cut short,
reflowed, has a link's host changed or a typo fixed. Meanwhile different papers can have titles
one meaningful word apart ("7B" vs "13B", "Part I" vs "Part II") or even identical titles. So
title similarity never decides alone: the abstract is the evidence (see FEEDS.md).

What the texts read as, once case, accents, punctuation, LaTeX and links are folded away, is
`normalize.py`'s. Two steps, as in record linkage:
- `blocking_keys` gives each record a few 64-bit keys; the same paper's records share at least one
  with very high probability, so only records sharing a key need comparing (the database stores
  the keys; `duplicates.py` looks candidates up).
- `compare` verifies one candidate pair and explains its verdict in one line.

Changing how keys are computed invalidates the keys stored in every library: bump
`KEY_VERSION` and rebuild them (`recheck.rebuild_keys`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

from readinglist.core.normalize import (
    ASCII_DELETE,
    ASCII_LOWER,
    LATEX_STYLE,
    URL_WORD,
    abstract_words,
    fold,
    latex_words,
    normalize_title,
    plain_ascii,
)

# Part of every key's hashed bytes: a new version never collides with the old. 2: titles spell
# Greek letters out and read × as x (schema step 4 rebuilds the keys of older libraries).
KEY_VERSION = 2

# --- Blocking keys ---------------------------------------------------------------------------

# The title key: the whole title without spaces (case, spacing and punctuation changes don't
# matter). Keys on the title's start or end were tried: titles share endings ("... for large
# language models") so often that they made 13x more candidate pairs at 10k papers, for one more
# corpus pair found (a title typo together with an abstract both cut and fixed near its start).
# Abstract keys: the first and the last words. A cut-short abstract keeps its first words, a typo
# fixed near the start keeps the last. Twelve, as the first eight are often a stock opening
# ("large language models llms have demonstrated ...").
ABSTRACT_KEY_WORDS = 12
# Only a slice at each end is normalized (~24 words, cut at whitespace so its words are the whole
# abstract's), which keeps the keys cheap; the whole abstract only when a slice has too few words
# (a long link at the end: 6 of the corpus's 1,588 records).
_SLICE = 160
_SQUASH_DELETE = bytes(i for i in range(128) if not chr(i).isalnum())
_URL_BYTES = URL_WORD.encode()
# One blake2b state per kind of key, fed its prefix once: copying it is cheaper than a new one.
_HASHERS = {
    kind: hashlib.blake2b(b"%d%s\x00" % (KEY_VERSION, kind), digest_size=8)
    for kind in (b"tf", b"ah", b"at")
}


def _key(kind: bytes, data: bytes) -> int:
    hasher = _HASHERS[kind].copy()
    hasher.update(data)
    return int.from_bytes(hasher.digest(), "big", signed=True)


def _squashed_title(title: str) -> bytes:
    """normalize_title(title) without spaces, as UTF-8."""
    if plain_ascii(title):
        return title.encode("ascii").translate(ASCII_LOWER, _SQUASH_DELETE)
    return normalize_title(title).replace(" ", "").encode()


def _head_words(abstract: str) -> list[bytes]:
    if len(abstract) > _SLICE:
        cut = max(abstract.rfind(" ", 0, _SLICE), abstract.rfind("\n", 0, _SLICE))
        if cut > 0:
            words = abstract_words(abstract[:cut])
            if len(words) >= ABSTRACT_KEY_WORDS:
                return words[:ABSTRACT_KEY_WORDS]
    return abstract_words(abstract)[:ABSTRACT_KEY_WORDS]


def _tail_words(abstract: str) -> list[bytes]:
    """The last words, links left out: a link changes more often than the words before it."""
    start = len(abstract) - _SLICE
    if start > 0:
        cut = abstract.find(" ", start)
        newline = abstract.find("\n", start, cut if cut >= 0 else len(abstract))
        cut = newline if newline >= 0 else cut
        if cut >= 0:
            words = abstract_words(abstract[cut:])
            if _URL_BYTES in words:
                words = [w for w in words if w != _URL_BYTES]
            if len(words) >= ABSTRACT_KEY_WORDS:
                return words[-ABSTRACT_KEY_WORDS:]
    words = [w for w in abstract_words(abstract) if w != _URL_BYTES]
    return words[-ABSTRACT_KEY_WORDS:]


def blocking_keys(title: str, abstract: str) -> list[int]:
    """A few signed 64-bit keys; two records of the same paper share one with high probability.

    Keys: the spaceless normalized title, and the abstract's first and last `ABSTRACT_KEY_WORDS`
    normalized words. Stable across processes and releases (see `KEY_VERSION`). Different papers
    may share keys too: `compare` verifies.
    """
    keys: list[int] = []
    squashed = _squashed_title(title)
    if squashed:
        keys.append(_key(b"tf", squashed))
    if abstract:
        words = _head_words(abstract)
        if words:
            keys.append(_key(b"ah", b" ".join(words)))
        words = _tail_words(abstract)
        if words:
            keys.append(_key(b"at", b" ".join(words)))
    return list(dict.fromkeys(keys))


# --- Comparing two records -------------------------------------------------------------------

# Fewer (normalized) words than this is no evidence: "TBD", "See the paper."
MIN_ABSTRACT_WORDS = 8
# The shorter abstract must cover this much of the longer one: a cut-short abstract keeps at
# least its first third in practice, and a shorter prefix is too little to tell papers apart.
MIN_PREFIX_FRACTION = 0.3
# Abstracts are compared word by word (~10 µs; by characters, ~50 µs for different abstracts).
# The same abstract scores 97-100 in the corpus (typos, links, cuts); different papers under 40
# (the "second look" pair 37), but for a hand-written pair sharing its opening (72). 90 leaves
# room for a few fixes.
ABSTRACT_ALIKE = 90.0
CUT_SHORT_FRACTION = 0.95  # below this length ratio the reason says "one is cut short"
MAX_TITLE_TYPOS = 2
# Without abstracts only an exactly equal title counts, and not a short generic one ("Overview").
MIN_TITLE_WORDS_ALONE = 3
# Words whose presence or absence never makes another paper.
_IGNORABLE_WORDS = frozenset({"a", "an", "the", "and"})
# Roman numerals up to 39 ("Part II", "Phase IV"): words such as "mix" or "civil" are not.
_ROMAN = re.compile(r"x{0,3}(?:ix|iv|v?i{0,3})")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class Match:
    """The verdict on two records, with the evidence.

    `abstract_score` is None when the abstracts were not compared: one is missing or too short,
    or the titles alone already show two different papers.
    """

    same: bool
    title_score: float  # 0-100, rapidfuzz ratio of the normalized titles
    abstract_score: float | None  # 0-100, words of the shorter abstract vs the longer's start
    reason: str  # one line for people: "same title, abstract 97% alike (one is cut short)"
    # Evidence of two papers, not just too little to merge: titles that differ in a word that
    # matters, or abstracts compared whole that differ. Such records never share a group.
    conflict: bool = False


@dataclass(frozen=True, slots=True)
class _Title:
    raw: str
    text: str  # normalized
    words: tuple[str, ...]
    marked: frozenset[str]  # words that carry + # * (C++, C#, MoE++, A*): see _MARKED


# Punctuation that names something: normalizing drops it, but C and C++ are two languages.
_MARKED = re.compile(r"[^\W_]+[+#*]+")


# A record is compared with each of its candidates (at import, at a recheck): caching normalized
# texts lets each pair pay only for the comparison. An abstract's words take ~7 kB, so 1024 of
# them ~7 MB at most; candidates come in small groups, so a small cache is enough.
@lru_cache(maxsize=4096)
def _title(title: str) -> _Title:
    text = normalize_title(title)
    marked = _marks_of(title) if _has_marks(title) else _NONE
    return _Title(title, text, tuple(text.split()), marked)


_NONE: frozenset[str] = frozenset()


def _has_marks(title: str) -> bool:
    return "+" in title or "#" in title or "*" in title or "\\star" in title or "\\ast" in title


def _marks_of(title: str) -> frozenset[str]:
    """The marked words, however written: "C\\#" is C#, "$A^*$" and "A^{\\star}" are A*. A star
    that ends the title is a footnote's, not a name's."""
    for written, plain in _MARK_FORMS:
        title = title.replace(written, plain)
    title = LATEX_STYLE.sub("", title)  # C\texttt{++}, $\mathcal{A}^*$
    for mark in "${}^":
        title = title.replace(mark, "")
    title = title.rstrip().rstrip("*")
    return frozenset(m.lower() for m in _MARKED.findall(title))


_MARK_FORMS = (("\\#", "#"), ("\\star", "*"), ("\\ast", "*"))


@lru_cache(maxsize=1024)
def _abstract(abstract: str) -> tuple[bytes, ...]:
    return tuple(abstract_words(abstract))


def same_title(title_a: str, title_b: str) -> bool:
    """Whether two titles are equal once normalized: the only title match that counts alone."""
    a, b = _title(title_a), _title(title_b)
    return a.text == b.text and a.marked == b.marked


def has_abstract(abstract: str) -> bool:
    """Whether an abstract is long enough to be evidence (`compare` ignores shorter ones)."""
    return len(_abstract(abstract)) >= MIN_ABSTRACT_WORDS


def _is_number(word: str) -> bool:
    return _ROMAN.fullmatch(word) is not None or _DIGIT.search(word) is not None


def _shown(title: _Title, start: int, end: int) -> str:
    """Words start:end of the original title, case kept, for a reason line."""
    text = latex_words(title.raw) if "\\" in title.raw else title.raw
    words = fold(text, lower=False).split()
    if len(words) != len(title.words):  # casefolding changed the word count: show it folded
        words = list(title.words)
    return " ".join(words[start:end])


def _title_difference(a: _Title, b: _Title) -> tuple[str | None, list[str], list[tuple[str, str]]]:
    """(why the titles name different papers, or None; the typos tolerated between them, for
    people and as (word in a, word in b)).

    Titles are compared word by word. A difference is tolerated only when it is spacing
    ("pre trained" vs "pretrained"), an article, or typos (`_typo`), in up to MAX_TITLE_TYPOS
    words, side by side or not. Anything else, a differing number, an added word, one
    meaningful word for another (Vision/Language, Small/Large), is another paper.
    """
    if a.marked != b.marked:
        differ = sorted(a.marked ^ b.marked)
        return f"titles differ in '{differ[0]}'", [], []
    if a.words == b.words:
        return None, [], []
    # Align in a fixed order, as an alignment may depend on it: the verdict is the same both ways.
    swapped = a.words > b.words
    first, second = (b, a) if swapped else (a, b)
    blocks: list[list[int]] = []  # merged runs of non-equal opcodes: [a_from, a_to, b_from, b_to]
    for op in Levenshtein.opcodes(first.words, second.words):
        if op.tag == "equal":
            continue
        if blocks and blocks[-1][1] == op.src_start and blocks[-1][3] == op.dest_start:
            blocks[-1][1], blocks[-1][3] = op.src_end, op.dest_end
        else:
            blocks.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    if swapped:
        blocks = [[j1, j2, i1, i2] for i1, i2, j1, j2 in blocks]
    typos: list[str] = []
    pairs: list[tuple[str, str]] = []
    for i1, i2, j1, j2 in blocks:
        wa, wb = a.words[i1:i2], b.words[j1:j2]
        ja, jb = "".join(wa), "".join(wb)
        if ja == jb:
            continue
        if not wa or not wb:
            if all(w in _IGNORABLE_WORDS for w in wa + wb):
                continue
            return (
                f"titles differ: only one has '{_shown(a, i1, i2) or _shown(b, j1, j2)}'",
                typos,
                pairs,
            )
        if len(wa) + len(wb) > 6:
            return f"titles differ ({fuzz.ratio(a.text, b.text):.0f}% alike)", typos, pairs
        pair = f"'{_shown(a, i1, i2)}' vs '{_shown(b, j1, j2)}'"
        if any(_is_number(w) for w in wa + wb):
            return f"titles differ in {pair}", typos, pairs
        if _typo(ja, jb):
            typos.append(pair)
            pairs.append((ja, jb))
            continue
        if len(wa) == len(wb) and all(x == y or _typo(x, y) for x, y in zip(wa, wb, strict=True)):
            # Typos in words side by side ("Langauge Modles"): each its own typo.
            for k, (x, y) in enumerate(zip(wa, wb, strict=True)):
                if x != y:
                    typos.append(
                        f"'{_shown(a, i1 + k, i1 + k + 1)}' vs '{_shown(b, j1 + k, j1 + k + 1)}'"
                    )
                    pairs.append((x, y))
            continue
        return f"titles differ in {pair}", typos, pairs
    if len(typos) > MAX_TITLE_TYPOS:
        return f"titles differ in {len(typos)} words", typos, pairs
    return None, typos, pairs


def _typo(x: str, y: str) -> bool:
    """One slip of the keys: an edit in a word of four letters or more, or two letters swapped
    in a shorter one ("teh", "fo"). Numbers are never typos (7B/13B); callers check that."""
    if min(len(x), len(y)) >= 4:
        return OSA.distance(x, y) <= 1
    return len(x) == len(y) >= 2 and sorted(x) == sorted(y) and OSA.distance(x, y) == 1


def _renamed(
    pairs: list[tuple[str, str]], words_a: tuple[bytes, ...], words_b: tuple[bytes, ...]
) -> str | None:
    """A title "typo" that each abstract repeats its own way, if any: a name, not a slip.

    Only one letter for another (Mamba/Samba, LLaMA/LLaVA, Online/Inline): a letter dropped,
    added or swapped (Tranformer, Casual) is what a typo fixed in both places looks like."""
    in_a: set[bytes] | None = None
    in_b: set[bytes] = set()
    for word_a, word_b in pairs:
        if len(word_a) != len(word_b) or Levenshtein.distance(word_a, word_b) != 1:
            continue
        if in_a is None:
            in_a, in_b = set(words_a), set(words_b)
        a, b = word_a.encode(), word_b.encode()
        if a in in_a and b in in_b and a not in in_b and b not in in_a:
            return f"'{word_a}' vs '{word_b}'"
    return None


def _abstract_score(a: tuple[bytes, ...], b: tuple[bytes, ...]) -> tuple[float, float]:
    """(similarity 0-100, length of the shorter over the longer), both in words.

    The shorter abstract is compared with as many words of the longer one's start, so an abstract
    cut short scores as high as its text deserves. Symmetric: with equal lengths either order
    gives the same pair of sequences to compare.
    """
    if a == b:
        return 100.0, 1.0
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    head = long[: len(short)]
    x, y = short[-1], head[-1]
    if x != y and (x.startswith(y) or y.startswith(x)):
        short = short[:-1] + head[-1:]  # cut in the middle of a word: it is the same word
    return fuzz.ratio(short, head), len(short) / len(long)


_IGNORABLE_BYTES = frozenset(w.encode() for w in _IGNORABLE_WORDS)


def bare_title(title: str) -> str:
    """The normalized title without articles and spaces: what typos alone can change.

    Computed once per record at import (see `bare_titles_may_match`)."""
    if plain_ascii(title):  # normalize_title's fast path, without its join
        words = title.encode("ascii").translate(ASCII_LOWER, ASCII_DELETE).split()
        return b"".join(w for w in words if w not in _IGNORABLE_BYTES).decode("ascii")
    return "".join(w for w in _title(title).words if w not in _IGNORABLE_WORDS)


_cached_bare_title = lru_cache(maxsize=4096)(bare_title)
_TITLE_EDITS = 2 * MAX_TITLE_TYPOS


def bare_titles_may_match(bare_a: str, bare_b: str) -> bool:
    """`titles_may_match` on titles already reduced by `bare_title`: one C call."""
    return Levenshtein.distance(bare_a, bare_b, score_cutoff=_TITLE_EDITS) <= _TITLE_EDITS


def titles_may_match(title_a: str, title_b: str) -> bool:
    """A necessary condition for `compare(...).same`, at a fraction of its cost.

    `compare` tolerates spacing, articles and at most `MAX_TITLE_TYPOS` typos of one edit each
    (a transposition is two Levenshtein edits); without spaces and articles, two such titles are
    at most 2 * MAX_TITLE_TYPOS edits apart. Most candidates that blocking finds fail here.
    """
    return bare_titles_may_match(_cached_bare_title(title_a), _cached_bare_title(title_b))


def compare(title_a: str, abstract_a: str, title_b: str, abstract_b: str) -> Match:
    """Whether two records are the same paper, with scores and a one-line reason.

    Same paper: titles alike (equal once normalized, but for spacing, an article or a typo or
    two) and abstracts alike (the same text, maybe cut short, reflowed, with a link changed or a
    typo fixed). When an abstract is missing, only the very same title counts.
    """
    ta, tb = _title(title_a), _title(title_b)
    title_score = 100.0 if ta.text == tb.text else round(fuzz.ratio(ta.text, tb.text), 1)
    # The titles go first: they are cheap, and most candidates that blocking finds fail on them.
    difference, typos, typo_pairs = _title_difference(ta, tb)
    if difference is not None:
        return Match(False, title_score, None, difference, conflict=True)
    wa, wb = _abstract(abstract_a), _abstract(abstract_b)
    if ta.text == tb.text and wa == wb and wa:
        return Match(True, title_score, 100.0, "same title, same abstract")
    titles = "same title" if ta.text == tb.text else "titles alike but for spacing or articles"
    if typos:
        titles = f"titles alike but for {', '.join(typos)}"

    if len(wa) < MIN_ABSTRACT_WORDS or len(wb) < MIN_ABSTRACT_WORDS:
        # No evidence beyond the title: only the very same title, and not a generic one.
        missing = "one abstract missing" if bool(wa) != bool(wb) else "no abstracts"
        if wa and wb:
            missing = "an abstract too short to compare"
        if ta.text != tb.text:
            return Match(False, title_score, None, f"{titles}, {missing}: not enough to merge")
        if len(ta.words) < MIN_TITLE_WORDS_ALONE:
            return Match(False, title_score, None, f"short title, {missing}: not enough to merge")
        return Match(True, title_score, None, f"same title, {missing}")

    raw_score, fraction = _abstract_score(wa, wb)
    score = round(raw_score, 1)
    if fraction < MIN_PREFIX_FRACTION:
        reason = f"{titles}, but one abstract is only {fraction:.0%} of the other"
        return Match(False, title_score, score, reason)
    if raw_score < ABSTRACT_ALIKE:
        reason = f"{titles}, but abstracts differ ({raw_score:.0f}% alike)"
        return Match(False, title_score, score, reason, conflict=True)
    renamed = _renamed(typo_pairs, wa, wb)
    if renamed is not None:
        # Not a typo: the abstracts say the same other word ("Mamba" vs "Samba" in both).
        return Match(False, title_score, score, f"titles differ in {renamed}, as their"
                     " abstracts do", conflict=True)  # fmt: skip
    cut = " (one is cut short)" if fraction < CUT_SHORT_FRACTION else ""
    # int() rounds down: "100% alike" would read as identical when a word differs.
    alike = "same abstract" if raw_score == 100.0 else f"abstract {int(raw_score)}% alike"
    return Match(True, title_score, score, f"{titles}, {alike}{cut}")
