"""Generate realistic synthetic libraries of feed dumps for benchmarks (10k, 100k, 1M papers).

    python benchmarks/make_library.py OUT_DIR N [--seed S] [--verify]

or, from another benchmark script::

    from benchmarks.make_library import generate_library
    lib = generate_library(tmp / "feeds", 100_000, seed=1)

N is the number of distinct papers. They are listed over one-day files (`2024-03-14.txt`, about
`papers_per_file` entries each) in the format of FEEDS.md: page chrome, a date line, then title and
abstract paragraphs. The files cover consecutive days ending on `END_DATE`, and each file's mtime is
the evening of its listing date, so that year inference from the mtime gives the listing year.

What makes the library realistic (for search, import and duplicate detection):

- Text comes from the four sample dumps: abstracts are a word-level Markov chain over the sample
  abstracts that copies short runs (2-7 words) between junctions, so sentences read like the
  samples but every paper is a new combination; titles are a chain over the sample titles with
  some content words swapped. Each paper gets its own invented method name ("FlexiCode-7B",
  "VQGAN-LC" style) where the samples named theirs, its own hyphenated term, its own code link
  and its own digits (each paper permutes 1-9), so the vocabulary keeps growing with N.
- Some abstracts carry LaTeX and special characters: `$O(n^2)$`, `\\%`, `{\\it word}`, bare `%`,
  `&`, `_`, `#` and unbalanced braces, as the real ones do.
- About `repeat_fraction` of the entries are repeats: an earlier paper listed again on a later day
  (usually within days). Most repeats are exact; the rest change the title's case or spacing,
  `:` to ` - `, add a trailing period, cut the abstract short, change a link's host, or lose the
  abstract. Papers first listed with a typo show it fixed when they come back.
- About 1% of papers are near twins of an earlier paper: a title differing by one meaningful word
  (Language/Vision, 7B/13B, Part I/Part II, ...) or, rarely, the very same title, but with an
  abstract of their own. About 1% of first listings have no abstract.

Apart from those deliberate twins every paper's title is unique (compared ignoring case, spacing
and punctuation). `GeneratedLibrary.entry_paper_ids` gives the true paper of every entry, in file
order and then entry order: the ground truth for duplicate detection.

Generation is deterministic for a given seed (and the same sample dumps) and takes about
0.1 ms per paper; memory stays bounded because repeats only reach back `WINDOW_DAYS` files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import re
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: make `readinglist` and `tests` importable

from tests.sample_feeds import sample_dir  # noqa: E402

SAMPLE_DIR = sample_dir()
END_DATE = dt.date(2025, 6, 30)  # the listing date of the last file
WINDOW_DAYS = 60  # repeats and near twins come from the papers listed in this many earlier files
MODEL_SEED = 20240314  # the text model is built the same way whatever the library's seed

P_REPEAT_CHANGED = 0.3  # share of repeats whose text differs from the paper's own
P_TWIN = 0.01  # share of new papers that are near twins of an earlier paper
P_SAME_TITLE_TWIN = 0.06  # share of those twins that have the very same title
P_NO_ABSTRACT = 0.01  # share of first listings without an abstract
P_FIRST_TYPO = 0.03  # share of papers first listed with a typo that later listings fix
P_CODE_LINK = 0.3  # share of abstracts (without a link from the samples) that end with one
P_LATEX = 0.1  # share of abstracts that get an extra sentence with LaTeX or special characters


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


CHROME = ("new", "Get trending papers in your email inbox!", "Subscribe")
BYLINE = "byAK and the research community"
MONTHS = _words("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec")
DUMP_NAME = re.compile(r"\d{4}-\d{2}-\d{2}\.txt")

# Placeholders in the text model, filled in with each paper's own values (see `_Fill`).
# A sample's own name becomes the paper's NAME; the other rare names in the same sample become
# OTHER_NAMES (in order of use), so lists such as "X, Y and Z" keep three different names.
NAME, TERM, URL = "\x01", "\x03", "\x04"
OTHER_NAMES = ("\x02", "\x05", "\x06")
PLACEHOLDERS = (NAME, TERM, URL, *OTHER_NAMES)

# Changes to a repeat listing, with their relative weights.
VARIANTS = {
    "title_case": 20,
    "spacing": 12,
    "colon_dash": 16,
    "trailing_period": 12,
    "abstract_cut": 22,
    "link_host": 12,
    "no_abstract": 6,
}

# Near twins: one meaningful word changed. Both directions are used.
TWIN_SWAPS = [
    ("Language", "Vision"),
    ("Generation", "Understanding"),
    ("Image", "Video"),
    ("Text", "Speech"),
    ("2D", "3D"),
    ("Encoder", "Decoder"),
    ("Detection", "Segmentation"),
    ("Training", "Inference"),
    ("Small", "Large"),
    ("Online", "Offline"),
    ("Supervised", "Unsupervised"),
    ("Efficient", "Robust"),
    ("Part I", "Part II"),
    ("Multilingual", "Monolingual"),
]
MODEL_SIZES = ["1B", "3B", "7B", "8B", "13B", "34B", "70B"]

LATEX_SENTENCES = [
    "This reduces the cost of attention from $O(n^2)$ to $O(n \\log n)$ while retaining 97.3\\% "
    "of the accuracy.",
    "On the {\\it hardest} split, \x01 improves exact match by 12.4\\% over the best baseline.",
    "A $4\\times$ smaller \x03 model recovers 91% of the gain at a fraction of the cost.",
    "The memory footprint grows as $O(L \\cdot d)$ rather than $O(L^2 d)$ for length $L$.",
    "We study both {\\it in-distribution} and {\\it out-of-distribution} settings.",
    "Gains hold on Q&A and R&D benchmarks, with a 5-8% drop only on the long-tail split.",
    "The optimal ratio satisfies $\\lambda_{opt} \\approx 0.35$, close to the bound {D_{KL}(p||q).",
    "We release \x01_base and \x01_large checkpoints (#params: 7B & 13B) with the training code.",
    "All runs use a batch size of 256 and a learning rate of $3 \\times 10^{-4}$ (train_cfg.yaml).",
    "With top-$k$ retrieval ($k=8$), recall@10 rises from 61.2% to 74.9%.",
    "Accuracy improves by 3.1 points (\\% relative: 6.4) on the #1 leaderboard task.",
    "We call this effect {\\em \x03 drift} and show that it explains 40% of the variance.",
    "The loss obeys $\\mathcal{L} = \\alpha N^{-0.34} + \\beta D^{-0.28}$ across three orders of "
    "magnitude.",
]

CODE_SENTENCES = [
    "Code and models are available at \x04.",
    "Our code is publicly available at \x04.",
    "Code: \x04",
    "The code and data are released at \x04.",
    "Project page: \x04",
    "We release our code & checkpoints at \x04.",
    "Models and code are open-sourced at \x04.",
]

TITLE_FUNCTION_WORDS = frozenset(
    _words(
        "with from into towards toward through using via your what when does can are beyond "
        "without over under across their this that make making than only more less need all you "
        "how why learning"
    )
)
STOPWORDS = frozenset(
    _words(
        "the and for with that this from into over under about which while where when their "
        "there these those have has been being were will would could should such than then them "
        "they also both each more most other some only very well into onto upon between among "
        "within without across however therefore thus further first second third using based "
        "via our ours"
    )
)
COMPOUND_HEADS = _words(
    "aware guided based free level driven conditioned agnostic efficient centric augmented "
    "consistent invariant specific grounded controlled preserving oriented adaptive tuned "
    "scale wise"
)
# Title words are swapped only for words of the same kind, told apart by their ending.
WORD_CLASSES = {
    "noun": _words(
        "tion tions sion ment ments ity ness ics ure ance ence ism sis ers ors ings ches ques els"
    ),
    "adjective": _words("al ive ous ible able ient ent less ic ary"),
    "gerund": ("ing",),
}
ACRONYM_LETTERS = "AAABBCCCDDEEEFFGGHIIJKLLLMMMNNOPPPQRRRSSSTTTUVVWXYZ"
NAME_SUFFIXES = _words(
    "LC XL 7B 13B v2 Lite Pro R1 Zero Instruct Mini GS 3D MoE Net Bench V 2 Plus Chat"
)
NAME_HEADS = _words(
    "Gen Coder Former Net Bench Flow Mix LM Edit Fusion Agent Diff GPT ViT Align Tune Stack "
    "Cache Scope Mamba Llama Bert Seg Track RAG Zero"
)
SYLLABLES = _words("ka lo mi ra te su ne vi zo ha pe ri do la fu ki ma no se ta yu ji ro")
_TOKEN = re.compile(r"^([(\[\"'“]*)(.+?)((?:'s)?[.,;:!?)\]\"'”]*)$")
_NAME_CORE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+\-_]*")
_ABBREVIATIONS = frozenset(_words("e.g. i.e. al. vs. etc. Fig. Eq. approx. resp. cf."))
_TYPO_WORD = re.compile(r"\b[a-z]{7,}\b")
_TITLE_KEY = re.compile(r"[\W_]+")
_SENTENCE_BREAK = re.compile(r"[a-z0-9)\]]{2}\.[\"')\]]?\s+[A-Z(\"']")
_HOSTS = [
    ("://github.com/", "://huggingface.co/"),
    ("://huggingface.co/", "://github.com/"),
    (".github.io", ".pages.dev"),
    (".pages.dev", ".github.io"),
]


# ----------------------------------------------------------------------------- the result


@dataclass(frozen=True, slots=True)
class GroupingQuality:
    """How a library grouped the generated entries, against the truth."""

    sightings: int
    groups: int
    mixed_groups: int  # groups holding more than one true paper: false merges
    same_pairs: int  # pairs of entries of the same true paper
    found_pairs: int  # of those, pairs shown as one paper

    @property
    def recall(self) -> float:
        return self.found_pairs / self.same_pairs if self.same_pairs else 1.0


@dataclass(slots=True)
class GeneratedLibrary:
    """What `generate_library` wrote, with the ground truth for quality checks."""

    out_dir: Path
    files: list[Path]  # one per listing day, oldest first
    n_entries: int
    n_distinct_papers: int
    # entry k, counting through the files in order and each file's entries in order -> paper id.
    # Paper ids are 0..n_distinct_papers-1 in order of first listing.
    entry_paper_ids: list[int]
    entries_per_file: list[int]
    listing_dates: list[dt.date]
    # (earlier paper, later paper): different papers whose titles differ by one word, or not at all.
    near_identical_pairs: list[tuple[int, int]]
    n_without_abstract: int  # entries listed without an abstract
    # How the repeats differ from their paper's text: "exact" counts unchanged repeats; a changed
    # repeat counts once for each change. ("spacing" changes include double and no-break spaces,
    # which the parser folds away, so after parsing those titles are exact again.)
    variant_counts: dict[str, int]
    file_digests: list[str]  # sha256 of each file's (title, abstract) entries, as parsed
    seed: int
    bytes_written: int
    seconds: float
    _offsets: list[int] = field(default_factory=list, repr=False)

    @property
    def n_repeats(self) -> int:
        return self.n_entries - self.n_distinct_papers

    def paper_ids_in(self, file_index: int) -> list[int]:
        """The true paper id of each entry of one file, in entry order."""
        if not self._offsets:
            total = 0
            for count in self.entries_per_file:
                self._offsets.append(total)
                total += count
        start = self._offsets[file_index]
        return self.entry_paper_ids[start : start + self.entries_per_file[file_index]]

    def grouping_quality(self, rows: Iterable[tuple[str, int, int]]) -> GroupingQuality:
        """Score a library's grouping of these dumps against the truth.

        `rows`: each sighting as (dump file name, 1-based position in the file, the id of the
        group it is shown in).
        """
        truth = {f.name: self.paper_ids_in(i) for i, f in enumerate(self.files)}
        papers_of_group: dict[int, set[int]] = {}
        groups_of_paper: dict[int, list[int]] = {}
        sightings = 0
        for file_name, position, group in rows:
            paper = truth[file_name][position - 1]
            papers_of_group.setdefault(group, set()).add(paper)
            groups_of_paper.setdefault(paper, []).append(group)
            sightings += 1
        same_pairs = found_pairs = 0
        for groups in groups_of_paper.values():
            same_pairs += len(groups) * (len(groups) - 1) // 2
            found_pairs += sum(c * (c - 1) // 2 for c in Counter(groups).values())
        mixed = sum(1 for papers in papers_of_group.values() if len(papers) > 1)
        return GroupingQuality(sightings, len(papers_of_group), mixed, same_pairs, found_pairs)

    def summary(self) -> str:
        changed = self.n_repeats - self.variant_counts.get("exact", 0)
        kinds = ", ".join(
            f"{name} {count:,}"
            for name, count in sorted(self.variant_counts.items(), key=lambda kv: -kv[1])
            if name != "exact"
        )
        first, last = self.listing_dates[0], self.listing_dates[-1]
        return (
            f"wrote {len(self.files):,} files ({first} to {last}) in {self.out_dir}: "
            f"{self.n_entries:,} entries of {self.n_distinct_papers:,} papers, "
            f"{self.bytes_written / 1e6:,.1f} MB in {self.seconds:.1f} s (seed {self.seed})\n"
            f"  {self.n_repeats:,} repeats: {self.variant_counts.get('exact', 0):,} exact, "
            f"{changed:,} changed ({kinds})\n"
            f"  {len(self.near_identical_pairs):,} near-identical pairs of different papers, "
            f"{self.n_without_abstract:,} entries without abstract"
        )


# ----------------------------------------------------------------------------- the text model


_Chunk = list[Any]  # [" text", list[_Chunk], words, ends a sentence, list[str] | None]


@dataclass(slots=True)
class _Model:
    """Word chains built from the sample dumps (placeholders stand for per-paper names)."""

    # The abstract chain is a graph of chunks: runs of 2-7 words copied from a sample abstract.
    # A chunk is (" text", the chunks that may follow it, its number of words, whether it ends a
    # sentence, runs that would finish its sentence). What follows a chunk is decided by its last
    # two words where the samples offer a choice there, else by its last word (or, after a
    # sentence, any sentence start); it is resolved once, when the model is built.
    openers: list[_Chunk]  # runs that start an abstract
    starts: list[_Chunk]  # runs that start a sentence
    title_starts: list[tuple[str, str]]  # first two words of a title
    title_next: dict[str, list[str | None]]  # word -> next word; None ends the title
    title_next2: dict[tuple[str, str], list[str | None]]  # the same after two words
    title_pool: dict[str, list[str]]  # word class -> capitalised words to swap into titles
    content_words: list[str]
    sample_names: list[str]
    short_words: list[str]  # title words, for names such as "CacheGen" or "LongWriter"


def _split_token(token: str) -> tuple[str, str, str]:
    match = _TOKEN.match(token)
    if not match:
        return "", token, ""
    return match.group(1), match.group(2), match.group(3)


def _is_name(core: str) -> bool:
    """A method or model name: "VQGAN-LC", "LongWriter", "PTQ1.61", "JLCM" (not "NOT")."""
    if len(core) < 3 or _NAME_CORE.fullmatch(core) is None:
        return False
    if core.isupper():
        return not core.isalpha() or (len(core) <= 6 and core not in {"NOT", "AND", "ALL"})
    return sum(c.isupper() for c in core) >= 2


def _is_compound(core: str) -> bool:
    parts = core.split("-")
    return len(parts) == 2 and all(len(p) >= 3 and p.isalpha() and p.islower() for p in parts)


def _ends_sentence(token: str) -> bool:
    return token.endswith((".", "?", "!", '."', ".)")) and token not in _ABBREVIATIONS


def _drop_links(tokens: list[str]) -> list[str]:
    """Leave out the sentences with a link: the generator adds its own at the end."""
    out: list[str] = []
    sentence: list[str] = []
    for token in tokens:
        sentence.append(token)
        if _ends_sentence(token):
            if not any(URL in t for t in sentence):
                out += sentence
            sentence = []
    return out


def load_samples(sample_dir: Path = SAMPLE_DIR) -> list[tuple[str, str]]:
    """The distinct (title, abstract) papers of the sample dumps, in a stable order."""
    from readinglist.core.feedparse import read_dump

    files = sorted(sample_dir.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no sample dumps (*.txt) in {sample_dir}")
    papers: dict[str, tuple[str, str]] = {}
    for path in files:
        for entry in read_dump(path).entries:
            key = _TITLE_KEY.sub("", entry.title.casefold())
            if entry.abstract and key not in papers:
                papers[key] = (entry.title, entry.abstract)
    return list(papers.values())


def build_model(samples: list[tuple[str, str]]) -> _Model:
    rng = random.Random(MODEL_SEED)
    docs: list[tuple[list[str], list[str]]] = []
    doc_freq: Counter[str] = Counter()
    for title, abstract in samples:
        title_tokens, abstract_tokens = title.split(), abstract.split()
        # Drop a cut-short ending ("... More importantly, ..." or a word cut in half).
        while abstract_tokens and not _ends_sentence(abstract_tokens[-1]):
            abstract_tokens.pop()
        docs.append((title_tokens, abstract_tokens))
        doc_freq.update({_split_token(t)[1] for t in title_tokens + abstract_tokens})

    all_abstract_words: Counter[str] = Counter()
    name_parts: list[str] = []
    doc_tokens: list[tuple[list[str], list[str]]] = []
    for title_tokens, abstract_tokens in docs:
        # This paper's own names (used by no other sample): the name before a title's colon, and
        # rare mixed-case or upper-case words. The most used one becomes the paper's name.
        names: Counter[str] = Counter()
        if title_tokens and title_tokens[0].endswith(":"):
            names[title_tokens[0][:-1]] += 100
        for token in title_tokens + abstract_tokens:
            core = _split_token(token)[1]
            if doc_freq[core] == 1 and _is_name(core):
                names[core] += 1
        ranked = [name for name, _ in names.most_common()]
        placeholder = {
            name: NAME if i == 0 else OTHER_NAMES[min(i, len(OTHER_NAMES)) - 1]
            for i, name in enumerate(ranked)
        }
        name_parts.extend(sorted(names))

        def substitute(tokens: list[str], placeholder: dict[str, str] = placeholder) -> list[str]:
            out = []
            for token in tokens:
                pre, core, post = _split_token(token)
                if core.startswith(("http://", "https://", "www.")):
                    core = URL
                elif core in placeholder:
                    core = placeholder[core]
                elif doc_freq[core] == 1 and _is_compound(core):
                    core = TERM
                out.append(pre + core + post)
            return out

        doc_tokens.append((substitute(title_tokens), _drop_links(substitute(abstract_tokens))))
        all_abstract_words.update(_split_token(t)[1] for t in abstract_tokens)

    openers: list[_Chunk] = []
    starts: list[_Chunk] = []
    cont: dict[str, list[_Chunk]] = {}
    cont2: dict[tuple[str, str], list[_Chunk]] = {}
    closers: dict[str, list[str]] = {}
    enders: set[str] = set()
    states: list[tuple[_Chunk, tuple[str, str]]] = []
    for _, tokens in doc_tokens:
        if len(tokens) < 10:
            continue
        n = len(tokens)
        ends = [_ends_sentence(t) for t in tokens]
        enders.update(t for t, e in zip(tokens, ends, strict=True) if e)
        for i in range(n - 1):
            if i == 0:  # the opening run of an abstract
                run = tokens[: rng.randint(3, 7)]
                state = (run[-2], run[-1])
            else:
                run = tokens[i + 1 : i + 1 + rng.randint(2, 6)]
                state = (tokens[i + len(run) - 1], run[-1])
            chunk: _Chunk = [" " + " ".join(run), None, len(run), False, None]
            states.append((chunk, state))
            if i == 0:
                openers.append(chunk)
                continue
            if not ends[i]:  # after a sentence: any sentence start, unless two words decide
                cont.setdefault(tokens[i], []).append(chunk)
            cont2.setdefault((tokens[i - 1], tokens[i]), []).append(chunk)
            if ends[i]:
                starts.append(chunk)
            for j in range(i + 1, min(i + 16, n)):
                if ends[j]:
                    closers.setdefault(tokens[i], []).append(" " + " ".join(tokens[i + 1 : j + 1]))
                    break
    for chunk, (before, last) in states:
        options = cont2.get((before, last))
        chunk[1] = options if options and len(options) >= 2 else cont.get(last) or starts
        chunk[3] = last in enders
        chunk[4] = closers.get(last)

    title_starts: list[tuple[str, str]] = []
    title_next: dict[str, list[str | None]] = {}
    title_next2: dict[tuple[str, str], list[str | None]] = {}
    title_words: set[str] = set()
    short_words: set[str] = set()
    for tokens, _ in doc_tokens:
        if len(tokens) < 3:
            continue
        title_starts.append((tokens[0], tokens[1]))
        following: list[str | None] = [*tokens[1:], None]
        for i, (a, b) in enumerate(zip(tokens, following, strict=True)):
            title_next.setdefault(a, []).append(b)
            if i:
                title_next2.setdefault((tokens[i - 1], a), []).append(b)
        title_words.update(token for token in tokens if _title_swappable(token))
        short_words.update(
            token.capitalize()
            for token in tokens
            if token.isalpha()
            and 4 <= len(token) <= 7
            and token.lower() not in TITLE_FUNCTION_WORDS | STOPWORDS
        )
    content = sorted(
        w
        for w, count in all_abstract_words.items()
        if count >= 2 and len(w) >= 4 and w.isalpha() and w.islower() and w not in STOPWORDS
    )
    title_pool: dict[str, list[str]] = {kind: [] for kind in WORD_CLASSES}
    for word in sorted(title_words) + [w.capitalize() for w in content if len(w) >= 5]:
        kind = _word_class(word)
        if kind is not None:
            title_pool[kind].append(word)
    return _Model(
        openers=openers,
        starts=starts,
        title_starts=title_starts,
        title_next=title_next,
        title_next2=title_next2,
        title_pool=title_pool,
        content_words=content,
        sample_names=[p for p in name_parts if re.fullmatch(r"[A-Za-z][A-Za-z0-9\-]+", p)],
        short_words=sorted(short_words),
    )


def _word_class(word: str) -> str | None:
    for kind, endings in WORD_CLASSES.items():
        if word.endswith(endings):
            return kind
    return None


def _title_swappable(token: str) -> bool:
    return (
        len(token) >= 5
        and token.isalpha()
        and token[0].isupper()
        and token[1:].islower()
        and token.lower() not in TITLE_FUNCTION_WORDS
        and _word_class(token) is not None
    )


# ----------------------------------------------------------------------------- paper text


@dataclass(slots=True)
class _Fill:
    """Fills a paper's text in: its digit permutation, then its values for the placeholders.

    (Digits are swapped on the UTF-8 bytes: `bytes.translate` is 20 times faster than
    `str.translate` on non-ASCII text, and ASCII digits never occur inside a multibyte sequence.)
    """

    digits: bytes  # a bytes.maketrans table
    values: dict[str, str]  # placeholder -> text, made when first needed
    make: Callable[[str, str], str]  # (placeholder, paper's name) -> text

    def __call__(self, text: str) -> str:
        text = text.encode().translate(self.digits).decode()
        for placeholder in PLACEHOLDERS:
            if placeholder in text:
                value = self.values.get(placeholder)
                if value is None:
                    value = self.values[placeholder] = self.make(placeholder, self.values[NAME])
                text = text.replace(placeholder, value)
        return text


class _Writer:
    """Makes the papers' text; all randomness comes from one seeded `random.Random`."""

    def __init__(self, model: _Model, rng: random.Random) -> None:
        self.m = model
        self.rng = rng
        self.title_keys: set[bytes] = set()
        permute = random.Random(MODEL_SEED)
        self.digit_tables = [  # 0 stays 0: no "0B parameters"
            bytes.maketrans(b"0123456789", ("0" + "".join(permute.sample("123456789", 9))).encode())
            for _ in range(5000)
        ]

    # names, terms and links -------------------------------------------------

    def name(self) -> str:
        """A made-up method or model name: "TokenFlow", "JLCM-7B", "VQGAN-LC", "DeepStack"."""
        rng = self.rng
        r = rng.random()
        if r < 0.25:
            base = "".join(rng.choices(ACRONYM_LETTERS, k=rng.randint(3, 6)))
        elif r < 0.45:
            base = rng.choice(self.m.short_words) + rng.choice(NAME_HEADS)
        elif r < 0.8:
            base = rng.choice(self.m.short_words) + rng.choice(self.m.short_words)
        else:
            base = rng.choice(self.m.sample_names)
            if rng.random() < 0.8:
                return base + "-" + rng.choice(NAME_SUFFIXES)
        if rng.random() < 0.3:
            base += "-" + rng.choice(NAME_SUFFIXES)
        return base

    def term(self) -> str:
        return f"{self.rng.choice(self.m.content_words)}-{self.rng.choice(COMPOUND_HEADS)}"

    def url(self, name: str) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.4:
            user = "".join(rng.choices(SYLLABLES, k=rng.randint(2, 4)))
        elif r < 0.7:
            user = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 4)))
            user += str(rng.randint(1, 99_999_999))
        else:
            user = "".join(rng.choices(ACRONYM_LETTERS, k=rng.randint(3, 6)))
        slug = re.sub(r"[^A-Za-z0-9\-]", "", name) or "code"
        r = rng.random()
        if r < 0.8:
            return f"https://github.com/{user}/{slug}"
        if r < 0.88:
            return f"https://huggingface.co/{user}"
        if r < 0.97:
            return f"https://{slug.lower()}.github.io"
        return f"https://{slug.lower()}-project.pages.dev"

    def fill(self, name: str) -> _Fill:
        """A new paper's own digits (a permutation of 1-9), names, term and link."""
        return _Fill(self.rng.choice(self.digit_tables), {NAME: name}, self._value)

    def _value(self, placeholder: str, name: str) -> str:
        if placeholder == TERM:
            return self.term()
        if placeholder == URL:
            return self.url(name)
        return self.name()

    # abstracts --------------------------------------------------------------

    def abstract(self, fill: _Fill) -> str:
        rng = self.rng
        choice, rand = rng.choice, rng.random  # seq[int(rand() * len(seq))] is choice, faster
        target = int(rng.triangular(140, 245, 215))
        text, options, n, ends, closing = choice(self.m.openers if rand() < 0.6 else self.m.starts)
        parts = [text[1:]]
        while n < target:
            text, options, k, ends, closing = options[int(rand() * len(options))]
            parts.append(text)
            n += k
        for _ in range(40):  # finish the sentence
            if ends:
                break
            if closing:
                parts.append(choice(closing))
                break
            text, options, k, ends, closing = options[int(rand() * len(options))]
            parts.append(text)
        else:
            parts.append(".")
        abstract = "".join(parts)
        if URL not in abstract and rng.random() < P_CODE_LINK:
            abstract += " " + choice(CODE_SENTENCES)
        if rng.random() < P_LATEX:
            at = abstract.find(". ", rng.randrange(len(abstract)))
            extra = choice(LATEX_SENTENCES)
            if at < 0:
                abstract += " " + extra
            else:
                abstract = f"{abstract[: at + 1]} {extra}{abstract[at + 1 :]}"
        return fill(abstract)

    # titles -----------------------------------------------------------------

    def raw_title(self, fill: _Fill) -> str | None:
        rng, m = self.rng, self.m
        choice = rng.choice
        words = list(choice(m.title_starts))
        while len(words) <= 20:
            options = m.title_next2.get((words[-2], words[-1]))
            if options is None or (len(options) == 1 and rng.random() < 0.35):
                options = m.title_next[words[-1]]
            following = choice(options)
            if following is None:
                break
            words.append(following)
        if not 5 <= len(words) <= 19:  # a repeat's spacing change may add a word
            return None
        for i, token in enumerate(words):
            if rng.random() < 0.2 and _title_swappable(token):
                words[i] = choice(m.title_pool[_word_class(token) or "noun"])
        title = fill(" ".join(words))
        if title.count(":") > 1 or title.count("(") != title.count(")"):
            return None
        return title

    def title_ok(self, title: str) -> bool:
        return (
            len(title) < 200
            and _SENTENCE_BREAK.search(title) is None
            and self.key(title) not in self.title_keys
        )

    def key(self, title: str) -> bytes:
        """Titles that differ only in case, spacing and punctuation count as the same title."""
        return hashlib.blake2b(
            _TITLE_KEY.sub("", title.casefold()).encode(), digest_size=9
        ).digest()

    def title(self, fill: _Fill) -> str:
        for attempt in range(1000):
            title = self.raw_title(fill)
            if title is not None and self.title_ok(title):
                self.title_keys.add(self.key(title))
                return title
            if attempt % 100 == 99:  # a new name and a new term make collisions unlikely
                fill.values = {NAME: self.name()}
        raise RuntimeError("cannot find a new title")  # pragma: no cover

    def twin_title(self, title: str) -> str | None:
        """A title differing from `title` by one meaningful word (or, rarely, the same title)."""
        rng = self.rng
        if rng.random() < P_SAME_TITLE_TWIN:
            return title
        options: list[tuple[int, int, str]] = []
        for a, b in TWIN_SWAPS:
            for x, y in ((a, b), (b, a)):
                for match in re.finditer(rf"\b{re.escape(x)}\b", title):
                    options.append((match.start(), match.end(), y))
        for match in re.finditer(r"\b(\d+)B\b", title):
            size = rng.choice([s for s in MODEL_SIZES if s != match.group(0)])
            options.append((match.start(), match.end(), size))
        words = [m for m in re.finditer(r"\S+", title) if _title_swappable(m.group(0))]
        if not options and words:
            match = rng.choice(words)
            pool = self.m.title_pool[_word_class(match.group(0)) or "noun"]
            options.append((match.start(), match.end(), rng.choice(pool)))
        if not options:
            return None
        start, end, replacement = rng.choice(options)
        twin = title[:start] + replacement + title[end:]
        if rng.random() < 0.3:
            twin = _sentence_case(twin)
        if not self.title_ok(twin):
            return None
        self.title_keys.add(self.key(twin))
        return twin

    # listings ---------------------------------------------------------------

    def typo(self, text: str) -> str:
        rng = self.rng
        match = _TYPO_WORD.search(text, rng.randrange(len(text) // 2))
        if match is None:
            return text
        word = match.group(0)
        i = rng.randrange(1, len(word) - 2)
        kind = rng.random()
        if kind < 0.5:
            wrong = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif kind < 0.8:
            wrong = word[:i] + word[i + 1 :]
        else:
            wrong = word[:i] + word[i] + word[i:]
        return text[: match.start()] + wrong + text[match.end() :]

    def vary(self, kind: str, title: str, abstract: str) -> tuple[str, str] | None:
        """One change to a repeat listing, or None if it does not apply (or changes nothing)."""
        rng = self.rng
        if kind == "title_case":
            changed = title.lower() if rng.random() < 0.05 else _sentence_case(title)
            if changed == title:
                changed = _title_case(title)
            return (changed, abstract) if changed != title else None
        if kind == "spacing":
            r = rng.random()
            if ": " in title and r < 0.4:  # the title stays 5-20 words
                changed = title.replace(": ", " : " if r < 0.3 or title.count(" ") < 5 else ":", 1)
            else:
                spaces = [i for i, c in enumerate(title) if c == " "]
                i = rng.choice(spaces)
                changed = title[:i] + rng.choice(["  ", "\u00a0", " \u00a0"]) + title[i + 1 :]
            return changed, abstract
        if kind == "colon_dash":
            return (title.replace(": ", " - ", 1), abstract) if ": " in title else None
        if kind == "trailing_period":
            return (title + ".", abstract) if title[-1].isalnum() else None
        if kind == "abstract_cut":
            if not abstract:
                return None
            cut = rng.randrange(int(len(abstract) * 0.45), int(len(abstract) * 0.85))
            if rng.random() < 0.7:
                cut = abstract.rfind(" ", 0, cut)
            cut_short = abstract[:cut].rstrip()
            if rng.random() < 0.25:
                cut_short += " ..."
            return (title, cut_short) if len(cut_short) >= 300 else None
        if kind == "link_host":
            for old, new in _HOSTS:
                if old in abstract:
                    return title, abstract.replace(old, new, 1)
            return None
        if kind == "no_abstract":
            return (title, "") if abstract else None
        raise ValueError(kind)


def _sentence_case(title: str) -> str:
    words = title.split(" ")
    out = [words[0]]
    after_colon = words[0].endswith(":")
    for word in words[1:]:
        if not after_colon and word[:1].isupper() and word[1:].islower():
            word = word.lower()
        out.append(word)
        after_colon = word.endswith(":")
    return " ".join(out)


_SMALL_WORDS = frozenset(_words("a an the of for in on and or to with via is at by from as vs"))


def _title_case(title: str) -> str:
    return " ".join(
        w[:1].upper() + w[1:] if i == 0 or (w.islower() and w not in _SMALL_WORDS) else w
        for i, w in enumerate(title.split(" "))
    )


@dataclass(slots=True)
class _Paper:
    pid: int
    title: str
    abstract: str
    name: str
    had_typo: bool
    last_file: int


def _entry_digest(hasher: hashlib._Hash, title: str, abstract: str) -> None:
    hasher.update(f"{' '.join(title.split())}\x1f{abstract}\x1e".encode())


# ----------------------------------------------------------------------------- the library


def _file_sizes(rng: random.Random, n_entries: int, n_papers: int, per_file: int) -> list[int]:
    sizes: list[int] = []
    total = 0
    low, high = max(1, round(per_file * 0.8)), max(1, round(per_file * 1.2))
    while total < n_entries:
        size = min(rng.randint(low, high), n_entries - total)
        if not sizes:
            size = min(size, n_papers)  # the first day can only list new papers
        sizes.append(size)
        total += size
    return sizes


def _evening(day: dt.date) -> float:
    """8 pm local time on `day`: the file's mtime, whose local date is the listing date."""
    return dt.datetime(day.year, day.month, day.day, 20, 0).timestamp()


def generate_library(
    out_dir: Path,
    n_papers: int,
    *,
    seed: int = 0,
    papers_per_file: int = 100,
    repeat_fraction: float = 0.2,
    sample_dir: Path = SAMPLE_DIR,
) -> GeneratedLibrary:
    """Write a library of `n_papers` distinct papers as one-day dump files into `out_dir`.

    About `repeat_fraction` of the entries are repeats of earlier papers, so the library holds
    round(n_papers / (1 - repeat_fraction)) entries. `out_dir` is created if needed and must not
    already hold dumps (YYYY-MM-DD.txt) from an earlier run.
    """
    if n_papers < 1:
        raise ValueError("n_papers must be at least 1")
    if not 0 <= repeat_fraction <= 0.9:
        raise ValueError("repeat_fraction must be between 0 and 0.9")
    if papers_per_file < 1:
        raise ValueError("papers_per_file must be at least 1")
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stale = sorted(p.name for p in out_dir.iterdir() if DUMP_NAME.fullmatch(p.name))
    if stale:
        raise FileExistsError(
            f"{out_dir} already holds dumps ({stale[0]}, ...): use an empty folder"
        )

    model = build_model(load_samples(sample_dir))
    rng = random.Random(seed)
    writer = _Writer(model, rng)
    n_repeats = round(n_papers * repeat_fraction / (1 - repeat_fraction))
    n_entries = n_papers + n_repeats
    sizes = _file_sizes(rng, n_entries, n_papers, papers_per_file)
    if len(sizes) == 1 and n_repeats:
        sizes = [n_papers, n_repeats]  # repeats need a later day
    first_day = END_DATE - dt.timedelta(days=len(sizes) - 1)
    dates = [first_day + dt.timedelta(days=i) for i in range(len(sizes))]

    papers: dict[int, _Paper] = {}
    window: deque[list[int]] = deque()
    entry_paper_ids: list[int] = []
    pairs: list[tuple[int, int]] = []
    variants: Counter[str] = Counter()
    digests: list[str] = []
    files: list[Path] = []
    new_left, repeats_left = n_papers, n_repeats
    no_abstract = 0
    total_bytes = 0
    variant_kinds, variant_weights = list(VARIANTS), list(VARIANTS.values())

    def pick_repeat(today: set[int]) -> int | None:
        for _ in range(30):
            age = min(1 + int(rng.expovariate(0.25)), len(window))
            day = window[-age]
            pid = day[rng.randrange(len(day))]
            if pid not in today:
                return pid
        for day in reversed(window):
            for pid in day:
                if pid not in today:
                    return pid
        return None

    for fi, (day, size) in enumerate(zip(dates, sizes, strict=True)):
        paragraphs = [*CHROME]
        if rng.random() < 0.25:
            paragraphs.append("Daily Papers")
        paragraphs += [BYLINE, f"{MONTHS[day.month - 1]} {day.day}"]
        today: set[int] = set()
        hasher = hashlib.sha256()
        for _ in range(size):
            pid = None
            if window and repeats_left and rng.random() * (new_left + repeats_left) < repeats_left:
                pid = pick_repeat(today)
            if pid is None and new_left == 0:
                pid = pick_repeat(today)
                if pid is None:
                    raise RuntimeError("papers_per_file is too small for this many repeats")
            if pid is not None:  # a repeat
                repeats_left -= 1
                paper = papers[pid]
                paper.last_file = fi
                title, abstract = paper.title, paper.abstract
                changed = False
                if paper.had_typo:
                    variants["typo_fixed"] += 1
                    changed = True
                if rng.random() < P_REPEAT_CHANGED:
                    for _ in range(2 if rng.random() < 0.15 else 1):
                        for _attempt in range(5):
                            kind = rng.choices(variant_kinds, variant_weights)[0]
                            result = writer.vary(kind, title, abstract)
                            if result is not None:
                                title, abstract = result
                                variants[kind] += 1
                                changed = True
                                break
                if not changed:
                    variants["exact"] += 1
            else:  # a new paper
                pid = n_papers - new_left
                new_left -= 1
                twin_of = None
                title = None
                if window and rng.random() < P_TWIN:
                    day_ids = window[-rng.randint(1, len(window))]
                    twin_of = papers[day_ids[rng.randrange(len(day_ids))]]
                    title = writer.twin_title(twin_of.title)
                if title is not None and twin_of is not None:
                    name = twin_of.name if twin_of.name in title or rng.random() < 0.5 else None
                    fill = writer.fill(name or writer.name())
                    pairs.append((twin_of.pid, pid))
                else:
                    fill = writer.fill(writer.name())
                    title = writer.title(fill)
                abstract = writer.abstract(fill)
                had_typo = rng.random() < P_FIRST_TYPO
                paper = _Paper(pid, title, abstract, fill.values[NAME], had_typo, fi)
                papers[pid] = paper
                if rng.random() < P_NO_ABSTRACT:
                    abstract = ""
                elif had_typo:
                    abstract = writer.typo(abstract)
            today.add(pid)
            entry_paper_ids.append(pid)
            paragraphs.append(title)
            if abstract:
                paragraphs.append(abstract)
            else:
                no_abstract += 1
            _entry_digest(hasher, title, abstract)

        data = ("\n\n".join(paragraphs) + "\n").encode("utf-8")
        path = out_dir / f"{day.isoformat()}.txt"
        path.write_bytes(data)
        evening = _evening(day)
        os.utime(path, (evening, evening))
        files.append(path)
        digests.append(hasher.hexdigest())
        total_bytes += len(data)

        window.append(sorted(today))
        if len(window) > WINDOW_DAYS:
            gone = fi - WINDOW_DAYS
            for pid in window.popleft():
                if papers[pid].last_file == gone:
                    del papers[pid]

    assert new_left == 0 and repeats_left == 0, (new_left, repeats_left)
    return GeneratedLibrary(
        out_dir=out_dir,
        files=files,
        n_entries=n_entries,
        n_distinct_papers=n_papers,
        entry_paper_ids=entry_paper_ids,
        entries_per_file=sizes,
        listing_dates=dates,
        near_identical_pairs=pairs,
        n_without_abstract=no_abstract,
        variant_counts=dict(variants),
        file_digests=digests,
        seed=seed,
        bytes_written=total_bytes,
        seconds=time.perf_counter() - started,
    )


# ----------------------------------------------------------------------------- self-check


class VerifyError(Exception):
    """The parser does not read back what the generator wrote."""


def verify(lib: GeneratedLibrary) -> str:
    """Parse every file with `read_dump` and compare with what was generated.

    Checks each file's entry count, listing date, inferred year (from the mtime) and the exact
    titles and abstracts (by digest), and the totals. Raises `VerifyError` on the first mismatch;
    returns a one-line summary.
    """
    from readinglist.core.feedparse import infer_year, read_dump

    def fail(message: str) -> None:
        raise VerifyError(message)

    if len(lib.files) != len(lib.entries_per_file):
        fail(f"{len(lib.files)} files but {len(lib.entries_per_file)} entry counts")
    total = without = 0
    titles: list[str] = []
    for path, expected, day, digest in zip(
        lib.files, lib.entries_per_file, lib.listing_dates, lib.file_digests, strict=True
    ):
        parsed = read_dump(path)
        if len(parsed.entries) != expected:
            fail(f"{path.name}: parsed {len(parsed.entries)} entries, generated {expected}")
        reference = dt.date.fromtimestamp(parsed.mtime)
        hasher = hashlib.sha256()
        for entry in parsed.entries:
            if (entry.month, entry.day) != (day.month, day.day):
                fail(f"{path.name}:{entry.line}: date {entry.month}/{entry.day}, expected {day}")
            if infer_year(entry.month, entry.day, reference) != day.year:
                fail(f"{path.name}: year inferred from mtime {reference} is not {day.year}")
            _entry_digest(hasher, entry.title, entry.abstract)
            without += not entry.abstract
            titles.append(entry.title)
        if hasher.hexdigest() != digest:
            fail(f"{path.name}: parsed titles or abstracts differ from the generated ones")
        total += len(parsed.entries)
    if total != lib.n_entries or len(lib.entry_paper_ids) != lib.n_entries:
        fail(f"parsed {total} entries, generated {lib.n_entries}")
    if without != lib.n_without_abstract:
        fail(f"parsed {without} entries without abstract, generated {lib.n_without_abstract}")
    if set(lib.entry_paper_ids) != set(range(lib.n_distinct_papers)):
        fail(f"{len(set(lib.entry_paper_ids))} paper ids for {lib.n_distinct_papers} papers")
    # Titles identify papers up to case, spacing and punctuation, except for the same-title twins.
    twins = {frozenset(pair) for pair in lib.near_identical_pairs}
    key_of: dict[int, str] = {}
    pids_of: dict[str, set[int]] = {}
    for pid, title in zip(lib.entry_paper_ids, titles, strict=True):
        key = _TITLE_KEY.sub("", title.casefold())
        if key_of.setdefault(pid, key) != key:
            fail(f"paper {pid} is listed as {title!r}, a different title from its first listing")
        pids_of.setdefault(key, set()).add(pid)
    for key, pids in pids_of.items():
        if len(pids) > 1 and not (len(pids) == 2 and frozenset(pids) in twins):
            fail(f"papers {sorted(pids)} share the title {key!r}")
    return (
        f"verified: {len(lib.files):,} files parse back to {total:,} entries with the generated "
        f"titles, abstracts, dates and years"
    )


# ----------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("out_dir", type=Path, help="folder to write the dumps into (created)")
    parser.add_argument("n", type=int, help="number of distinct papers")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--papers-per-file", type=int, default=100)
    parser.add_argument("--repeat-fraction", type=float, default=0.2)
    parser.add_argument("--verify", action="store_true", help="parse every file back and compare")
    args = parser.parse_args(argv)
    try:
        lib = generate_library(
            args.out_dir,
            args.n,
            seed=args.seed,
            papers_per_file=args.papers_per_file,
            repeat_fraction=args.repeat_fraction,
        )
    except (ValueError, FileExistsError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(lib.summary())
    if args.verify:
        started = time.perf_counter()
        try:
            message = verify(lib)
        except VerifyError as exc:
            print(f"verify FAILED: {exc}", file=sys.stderr)
            return 1
        print(f"{message} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
